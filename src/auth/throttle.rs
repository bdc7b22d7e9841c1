//! Failed-log-in throttling: failures counted under keys (an account, an account from one address,
//! an address, a device cookie, a user's second-factor codes); past a key's free failures, a lock
//! that doubles with each further failure.

use crate::Result;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// How many failures a key is allowed before its first lock. A count starts afresh when an hour
/// passes without a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub free: i32,
}

/// One account from one address: the person who forgot their password, or one guesser.
pub const ACCOUNT_FROM_ADDRESS: Limit = Limit { free: 5 };
/// One account from browsers it has never logged in from, whatever the address. One address adds
/// at most its own free failures to this count (see [`counts_beyond_address`]), so one person (or
/// one attacker) at one address never locks the account for everyone; failures from several
/// addresses do, and a browser with the account's device cookie is still let in.
pub const ACCOUNT: Limit = Limit { free: 10 };
/// One address across every account. Each account adds at most its own free failures from the
/// address, so only password spraying (guesses at twenty accounts or more) reaches it; an office
/// of fifty people behind one NAT address, each mistyping twice within the hour, stays below it.
pub const ADDRESS: Limit = Limit { free: 100 };
/// One device cookie: the account's own browser, mistyping; past it the cookie is ignored (it
/// counts as an unknown browser) until the lock ends.
pub const DEVICE: Limit = Limit { free: 5 };
/// Second-factor codes of one user.
pub const MFA_CODES: Limit = Limit { free: 5 };

/// The first lock; each further failure doubles it, up to [`MAX_LOCK_SECS`].
pub const BASE_LOCK_SECS: i64 = 30;
pub const MAX_LOCK_SECS: i64 = 15 * 60;

/// Seconds a key stays locked after `failures` failures.
pub fn lock_secs(limit: Limit, failures: i32) -> i64 {
    if failures < limit.free {
        return 0;
    }
    let doublings = (failures - limit.free).min(10) as u32;
    (BASE_LOCK_SECS << doublings).min(MAX_LOCK_SECS)
}

/// Whether a failure of one account from one address, the `pair_failures`-th in a row, also
/// counts for the account and for the address: only the free ones do, so one address cannot push
/// the account past [`ACCOUNT`], nor one account push the address past [`ADDRESS`], on its own.
pub fn counts_beyond_address(pair_failures: i32) -> bool {
    pair_failures <= ACCOUNT_FROM_ADDRESS.free
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

/// The keys among `keys` that are locked now, with the end of each lock (one round trip).
pub async fn locked(
    conn: &mut PgConnection,
    keys: &[String],
) -> Result<Vec<(String, DateTime<Utc>)>> {
    Ok(sqlx::query_as(
        "select key, locked_until from login_throttle
          where key = any($1) and locked_until > now()",
    )
    .bind(keys)
    .fetch_all(conn)
    .await?)
}

/// Counts a failure (failures older than an hour start a fresh count), sets the lock, and returns
/// the count.
pub async fn fail(conn: &mut PgConnection, key: &str, limit: Limit) -> Result<i32> {
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
    let secs = lock_secs(limit, failures);
    if secs > 0 {
        sqlx::query("update login_throttle set locked_until = now() + make_interval(secs => $2::double precision) where key = $1")
            .bind(key)
            .bind(secs as f64)
            .execute(conn)
            .await?;
    }
    Ok(failures)
}

/// Forgets the keys' failures (after a success).
pub async fn clear(conn: &mut PgConnection, keys: &[String]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query("delete from login_throttle where key = any($1)")
        .bind(keys)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_after_the_free_failures_and_double_up_to_the_cap() {
        assert_eq!(lock_secs(ACCOUNT_FROM_ADDRESS, 4), 0);
        assert_eq!(lock_secs(ACCOUNT_FROM_ADDRESS, 5), 30);
        assert_eq!(lock_secs(ACCOUNT_FROM_ADDRESS, 6), 60);
        assert_eq!(lock_secs(ACCOUNT_FROM_ADDRESS, 7), 120);
        assert_eq!(lock_secs(ACCOUNT_FROM_ADDRESS, 50), MAX_LOCK_SECS);
        assert_eq!(lock_secs(ADDRESS, 99), 0);
        assert_eq!(lock_secs(ADDRESS, 100), 30);
    }

    #[test]
    fn one_address_cannot_lock_an_account_for_everyone_alone() {
        // However long one address keeps failing at one account, the account and the address
        // count only its free failures.
        let spilled = (1..=1000).filter(|&n| counts_beyond_address(n)).count() as i32;
        assert_eq!(spilled, ACCOUNT_FROM_ADDRESS.free);
        assert_eq!(lock_secs(ACCOUNT, spilled), 0);
        assert_eq!(lock_secs(ADDRESS, spilled), 0);
        // Two addresses are needed for the account, twenty accounts for the address.
        assert!(lock_secs(ACCOUNT, 2 * spilled) > 0);
        assert_eq!(lock_secs(ADDRESS, 19 * spilled), 0);
        assert!(lock_secs(ADDRESS, 20 * spilled) > 0);
    }
}
