//! Configuration from the environment, each setting with a documented default.

use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::path::PathBuf;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Everything the server reads from its environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// `CADENCE_ADDR`: where to listen. Default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `CADENCE_BASE_DOMAIN`: storefronts live at `{slug}.{base domain}`. Default `localhost`.
    pub base_domain: String,
    /// `CADENCE_PUBLIC_PORT`: the port in public URLs. Default: the listen port (none for 80/443).
    pub public_port: Option<u16>,
    /// `CADENCE_DATA_DIR`: the private cluster and uploads. Default `./data`.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`: the application role's database. Unset: a private cluster in the data dir.
    pub database_url: Option<String>,
    /// `DATABASE_OWNER_URL`: the owner role, for migrations. Default: `DATABASE_URL`.
    pub database_owner_url: Option<String>,
    /// `CADENCE_LOG`: `pretty` (default) or `json`.
    pub log_format: LogFormat,
    /// `LEPTOS_SITE_ROOT`: the built site (wasm, js, css, public files). Default: `site` beside
    /// the binary's target folder, as cargo-leptos lays it out.
    pub site_root: PathBuf,
    /// `CADENCE_SHUTDOWN_SECS`: how long in-flight requests may take after SIGTERM. Default 20.
    pub shutdown_grace_secs: u64,
    /// `CADENCE_DB_MAX_CONNECTIONS`: application pool size. Default 20.
    pub db_max_connections: u32,
    /// `CADENCE_SECURE_COOKIES`: mark cookies `Secure` (set `true` behind HTTPS). Default false.
    pub secure_cookies: bool,
    /// `SMTP_URL`: where mail is sent (e.g. `smtps://user:pass@smtp.example.com`). Unset: mail
    /// stays in the outbox and the development mailbox shows it (on a loopback address).
    pub smtp_url: Option<String>,
    /// `CADENCE_MAIL_FROM`: the sender of outgoing mail. Default `Cadence <no-reply@{base domain}>`.
    pub mail_from: String,
    /// Where uploaded images are stored: `CADENCE_MEDIA_DIR` (default `{data dir}/media`), or an
    /// S3-compatible bucket when `CADENCE_S3_BUCKET` is set (with `CADENCE_S3_ENDPOINT`,
    /// `CADENCE_S3_REGION` (default `us-east-1`), `CADENCE_S3_ACCESS_KEY_ID`,
    /// `CADENCE_S3_SECRET_ACCESS_KEY`).
    pub media: MediaConfig,
    /// Master keys for credentials: `CADENCE_MASTER_KEYS` (`id:base64` entries, comma-separated,
    /// the first current), or else the key file `CADENCE_MASTER_KEY_FILE` (default
    /// `{data dir}/master.keys`, made on first start).
    pub master_keys: Option<String>,
    pub master_key_file: PathBuf,
    /// `CADENCE_DEFAULT_FEATURES` (`csv_export,portfolio`) and `CADENCE_DEFAULT_LIMITS`
    /// (`seats=5,api_keys=2`): every tenant has at least these, whatever its plan.
    pub default_features: String,
    pub default_limits: String,
    /// `CADENCE_RATE_LIMIT_SCALE`: multiplies every rate limit (default 1; 0 turns them off,
    /// e.g. for load benchmarks from one address).
    pub rate_limit_scale: f64,
    /// `CADENCE_PAGE_CACHE=off`: no rendered storefront page is kept, each reads its data every
    /// time (to measure or rule out the cache); `on` (the default) keeps pages until a write
    /// changes them.
    pub page_cache: bool,
    /// `CADENCE_METRICS_TOKEN`: a bearer token for `/metrics` from other machines (loopback
    /// clients need none).
    pub metrics_token: Option<String>,
}

/// Where uploaded images live.
#[derive(Clone, Debug)]
pub enum MediaConfig {
    Local(PathBuf),
    S3(cadence::media::S3Settings),
}

impl MediaConfig {
    pub fn open(&self) -> anyhow::Result<cadence::media::MediaStore> {
        Ok(match self {
            MediaConfig::Local(dir) => cadence::media::MediaStore::local(dir)?,
            MediaConfig::S3(s) => cadence::media::MediaStore::s3(s)?,
        })
    }
}

fn media_config(
    get: &impl Fn(&str) -> Option<String>,
    data_dir: &std::path::Path,
) -> anyhow::Result<MediaConfig> {
    let Some(bucket) = get("CADENCE_S3_BUCKET") else {
        return Ok(MediaConfig::Local(
            get("CADENCE_MEDIA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("media")),
        ));
    };
    let need =
        |k: &str| get(k).with_context(|| format!("{k} must be set when CADENCE_S3_BUCKET is"));
    Ok(MediaConfig::S3(cadence::media::S3Settings {
        endpoint: need("CADENCE_S3_ENDPOINT")?,
        bucket,
        region: get("CADENCE_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
        access_key_id: need("CADENCE_S3_ACCESS_KEY_ID")?,
        secret_access_key: need("CADENCE_S3_SECRET_ACCESS_KEY")?,
    }))
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Builds the configuration from any key → value source (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let addr: SocketAddr = get("CADENCE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("CADENCE_ADDR must be an address such as 127.0.0.1:3000")?;
        let base_domain = get("CADENCE_BASE_DOMAIN")
            .unwrap_or_else(|| "localhost".into())
            .trim()
            .trim_matches('.')
            .to_ascii_lowercase();
        if base_domain.is_empty() || base_domain.contains(['/', ':', ' ']) {
            bail!("CADENCE_BASE_DOMAIN must be a bare domain such as localhost or cadence.example");
        }
        let mail_from =
            get("CADENCE_MAIL_FROM").unwrap_or_else(|| format!("Cadence <no-reply@{base_domain}>"));
        let public_port = match get("CADENCE_PUBLIC_PORT") {
            Some(p) => Some(
                p.parse()
                    .context("CADENCE_PUBLIC_PORT must be a port number")?,
            ),
            None => Some(addr.port()),
        }
        .filter(|p| *p != 80 && *p != 443);
        let log_format = match get("CADENCE_LOG").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("CADENCE_LOG must be `pretty` or `json`, not `{other}`"),
        };
        let site_root = get("LEPTOS_SITE_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(default_site_root);
        let data_dir: PathBuf = get("CADENCE_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| "data".into());
        let media = media_config(&get, &data_dir)?;
        let master_key_file = get("CADENCE_MASTER_KEY_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("master.keys"));
        Ok(Self {
            master_keys: get("CADENCE_MASTER_KEYS"),
            master_key_file,
            default_features: get("CADENCE_DEFAULT_FEATURES").unwrap_or_default(),
            default_limits: get("CADENCE_DEFAULT_LIMITS").unwrap_or_default(),
            metrics_token: get("CADENCE_METRICS_TOKEN"),
            rate_limit_scale: get("CADENCE_RATE_LIMIT_SCALE")
                .map(|s| s.parse::<f64>())
                .transpose()
                .context("CADENCE_RATE_LIMIT_SCALE must be a number such as 1 or 0.5")?
                .unwrap_or(1.0),
            page_cache: match get("CADENCE_PAGE_CACHE").as_deref() {
                None | Some("on") => true,
                Some("off") => false,
                Some(other) => {
                    anyhow::bail!("CADENCE_PAGE_CACHE must be on or off, not {other:?}")
                }
            },
            addr,
            base_domain,
            public_port,
            data_dir,
            media,
            database_url: get("DATABASE_URL"),
            database_owner_url: get("DATABASE_OWNER_URL"),
            log_format,
            site_root,
            shutdown_grace_secs: get("CADENCE_SHUTDOWN_SECS")
                .map(|s| s.parse())
                .transpose()
                .context("CADENCE_SHUTDOWN_SECS must be a number of seconds")?
                .unwrap_or(20),
            db_max_connections: get("CADENCE_DB_MAX_CONNECTIONS")
                .map(|s| s.parse())
                .transpose()
                .context("CADENCE_DB_MAX_CONNECTIONS must be a number")?
                .unwrap_or(20),
            smtp_url: get("SMTP_URL"),
            mail_from,
            secure_cookies: matches!(
                get("CADENCE_SECURE_COOKIES").as_deref(),
                Some("1" | "true" | "yes")
            ),
        })
    }
}

/// `<target>/site` for a binary at `<target>/<profile>/cadence`, else `target/site`.
fn default_site_root() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|t| t.join("site")))
        .filter(|p| p.join("pkg").exists())
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.base_domain, "localhost");
        assert_eq!(c.public_port, Some(3000));
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert!(c.database_url.is_none());
        assert_eq!(c.log_format, LogFormat::Pretty);
    }

    #[test]
    fn standard_ports_are_left_out_of_public_urls() {
        let c = config(&[("CADENCE_ADDR", "0.0.0.0:443")]).unwrap();
        assert_eq!(c.public_port, None);
    }

    #[test]
    fn bad_values_are_refused_with_the_setting_named() {
        let e = config(&[("CADENCE_LOG", "xml")]).unwrap_err().to_string();
        assert!(e.contains("CADENCE_LOG"), "{e}");
        let e = config(&[("CADENCE_ADDR", "nope")]).unwrap_err().to_string();
        assert!(e.contains("CADENCE_ADDR"), "{e}");
        let e = config(&[("CADENCE_BASE_DOMAIN", "http://x")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("CADENCE_BASE_DOMAIN"), "{e}");
    }
}
