//! What one app server remembers of its tenants' storefronts (home data and rendered pages), and
//! how it hears of changes made through any server: the database NOTIFYs `cadence_storefront` with
//! the tenant's id when a write commits (triggers in the migrations), and every server LISTENs.

use crate::cache::TtlCache;
use crate::commerce::HomeData;
use crate::db::Database;
use crate::tenancy::TenantId;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// The channel the database announces storefront changes on (payload: the tenant's id).
pub const CHANNEL: &str = "cadence_storefront";

/// How long an entry may be served: a backstop for a change notice that never came (the
/// notice itself drops entries within milliseconds).
const TTL: Duration = Duration::from_secs(5);
const CAPACITY: usize = 10_000;

/// One server's storefront cache. Every entry belongs to one tenant; a change to the tenant drops
/// all of its entries. Pages that differ per visitor are keyed by what the visitor sent (their
/// cart cookie, their receipt's reference), never by anything another visitor could be served.
pub struct StorefrontCache {
    homes: TtlCache<TenantId, HomeData>,
    pages: TtlCache<(TenantId, String), Arc<str>>,
    /// False while the change listener is (re)connecting: nothing is served or stored then.
    enabled: AtomicBool,
    /// Rendered pages switched off for good (configuration): pages read their data each time.
    pages_off: AtomicBool,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Default for StorefrontCache {
    fn default() -> Self {
        Self {
            homes: TtlCache::new(TTL, CAPACITY),
            pages: TtlCache::new(TTL, CAPACITY),
            enabled: AtomicBool::new(true),
            pages_off: AtomicBool::new(false),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }
}

impl StorefrontCache {
    fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    fn pages_enabled(&self) -> bool {
        self.enabled() && !self.pages_off.load(Ordering::Relaxed)
    }

    /// Keeps no rendered page from now on: each page is rendered and reads its own data (item,
    /// cart lines, receipt) every time; the directory and home data are still kept.
    pub fn switch_off_pages(&self) {
        self.pages_off.store(true, Ordering::Relaxed);
        self.pages.clear();
    }

    pub(crate) fn home(&self, tenant: TenantId) -> Option<HomeData> {
        self.enabled().then(|| self.homes.get(&tenant)).flatten()
    }

    pub(crate) fn homes_generation(&self) -> u64 {
        self.homes.generation()
    }

    pub(crate) fn keep_home(&self, generation: u64, tenant: TenantId, data: HomeData) {
        if self.enabled() {
            self.homes.insert_unless_forgotten(generation, tenant, data);
        }
    }

    /// A rendered page of `tenant` under `key`, if one is kept.
    pub fn page(&self, tenant: TenantId, key: &str) -> Option<Arc<str>> {
        let hit = self
            .pages_enabled()
            .then(|| self.pages.get(&(tenant, key.to_string())))
            .flatten();
        let counter = if hit.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    /// Take before loading a page's data; pass to [`StorefrontCache::keep_page`].
    pub fn pages_generation(&self) -> u64 {
        self.pages.generation()
    }

    /// Keeps a rendered page, unless the tenant (or everything) was forgotten since `generation`.
    pub fn keep_page(&self, generation: u64, tenant: TenantId, key: String, html: Arc<str>) {
        if self.pages_enabled() {
            self.pages
                .insert_unless_forgotten(generation, (tenant, key), html);
        }
    }

    /// Pages served from the cache and pages looked for and not found, since start.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Whether the cache is in use (false while the change listener reconnects).
    pub fn is_enabled(&self) -> bool {
        self.enabled()
    }

    /// Drops everything kept for `tenant` (and its directory entry).
    pub fn forget(&self, tenant: TenantId) {
        self.homes.forget_where(|k, _| *k == tenant);
        self.pages.forget_where(|(t, _), _| *t == tenant);
        crate::tenancy::forget_tenant(tenant);
    }

    /// Drops everything (and the tenant directory).
    pub fn flush(&self) {
        self.homes.clear();
        self.pages.clear();
        crate::tenancy::forget_all_tenants();
    }

    fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Release);
    }
}

/// Keeps `db`'s storefront cache in step with every server's writes: LISTENs on [`CHANNEL`] over
/// a connection of its own and drops the named tenant's entries on each notice. While the
/// connection is down the cache is off (notices may be lost), and it starts empty when the
/// connection is back. Runs until the task is aborted.
pub fn spawn_listener(db: Database) -> tokio::task::JoinHandle<()> {
    let cache = db.storefront_cache().clone();
    cache.set_enabled(false);
    tokio::spawn(async move {
        let mut wait = Duration::from_millis(100);
        loop {
            match connect(&db).await {
                Ok(mut listener) => {
                    // What changed while no one listened is unknown: start from nothing.
                    cache.flush();
                    cache.set_enabled(true);
                    wait = Duration::from_millis(100);
                    tracing::info!("listening for storefront changes");
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(n)) => match uuid::Uuid::parse_str(n.payload()) {
                                Ok(t) => cache.forget(TenantId(t)),
                                Err(_) => cache.flush(),
                            },
                            Ok(None) => break,
                            Err(e) => {
                                tracing::warn!(error = %e, "the storefront change listener failed");
                                break;
                            }
                        }
                    }
                    cache.set_enabled(false);
                    cache.flush();
                    tracing::warn!(
                        "lost the storefront change listener: the cache is off until it reconnects"
                    );
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not listen for storefront changes");
                }
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(5));
        }
    })
}

async fn connect(db: &Database) -> crate::Result<sqlx::postgres::PgListener> {
    let options = (*db.pool().connect_options())
        .clone()
        .application_name("cadence-listener");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_lazy_with(options);
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
    listener.ignore_pool_close_event(true);
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
