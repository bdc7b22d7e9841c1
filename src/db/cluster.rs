//! A private PostgreSQL cluster for development, demos and tests, run from the system's binaries.
//!
//! Used when `DATABASE_URL` is unset: the cluster lives under the data directory, listens on a
//! loopback port with password authentication, and holds two roles: `cadence_owner` (owns the
//! database, runs migrations) and `cadence_app` (serves requests; not owner, not superuser, no
//! BYPASSRLS). PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.

use rand::distributions::{Alphanumeric, DistString};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why the private cluster could not be had; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server binaries found (looked for `pg_config --bindir`, /usr/lib/postgresql/*/bin and initdb on PATH). \
         Install them with `sudo apt-get install -y postgresql`, or set DATABASE_URL to an existing database."
    )]
    NoBinaries,
    #[error(
        "running as root, but there is no `postgres` user to run the cluster as: `apt-get install -y postgresql` creates it"
    )]
    NoPostgresUser,
    #[error("{0} failed: {1}")]
    Command(String, String),
    #[error("cannot use the data directory {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("the private cluster's credentials file {0} is unreadable: {1}")]
    Credentials(PathBuf, String),
    #[error("setting up roles in the private cluster failed: {0}")]
    Database(#[from] sqlx::Error),
}

type Result<T> = std::result::Result<T, ClusterError>;

/// Passwords and port of a private cluster, kept beside it (mode 0600).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Credentials {
    port: u16,
    superuser_password: String,
    owner_password: String,
    app_password: String,
}

/// A running private cluster.
#[derive(Debug)]
pub struct Cluster {
    bin_dir: PathBuf,
    pgdata: PathBuf,
    run_as_postgres: bool,
    credentials: Credentials,
    started_here: bool,
}

pub const DATABASE: &str = "cadence";
pub const OWNER_ROLE: &str = "cadence_owner";
pub const APP_ROLE: &str = "cadence_app";

/// Options that tune a cluster made for tests (durability traded for speed).
#[derive(Clone, Copy, Debug, Default)]
pub struct ClusterOptions {
    pub fast_unsafe: bool,
}

impl Cluster {
    /// Initialises the cluster on first use and starts it unless it is already running.
    pub async fn ensure(data_dir: &Path, options: ClusterOptions) -> Result<Cluster> {
        let bin_dir = find_bin_dir().ok_or(ClusterError::NoBinaries)?;
        std::fs::create_dir_all(data_dir).map_err(|e| ClusterError::Io(data_dir.into(), e))?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(|e| ClusterError::Io(data_dir.into(), e))?;
        let run_as_postgres = nix::unistd::geteuid().is_root();
        let pgdata = cluster_dir(&data_dir, run_as_postgres)?;
        let creds_path = data_dir.join("postgres-credentials.json");

        let mut cluster = if pgdata.join("PG_VERSION").exists() {
            let text = std::fs::read_to_string(&creds_path)
                .map_err(|e| ClusterError::Credentials(creds_path.clone(), e.to_string()))?;
            let credentials = serde_json::from_str(&text)
                .map_err(|e| ClusterError::Credentials(creds_path.clone(), e.to_string()))?;
            Cluster {
                bin_dir,
                pgdata,
                run_as_postgres,
                credentials,
                started_here: false,
            }
        } else {
            let credentials = Credentials {
                port: free_port(),
                superuser_password: password(),
                owner_password: password(),
                app_password: password(),
            };
            write_private(
                &creds_path,
                &serde_json::to_string_pretty(&credentials).unwrap(),
            )?;
            let cluster = Cluster {
                bin_dir,
                pgdata,
                run_as_postgres,
                credentials,
                started_here: false,
            };
            cluster.initdb(&data_dir, options)?;
            cluster
        };

        if !cluster.is_running() {
            if !port_is_free(cluster.credentials.port) {
                cluster.credentials.port = free_port();
                write_private(
                    &creds_path,
                    &serde_json::to_string_pretty(&cluster.credentials).unwrap(),
                )?;
            }
            cluster.start()?;
            cluster.started_here = true;
        }
        cluster.ensure_roles().await?;
        Ok(cluster)
    }

    /// URL for the application role.
    pub fn app_url(&self) -> String {
        self.url(APP_ROLE, &self.credentials.app_password, DATABASE)
    }

    /// URL for the owner role (migrations).
    pub fn owner_url(&self) -> String {
        self.url(OWNER_ROLE, &self.credentials.owner_password, DATABASE)
    }

    /// URL for the owner role on another database of this cluster (test databases).
    pub fn owner_url_for(&self, database: &str) -> String {
        self.url(OWNER_ROLE, &self.credentials.owner_password, database)
    }

    /// URL for the application role on another database of this cluster (test databases).
    pub fn app_url_for(&self, database: &str) -> String {
        self.url(APP_ROLE, &self.credentials.app_password, database)
    }

    pub fn port(&self) -> u16 {
        self.credentials.port
    }

    /// True when this process started the cluster (and so should stop it).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Takes responsibility for stopping a cluster found running: the server holding the data
    /// directory's lock adopts a cluster left behind by a crashed predecessor.
    pub fn adopt(&mut self) {
        self.started_here = true;
    }

    fn url(&self, user: &str, password: &str, db: &str) -> String {
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/{db}",
            self.credentials.port
        )
    }

    fn pg(&self, tool: &str) -> Command {
        let exe = self.bin_dir.join(tool);
        if self.run_as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn initdb(&self, data_dir: &Path, options: ClusterOptions) -> Result<()> {
        tracing::info!(pgdata = %self.pgdata.display(), "initialising a private PostgreSQL cluster");
        let pwfile = data_dir.join(".initdb-pw");
        write_private(&pwfile, &self.credentials.superuser_password)?;
        if self.run_as_postgres {
            chown_postgres(&pwfile)?;
        }
        let out = self
            .pg("initdb")
            .arg("-D")
            .arg(&self.pgdata)
            .args([
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "--auth=scram-sha-256",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output();
        let _ = std::fs::remove_file(&pwfile);
        check("initdb", out)?;
        let mut conf = String::from(
            "\n# Cadence private cluster\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n",
        );
        if options.fast_unsafe {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nautovacuum = off\nshared_buffers = 32MB\n");
        } else {
            // Bulk ad loads write hundreds of MB in one transaction: fewer checkpoints (a larger
            // WAL allowance) and compressed full-page images keep them from stalling.
            conf.push_str("shared_buffers = 256MB\nmax_wal_size = 4GB\nwal_compression = on\n");
        }
        let conf_path = self.pgdata.join("postgresql.conf");
        let mut existing = std::fs::read_to_string(&conf_path)
            .map_err(|e| ClusterError::Io(conf_path.clone(), e))?;
        existing.push_str(&conf);
        std::fs::write(&conf_path, existing).map_err(|e| ClusterError::Io(conf_path.clone(), e))?;
        Ok(())
    }

    fn is_running(&self) -> bool {
        self.pg("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(&self.pgdata)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    fn start(&self) -> Result<()> {
        tracing::info!(
            port = self.credentials.port,
            "starting the private PostgreSQL cluster"
        );
        let out = self
            .pg("pg_ctl")
            .arg("start")
            .arg("-D")
            .arg(&self.pgdata)
            .arg("-l")
            .arg(self.pgdata.join("cadence-server.log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-p {}", self.credentials.port))
            .output();
        check("pg_ctl start", out)
    }

    /// Stops the cluster (fast mode: open transactions are rolled back, data is safe).
    pub fn stop(&self) -> Result<()> {
        tracing::info!("stopping the private PostgreSQL cluster");
        let out = self
            .pg("pg_ctl")
            .arg("stop")
            .arg("-D")
            .arg(&self.pgdata)
            .args(["-m", "fast", "-w", "-t", "60"])
            .output();
        check("pg_ctl stop", out)
    }

    /// Creates the owner and application roles and the database, once.
    async fn ensure_roles(&self) -> Result<()> {
        let mut conn = PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.credentials.port)
            .username("postgres")
            .password(&self.credentials.superuser_password)
            .database("postgres")
            .connect()
            .await?;
        let c = &self.credentials;
        for (role, pw, extra) in [
            (OWNER_ROLE, &c.owner_password, "CREATEDB"),
            (APP_ROLE, &c.app_password, "NOCREATEDB"),
        ] {
            let exists: bool =
                sqlx::query_scalar("select exists(select 1 from pg_roles where rolname = $1)")
                    .bind(role)
                    .fetch_one(&mut conn)
                    .await?;
            if !exists {
                sqlx::query(&format!(
                    "CREATE ROLE {role} LOGIN PASSWORD '{pw}' NOSUPERUSER NOBYPASSRLS NOCREATEROLE {extra}"
                ))
                .execute(&mut conn)
                .await?;
            }
        }
        let db_exists: bool =
            sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
                .bind(DATABASE)
                .fetch_one(&mut conn)
                .await?;
        if !db_exists {
            sqlx::query(&format!("CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(())
    }
}

/// Where the server binaries are: `pg_config --bindir`, the newest `/usr/lib/postgresql/*/bin`, or PATH.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has_server = |d: &Path| d.join("initdb").exists() && d.join("pg_ctl").exists();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_server(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| has_server(d))
        .collect();
    versions.sort();
    if let Some((_, d)) = versions.pop() {
        return Some(d);
    }
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).find(|d| has_server(d)))
}

/// The cluster's directory. As root it must be reachable by `postgres`; when a parent (such as
/// root's home) is closed to it, the cluster moves under /var/lib/cadence, keyed by the data dir.
fn cluster_dir(data_dir: &Path, run_as_postgres: bool) -> Result<PathBuf> {
    let local = data_dir.join("postgres");
    if !run_as_postgres {
        return Ok(local);
    }
    if nix::unistd::User::from_name("postgres")
        .ok()
        .flatten()
        .is_none()
    {
        return Err(ClusterError::NoPostgresUser);
    }
    let dir = if reachable_by_postgres(data_dir) {
        local
    } else {
        let key = format!("{:016x}", fnv1a(data_dir.to_string_lossy().as_bytes()));
        let dir = PathBuf::from("/var/lib/cadence").join(key);
        tracing::info!(data_dir = %data_dir.display(), cluster = %dir.display(),
            "the data directory is not reachable by the postgres user; keeping the cluster elsewhere");
        dir
    };
    std::fs::create_dir_all(&dir).map_err(|e| ClusterError::Io(dir.clone(), e))?;
    chown_postgres(&dir)?;
    set_mode(&dir, 0o700)?;
    Ok(dir)
}

fn reachable_by_postgres(dir: &Path) -> bool {
    Command::new("runuser")
        .args(["-u", "postgres", "--", "test", "-x"])
        .arg(dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
        && Command::new("runuser")
            .args(["-u", "postgres", "--", "test", "-r"])
            .arg(dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

fn chown_postgres(path: &Path) -> Result<()> {
    let user = nix::unistd::User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or(ClusterError::NoPostgresUser)?;
    nix::unistd::chown(path, Some(user.uid), Some(user.gid))
        .map_err(|e| ClusterError::Io(path.into(), e.into()))
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| ClusterError::Io(path.into(), e))
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents).map_err(|e| ClusterError::Io(path.into(), e))?;
    set_mode(path, 0o600)
}

fn password() -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), 32)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(54329)
}

fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

fn check(what: &str, out: std::io::Result<std::process::Output>) -> Result<()> {
    let out = out.map_err(|e| ClusterError::Command(what.into(), e.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        let mut msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if msg.is_empty() {
            msg = String::from_utf8_lossy(&out.stdout).trim().to_string();
        }
        Err(ClusterError::Command(what.into(), msg))
    }
}

/// Holds the data directory for one running server; a second server on the same directory is
/// refused with a clear message instead of sharing (and corrupting) the cluster.
#[derive(Debug)]
pub struct DataDirLock {
    _lock: nix::fcntl::Flock<std::fs::File>,
}

pub fn lock_data_dir(data_dir: &Path) -> Result<DataDirLock> {
    use std::io::{Read, Seek, Write};
    std::fs::create_dir_all(data_dir).map_err(|e| ClusterError::Io(data_dir.into(), e))?;
    let path = data_dir.join("cadence.lock");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| ClusterError::Io(path.clone(), e))?;
    match nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock) {
        Ok(mut lock) => {
            let _ = lock.set_len(0);
            let _ = lock.rewind();
            let _ = write!(lock, "{}", std::process::id());
            Ok(DataDirLock { _lock: lock })
        }
        Err((mut file, _)) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            Err(ClusterError::Command(
                "locking the data directory".into(),
                format!(
                    "another Cadence server (pid {}) is already using {}; stop it first or set CADENCE_DATA_DIR to another directory",
                    pid.trim(),
                    data_dir.display()
                ),
            ))
        }
    }
}
