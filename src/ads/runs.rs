//! Ingest runs as staff read them: the tenant's connected accounts with its recent runs, and one
//! run with its rejected rows.

use super::Reject;
use crate::commerce::Staff;
use crate::db::Database;
use crate::{Error, Result};
use uuid::Uuid;

const RUN_COLUMNS: &str = "id, source, stream, status, rows_read, rows_loaded, rows_rejected,
    rows_unmapped, window_from, window_to, started_at, error";

/// An ingest run as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RunRow {
    pub id: Uuid,
    pub source: String,
    pub stream: String,
    pub status: String,
    pub rows_read: i32,
    pub rows_loaded: i32,
    pub rows_rejected: i32,
    pub rows_unmapped: i32,
    pub window_from: Option<chrono::NaiveDate>,
    pub window_to: Option<chrono::NaiveDate>,
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// Why a failed run failed.
    pub error: Option<String>,
}

/// The tenant's mapped accounts and most recent runs. Needs `analytics.read`.
pub async fn overview(
    db: &Database,
    who: &Staff<'_>,
) -> Result<(Vec<(String, String, String)>, Vec<RunRow>)> {
    who.authorize(db, "analytics.read").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let accounts = sqlx::query_as(
        "select platform, account_id, name from ad_accounts order by platform, account_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let runs = sqlx::query_as(&format!(
        "select {RUN_COLUMNS} from ingest_runs order by started_at desc limit 20"
    ))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((accounts, runs))
}

/// One run with its stored rejects (line, reason). Needs `analytics.read`.
pub async fn run_detail(db: &Database, who: &Staff<'_>, id: Uuid) -> Result<(RunRow, Vec<Reject>)> {
    who.authorize(db, "analytics.read").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let run: RunRow = sqlx::query_as(&format!(
        "select {RUN_COLUMNS} from ingest_runs where id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    let rejects: Vec<(i32, String)> = sqlx::query_as(
        "select line, reason from ingest_rejects where run_id = $1 order by line limit 1000",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((
        run,
        rejects
            .into_iter()
            .map(|(line, reason)| Reject { line, reason })
            .collect(),
    ))
}
