//! A tenant's ad-data settings: which Meta action types count as conversions, when a source is
//! stale, its own region keys (mapping one re-maps the rows already loaded), and each platform's
//! freshness ("data as of").

use super::{Platform, SourceFreshness, normalize_region_name};
use crate::commerce::Staff;
use crate::db::Database;
use crate::{Error, Result};

/// How old a platform's last load may be before it is flagged stale, when the tenant set nothing
/// (the column's default).
pub(crate) const DEFAULT_STALE_AFTER_HOURS: i32 = 36;

/// The settings as the data page shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct AdSettings {
    /// Meta action types counted as conversions (the defaults when the tenant chose none).
    pub conversion_actions: Vec<String>,
    pub uses_default_actions: bool,
    pub stale_after_hours: i32,
    /// The tenant's own region keys: (platform, key, region code).
    pub regions: Vec<(Platform, String, String)>,
    /// Region keys of recent runs that nothing maps yet, with their spend in micros.
    pub unmapped_regions: Vec<(Platform, String, i64)>,
    pub freshness: Vec<SourceFreshness>,
    /// (code, name) of every region, for the mapping form.
    pub all_regions: Vec<(String, String)>,
}

/// Reads the settings. Needs `analytics.read`.
pub async fn settings(db: &Database, who: &Staff<'_>) -> Result<AdSettings> {
    who.authorize(db, "analytics.read").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let mut actions: Vec<String> = sqlx::query_scalar(
        "select action_type from conversion_actions where platform = 'meta' order by action_type",
    )
    .fetch_all(&mut *tx)
    .await?;
    let uses_default_actions = actions.is_empty();
    if uses_default_actions {
        actions = super::DEFAULT_CONVERSION_ACTIONS
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    let stale_after_hours: i32 =
        sqlx::query_scalar("select stale_after_hours from ingest_settings")
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(DEFAULT_STALE_AFTER_HOURS);
    let regions: Vec<(String, String, String)> = sqlx::query_as(
        "select platform, geo_key, region_code from tenant_geo_lookup order by platform, geo_key",
    )
    .fetch_all(&mut *tx)
    .await?;
    // Keys the latest run of each platform could not map, less those mapped since.
    let unmapped: Vec<(String, String, i64)> = sqlx::query_as(
        "select distinct on (r.platform, u.key) r.platform, u.key, u.micros
           from (select distinct on (platform) platform, unmapped_regions from ingest_runs
                  where status = 'succeeded' and platform is not null
                    and unmapped_regions <> '[]'::jsonb
                  order by platform, finished_at desc) r,
                jsonb_to_recordset(
                    (select jsonb_agg(jsonb_build_object('key', e->>0, 'micros', (e->>1)::int8))
                       from jsonb_array_elements(r.unmapped_regions) e))
                as u(key text, micros int8)",
    )
    .fetch_all(&mut *tx)
    .await?;
    let freshness = freshness_in(&mut tx, stale_after_hours).await?;
    let all_regions: Vec<(String, String)> =
        sqlx::query_as("select region_code, name from dim_geo order by name")
            .fetch_all(&mut *tx)
            .await?;
    tx.commit().await?;
    let mut known = std::collections::HashSet::new();
    for (p, k, _) in &regions {
        known.insert((p.clone(), k.clone()));
    }
    Ok(AdSettings {
        conversion_actions: actions,
        uses_default_actions,
        stale_after_hours,
        regions: regions
            .into_iter()
            .filter_map(|(p, k, c)| Some((Platform::parse(&p)?, k, c)))
            .collect(),
        unmapped_regions: unmapped
            .into_iter()
            .filter(|(p, k, _)| !known.contains(&(p.clone(), normalize_region_name(k))))
            .filter_map(|(p, k, m)| Some((Platform::parse(&p)?, k, m)))
            .collect(),
        freshness,
        all_regions,
    })
}

type LastLoad = (
    String,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::NaiveDate>,
);

/// Each platform's last successful load and whether it is older than `stale_after_hours`.
pub(crate) async fn freshness_in(
    tx: &mut sqlx::PgConnection,
    stale_after_hours: i32,
) -> Result<Vec<SourceFreshness>> {
    let rows: Vec<LastLoad> = sqlx::query_as(
        "select distinct on (platform) platform, finished_at, window_to from ingest_runs
          where status = 'succeeded' and platform is not null and window_to is not null
          order by platform, finished_at desc",
    )
    .fetch_all(&mut *tx)
    .await?;
    let now = chrono::Utc::now();
    Ok(rows
        .into_iter()
        .filter_map(|(p, at, through)| {
            Some(SourceFreshness {
                platform: Platform::parse(&p)?,
                loaded_at: at.to_rfc3339(),
                through_day: through.map(|d| d.to_string()),
                stale: now - at > chrono::Duration::hours(stale_after_hours.into()),
            })
        })
        .collect())
}

/// Sets the Meta action types counted as conversions (comma or space separated; empty = the
/// defaults). Applies to loads from now on. Needs `analytics.ingest`.
pub async fn set_conversion_actions(db: &Database, who: &Staff<'_>, list: &str) -> Result<()> {
    who.authorize(db, "analytics.ingest").await?;
    let mut actions: Vec<String> = list
        .split([',', ' ', '\n'])
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.is_empty())
        .collect();
    actions.sort();
    actions.dedup();
    if let Some(bad) = actions.iter().find(|a| {
        a.len() > 100
            || !a
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c))
    }) {
        return Err(Error::Validation(format!(
            "“{bad}” is not an action type: use Meta's names, such as purchase, lead or offsite_conversion.fb_pixel_purchase."
        )));
    }
    if actions.len() > 50 {
        return Err(Error::Validation("Choose at most 50 action types.".into()));
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    sqlx::query("delete from conversion_actions where platform = 'meta'")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into conversion_actions (tenant_id, platform, action_type)
         select app_current_tenant(), 'meta', unnest($1::text[])",
    )
    .bind(&actions)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, who, "ads.settings.conversions", actions.join(",")).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets after how many hours without a load a source is flagged stale. Needs `analytics.ingest`.
pub async fn set_stale_after(db: &Database, who: &Staff<'_>, hours: i32) -> Result<()> {
    who.authorize(db, "analytics.ingest").await?;
    if !(1..=2160).contains(&hours) {
        return Err(Error::Validation(
            "Choose between 1 hour and 90 days (2160 hours).".into(),
        ));
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    sqlx::query(
        "insert into ingest_settings (tenant_id, stale_after_hours) values (app_current_tenant(), $1)
         on conflict (tenant_id) do update set stale_after_hours = $1, updated_at = now()",
    )
    .bind(hours)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, who, "ads.settings.stale_after", hours.to_string()).await?;
    tx.commit().await?;
    Ok(())
}

/// Maps a platform's region key to a region for this tenant, and re-maps the rows already loaded
/// with that key (the region rollup follows). Needs `analytics.ingest`.
pub async fn map_region(
    db: &Database,
    who: &Staff<'_>,
    platform: Platform,
    key: &str,
    region_code: &str,
) -> Result<()> {
    who.authorize(db, "analytics.ingest").await?;
    let key = key.trim();
    let norm = normalize_region_name(key.rsplit('/').next().unwrap_or(key));
    if norm.is_empty() || norm.len() > 200 {
        return Err(Error::Validation(
            "Enter the region key as the platform writes it.".into(),
        ));
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    let known: Option<String> =
        sqlx::query_scalar("select region_code from dim_geo where region_code = $1")
            .bind(region_code)
            .fetch_optional(&mut *tx)
            .await?;
    if known.is_none() {
        return Err(Error::Validation("Choose one of the regions.".into()));
    }
    sqlx::query(
        "insert into tenant_geo_lookup (tenant_id, platform, geo_key, region_code)
         values (app_current_tenant(), $1, $2, $3)
         on conflict (tenant_id, platform, geo_key) do update set region_code = $3",
    )
    .bind(platform.as_str())
    .bind(&norm)
    .bind(region_code)
    .execute(&mut *tx)
    .await?;
    super::rollups::lock_platform(&mut tx, platform).await?;
    // Rows already loaded under this key (compared loosely, as loads do).
    let keys: Vec<String> = sqlx::query_scalar(
        "select distinct geo_key from fact_performance where platform = $1 and breakdown = 'region'",
    )
    .bind(platform.as_str())
    .fetch_all(&mut *tx)
    .await?;
    let matching: Vec<String> = keys
        .into_iter()
        .filter(|k| normalize_region_name(k) == norm)
        .collect();
    let days: (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) = sqlx::query_as(
        "with moved as (
             update fact_performance set region_code = $3
              where platform = $1 and breakdown = 'region' and geo_key = any($2)
                and region_code is distinct from $3
          returning day)
         select min(day), max(day) from moved",
    )
    .bind(platform.as_str())
    .bind(&matching)
    .bind(region_code)
    .fetch_one(&mut *tx)
    .await?;
    if let (Some(from), Some(to)) = days {
        super::rollups::rebuild(&mut tx, platform, from, to).await?;
    }
    audit(
        &mut tx,
        who,
        "ads.region.map",
        format!("{} {norm} → {region_code}", platform.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn audit(
    tx: &mut sqlx::PgConnection,
    who: &Staff<'_>,
    action: &'static str,
    target: String,
) -> Result<()> {
    crate::audit::record(
        tx,
        who.meta,
        crate::audit::AuditEvent::new(action, crate::audit::Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(target),
    )
    .await
}
