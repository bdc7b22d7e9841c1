//! A load's run record: the run row started in the load's transaction, its rejected rows, its
//! counts and window when it finishes, and a failed load recorded on its own after the rollback.

use super::RunReport;
use super::load::LoadSpec;
use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use uuid::Uuid;

/// Inserts the run row and returns its id.
pub(crate) async fn start_run(tx: &mut sqlx::PgConnection, spec: &LoadSpec) -> Result<Uuid> {
    let run_id = Uuid::now_v7();
    sqlx::query(
        "insert into ingest_runs (tenant_id, id, source, stream, platform, file_sha256, status,
                started_by)
         values (app_current_tenant(), $1, $2, $3, $4, $5, 'running', $6)",
    )
    .bind(run_id)
    .bind(&spec.source)
    .bind(&spec.stream)
    .bind(spec.platform.as_str())
    .bind(&spec.sha)
    .bind(spec.actor)
    .execute(&mut *tx)
    .await?;
    Ok(run_id)
}

/// Stores rejected rows (the first ones; all are counted).
pub(crate) async fn store_rejects(
    tx: &mut sqlx::PgConnection,
    run_id: Uuid,
    rejects: &[(i32, String, String)],
) -> Result<()> {
    if rejects.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "insert into ingest_rejects (tenant_id, run_id, line, reason, raw)
         select app_current_tenant(), $1, u.* from unnest($2::int4[], $3::text[], $4::text[]) as u
         on conflict do nothing",
    )
    .bind(run_id)
    .bind(rejects.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(rejects.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
    .bind(rejects.iter().map(|r| r.2.clone()).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks the run finished with its counts.
pub(crate) async fn finish_run(
    tx: &mut sqlx::PgConnection,
    run_id: Uuid,
    report: &RunReport,
    window: (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>),
) -> Result<()> {
    let unmapped = serde_json::to_value(&report.unmapped_regions).unwrap_or_default();
    sqlx::query(
        "update ingest_runs set status = 'succeeded', window_from = $2, window_to = $3,
                rows_read = $4, rows_loaded = $5, rows_rejected = $6, rows_unmapped = $7,
                unmapped_regions = $8, finished_at = now()
          where id = $1",
    )
    .bind(run_id)
    .bind(window.0)
    .bind(window.1)
    .bind(report.rows_read)
    .bind(report.rows_loaded)
    .bind(report.rows_rejected)
    .bind(report.rows_unmapped)
    .bind(unmapped)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Records a run that failed (its transaction rolled back), so the run list says what happened.
pub(crate) async fn record_failure(db: &Database, scope: &TenantScope, spec: &LoadSpec, e: &Error) {
    let reason = match e {
        Error::Validation(m) => m.clone(),
        _ => "The load failed on our side; nothing was changed. Please try again.".to_string(),
    };
    tracing::warn!(error = %e, stream = %spec.stream, "an ad-data load failed");
    let recorded = async {
        let mut tx = db.tenant_tx(scope).await?;
        sqlx::query(
            "insert into ingest_runs (tenant_id, id, source, stream, platform, file_sha256, status,
                    error, started_by, finished_at)
             values (app_current_tenant(), $1, $2, $3, $4, $5, 'failed', $6, $7, now())",
        )
        .bind(Uuid::now_v7())
        .bind(&spec.source)
        .bind(&spec.stream)
        .bind(spec.platform.as_str())
        .bind(&spec.sha)
        .bind(reason.chars().take(1000).collect::<String>())
        .bind(spec.actor)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, Error>(())
    };
    if let Err(e) = recorded.await {
        tracing::warn!(error = %e, "the failed load could not be recorded");
    }
}
