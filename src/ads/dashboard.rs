//! The ad-performance dashboard's reads, all from the rollups inside one tenant transaction:
//! totals per currency (this period and the one before), the daily series, campaigns with their
//! drill-down to ad sets and ads, regions, month-to-date pacing, and the ledger of ad spend beside
//! the storefront's own revenue by platform (in `ledger`).

mod filters;
mod ledger;
mod pacing;

pub use filters::{Filters, Query, Range};
pub use ledger::LedgerRow;
pub use pacing::Pacing;

use super::{Metric, Platform, Totals};
use crate::Result;
use crate::commerce::Staff;
use crate::db::Database;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// One campaign (or ad set, or ad) in a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub platform: Platform,
    pub id: String,
    pub name: String,
    pub status: Option<String>,
    pub totals: Totals,
}

/// A region's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionRow {
    pub code: Option<String>,
    pub name: String,
    pub totals: Totals,
}

/// Everything the dashboard shows for one set of filters.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub filters: Filters,
    /// Current campaigns for the filter list: (platform, id, name).
    pub campaign_names: Vec<(Platform, String, String)>,
    /// Per platform with data in range, the first day still inside its attribution look-back.
    pub settling: Vec<(Platform, NaiveDate)>,
    pub totals: Vec<Totals>,
    pub previous: Vec<Totals>,
    /// (day, totals per currency that day).
    pub daily: Vec<(NaiveDate, Totals)>,
    pub campaigns: Vec<Row>,
    /// With a campaign filter: its ad sets, and its ads (of the chosen ad set, if any).
    pub adsets: Vec<Row>,
    pub ads: Vec<Row>,
    pub regions: Vec<RegionRow>,
    /// True when the region numbers include rows with conversions (Google's); Meta's region rows
    /// carry none.
    pub regions_have_conversions: bool,
    pub pacing: Vec<Pacing>,
    pub ledger: Vec<LedgerRow>,
    /// Each platform's last load and whether it is stale.
    pub freshness: Vec<super::SourceFreshness>,
    /// Whether the tenant's plan lets people download the tables as CSV.
    pub csv_export: bool,
    /// The tenant's today (its time zone).
    pub today: NaiveDate,
}

const SUMS: &str = "currency, sum(impressions)::int8 as impressions, sum(clicks)::int8 as clicks,
    sum(spend_micros)::int8 as spend, sum(conversions) as conversions,
    sum(conversion_value_micros)::int8 as value";

/// The columns of [`SUMS`]: a group's sums in one currency.
#[derive(sqlx::FromRow)]
struct Sums {
    currency: String,
    impressions: i64,
    clicks: i64,
    spend: i64,
    conversions: Decimal,
    value: i64,
}

impl From<Sums> for Totals {
    fn from(s: Sums) -> Totals {
        Totals {
            currency: s.currency,
            impressions: s.impressions,
            clicks: s.clicks,
            spend_micros: s.spend,
            conversions: s.conversions,
            value_micros: s.value,
        }
    }
}

/// A grouped row: what it is (platform, id, name, status) and its sums.
#[derive(sqlx::FromRow)]
struct Agg {
    platform: String,
    id: String,
    name: Option<String>,
    status: Option<String>,
    #[sqlx(flatten)]
    sums: Sums,
}

impl Agg {
    fn into_row(self) -> Option<Row> {
        Some(Row {
            platform: Platform::parse(&self.platform)?,
            name: self
                .name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| self.id.clone()),
            id: self.id,
            status: self.status,
            totals: self.sums.into(),
        })
    }
}

/// Sums grouped by `group` (an expression, or a quoted constant for the whole range) and currency.
async fn sums(
    tx: &mut sqlx::PgConnection,
    f: &Filters,
    group: &str,
    order: &str,
) -> Result<Vec<(String, Totals)>> {
    #[derive(sqlx::FromRow)]
    struct Keyed {
        key: String,
        #[sqlx(flatten)]
        sums: Sums,
    }
    let (table, filter) = f.totals_source();
    // A constant (the whole range) is not a grouping key.
    let by = if group.starts_with('\'') {
        String::new()
    } else {
        format!("{group}, ")
    };
    let rows: Vec<Keyed> = sqlx::query_as(&format!(
        "select {group}::text as key, {SUMS} from {table} r where {filter}
          group by {by}currency order by {order}"
    ))
    .bind(f.from)
    .bind(f.to)
    .bind(f.platform.map(Platform::as_str))
    .bind(&f.campaign)
    .bind(&f.region)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.sums.into())).collect())
}

/// Reads the dashboard, all of it in one transaction. Needs `analytics.read`.
#[tracing::instrument(name = "Read the ad dashboard", skip_all, fields(tenant_id = %who.scope.tenant_id()))]
pub async fn dashboard(db: &Database, who: &Staff<'_>, q: &Query) -> Result<Dashboard> {
    who.authorize(db, "analytics.read").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    // Plans made for the call's own filters: the statements' optional filters (`$3 is null or
    // platform = $3`) and date range make a cached generic plan guess a handful of rows and sort
    // 15,000 campaign days where hashing them is four times faster (measured: 24 → 6 ms).
    let (today, stale_after_hours, _): (NaiveDate, Option<i32>, String) = sqlx::query_as(
        "select (now() at time zone (select time_zone from tenants where id = app_current_tenant()))::date,
                (select stale_after_hours from ingest_settings),
                set_config('plan_cache_mode', 'force_custom_plan', true)",
    )
    .fetch_one(&mut *tx)
    .await?;
    let (from, to) = q.range.resolve(today);
    let filters = Filters {
        from,
        to,
        platform: q.platform,
        campaign: q.campaign.clone(),
        region: q.region.clone(),
        // An ad set only means something inside its campaign.
        adset: q.campaign.as_ref().and(q.adset.clone()),
    };
    let f = &filters;
    f.check()?;
    let campaigns = campaigns(&mut tx, f).await?;
    // The period's totals are the campaigns' summed per currency (exact integers and decimals).
    let mut totals: Vec<Totals> = Vec::new();
    for c in &campaigns {
        match totals.iter_mut().find(|t| t.currency == c.totals.currency) {
            Some(t) => t.add(&c.totals),
            None => totals.push(c.totals.clone()),
        }
    }
    totals.sort_by(|a, b| {
        b.spend_micros
            .cmp(&a.spend_micros)
            .then(a.currency.cmp(&b.currency))
    });
    let previous = sums(&mut tx, &f.previous(), "''", "4 desc")
        .await?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let daily = sums(&mut tx, f, "day", "1")
        .await?
        .into_iter()
        .filter_map(|(day, t)| Some((day.parse().ok()?, t)))
        .collect();
    let (regions, regions_have_conversions) = regions(&mut tx, f).await?;
    let pacing = pacing::pacing(&mut tx, f, today).await?;
    let ledger = ledger::ledger(&mut tx, f, &campaigns).await?;
    let campaign_names: Vec<(String, String, String)> = sqlx::query_as(
        "select platform, campaign_id, name from dim_campaign where is_current
          order by lower(name), campaign_id limit 1000",
    )
    .fetch_all(&mut *tx)
    .await?;
    let (adsets, ads) = match f.campaign.as_deref() {
        Some(campaign) => (
            drill(&mut tx, f, campaign, None, false).await?,
            drill(&mut tx, f, campaign, f.adset.as_deref(), true).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let freshness = super::settings::freshness_in(
        &mut tx,
        stale_after_hours.unwrap_or(super::settings::DEFAULT_STALE_AFTER_HOURS),
    )
    .await?;
    let csv_export = crate::admin::plans::entitlements_in(&mut tx)
        .await?
        .allows("csv_export");
    tx.commit().await?;
    let mut settling = Vec::new();
    for t in &campaigns {
        let look_back = if t.platform == Platform::GoogleAds {
            30
        } else {
            28
        };
        let start = today - chrono::Duration::days(look_back);
        if f.to >= start && !settling.iter().any(|(p, _)| *p == t.platform) {
            settling.push((t.platform, start.max(f.from)));
        }
    }
    Ok(Dashboard {
        filters: filters.clone(),
        campaign_names: campaign_names
            .into_iter()
            .filter_map(|(p, id, n)| Some((Platform::parse(&p)?, id, n)))
            .collect(),
        settling,
        totals,
        previous,
        daily,
        campaigns,
        adsets,
        ads,
        regions,
        regions_have_conversions,
        pacing,
        ledger,
        freshness,
        csv_export,
        today,
    })
}

async fn campaigns(tx: &mut sqlx::PgConnection, f: &Filters) -> Result<Vec<Row>> {
    let (table, filter) = f.source();
    // Every campaign over the range: its whole months from the month rollup, the days at the
    // range's edges from the day rollup. A chosen campaign or parish reads its own days by index.
    let whole = whole_months(f.from, f.to).filter(|_| f.campaign.is_none() && f.region.is_none());
    let source = match whole {
        Some(_) => format!(
            "(select r.platform, r.campaign_id, {MONTH_SUMS} from rollup_campaign_month r
               where r.month between $6 and $7 and ($3::text is null or r.platform = $3)
              union all
              select r.platform, r.campaign_id, {MONTH_SUMS} from rollup_campaign_day r
               where r.day >= $1 and r.day < $6 and ($3::text is null or r.platform = $3)
              union all
              select r.platform, r.campaign_id, {MONTH_SUMS} from rollup_campaign_day r
               where r.day >= ($7 + interval '1 month')::date and r.day <= $2
                 and ($3::text is null or r.platform = $3)) r"
        ),
        None => format!("{table} r where {filter}"),
    };
    let (first, last) = whole.unwrap_or((f.from, f.to));
    // Aggregate first, then name the few resulting campaigns.
    let rows: Vec<Agg> = sqlx::query_as(&format!(
        "select g.platform, g.campaign_id as id, d.name, d.status, g.currency, g.impressions,
                g.clicks, g.spend, g.conversions, g.value
           from (select r.platform, r.campaign_id, {SUMS} from {source}
                  group by r.platform, r.campaign_id, currency) g
           left join dim_campaign d
             on d.platform = g.platform and d.campaign_id = g.campaign_id and d.is_current
          order by g.spend desc, g.campaign_id"
    ))
    .bind(f.from)
    .bind(f.to)
    .bind(f.platform.map(Platform::as_str))
    .bind(&f.campaign)
    .bind(&f.region)
    .bind(first)
    .bind(last)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().filter_map(Agg::into_row).collect())
}

/// The month rollup's columns under the names [`SUMS`] sums.
const MONTH_SUMS: &str =
    "currency, impressions, clicks, spend_micros, conversions, conversion_value_micros";

/// The first days of the first and the last calendar month lying wholly inside `from..=to`, if any.
fn whole_months(from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = if from.day() == 1 {
        from
    } else {
        month_end(from).succ_opt()?
    };
    let last = (to + chrono::Duration::days(1))
        .with_day(1)?
        .pred_opt()?
        .with_day(1)?;
    (first <= last).then_some((first, last))
}

/// The last day of `day`'s month.
fn month_end(day: NaiveDate) -> NaiveDate {
    let next = if day.month() == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), day.month() + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(day)
}

/// A campaign's ad sets, or (with `ads`) its ads, of one ad set if `adset` is given, over the
/// filters' range and platform.
async fn drill(
    tx: &mut sqlx::PgConnection,
    f: &Filters,
    campaign: &str,
    adset: Option<&str>,
    ads: bool,
) -> Result<Vec<Row>> {
    let (key, dim) = if ads || adset.is_some() {
        ("ad", "dim_ad")
    } else {
        ("adset", "dim_adset")
    };
    // Aggregate first, then name the few resulting rows (joining the dimension row by row cost
    // 6 of a drill-down's 7.5 ms at 900 fact rows). The fact carries the names the platform last
    // reported, for entities without a dimension row.
    let rows: Vec<Agg> = sqlx::query_as(&format!(
        "select g.platform, g.id, coalesce(d.name, g.name) as name, d.status, g.currency,
                g.impressions, g.clicks, g.spend, g.conversions, g.value
           from (select r.platform, r.{key}_id as id, max(r.{key}_name) as name, {SUMS}
                   from fact_performance r
                  where r.breakdown = 'none' and r.day between $1 and $2
                    and ($3::text is null or r.platform = $3)
                    and r.campaign_id = $4 and ($5::text is null or r.adset_id = $5)
                  group by r.platform, r.{key}_id, currency) g
           left join {dim} d on d.platform = g.platform and d.{key}_id = g.id and d.is_current
          order by g.spend desc, g.id
          limit 500"
    ))
    .bind(f.from)
    .bind(f.to)
    .bind(f.platform.map(Platform::as_str))
    .bind(campaign)
    .bind(adset)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().filter_map(Agg::into_row).collect())
}

/// A parish's sums, and whether any row in the range came from a platform other than Meta (whose
/// region rows carry no conversions).
#[derive(sqlx::FromRow)]
struct RegionAgg {
    id: String,
    name: Option<String>,
    with_conversions: bool,
    #[sqlx(flatten)]
    sums: Sums,
}

async fn regions(tx: &mut sqlx::PgConnection, f: &Filters) -> Result<(Vec<RegionRow>, bool)> {
    // Aggregate the day rows first, then name the few parishes; one pass also tells whether any
    // platform other than Meta is in the range. Without a campaign, the parish rollup (no
    // campaigns in it) is enough.
    let (table, by_campaign) = if f.campaign.is_some() {
        ("rollup_region_day", "r.campaign_id = $4")
    } else {
        ("rollup_parish_day", "$4::text is null")
    };
    let rows: Vec<RegionAgg> = sqlx::query_as(&format!(
        "select coalesce(a.region_code, '') as id, g.name, a.currency, a.impressions, a.clicks,
                a.spend, a.conversions, a.value, bool_or(a.not_meta) over () as with_conversions
           from (select nullif(r.region_code, '') as region_code, {SUMS},
                        bool_or(r.platform <> 'meta') as not_meta
                   from {table} r
                  where r.day between $1 and $2 and ($3::text is null or r.platform = $3)
                    and {by_campaign}
                  group by 1, currency) a
           left join dim_geo g using (region_code)
          order by g.name nulls last, a.currency"
    ))
    .bind(f.from)
    .bind(f.to)
    .bind(f.platform.map(Platform::as_str))
    .bind(&f.campaign)
    .fetch_all(&mut *tx)
    .await?;
    let with_conversions = rows.first().is_some_and(|r| r.with_conversions);
    Ok((
        rows.into_iter()
            .map(|a| RegionRow {
                name: a.name.unwrap_or_else(|| "Not mapped".into()),
                code: (!a.id.is_empty()).then_some(a.id),
                totals: a.sums.into(),
            })
            .collect(),
        with_conversions,
    ))
}

/// The metric's value per day for one currency, for the chart.
pub fn series(d: &Dashboard, metric: Metric, currency: &str) -> Vec<(NaiveDate, Option<Decimal>)> {
    d.daily
        .iter()
        .filter(|(_, t)| t.currency == currency)
        .map(|(day, t)| (*day, metric.of(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_months_are_those_wholly_inside_the_range() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            whole_months(d("2026-09-04"), d("2026-12-02")),
            Some((d("2026-10-01"), d("2026-11-01")))
        );
        assert_eq!(
            whole_months(d("2026-10-01"), d("2026-11-30")),
            Some((d("2026-10-01"), d("2026-11-01")))
        );
        assert_eq!(
            whole_months(d("2026-11-30"), d("2027-01-31")),
            Some((d("2026-12-01"), d("2027-01-01")))
        );
        assert_eq!(whole_months(d("2026-11-02"), d("2026-12-30")), None);
        assert_eq!(month_end(d("2028-02-10")), d("2028-02-29"));
        assert_eq!(month_end(d("2026-12-31")), d("2026-12-31"));
    }

    use super::*;
}
