//! The audit log viewer's server function (filters, cursor pages) and the downloads of the log and
//! of the access review. Each asks the policy first.

#[cfg(feature = "ssr")]
use super::admin::staff;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the audit viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRowView {
    pub at: String,
    pub action: String,
    pub outcome: String,
    pub actor: String,
    pub acting_as: Option<String>,
    pub detail: String,
    pub ip: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRowView>,
    pub next_cursor: Option<String>,
    pub actions: Vec<String>,
}

/// The audit viewer's page size.
pub const AUDIT_PAGE: i64 = 50;

#[server]
pub async fn load_audit(
    actor: String,
    action: String,
    from: String,
    to: String,
    cursor: String,
) -> Result<AuditPage, AppError> {
    let filter = cadence::audit::review::AuditFilter::parse(&actor, &action, &from, &to)?;
    let cursor = parse_cursor(&cursor)?;
    let (_, scope) = staff("audit.read").await?;
    let db = super::ssr::db()?;
    let rows = cadence::audit::review::search(&db, &scope, &filter, cursor, AUDIT_PAGE + 1).await?;
    let next_cursor = (rows.len() as i64 > AUDIT_PAGE)
        .then(|| {
            rows.get(AUDIT_PAGE as usize - 1)
                .map(|r| format!("{}_{}", r.at.timestamp_micros(), r.id))
        })
        .flatten();
    Ok(AuditPage {
        rows: rows
            .into_iter()
            .take(AUDIT_PAGE as usize)
            .map(|r| AuditRowView {
                at: r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                action: r.action,
                outcome: r.outcome,
                actor: r.actor.unwrap_or_else(|| "—".into()),
                acting_as: r.acting_as,
                detail: match (r.target, r.reason) {
                    (Some(t), Some(why)) => format!("{t} — {why}"),
                    (t, why) => t.or(why).unwrap_or_default(),
                },
                ip: r.ip.unwrap_or_default(),
            })
            .collect(),
        next_cursor,
        actions: cadence::audit::review::actions(&db, &scope).await?,
    })
}

#[cfg(feature = "ssr")]
fn parse_cursor(c: &str) -> Result<Option<cadence::audit::review::Cursor>, AppError> {
    if c.trim().is_empty() {
        return Ok(None);
    }
    let bad = || AppError::invalid("That page link is not valid any more.");
    let (micros, id) = c.split_once('_').ok_or_else(bad)?;
    let at = chrono::DateTime::from_timestamp_micros(micros.parse().map_err(|_| bad())?)
        .ok_or_else(bad)?;
    Ok(Some((at, id.parse().map_err(|_| bad())?)))
}

/// The rows as pretty JSON, or as CSV by `csv`, with how many there are.
#[cfg(feature = "ssr")]
fn encode<T: Serialize>(
    rows: &[T],
    json: bool,
    csv: fn(&[T]) -> String,
) -> Result<(String, usize), AppError> {
    let body = if json {
        serde_json::to_string_pretty(rows).map_err(|_| AppError::Internal)?
    } else {
        csv(rows)
    };
    Ok((body, rows.len()))
}

/// What an export route answers: the file's name, type and body.
#[cfg(feature = "ssr")]
pub struct ExportFile {
    pub name: String,
    pub content_type: &'static str,
    pub body: String,
}

/// The audit log (filtered) or the access review, as CSV or JSON. Needs `audit.read` and
/// `exports.create`, and the plan's exports; the export itself is audited.
#[cfg(feature = "ssr")]
pub async fn export(
    what: &str,
    query: &std::collections::HashMap<String, String>,
) -> Result<ExportFile, AppError> {
    use cadence::audit::review;
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let json = match get("format") {
        "json" => true,
        "" | "csv" => false,
        _ => return Err(AppError::invalid("The format is csv or json.")),
    };
    let (principal, scope) = staff("audit.read").await?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    let meta = super::ssr::request_meta();
    cadence::access::authorize(&db, &catalog, &principal, &scope, "exports.create", &meta).await?;
    cadence::admin::plans::require_feature(&db, &scope, "csv_export").await?;
    super::auth::ssr::require_step_up().await?;
    let (body, rows) = match what {
        "audit" => {
            let filter =
                review::AuditFilter::parse(get("actor"), get("action"), get("from"), get("to"))?;
            encode(
                &review::search(&db, &scope, &filter, None, 100_000).await?,
                json,
                review::audit_csv,
            )?
        }
        "access-review" => encode(
            &review::access_review(&db, &scope).await?,
            json,
            review::access_csv,
        )?,
        _ => return Err(cadence::Error::NotFound.into()),
    };
    let ext = if json { "json" } else { "csv" };
    review::record_export(&db, &scope, &format!("{what}.{ext}"), rows, &meta).await?;
    Ok(ExportFile {
        name: format!(
            "{what}-{}.{ext}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        ),
        content_type: if json {
            "application/json"
        } else {
            "text/csv; charset=utf-8"
        },
        body,
    })
}
