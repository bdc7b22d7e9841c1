//! Rate limits kept in PostgreSQL, so every app server counts the same hits: a fixed window per
//! bucket ("login:ip:203.0.113.7"), one upsert per limited request.

use crate::Result;
use crate::db::Database;

/// How many hits a bucket allows per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub limit: i64,
    pub window_secs: i64,
}

static SCALE: std::sync::OnceLock<f64> = std::sync::OnceLock::new();

/// Multiplies every limit (`CADENCE_RATE_LIMIT_SCALE`; 0 turns limits off, e.g. for benchmarks).
pub fn set_scale(scale: f64) {
    let _ = SCALE.set(scale.max(0.0));
}

/// Counts a hit; `Some(seconds)` (until the window ends) when the bucket is over its limit.
pub async fn hit(db: &Database, bucket: &str, rule: Rule) -> Result<Option<u64>> {
    let scale = SCALE.get().copied().unwrap_or(1.0);
    if scale == 0.0 {
        return Ok(None);
    }
    let limit = ((rule.limit as f64) * scale).ceil() as i64;
    let (hits, left): (i32, f64) = sqlx::query_as(
        "insert into rate_limit_hits as r (bucket, window_start, hits)
         values ($1, to_timestamp(floor(extract(epoch from now()) / $2) * $2), 1)
         on conflict (bucket, window_start) do update set hits = r.hits + 1
         returning r.hits,
                   extract(epoch from (r.window_start + make_interval(secs => $2) - now()))::float8",
    )
    .bind(bucket)
    .bind(rule.window_secs as f64)
    .fetch_one(db.pool())
    .await?;
    Ok((hits as i64 > limit).then(|| left.ceil().max(1.0) as u64))
}

/// Deletes windows older than a day (the longest window is an hour); returns how many.
pub async fn forget_old(db: &Database) -> Result<u64> {
    Ok(
        sqlx::query("delete from rate_limit_hits where window_start < now() - interval '1 day'")
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}
