//! Getting a database: the configured one, or the private cluster in the data directory; migrated.

use crate::config::Config;
use anyhow::Context;
use cadence::db::cluster::{Cluster, ClusterOptions, DataDirLock, lock_data_dir};
use cadence::db::{Database, migrate};

/// An open, migrated database, and the private cluster behind it when there is one.
pub struct OpenDatabase {
    pub db: Database,
    pub owner_url: String,
    pub app_url: String,
    cluster: Option<Cluster>,
    _lock: Option<DataDirLock>,
}

/// Whether this process holds the data directory for itself (`serve`) or shares it (CLI commands).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Exclusive {
    Yes,
    No,
}

impl OpenDatabase {
    /// Connects (starting the private cluster if `DATABASE_URL` is unset) and applies migrations.
    pub async fn open(config: &Config, exclusive: Exclusive) -> anyhow::Result<Self> {
        let (app_url, owner_url, cluster, lock) = match &config.database_url {
            Some(url) => {
                let owner = config.database_owner_url.clone().unwrap_or_else(|| {
                    tracing::warn!(
                        "DATABASE_OWNER_URL is unset: migrations run as the application role"
                    );
                    url.clone()
                });
                (url.clone(), owner, None, None)
            }
            None => {
                let lock = match exclusive {
                    Exclusive::Yes => Some(lock_data_dir(&config.data_dir)?),
                    Exclusive::No => None,
                };
                let mut cluster = Cluster::ensure(&config.data_dir, ClusterOptions::default())
                    .await
                    .context("starting the private PostgreSQL cluster")?;
                if exclusive == Exclusive::Yes {
                    cluster.adopt();
                }
                (cluster.app_url(), cluster.owner_url(), Some(cluster), lock)
            }
        };
        migrate(&owner_url).await.context("applying migrations")?;
        let db = Database::connect(&app_url, config.db_max_connections)
            .await
            .context("connecting as the application role")?;
        Ok(Self {
            db,
            owner_url,
            app_url,
            cluster,
            _lock: lock,
        })
    }

    /// Closes the pool and stops the private cluster if this process started it.
    pub async fn close(self) {
        self.db.close().await;
        if let Some(cluster) = self.cluster.as_ref().filter(|c| c.started_here())
            && let Err(e) = cluster.stop()
        {
            tracing::error!(error = %e, "could not stop the private cluster cleanly");
        }
    }

    /// Stops the private cluster even if another command started it (`cadence db stop`).
    pub async fn close_and_stop_cluster(self) -> anyhow::Result<()> {
        self.db.close().await;
        if let Some(cluster) = &self.cluster {
            cluster.stop()?;
        }
        Ok(())
    }
}
