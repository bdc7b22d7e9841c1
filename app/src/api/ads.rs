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
    pub error: Option<String>,
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
        error: r.error.clone(),
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

/// Loads an uploaded file for the signed-in member's tenant (called by the upload route inside the
/// request's context).
#[cfg(feature = "ssr")]
pub async fn ingest_upload(
    format: cadence::ads::FileFormat,
    source: &str,
    bytes: Vec<u8>,
) -> Result<cadence::ads::RunReport, AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    Ok(cadence::ads::ingest_upload(&p.db, &p.staff(), &format, source, bytes).await?)
}

/// The upload form's choice of format (`meta.ads_insights`, …, or `csv:<platform>`) and, for a CSV
/// export, its column mapping: `map.<n>` holds the headers for field n of [`CsvField::ALL`]
/// (alternatives separated by `|`), used only when `mapping_platform` is the chosen platform (the
/// form was drawn for it); otherwise the platform's preset.
pub fn upload_format(
    format: &str,
    fields: &std::collections::HashMap<String, String>,
) -> Result<UploadFormat, String> {
    use cadence::ads::{CsvField, Platform, Stream, preset};
    if let Some(platform) = format.strip_prefix("csv:") {
        let platform =
            Platform::parse(platform).ok_or("Choose the platform the export comes from.")?;
        let mut mapping = preset(platform);
        if fields.get("mapping_platform").map(String::as_str) == Some(platform.as_str()) {
            mapping.columns.clear();
            for (i, field) in CsvField::ALL.into_iter().enumerate() {
                for header in fields
                    .get(&format!("map.{i}"))
                    .map(String::as_str)
                    .unwrap_or("")
                    .split('|')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                {
                    mapping.columns.push((field, header.to_string()));
                }
            }
            mapping.default_account_id = fields
                .get("default_account_id")
                .cloned()
                .unwrap_or_default()
                .trim()
                .to_string();
            mapping.default_currency = fields
                .get("default_currency")
                .cloned()
                .unwrap_or_default()
                .trim()
                .to_ascii_uppercase();
        }
        let problems = mapping.problems();
        if !problems.is_empty() {
            return Err(format!(
                "The column mapping is not complete: {}.",
                problems.join("; ")
            ));
        }
        return Ok(UploadFormat::Csv(mapping));
    }
    Stream::parse(format)
        .map(UploadFormat::Airbyte)
        .ok_or_else(|| "Choose what the file holds.".to_string())
}

/// What an upload holds (the browser-side twin of the core's file format).
#[derive(Clone, Debug, PartialEq)]
pub enum UploadFormat {
    Airbyte(cadence::ads::Stream),
    Csv(cadence::ads::CsvMapping),
}

#[cfg(feature = "ssr")]
impl From<UploadFormat> for cadence::ads::FileFormat {
    fn from(f: UploadFormat) -> Self {
        match f {
            UploadFormat::Airbyte(s) => cadence::ads::FileFormat::Airbyte(s),
            UploadFormat::Csv(m) => cadence::ads::FileFormat::Csv(m),
        }
    }
}

/// The data settings as the page shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdSettingsView {
    pub conversion_actions: String,
    pub uses_default_actions: bool,
    pub stale_after_hours: i32,
    /// (platform label, key, region name).
    pub regions: Vec<(String, String, String)>,
    /// (platform, platform label, key, spend in micros).
    pub unmapped: Vec<(String, String, String, i64)>,
    pub freshness: Vec<cadence::ads::SourceFreshness>,
    /// (code, name).
    pub all_regions: Vec<(String, String)>,
    pub ingest_denied: Option<String>,
}

#[server]
pub async fn load_ad_settings() -> Result<AdSettingsView, AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let s = cadence::ads::settings(&p.db, &p.staff()).await?;
    let name = |code: &str| {
        s.all_regions
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| code.to_string())
    };
    Ok(AdSettingsView {
        conversion_actions: s.conversion_actions.join(", "),
        uses_default_actions: s.uses_default_actions,
        stale_after_hours: s.stale_after_hours,
        regions: s
            .regions
            .iter()
            .map(|(p, k, c)| (p.label().to_string(), k.clone(), name(c)))
            .collect(),
        unmapped: s
            .unmapped_regions
            .iter()
            .map(|(p, k, m)| (p.as_str().to_string(), p.label().to_string(), k.clone(), *m))
            .collect(),
        freshness: s.freshness.clone(),
        all_regions: s.all_regions.clone(),
        ingest_denied: p.denied("analytics.ingest"),
    })
}

#[server]
pub async fn save_conversion_actions(actions: String) -> Result<(), AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    cadence::ads::set_conversion_actions(&p.db, &p.staff(), &actions).await?;
    Ok(())
}

#[server]
pub async fn save_stale_after(hours: String) -> Result<(), AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let hours: i32 = hours
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("Enter a whole number of hours."))?;
    cadence::ads::set_stale_after(&p.db, &p.staff(), hours).await?;
    Ok(())
}

#[server]
pub async fn map_region_key(platform: String, key: String, region: String) -> Result<(), AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let platform = cadence::ads::Platform::parse(&platform)
        .ok_or_else(|| AppError::invalid("Choose the key's platform."))?;
    cadence::ads::map_region(&p.db, &p.staff(), platform, &key, &region).await?;
    Ok(())
}
