//! Loading entity records (campaigns, ad sets, ads, budgets) into the SCD2 dimensions, as a run
//! with the same counts, rejects and unmapped accounts as a performance load.

use super::entities::{EntityRow, parse_entity};
use super::load::LoadSpec;
use super::run_log::{finish_run, start_run, store_rejects};
use super::{Reject, RunReport};
use crate::Result;
use crate::db::Database;
use crate::tenancy::TenantScope;
use std::collections::BTreeSet;

/// Parses and merges `lines` (line number, text) of an entity stream into the scoped tenant; a
/// load that fails part-way changes nothing and is recorded as a failed run.
pub(crate) async fn load_entities(
    db: &Database,
    scope: &TenantScope,
    spec: &LoadSpec,
    stream: super::Stream,
    lines: Vec<(i32, String)>,
) -> Result<RunReport> {
    let result = merge_all(db, scope, spec, stream, lines).await;
    if let Err(e) = &result {
        super::run_log::record_failure(db, scope, spec, e).await;
    }
    result
}

async fn merge_all(
    db: &Database,
    scope: &TenantScope,
    spec: &LoadSpec,
    stream: super::Stream,
    lines: Vec<(i32, String)>,
) -> Result<RunReport> {
    let platform = stream.platform();
    let mut report = RunReport::default();
    let mut tx = db.tenant_tx(scope).await?;
    let run_id = start_run(&mut tx, spec).await?;
    let accounts = super::load::tenant_accounts(&mut tx, platform).await?;
    let mut rows: Vec<EntityRow> = Vec::new();
    let mut at_line: Vec<(i32, &str)> = Vec::new();
    let mut rejects: Vec<(i32, String, String)> = Vec::new();
    let mut unmapped = BTreeSet::new();
    for (line, text) in &lines {
        report.rows_read += 1;
        match parse_entity(stream, text) {
            Err(reason) => rejects.push((*line, reason, text.chars().take(2000).collect())),
            Ok(r) if !accounts.contains(&r.account_id) => {
                report.rows_unmapped += 1;
                unmapped.insert(r.account_id);
            }
            Ok(r) => {
                rows.push(r);
                at_line.push((*line, text));
            }
        }
    }
    let refused = super::dims::merge(&mut tx, platform, &rows, chrono::Utc::now()).await?;
    for (i, reason) in refused {
        let (line, text) = at_line[i];
        rejects.push((line, reason, text.chars().take(2000).collect()));
    }
    rejects.sort_by_key(|r| r.0);
    report.rows_rejected = rejects.len() as i32;
    report.rows_loaded = report.rows_read - report.rows_rejected - report.rows_unmapped;
    rejects.truncate(1_000);
    store_rejects(&mut tx, run_id, &rejects).await?;
    report.rejects = rejects
        .into_iter()
        .map(|(line, reason, _)| Reject { line, reason })
        .collect();
    report.unmapped_accounts = unmapped.into_iter().collect();
    finish_run(&mut tx, run_id, &report, (None, None)).await?;
    tx.commit().await?;
    report.run_id = Some(run_id);
    Ok(report)
}
