//! Idempotency keys for retried writes: the first request with a key runs and its answer is kept;
//! the same key again gets that answer back; the same key with a different request is refused; a
//! key still being worked on is waited for, so simultaneous retries all get the same answer.

use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use std::time::Duration;

/// What to do with a request carrying a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// First time: run it, then [`complete`] (or [`release`] if it failed on our side).
    New,
    /// Seen before: answer this.
    Replay { status: u16, body: String },
    /// The key was used for a different request.
    Mismatch,
}

/// Claims `key` for the request whose hash is given, waiting (up to `wait`) for a first request
/// with the same key that is still running.
pub async fn claim(
    db: &Database,
    scope: &TenantScope,
    key: &str,
    request_hash: &[u8],
    wait: Duration,
) -> Result<Claim> {
    if key.is_empty() || key.len() > 255 {
        return Err(Error::Validation(
            "An Idempotency-Key has 1 to 255 characters.".into(),
        ));
    }
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let mut tx = db.tenant_tx(scope).await?;
        let inserted = sqlx::query(
            "insert into idempotency_keys (tenant_id, key, request_hash) values ($1, $2, $3)
             on conflict (tenant_id, key) do nothing",
        )
        .bind(scope.tenant_id().0)
        .bind(key)
        .bind(request_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            tx.commit().await?;
            return Ok(Claim::New);
        }
        let (hash, status, body): (Vec<u8>, Option<i32>, Option<String>) = sqlx::query_as(
            "select request_hash, status_code, response_body from idempotency_keys where key = $1",
        )
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        if hash != request_hash {
            return Ok(Claim::Mismatch);
        }
        if let (Some(status), Some(body)) = (status, body) {
            return Ok(Claim::Replay {
                status: status as u16,
                body,
            });
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::Validation(
                "A request with this Idempotency-Key is still being processed; retry shortly."
                    .into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Stores the answer to replay.
pub async fn complete(
    db: &Database,
    scope: &TenantScope,
    key: &str,
    status: u16,
    body: &str,
) -> Result<()> {
    let mut tx = db.tenant_tx(scope).await?;
    sqlx::query(
        "update idempotency_keys set status_code = $2, response_body = $3, completed_at = now()
          where key = $1",
    )
    .bind(key)
    .bind(status as i32)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Frees a key whose request failed on our side, so a retry runs again.
pub async fn release(db: &Database, scope: &TenantScope, key: &str) -> Result<()> {
    let mut tx = db.tenant_tx(scope).await?;
    sqlx::query("delete from idempotency_keys where key = $1 and status_code is null")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes keys older than 48 hours (all tenants); returns how many.
pub async fn forget_old(db: &Database) -> Result<i64> {
    Ok(sqlx::query_scalar("select forget_idempotency_keys()")
        .fetch_one(db.pool())
        .await?)
}
