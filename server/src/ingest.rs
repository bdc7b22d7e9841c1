//! `cadence ingest`: the operator loads a large ad-data file into a tenant from the command line
//! (streamed: the file is read twice, once for its fingerprint and once to load it).

use anyhow::Context;
use cadence::db::Database;
use sha2::Digest;
use std::io::Read;

/// Loads a Meta insights JSONL file into the tenant with `slug`, and returns the run's report.
pub async fn meta_file(
    db: &Database,
    slug: &str,
    path: &std::path::Path,
) -> anyhow::Result<cadence::ads::RunReport> {
    let tenant = cadence::tenancy::resolve_by_slug(db, slug)
        .await?
        .with_context(|| format!("there is no tenant `{slug}`"))?;
    let open = || std::fs::File::open(path).with_context(|| format!("opening {}", path.display()));
    let mut hasher = sha2::Sha256::new();
    let mut file = open()?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let sha = hex::encode(hasher.finalize());
    let started = std::time::Instant::now();
    let report = cadence::ads::load_meta(
        db,
        &tenant.scope,
        None,
        &format!("cli:{}", path.display()),
        &sha,
        std::io::BufReader::with_capacity(1 << 20, open()?),
    )
    .await?;
    tracing::info!(
        rows = report.rows_loaded,
        seconds = started.elapsed().as_secs_f64(),
        "loaded Meta insights"
    );
    Ok(report)
}
