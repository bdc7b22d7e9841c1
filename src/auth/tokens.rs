//! Single-use tokens for emailed links: random, stored only as a SHA-256 hash, redeemed once.

use crate::Result;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

pub const VERIFY_EMAIL: &str = "verify_email";
pub const RESET_PASSWORD: &str = "reset_password";

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Creates a token for a user and returns it (the only time it exists in clear).
pub async fn issue(
    conn: &mut PgConnection,
    user: Uuid,
    purpose: &str,
    valid_for_minutes: i64,
) -> Result<String> {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    sqlx::query(
        "insert into auth_tokens (token_hash, user_id, purpose, expires_at)
         values ($1, $2, $3, now() + make_interval(mins => $4::int))",
    )
    .bind(digest(&token))
    .bind(user)
    .bind(purpose)
    .bind(valid_for_minutes as i32)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Redeems a token: marks it used and returns its user, or `None` when it is unknown, used,
/// expired or for another purpose. Atomic, so a link works exactly once.
pub async fn redeem(conn: &mut PgConnection, token: &str, purpose: &str) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "update auth_tokens set used_at = now()
          where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()
          returning user_id",
    )
    .bind(digest(token.trim()))
    .bind(purpose)
    .fetch_optional(conn)
    .await?)
}
