//! Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): after a
//! successful log-in the browser gets a long-lived token naming the account, signed with a server
//! key (HMAC-SHA256). A browser that shows a valid one is not held by the account's lock against
//! unknown browsers; it has its own failure count instead (see `throttle`).

use crate::Result;
use crate::admin::keys::Keyring;
use crate::db::Database;
use chrono::Utc;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use sqlx::PgConnection;
use uuid::Uuid;

/// How long a device cookie is honoured after it was issued (the cookie's own lifetime too).
pub const DEVICE_COOKIE_DAYS: i64 = 365;
const VERSION: &str = "v1";
const PURPOSE: &str = "device-cookies";

fn context() -> Vec<u8> {
    format!("cadence:auth-secret:{PURPOSE}").into_bytes()
}

/// A device cookie whose signature, account and age were checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub user: Uuid,
    /// Random, per issue: the name the device's own failures are counted under.
    pub nonce: String,
}

/// The server's key for signing device cookies.
#[derive(Clone)]
pub struct DeviceKey([u8; 32]);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(..)")
    }
}

impl DeviceKey {
    pub fn from_bytes(key: [u8; 32]) -> Self {
        Self(key)
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key");
        m.update(payload.as_bytes());
        m
    }

    /// A new token for `user`, issued at `issued_at` (Unix seconds):
    /// `v1.{user}.{nonce}.{issued_at}.{hex HMAC of what precedes it}`, all cookie-safe characters.
    pub fn issue_at(&self, user: Uuid, issued_at: i64) -> String {
        let mut nonce = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = format!(
            "{VERSION}.{}.{}.{issued_at}",
            user.simple(),
            hex::encode(nonce)
        );
        let sig = hex::encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    pub fn issue(&self, user: Uuid) -> String {
        self.issue_at(user, Utc::now().timestamp())
    }

    /// The device a token names, if its signature is this key's (checked in constant time) and it
    /// is not older than [`DEVICE_COOKIE_DAYS`] at `now` (Unix seconds).
    pub fn verify_at(&self, token: &str, now: i64) -> Option<Device> {
        let (payload, sig) = token.rsplit_once('.')?;
        let sig = hex::decode(sig).ok()?;
        self.mac(payload).verify_slice(&sig).ok()?;
        let mut parts = payload.split('.');
        let (Some(VERSION), Some(user), Some(nonce), Some(issued), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let issued: i64 = issued.parse().ok()?;
        if issued > now + 300 || now - issued > DEVICE_COOKIE_DAYS * 24 * 3600 {
            return None;
        }
        Some(Device {
            user: Uuid::try_parse(user).ok()?,
            nonce: nonce.to_string(),
        })
    }

    /// The first of `tokens` that is valid and names `user`.
    pub fn device_for(&self, tokens: &[String], user: Uuid) -> Option<Device> {
        let now = Utc::now().timestamp();
        tokens
            .iter()
            .filter_map(|t| self.verify_at(t, now))
            .find(|d| d.user == user)
    }
}

/// The device-cookie key of the current master key, made (and wrapped with it) on first use.
///
/// There is one per master key: a rotation (or a server given other master keys) starts a new
/// one, and the cookies signed before it stop counting. That only withdraws an exemption (those
/// browsers are unknown again until their next log-in), so nothing needs re-wrapping and an old
/// master key is never kept for it.
pub async fn device_key(db: &Database, keys: &Keyring) -> Result<DeviceKey> {
    let mut conn = db.pool().acquire().await?;
    load_or_make(&mut conn, keys).await
}

async fn load_or_make(conn: &mut PgConnection, keys: &Keyring) -> Result<DeviceKey> {
    let ctx = context();
    let current = keys.current_key_id();
    let wrapped: Option<Vec<u8>> = sqlx::query_scalar(
        "select wrapped_key from auth_secrets where purpose = $1 and master_key_id = $2",
    )
    .bind(PURPOSE)
    .bind(&current)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(wrapped) = wrapped {
        return Ok(DeviceKey(keys.unwrap(&current, &wrapped, &ctx).await?));
    }
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    let (id, wrapped) = keys.wrap(&key, &ctx).await?;
    let inserted = sqlx::query(
        "insert into auth_secrets (purpose, master_key_id, wrapped_key) values ($1, $2, $3)
         on conflict (purpose, master_key_id) do nothing",
    )
    .bind(PURPOSE)
    .bind(&id)
    .bind(&wrapped)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        // Another server made it first: use theirs.
        return Box::pin(load_or_make(conn, keys)).await;
    }
    Ok(DeviceKey(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_token_names_its_account_and_verifies_with_its_key_only() {
        let key = DeviceKey([1u8; 32]);
        let user = Uuid::now_v7();
        let token = key.issue_at(user, NOW);
        let device = key.verify_at(&token, NOW + 60).expect("valid");
        assert_eq!(device.user, user);
        assert_eq!(device.nonce.len(), 32);
        // Another server key, or another account asked for, gives nothing.
        assert_eq!(DeviceKey([2u8; 32]).verify_at(&token, NOW), None);
        assert_eq!(
            key.device_for(std::slice::from_ref(&token), Uuid::now_v7()),
            None
        );
        // Two issues for one account are two devices.
        assert_ne!(
            key.verify_at(&key.issue_at(user, NOW), NOW).unwrap().nonce,
            device.nonce
        );
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let key = DeviceKey([1u8; 32]);
        let user = Uuid::now_v7();
        let other = Uuid::now_v7();
        let token = key.issue_at(user, NOW);
        // Another account's id with the original signature.
        let swapped = token.replace(&user.simple().to_string(), &other.simple().to_string());
        assert_eq!(key.verify_at(&swapped, NOW), None);
        // A later issue date, to outlive the lifetime.
        let parts: Vec<&str> = token.split('.').collect();
        let redated = format!(
            "{}.{}.{}.{}.{}",
            parts[0],
            parts[1],
            parts[2],
            NOW + 1000,
            parts[4]
        );
        assert_eq!(key.verify_at(&redated, NOW + 1000), None);
        // A flipped signature digit, a cut token, extra parts, rubbish.
        let last = token.chars().last().unwrap();
        let flipped = format!(
            "{}{}",
            &token[..token.len() - 1],
            if last == '0' { '1' } else { '0' }
        );
        for bad in [
            flipped.as_str(),
            &token[..token.len() - 2],
            &format!("x.{token}"),
            "",
            "v1...",
            "not a token",
        ] {
            assert_eq!(key.verify_at(bad, NOW), None, "{bad}");
        }
    }

    #[test]
    fn a_token_expires_after_its_lifetime_and_cannot_come_from_the_future() {
        let key = DeviceKey([1u8; 32]);
        let user = Uuid::now_v7();
        let token = key.issue_at(user, NOW);
        let life = DEVICE_COOKIE_DAYS * 24 * 3600;
        assert!(key.verify_at(&token, NOW + life).is_some());
        assert_eq!(key.verify_at(&token, NOW + life + 1), None);
        assert_eq!(key.verify_at(&token, NOW - 3600), None);
    }
}
