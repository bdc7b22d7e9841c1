//! Loading ad rows into a tenant's fact: account mapping, one run per load (counts, status,
//! rejects with reasons), region mapping, and an idempotent upsert on the fact's natural key so a
//! re-read window revises numbers and never counts twice.

use super::{FactRow, Platform, Reject, RunReport, normalize_region_name, parse_meta_insight};
use crate::access::authorize;
use crate::commerce::Staff;
use crate::db::Database;
use crate::{Error, Result};
use sha2::Digest;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Rows per upsert statement.
const BATCH: usize = 5_000;
/// Rejected rows kept with their text per run (all are counted).
const KEEP_REJECTS: usize = 1_000;

/// Connects an ad account to the staff member's tenant. An account belongs to one tenant.
pub async fn map_account(
    db: &Database,
    who: &Staff<'_>,
    platform: Platform,
    account_id: &str,
    name: &str,
) -> Result<()> {
    authorize(
        db,
        who.catalog,
        who.principal,
        who.scope,
        "analytics.ingest",
        who.meta,
    )
    .await?;
    let account_id = account_id.trim().trim_start_matches("act_");
    if account_id.is_empty()
        || account_id.len() > 64
        || !account_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Validation(
            "Enter the account id as the platform shows it (digits, letters, - or _).".into(),
        ));
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    let inserted = sqlx::query(
        "insert into ad_accounts (tenant_id, platform, account_id, name)
         values (app_current_tenant(), $1, $2, $3)",
    )
    .bind(platform.as_str())
    .bind(account_id)
    .bind(name.trim())
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(Error::Validation(format!(
                "The {} account {account_id} is already connected to a workspace.",
                platform.as_str()
            )));
        }
        other => {
            other?;
        }
    }
    crate::audit::record(
        &mut tx,
        who.meta,
        crate::audit::AuditEvent::new("ads.account.map", crate::audit::Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(format!("{} {account_id}", platform.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Loads a file of Meta insights records (JSON lines, as Airbyte writes them) into the staff
/// member's tenant. Rows of accounts mapped elsewhere or nowhere are not loaded (counted as
/// unmapped); bad rows are rejected with their reason and the good ones load; the same file a
/// second time changes nothing.
#[tracing::instrument(name = "Load Meta insights", skip_all, fields(tenant_id = %who.scope.tenant_id(), bytes = bytes.len()))]
pub async fn ingest_meta_jsonl(
    db: &Database,
    who: &Staff<'_>,
    source: &str,
    bytes: &[u8],
) -> Result<RunReport> {
    authorize(
        db,
        who.catalog,
        who.principal,
        who.scope,
        "analytics.ingest",
        who.meta,
    )
    .await?;
    let sha = hex::encode(sha2::Sha256::digest(bytes));
    if let Some(previous) = previous_run(db, who, &sha).await? {
        return Ok(previous);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::Validation("That file is not text (JSON lines, UTF-8).".into()))?;
    let first = text.lines().find(|l| !l.trim().is_empty());
    if !first
        .is_some_and(|l| serde_json::from_str::<serde_json::Value>(l).is_ok_and(|v| v.is_object()))
    {
        return Err(Error::Validation(
            "That file is not JSON lines: each line must be one Airbyte record (a JSON object)."
                .into(),
        ));
    }

    let mut report = RunReport::default();
    let mut rows: Vec<FactRow> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        report.rows_read += 1;
        match parse_meta_insight(line, super::DEFAULT_CONVERSION_ACTIONS) {
            Ok(r) => rows.push(r),
            Err(reason) => report.rejects.push(Reject {
                line: i as i32 + 1,
                reason,
            }),
        }
    }
    report.rows_rejected = report.rejects.len() as i32;

    let mut tx = db.tenant_tx(who.scope).await?;
    let mine: HashSet<String> =
        sqlx::query_scalar("select account_id from ad_accounts where platform = 'meta'")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let regions = region_names(&mut tx).await?;
    let mut unmapped_accounts = BTreeMap::new();
    let mut unmapped_regions: BTreeMap<String, i64> = BTreeMap::new();
    // The last row wins for a key repeated within the file.
    let mut by_key: HashMap<(String, String, chrono::NaiveDate, &'static str, String), usize> =
        HashMap::new();
    let mut kept: Vec<(FactRow, Option<String>)> = Vec::new();
    for r in rows {
        if !mine.contains(&r.account_id) {
            report.rows_unmapped += 1;
            unmapped_accounts.insert(r.account_id.clone(), ());
            continue;
        }
        let region = (r.breakdown == "region")
            .then(|| regions.get(&normalize_region_name(&r.geo_key)).cloned())
            .flatten();
        if r.breakdown == "region" && region.is_none() {
            *unmapped_regions.entry(r.geo_key.clone()).or_default() += r.spend_micros;
        }
        let key = (
            r.account_id.clone(),
            r.ad_id.clone(),
            r.day,
            r.breakdown,
            r.geo_key.clone(),
        );
        match by_key.get(&key) {
            Some(&i) => kept[i] = (r, region),
            None => {
                by_key.insert(key, kept.len());
                kept.push((r, region));
            }
        }
    }
    report.unmapped_accounts = unmapped_accounts.into_keys().collect();
    report.unmapped_regions = unmapped_regions.into_iter().collect();

    let run_id = Uuid::now_v7();
    let (from, to) = (
        kept.iter().map(|(r, _)| r.day).min(),
        kept.iter().map(|(r, _)| r.day).max(),
    );
    sqlx::query(
        "insert into ingest_runs (tenant_id, id, source, stream, file_sha256, status, window_from,
                                  window_to, rows_read, rows_rejected, rows_unmapped, started_by)
         values (app_current_tenant(), $1, $2, 'meta.ads_insights', $3, 'running', $4, $5, $6, $7, $8, $9)",
    )
    .bind(run_id)
    .bind(source.chars().take(200).collect::<String>())
    .bind(&sha)
    .bind(from)
    .bind(to)
    .bind(report.rows_read)
    .bind(report.rows_rejected)
    .bind(report.rows_unmapped)
    .bind(who.principal.user_id)
    .execute(&mut *tx)
    .await?;
    for chunk in kept.chunks(BATCH) {
        upsert(&mut tx, run_id, Platform::Meta, chunk).await?;
    }
    for r in report.rejects.iter().take(KEEP_REJECTS) {
        let raw: String = text
            .lines()
            .nth(r.line as usize - 1)
            .unwrap_or("")
            .chars()
            .take(2000)
            .collect();
        sqlx::query(
            "insert into ingest_rejects (tenant_id, run_id, line, reason, raw)
             values (app_current_tenant(), $1, $2, $3, $4)",
        )
        .bind(run_id)
        .bind(r.line)
        .bind(&r.reason)
        .bind(raw)
        .execute(&mut *tx)
        .await?;
    }
    report.rows_loaded = kept.len() as i32;
    sqlx::query(
        "update ingest_runs set status = 'succeeded', rows_loaded = $2, finished_at = now()
          where id = $1",
    )
    .bind(run_id)
    .bind(report.rows_loaded)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    report.run_id = Some(run_id);
    Ok(report)
}

/// The report of an earlier successful run of the same file, marked as a duplicate.
async fn previous_run(db: &Database, who: &Staff<'_>, sha: &str) -> Result<Option<RunReport>> {
    let mut tx = db.tenant_tx(who.scope).await?;
    let row: Option<(Uuid, i32, i32, i32, i32)> = sqlx::query_as(
        "select id, rows_read, rows_loaded, rows_rejected, rows_unmapped from ingest_runs
          where file_sha256 = $1 and status = 'succeeded' order by started_at desc limit 1",
    )
    .bind(sha)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|(id, read, loaded, rejected, unmapped)| RunReport {
        run_id: Some(id),
        rows_read: read,
        rows_loaded: loaded,
        rows_rejected: rejected,
        rows_unmapped: unmapped,
        duplicate: true,
        ..Default::default()
    }))
}

/// Region names (normalised) and Meta's own keys → region code.
async fn region_names(tx: &mut sqlx::PgConnection) -> Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select name, region_code from dim_geo
         union all select geo_key, region_code from geo_lookup where platform = 'meta'",
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, code)| (normalize_region_name(&name), code))
        .collect())
}

async fn upsert(
    tx: &mut sqlx::PgConnection,
    run_id: Uuid,
    platform: Platform,
    rows: &[(FactRow, Option<String>)],
) -> Result<()> {
    let col = |f: fn(&FactRow) -> String| rows.iter().map(|(r, _)| f(r)).collect::<Vec<String>>();
    sqlx::query(
        "insert into fact_performance (tenant_id, platform, run_id, day, account_id, campaign_id,
                adset_id, ad_id, campaign_name, adset_name, ad_name, currency, breakdown, geo_key,
                region_code, impressions, clicks, spend_micros, conversions,
                conversion_value_micros, reach)
         select app_current_tenant(), $1, $2, u.* from unnest($3::date[], $4::text[], $5::text[],
                $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                $12::text[], $13::text[], $14::text[], $15::int8[], $16::int8[], $17::int8[],
                $18::numeric[], $19::int8[], $20::int8[]) as u
         on conflict (tenant_id, platform, account_id, ad_id, day, breakdown, geo_key) do update
            set campaign_id = excluded.campaign_id, adset_id = excluded.adset_id,
                campaign_name = excluded.campaign_name, adset_name = excluded.adset_name,
                ad_name = excluded.ad_name, currency = excluded.currency,
                region_code = excluded.region_code, impressions = excluded.impressions,
                clicks = excluded.clicks, spend_micros = excluded.spend_micros,
                conversions = excluded.conversions,
                conversion_value_micros = excluded.conversion_value_micros,
                reach = excluded.reach, run_id = excluded.run_id, updated_at = now()",
    )
    .bind(platform.as_str())
    .bind(run_id)
    .bind(rows.iter().map(|(r, _)| r.day).collect::<Vec<_>>())
    .bind(col(|r| r.account_id.clone()))
    .bind(col(|r| r.campaign_id.clone()))
    .bind(col(|r| r.adset_id.clone()))
    .bind(col(|r| r.ad_id.clone()))
    .bind(col(|r| r.campaign_name.clone()))
    .bind(col(|r| r.adset_name.clone()))
    .bind(col(|r| r.ad_name.clone()))
    .bind(col(|r| r.currency.clone()))
    .bind(col(|r| r.breakdown.to_string()))
    .bind(col(|r| r.geo_key.clone()))
    .bind(
        rows.iter()
            .map(|(_, g)| g.clone())
            .collect::<Vec<Option<String>>>(),
    )
    .bind(rows.iter().map(|(r, _)| r.impressions).collect::<Vec<_>>())
    .bind(rows.iter().map(|(r, _)| r.clicks).collect::<Vec<_>>())
    .bind(rows.iter().map(|(r, _)| r.spend_micros).collect::<Vec<_>>())
    .bind(rows.iter().map(|(r, _)| r.conversions).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|(r, _)| r.conversion_value_micros)
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(r, _)| r.reach)
            .collect::<Vec<Option<i64>>>(),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
