//! Failed-login throttling per account and per IP: after a few failures, a lock that doubles.

use crate::Result;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Failures allowed before the first lock.
pub const FREE_FAILURES: i32 = 5;
/// The first lock; each further failure doubles it, up to [`MAX_LOCK_SECS`].
pub const BASE_LOCK_SECS: i64 = 30;
pub const MAX_LOCK_SECS: i64 = 15 * 60;

/// Seconds a key stays locked after `failures` failures.
pub fn lock_secs(failures: i32) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(10) as u32;
    (BASE_LOCK_SECS << doublings).min(MAX_LOCK_SECS)
}

/// Whole minutes (at least one) until a lock ends, for the message.
pub fn minutes_until(until: DateTime<Utc>) -> i64 {
    ((until - Utc::now()).num_seconds().max(1) + 59) / 60
}

/// When the key is locked, until when.
pub async fn locked_until(conn: &mut PgConnection, key: &str) -> Result<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
        "select locked_until from login_throttle where key = $1 and locked_until > now()",
    )
    .bind(key)
    .fetch_optional(conn)
    .await?
    .flatten())
}

/// Counts a failure (failures older than an hour start a fresh count) and sets the lock.
pub async fn fail(conn: &mut PgConnection, key: &str) -> Result<()> {
    let failures: i32 = sqlx::query_scalar(
        "insert into login_throttle (key, failures, last_failure_at) values ($1, 1, now())
         on conflict (key) do update set
           failures = case when login_throttle.last_failure_at < now() - interval '1 hour'
                           then 1 else login_throttle.failures + 1 end,
           last_failure_at = now()
         returning failures",
    )
    .bind(key)
    .fetch_one(&mut *conn)
    .await?;
    let secs = lock_secs(failures);
    if secs > 0 {
        sqlx::query("update login_throttle set locked_until = now() + make_interval(secs => $2::double precision) where key = $1")
            .bind(key)
            .bind(secs as f64)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Forgets an account's failures after a successful login.
pub async fn clear(conn: &mut PgConnection, key: &str) -> Result<()> {
    sqlx::query("delete from login_throttle where key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_after_the_free_failures_and_double_up_to_the_cap() {
        assert_eq!(lock_secs(4), 0);
        assert_eq!(lock_secs(5), 30);
        assert_eq!(lock_secs(6), 60);
        assert_eq!(lock_secs(7), 120);
        assert_eq!(lock_secs(50), MAX_LOCK_SECS);
    }
}
