//! Master keys for envelope encryption: loading the key provider from configuration (or making a
//! private key file on first start), and `cadence keys rotate | rewrap | status`.

use crate::config::Config;
use anyhow::Context;
use cadence::admin::keys::{Keyring, LocalKeys};
use cadence::db::Database;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

/// The key provider this server uses: keys from the environment, else the key file (made with one
/// fresh key, readable by its owner only, when it does not exist).
pub fn keyring(config: &Config) -> anyhow::Result<Keyring> {
    if let Some(keys) = &config.master_keys {
        return Ok(Keyring::new(
            LocalKeys::parse(keys).context("reading CADENCE_MASTER_KEYS")?,
        ));
    }
    let path = &config.master_key_file;
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_key_file(path, &format!("{}\n", LocalKeys::generate_entry()))?;
        tracing::info!(file = %path.display(), "made a new master key file");
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the master key file {}", path.display()))?;
    Ok(Keyring::new(LocalKeys::parse(&text).with_context(
        || format!("reading the master key file {}", path.display()),
    )?))
}

fn write_key_file(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("new");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// A rotation: a new current key at the top of the key file, every tenant's data key re-wrapped
/// with it (one tenant per transaction; the old key still opens what is not yet re-wrapped, so
/// nothing stops), then keys no data key uses any more are dropped from the file.
pub async fn rotate(config: &Config, db: &Database) -> anyhow::Result<()> {
    if config.master_keys.is_some() {
        anyhow::bail!(
            "the master keys come from CADENCE_MASTER_KEYS: put the new key first there, restart, then run `cadence keys rewrap`"
        );
    }
    keyring(config)?;
    let path = &config.master_key_file;
    let old = std::fs::read_to_string(path)?;
    let entry = LocalKeys::generate_entry();
    write_key_file(path, &format!("{entry}\n{old}"))?;
    let keys = keyring(config)?;
    let (tenants, rewrapped) = cadence::admin::credentials::rewrap_all(db, &keys).await?;
    let in_use = cadence::admin::credentials::master_keys_in_use(db).await?;
    let all = format!("{entry}\n{old}");
    let kept: Vec<&str> = all
        .lines()
        .filter(|l| {
            let id = l.split(':').next().unwrap_or("").trim();
            !l.trim().is_empty()
                && (l.trim().starts_with('#')
                    || id == keys.current_key_id()
                    || in_use.iter().any(|u| u == id))
        })
        .collect();
    write_key_file(path, &format!("{}\n", kept.join("\n")))?;
    println!(
        "new master key {}; {tenants} tenants looked at, {rewrapped} data keys re-wrapped; keys in use: {}",
        keys.current_key_id(),
        in_use.join(", ")
    );
    Ok(())
}

/// Re-wraps every data key with the current master key (after changing CADENCE_MASTER_KEYS).
pub async fn rewrap(config: &Config, db: &Database) -> anyhow::Result<()> {
    let keys = keyring(config)?;
    let (tenants, rewrapped) = cadence::admin::credentials::rewrap_all(db, &keys).await?;
    let in_use = cadence::admin::credentials::master_keys_in_use(db).await?;
    println!(
        "current master key {}; {tenants} tenants looked at, {rewrapped} data keys re-wrapped; keys in use: {}",
        keys.current_key_id(),
        in_use.join(", ")
    );
    Ok(())
}
