//! Loading ad rows into a tenant's fact: one run per load (counts, status,
//! rejects with reasons), region mapping, and an idempotent upsert on the fact's natural key so a
//! re-read window revises numbers and never counts twice.

use super::{FactRow, Platform, Reject, RunReport, normalize_region_name, parse_meta_insight};
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
    who.authorize(db, "analytics.ingest").await?;
    let sha = hex::encode(sha2::Sha256::digest(bytes));
    load_meta(
        db,
        who.scope,
        Some(who.principal.user_id),
        source,
        &sha,
        bytes,
    )
    .await
}

/// Streams Meta insights lines from `input` into the scoped tenant's fact, in batches, inside one
/// transaction (all or nothing). `sha` identifies the file (a file loaded before is not loaded
/// again). For uploads through [`ingest_meta_jsonl`], and for the operator's `cadence ingest`.
pub async fn load_meta(
    db: &Database,
    scope: &crate::tenancy::TenantScope,
    actor: Option<Uuid>,
    source: &str,
    sha: &str,
    mut input: impl std::io::BufRead,
) -> Result<RunReport> {
    if let Some(previous) = previous_run(db, scope, sha).await? {
        return Ok(previous);
    }
    let mut report = RunReport::default();
    let mut tx = db.tenant_tx(scope).await?;
    let mine: HashSet<String> =
        sqlx::query_scalar("select account_id from ad_accounts where platform = 'meta'")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let regions = region_names(&mut tx).await?;
    let run_id = Uuid::now_v7();
    sqlx::query(
        "insert into ingest_runs (tenant_id, id, source, stream, file_sha256, status, started_by)
         values (app_current_tenant(), $1, $2, 'meta.ads_insights', $3, 'running', $4)",
    )
    .bind(run_id)
    .bind(source.chars().take(200).collect::<String>())
    .bind(sha)
    .bind(actor)
    .execute(&mut *tx)
    .await?;

    let mut unmapped_accounts = BTreeMap::new();
    let mut unmapped_regions: BTreeMap<String, i64> = BTreeMap::new();
    let (mut from, mut to) = (None::<chrono::NaiveDate>, None::<chrono::NaiveDate>);
    let mut batch: Vec<(FactRow, Option<String>)> = Vec::with_capacity(BATCH);
    // Within a batch the last row wins for a repeated key (one statement may not touch a row
    // twice); across batches a later upsert simply revises the row.
    let mut in_batch: HashMap<(String, String, chrono::NaiveDate, &'static str, String), usize> =
        HashMap::new();
    let mut line = String::new();
    let mut number = 0i32;
    let mut first = true;
    loop {
        line.clear();
        let n = input
            .read_line(&mut line)
            .map_err(|e| Error::Validation(format!("The file could not be read: {e}")))?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        if first {
            first = false;
            if !serde_json::from_str::<serde_json::Value>(line.trim()).is_ok_and(|v| v.is_object())
            {
                return Err(Error::Validation(
                    "That file is not JSON lines: each line must be one Airbyte record (a JSON object).".into(),
                ));
            }
        }
        report.rows_read += 1;
        let r = match parse_meta_insight(line.trim(), super::DEFAULT_CONVERSION_ACTIONS) {
            Ok(r) => r,
            Err(reason) => {
                report.rows_rejected += 1;
                if report.rejects.len() < KEEP_REJECTS {
                    sqlx::query(
                        "insert into ingest_rejects (tenant_id, run_id, line, reason, raw)
                         values (app_current_tenant(), $1, $2, $3, $4)",
                    )
                    .bind(run_id)
                    .bind(number)
                    .bind(&reason)
                    .bind(line.trim().chars().take(2000).collect::<String>())
                    .execute(&mut *tx)
                    .await?;
                    report.rejects.push(Reject {
                        line: number,
                        reason,
                    });
                }
                continue;
            }
        };
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
        from = Some(from.map_or(r.day, |d| d.min(r.day)));
        to = Some(to.map_or(r.day, |d| d.max(r.day)));
        let key = (
            r.account_id.clone(),
            r.ad_id.clone(),
            r.day,
            r.breakdown,
            r.geo_key.clone(),
        );
        match in_batch.get(&key) {
            Some(&i) => batch[i] = (r, region),
            None => {
                in_batch.insert(key, batch.len());
                batch.push((r, region));
                report.rows_loaded += 1;
            }
        }
        if batch.len() >= BATCH {
            upsert(&mut tx, run_id, Platform::Meta, &batch).await?;
            batch.clear();
            in_batch.clear();
        }
    }
    if !batch.is_empty() {
        upsert(&mut tx, run_id, Platform::Meta, &batch).await?;
    }
    report.unmapped_accounts = unmapped_accounts.into_keys().collect();
    report.unmapped_regions = unmapped_regions.into_iter().collect();
    if let (Some(from), Some(to)) = (from, to) {
        rebuild_rollups(&mut tx, Platform::Meta, from, to).await?;
    }
    sqlx::query(
        "update ingest_runs set status = 'succeeded', window_from = $2, window_to = $3,
                rows_read = $4, rows_loaded = $5, rows_rejected = $6, rows_unmapped = $7,
                finished_at = now()
          where id = $1",
    )
    .bind(run_id)
    .bind(from)
    .bind(to)
    .bind(report.rows_read)
    .bind(report.rows_loaded)
    .bind(report.rows_rejected)
    .bind(report.rows_unmapped)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    report.run_id = Some(run_id);
    Ok(report)
}

/// Rebuilds the dashboard rollups of `platform` for the days `from..=to` from the fact, in the
/// load's transaction (so readers never see a fact and rollups that disagree).
async fn rebuild_rollups(
    tx: &mut sqlx::PgConnection,
    platform: Platform,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<()> {
    for table in ["rollup_campaign_day", "rollup_region_day"] {
        sqlx::query(&format!(
            "delete from {table} where platform = $1 and day between $2 and $3"
        ))
        .bind(platform.as_str())
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "insert into rollup_campaign_day (tenant_id, day, platform, campaign_id, campaign_name,
                currency, impressions, clicks, spend_micros, conversions, conversion_value_micros)
         select app_current_tenant(), day, platform, campaign_id, max(campaign_name), currency,
                sum(impressions), sum(clicks), sum(spend_micros), sum(conversions),
                sum(conversion_value_micros)
           from fact_performance
          where platform = $1 and breakdown = 'none' and day between $2 and $3
          group by day, platform, campaign_id, currency",
    )
    .bind(platform.as_str())
    .bind(from)
    .bind(to)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into rollup_region_day (tenant_id, day, platform, region_code, currency,
                impressions, clicks, spend_micros)
         select app_current_tenant(), day, platform, region_code, currency, sum(impressions),
                sum(clicks), sum(spend_micros)
           from fact_performance
          where platform = $1 and breakdown = 'region' and day between $2 and $3
          group by day, platform, region_code, currency",
    )
    .bind(platform.as_str())
    .bind(from)
    .bind(to)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The report of an earlier successful run of the same file, marked as a duplicate.
async fn previous_run(
    db: &Database,
    scope: &crate::tenancy::TenantScope,
    sha: &str,
) -> Result<Option<RunReport>> {
    let mut tx = db.tenant_tx(scope).await?;
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
         on conflict (tenant_id, day, platform, account_id, ad_id, breakdown, geo_key) do update
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
