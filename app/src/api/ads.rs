//! Ad data in the app: mapped ad accounts, recent ingest runs and a run's report.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: cadence::Uuid,
    pub source: String,
    pub status: String,
    pub rows_read: i32,
    pub rows_loaded: i32,
    pub rows_rejected: i32,
    pub rows_unmapped: i32,
    pub window: String,
    pub started: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdDataView {
    /// (platform, account id, name).
    pub accounts: Vec<(String, String, String)>,
    pub runs: Vec<RunView>,
    pub ingest_denied: Option<String>,
}

#[cfg(feature = "ssr")]
fn run_view(r: &cadence::ads::RunRow) -> RunView {
    RunView {
        id: r.id,
        source: r.source.clone(),
        status: r.status.clone(),
        rows_read: r.rows_read,
        rows_loaded: r.rows_loaded,
        rows_rejected: r.rows_rejected,
        rows_unmapped: r.rows_unmapped,
        window: match (r.window_from, r.window_to) {
            (Some(f), Some(t)) => format!("{f} – {t}"),
            _ => "—".into(),
        },
        started: r.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

#[server]
pub async fn load_ad_data() -> Result<AdDataView, AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let (accounts, runs) = cadence::ads::overview(&p.db, &p.staff()).await?;
    Ok(AdDataView {
        accounts,
        runs: runs.iter().map(run_view).collect(),
        ingest_denied: p.denied("analytics.ingest"),
    })
}

#[server]
pub async fn map_ad_account(
    platform: String,
    account_id: String,
    name: String,
) -> Result<(), AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let platform = cadence::ads::Platform::parse(&platform)
        .ok_or_else(|| AppError::invalid("Choose the account's platform."))?;
    cadence::ads::map_account(&p.db, &p.staff(), platform, &account_id, &name).await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReportView {
    pub run: RunView,
    /// (line, reason).
    pub rejects: Vec<(i32, String)>,
}

#[server]
pub async fn load_run(id: cadence::Uuid) -> Result<RunReportView, AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let (run, rejects) = cadence::ads::run_detail(&p.db, &p.staff(), id).await?;
    Ok(RunReportView {
        run: run_view(&run),
        rejects: rejects.into_iter().map(|r| (r.line, r.reason)).collect(),
    })
}

/// Loads an uploaded Meta insights file for the signed-in member's tenant (called by the upload
/// route inside the request's context).
#[cfg(feature = "ssr")]
pub async fn ingest_upload(
    source: &str,
    bytes: Vec<u8>,
) -> Result<cadence::ads::RunReport, AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    Ok(cadence::ads::ingest_meta_jsonl(&p.db, &p.staff(), source, &bytes).await?)
}
