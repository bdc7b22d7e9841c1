//! Loading ad rows into a tenant's model: one run per load (counts, status, rejects with reasons,
//! unmapped accounts and regions), performance rows streamed with `COPY` into a temporary stage
//! and upserted into the fact on its natural key (a re-read window revises numbers and never
//! counts twice), the rollups rebuilt and the dimensions merged in the same transaction.

use super::pipeline::{self, Chunk, Context, Parser};
use super::run_log::{finish_run, record_failure, start_run, store_rejects};
use super::{Platform, Reject, RunReport, Stream, normalize_region_name};
use crate::commerce::Staff;
use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use sha2::Digest;
use std::collections::{BTreeMap, HashMap, HashSet};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Staged rows per upsert into the fact.
const FLUSH_ROWS: usize = 50_000;

/// What is being loaded, and from where.
#[derive(Clone, Debug)]
pub struct LoadSpec {
    pub platform: Platform,
    /// The stream's name in the run list (`meta.ads_insights`, `linkedin.csv_export`, …).
    pub stream: String,
    /// Shown in the run list: a file name, `cli:path` or `airbyte:schema.table`.
    pub source: String,
    /// The file's SHA-256: a file loaded before is not loaded again.
    pub sha: Option<String>,
    pub actor: Option<Uuid>,
}

/// A file's declared format.
#[derive(Clone, Debug)]
pub enum FileFormat {
    /// Airbyte records as JSON lines (bare, raw-table rows or protocol messages).
    Airbyte(Stream),
    /// A platform's report export, read through a column mapping.
    Csv(super::CsvMapping),
}

impl FileFormat {
    pub fn platform(&self) -> Platform {
        match self {
            FileFormat::Airbyte(s) => s.platform(),
            FileFormat::Csv(m) => m.platform,
        }
    }

    pub fn stream_name(&self) -> String {
        match self {
            FileFormat::Airbyte(s) => s.as_str().to_string(),
            FileFormat::Csv(m) => format!("{}.csv_export", m.platform.as_str()),
        }
    }
}

/// Loads an uploaded file into the staff member's tenant. Rows of accounts mapped elsewhere or
/// nowhere are not loaded (counted as unmapped); bad rows are rejected with their reason and the
/// good ones load; the same file a second time changes nothing.
#[tracing::instrument(name = "Load an uploaded ad-data file", skip_all, fields(tenant_id = %who.scope.tenant_id(), bytes = bytes.len()))]
pub async fn ingest_upload(
    db: &Database,
    who: &Staff<'_>,
    format: &FileFormat,
    source: &str,
    bytes: Vec<u8>,
) -> Result<RunReport> {
    who.authorize(db, "analytics.ingest").await?;
    let spec = LoadSpec {
        platform: format.platform(),
        stream: format.stream_name(),
        source: source.chars().take(200).collect(),
        sha: Some(hex::encode(sha2::Sha256::digest(&bytes))),
        actor: Some(who.principal.user_id),
    };
    load_file(db, who.scope, &spec, format, std::io::Cursor::new(bytes)).await
}

/// Kept for callers of the first version: a Meta insights JSONL upload.
pub async fn ingest_meta_jsonl(
    db: &Database,
    who: &Staff<'_>,
    source: &str,
    bytes: &[u8],
) -> Result<RunReport> {
    let format = FileFormat::Airbyte(Stream::MetaInsights);
    ingest_upload(db, who, &format, source, bytes.to_vec()).await
}

/// The first non-blank line of what `input` has buffered (not consumed).
fn first_line(input: &mut impl std::io::BufRead) -> Result<String> {
    let buf = input
        .fill_buf()
        .map_err(|e| Error::Validation(format!("The file could not be read: {e}")))?;
    let text = String::from_utf8_lossy(&buf[..buf.len().min(1 << 20)]);
    Ok(text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string())
}

/// Refuses a file that is not what it was declared to be, before anything is recorded.
fn check_declared(stream: Stream, first: &str) -> Result<()> {
    let not_jsonl = || {
        Error::Validation(
            "That file is not JSON lines: each line must be one Airbyte record (a JSON object)."
                .into(),
        )
    };
    let v: serde_json::Value = serde_json::from_str(first.trim()).map_err(|_| not_jsonl())?;
    if !v.is_object() {
        return Err(not_jsonl());
    }
    let r = super::row::record(&v);
    let has = |path: &str| super::row::field(r, path).is_some();
    let (ok, needs) = match stream {
        Stream::MetaInsights => (has("date_start"), "date_start"),
        Stream::GooglePerformance => (has("segments.date"), "segments.date"),
        Stream::MetaCampaigns | Stream::MetaAdSets | Stream::MetaAds => {
            (has("id") && !has("date_start"), "id (and no date_start)")
        }
        Stream::GoogleCampaigns | Stream::GoogleBudgets => (has("campaign.id"), "campaign.id"),
        Stream::GoogleAdGroups => (has("ad_group.id"), "ad_group.id"),
    };
    if !ok {
        return Err(Error::Validation(format!(
            "That file does not look like {}: its first record has no {needs}.",
            stream.label()
        )));
    }
    Ok(())
}

/// Loads a file (already read into a buffered reader) into the scoped tenant.
pub async fn load_file<R: std::io::BufRead + Send + 'static>(
    db: &Database,
    scope: &TenantScope,
    spec: &LoadSpec,
    format: &FileFormat,
    mut input: R,
) -> Result<RunReport> {
    // The declared format is checked first: the same bytes declared as something else are refused
    // rather than answered with an earlier run.
    let stream = match format {
        FileFormat::Csv(mapping) => {
            let rows = super::read_csv_export(input, mapping).map_err(Error::Validation)?;
            if let Some(previous) = previous_run(db, scope, spec).await? {
                return Ok(previous);
            }
            let ctx = context(db, scope, mapping.platform).await?;
            let (to_workers, from_workers) = pipeline::start(ctx, 2);
            pipeline::send_parsed(rows, to_workers);
            return load_facts(db, scope, spec, from_workers).await;
        }
        FileFormat::Airbyte(stream) => *stream,
    };
    check_declared(stream, &first_line(&mut input)?)?;
    if let Some(previous) = previous_run(db, scope, spec).await? {
        return Ok(previous);
    }
    if stream.is_entity() {
        let mut lines = Vec::new();
        for (i, line) in input.lines().enumerate() {
            let line =
                line.map_err(|e| Error::Validation(format!("The file could not be read: {e}")))?;
            if !line.trim().is_empty() {
                lines.push((i as i32 + 1, line));
            }
        }
        return super::entity_load::load_entities(db, scope, spec, stream, lines).await;
    }
    let ctx = context(db, scope, stream.platform()).await?;
    let (to_workers, from_workers) = pipeline::start(ctx, 2);
    pipeline::read_lines(input, to_workers);
    load_facts(db, scope, spec, from_workers).await
}

/// What the parsing workers need: the platform's parser with the tenant's conversion actions,
/// its accounts and the region keys it knows.
pub(crate) async fn context(
    db: &Database,
    scope: &TenantScope,
    platform: Platform,
) -> Result<Context> {
    let mut tx = db.tenant_tx(scope).await?;
    let accounts = tenant_accounts(&mut tx, platform).await?;
    let mut actions: Vec<String> = sqlx::query_scalar(
        "select action_type from conversion_actions where platform = $1 order by action_type",
    )
    .bind(platform.as_str())
    .fetch_all(&mut *tx)
    .await?;
    if actions.is_empty() {
        actions = super::DEFAULT_CONVERSION_ACTIONS
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    let regions = region_keys(&mut tx, platform).await?;
    tx.commit().await?;
    let parse: Parser = match platform {
        Platform::Meta => Box::new(move |line| {
            let list: Vec<&str> = actions.iter().map(String::as_str).collect();
            super::parse_meta_insight(line, &list)
        }),
        Platform::GoogleAds => Box::new(super::parse_google_ads_row),
        // LinkedIn and TikTok arrive as CSV exports, already parsed.
        _ => Box::new(|_| Err("this platform's records are read from CSV exports".into())),
    };
    Ok(Context {
        parse,
        accounts,
        regions,
    })
}

/// The scoped tenant's own account ids on `platform`.
pub(crate) async fn tenant_accounts(
    tx: &mut sqlx::PgConnection,
    platform: Platform,
) -> Result<HashSet<String>> {
    Ok(
        sqlx::query_scalar("select account_id from ad_accounts where platform = $1")
            .bind(platform.as_str())
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect(),
    )
}

/// Region names (normalised), the shared lookup's keys and the tenant's own keys for `platform`
/// → region code.
pub(crate) async fn region_keys(
    tx: &mut sqlx::PgConnection,
    platform: Platform,
) -> Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select name, region_code from dim_geo
         union all select geo_key, region_code from geo_lookup where platform = $1
         union all select geo_key, region_code from tenant_geo_lookup where platform = $1",
    )
    .bind(platform.as_str())
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, code)| (normalize_region_name(&name), code))
        .collect())
}

/// Streams the workers' chunks into the scoped tenant's fact inside one transaction (all or
/// nothing), then rebuilds the rollups for the loaded days. A load that fails part-way changes
/// nothing and is recorded as a failed run with its reason.
pub(crate) async fn load_facts(
    db: &Database,
    scope: &TenantScope,
    spec: &LoadSpec,
    chunks: mpsc::Receiver<std::result::Result<Chunk, String>>,
) -> Result<RunReport> {
    let result = load_facts_in_one_go(db, scope, spec, chunks).await;
    if let Err(e) = &result {
        record_failure(db, scope, spec, e).await;
    }
    result
}

async fn load_facts_in_one_go(
    db: &Database,
    scope: &TenantScope,
    spec: &LoadSpec,
    mut chunks: mpsc::Receiver<std::result::Result<Chunk, String>>,
) -> Result<RunReport> {
    let platform = spec.platform;
    let mut report = RunReport::default();
    let mut tx = db.tenant_tx(scope).await?;
    super::rollups::lock_platform(&mut tx, platform).await?;
    let run_id = start_run(&mut tx, spec).await?;
    sqlx::query(
        "create temp table fact_stage (line int4, day date, account_id text, campaign_id text,
                adset_id text, ad_id text, campaign_name text, adset_name text, ad_name text,
                currency text, breakdown text, geo_key text, region_code text, impressions int8,
                clicks int8, spend_micros int8, conversions numeric, conversion_value_micros int8,
                reach int8) on commit drop",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("set local work_mem = '64MB'")
        .execute(&mut *tx)
        .await?;
    let mut unmapped_accounts = std::collections::BTreeSet::new();
    let mut unmapped_regions: BTreeMap<String, i64> = BTreeMap::new();
    let mut currencies: BTreeMap<String, String> = BTreeMap::new();
    let (mut from, mut to) = (None::<chrono::NaiveDate>, None::<chrono::NaiveDate>);
    let mut staged = 0usize;
    while let Some(chunk) = chunks.recv().await {
        let chunk = chunk.map_err(Error::Validation)?;
        report.rows_read += chunk.read;
        report.rows_rejected += chunk.rejected;
        report.rows_unmapped += chunk.unmapped;
        unmapped_accounts.extend(chunk.unmapped_accounts);
        for (k, v) in chunk.unmapped_regions {
            *unmapped_regions.entry(k).or_default() += v;
        }
        currencies.extend(chunk.currencies);
        from = from.min(chunk.from).or(from).or(chunk.from);
        to = to.max(chunk.to);
        if report.rejects.len() < 1_000 && !chunk.rejects.is_empty() {
            let keep: Vec<_> = chunk
                .rejects
                .into_iter()
                .take(1_000 - report.rejects.len())
                .collect();
            store_rejects(&mut tx, run_id, &keep).await?;
            report.rejects.extend(
                keep.into_iter()
                    .map(|(line, reason, _)| Reject { line, reason }),
            );
        }
        if chunk.rows > 0 {
            copy_chunk(&mut tx, chunk.copy).await?;
            staged += chunk.rows;
        }
        if staged >= FLUSH_ROWS {
            report.rows_loaded += flush(&mut tx, run_id, platform).await?;
            staged = 0;
        }
    }
    if staged > 0 {
        report.rows_loaded += flush(&mut tx, run_id, platform).await?;
    }
    report.rejects.sort_by_key(|r| r.line);
    report.unmapped_accounts = unmapped_accounts.into_iter().collect();
    let mut regions: Vec<(String, i64)> = unmapped_regions.into_iter().collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    regions.truncate(100);
    report.unmapped_regions = regions;
    for (account, currency) in &currencies {
        sqlx::query(
            "update ad_accounts set currency = $3
              where platform = $1 and account_id = $2 and currency is distinct from $3",
        )
        .bind(platform.as_str())
        .bind(account)
        .bind(currency)
        .execute(&mut *tx)
        .await?;
    }
    if let (Some(from), Some(to)) = (from, to) {
        super::rollups::rebuild(&mut tx, platform, from, to).await?;
    }
    finish_run(&mut tx, run_id, &report, (from, to)).await?;
    tx.commit().await?;
    report.run_id = Some(run_id);
    Ok(report)
}

/// Streams one chunk of COPY text into the stage. (Boxed: it keeps the caller's future `Send`
/// across sqlx's COPY types.)
fn copy_chunk(
    conn: &mut sqlx::PgConnection,
    data: Vec<u8>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + '_>> {
    Box::pin(async move {
        let mut copy = conn
            .copy_in_raw(&format!(
                "copy fact_stage ({}) from stdin",
                pipeline::STAGE_COLUMNS
            ))
            .await?;
        copy.send(data).await?;
        copy.finish().await?;
        Ok(())
    })
}

/// Upserts the staged rows into the fact (the last line wins for a key repeated in the stage),
/// gives new campaigns, ad sets and ads their first dimension rows, and empties the stage.
async fn flush(tx: &mut sqlx::PgConnection, run_id: Uuid, platform: Platform) -> Result<i32> {
    // Days after the platform's last loaded day in the stage's range (a first load, or the new
    // days of a daily sync) take a plain insert: nothing can conflict there, and an insert that
    // checks each row for a conflict (`on conflict`) took 1.2–1.3 s per 53,248 rows against
    // 0.74–0.83 s (psql, three runs each). Earlier days are upserted. (Loads of a platform hold
    // its lock, so no other load adds days in between.)
    let last: Option<chrono::NaiveDate> = sqlx::query_scalar(
        "select max(day) from fact_performance
          where platform = $1
            and day between (select min(day) from fact_stage) and (select max(day) from fact_stage)",
    )
    .bind(platform.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let mut done = 0;
    for (rows, conflict) in [
        ("$3::date is null or day > $3", ""),
        ("day <= $3", FACT_CONFLICT),
    ] {
        if conflict.is_empty() || last.is_some() {
            done += sqlx::query(&format!(
                "insert into fact_performance (tenant_id, platform, run_id, day, account_id,
                        campaign_id, adset_id, ad_id, campaign_name, adset_name, ad_name, currency,
                        breakdown, geo_key, region_code, impressions, clicks, spend_micros,
                        conversions, conversion_value_micros, reach)
                 select distinct on (day, account_id, ad_id, breakdown, geo_key)
                        app_current_tenant(), $1, $2, day, account_id, campaign_id, adset_id, ad_id,
                        campaign_name, adset_name, ad_name, currency, breakdown, geo_key,
                        region_code, impressions, clicks, spend_micros, conversions,
                        conversion_value_micros, reach
                   from fact_stage
                  where {rows}
                  order by day, account_id, ad_id, breakdown, geo_key, line desc
                 {conflict}"
            ))
            .bind(platform.as_str())
            .bind(run_id)
            .bind(last)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
    }
    super::dims::seed_from_stage(tx, platform).await?;
    sqlx::query("truncate fact_stage").execute(&mut *tx).await?;
    Ok(done as i32)
}

/// A staged row replaces the fact row of its key (a look-back window re-read).
const FACT_CONFLICT: &str =
    "on conflict (tenant_id, day, platform, account_id, ad_id, breakdown, geo_key) do update
        set campaign_id = excluded.campaign_id, adset_id = excluded.adset_id,
            campaign_name = excluded.campaign_name, adset_name = excluded.adset_name,
            ad_name = excluded.ad_name, currency = excluded.currency,
            region_code = excluded.region_code, impressions = excluded.impressions,
            clicks = excluded.clicks, spend_micros = excluded.spend_micros,
            conversions = excluded.conversions,
            conversion_value_micros = excluded.conversion_value_micros,
            reach = excluded.reach, run_id = excluded.run_id, updated_at = now()";

/// The report of an earlier successful run of the same file, marked as a duplicate.
async fn previous_run(
    db: &Database,
    scope: &TenantScope,
    spec: &LoadSpec,
) -> Result<Option<RunReport>> {
    let Some(sha) = &spec.sha else {
        return Ok(None);
    };
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

/// Compile-time guard: the loads stay `Send` (axum handlers and spawned tasks need it; sqlx's
/// `raw_sql` with a connection reference, for one, breaks it).
#[allow(dead_code)]
fn _send_check(db: &Database, scope: &TenantScope, spec: &LoadSpec, f: &FileFormat) {
    fn is_send<T: Send>(_: T) {}
    is_send(load_file(
        db,
        scope,
        spec,
        f,
        std::io::Cursor::new(Vec::new()),
    ));
    is_send(context(db, scope, Platform::Meta));
    let (_, rx) = mpsc::channel(1);
    is_send(load_facts(db, scope, spec, rx));
    is_send(super::entity_load::load_entities(
        db,
        scope,
        spec,
        Stream::MetaAds,
        Vec::new(),
    ));
}
