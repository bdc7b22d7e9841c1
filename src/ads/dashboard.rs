//! The ad-performance dashboard's reads, all from the rollups inside one tenant transaction:
//! totals per currency (this period and the one before), the daily series, campaigns with their
//! drill-down to ad sets and ads, regions, month-to-date pacing, and the ledger of ad spend beside
//! the storefront's own revenue by platform (in `ledger`).

mod ledger;

pub use ledger::LedgerRow;

use super::{Metric, Platform, Totals};
use crate::commerce::Staff;
use crate::db::Database;
use crate::{Error, Result};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A date range as people choose it. Preset ranges end today (its numbers still arriving, like
/// every day inside a look-back), in the tenant's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    Last7,
    Last30,
    Last90,
    MonthToDate,
    LastMonth,
    Custom(NaiveDate, NaiveDate),
}

impl Range {
    /// The preset's name in a URL (`last_30`, …); custom ranges are `custom`.
    pub fn as_str(self) -> &'static str {
        match self {
            Range::Last7 => "last_7",
            Range::Last30 => "last_30",
            Range::Last90 => "last_90",
            Range::MonthToDate => "mtd",
            Range::LastMonth => "last_month",
            Range::Custom(..) => "custom",
        }
    }

    /// `from..=to` for the tenant's `today`.
    pub fn resolve(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let back = |n: i64| (today - chrono::Duration::days(n - 1), today);
        let first = today.with_day(1).unwrap_or(today);
        match self {
            Range::Last7 => back(7),
            Range::Last30 => back(30),
            Range::Last90 => back(90),
            Range::MonthToDate => (first, today),
            Range::LastMonth => {
                let end = first - chrono::Duration::days(1);
                (end.with_day(1).unwrap_or(end), end)
            }
            Range::Custom(from, to) => (from, to),
        }
    }
}

/// What the dashboard was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub range: Range,
    pub platform: Option<Platform>,
    pub campaign: Option<String>,
    pub region: Option<String>,
    /// With a campaign: one of its ad sets, whose ads the drill-down lists.
    pub adset: Option<String>,
}

/// What the dashboard shows: a date range and optional platform, campaign and region (and, with a
/// campaign, the ad set whose ads are listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filters {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub platform: Option<Platform>,
    pub campaign: Option<String>,
    pub region: Option<String>,
    pub adset: Option<String>,
}

impl Filters {
    /// The period of the same length just before this one.
    pub fn previous(&self) -> Filters {
        let days = (self.to - self.from).num_days() + 1;
        Filters {
            from: self.from - chrono::Duration::days(days),
            to: self.from - chrono::Duration::days(1),
            ..self.clone()
        }
    }

    fn check(&self) -> Result<()> {
        if self.to < self.from {
            return Err(Error::Validation("The range ends before it starts.".into()));
        }
        if (self.to - self.from).num_days() > 731 {
            return Err(Error::Validation(
                "Choose a range of two years at most.".into(),
            ));
        }
        Ok(())
    }

    /// The rollup to read (aliased `r`), and the filter clause over `$1..$5` (from, to, platform,
    /// campaign, region). A region filter reads the region rollup.
    fn source(&self) -> (&'static str, &'static str) {
        if self.region.is_some() {
            ("rollup_region_day", BY_REGION)
        } else {
            ("rollup_campaign_day", BY_CAMPAIGN)
        }
    }

    /// Like [`Filters::source`] for sums that need no campaign: without a campaign or region
    /// filter, the day rollup (a few rows per day) instead of the campaigns'.
    fn totals_source(&self) -> (&'static str, &'static str) {
        if self.campaign.is_none() && self.region.is_none() {
            ("rollup_day", BY_DAY)
        } else {
            self.source()
        }
    }
}

const BY_DAY: &str = "r.day between $1 and $2 and ($3::text is null or r.platform = $3)
    and $4::text is null and $5::text is null";

const BY_CAMPAIGN: &str = "r.day between $1 and $2 and ($3::text is null or r.platform = $3)
    and ($4::text is null or r.campaign_id = $4) and $5::text is null";
const BY_REGION: &str = "r.day between $1 and $2 and ($3::text is null or r.platform = $3)
    and ($4::text is null or r.campaign_id = $4) and r.region_code = $5";

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

/// A campaign's month to date against its budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Pacing {
    pub platform: Platform,
    pub campaign_id: String,
    pub name: String,
    pub currency: String,
    pub month_budget_micros: i64,
    pub spend_micros: i64,
    pub projected_micros: i64,
    /// "on", "under" or "over" (within 10 % of the budget is on pace).
    pub pace: &'static str,
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
    let pacing = pacing(&mut tx, f, today).await?;
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
    let (key, dim, dim_key) = if ads || adset.is_some() {
        ("ad_id", "dim_ad", "ad_id")
    } else {
        ("adset_id", "dim_adset", "adset_id")
    };
    let name = if key == "ad_id" {
        "coalesce(max(d.name), max(r.ad_name))"
    } else {
        "max(d.name)"
    };
    let rows: Vec<Agg> = sqlx::query_as(&format!(
        "select r.platform, r.{key} as id, {name} as name, max(d.status) as status, {SUMS}
           from rollup_ad_day r
           left join {dim} d on d.platform = r.platform and d.{dim_key} = r.{key} and d.is_current
          where r.day between $1 and $2 and ($3::text is null or r.platform = $3)
            and r.campaign_id = $4 and ($5::text is null or r.adset_id = $5)
          group by r.platform, r.{key}, currency
          order by sum(spend_micros) desc
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

/// Month to date (the month of `today`) against budgets: a campaign's current daily budget times
/// the month's days. Campaigns without a known budget are left out.
async fn pacing(tx: &mut sqlx::PgConnection, f: &Filters, today: NaiveDate) -> Result<Vec<Pacing>> {
    let first = today.with_day(1).unwrap_or(today);
    let days_in_month = i64::from(month_end(today).day());
    let elapsed = (today - first).num_days() + 1;
    let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "select d.platform, d.campaign_id, d.name, r.currency, d.budget_micros,
                coalesce(sum(r.spend_micros), 0)::int8
           from dim_campaign d
           join rollup_campaign_day r
             on r.platform = d.platform and r.campaign_id = d.campaign_id and r.day between $1 and $2
          where d.is_current and d.budget_micros > 0 and ($3::text is null or d.platform = $3)
            and ($4::text is null or d.campaign_id = $4)
          group by d.platform, d.campaign_id, d.name, r.currency, d.budget_micros
          order by d.name",
    )
    .bind(first)
    .bind(today)
    .bind(f.platform.map(Platform::as_str))
    .bind(&f.campaign)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, id, name, currency, daily, spend)| {
            let budget = daily * days_in_month;
            let projected = spend * days_in_month / elapsed.max(1);
            let pace = if projected > budget * 11 / 10 {
                "over"
            } else if projected < budget * 9 / 10 {
                "under"
            } else {
                "on"
            };
            Some(Pacing {
                platform: Platform::parse(&p)?,
                campaign_id: id,
                name,
                currency,
                month_budget_micros: budget,
                spend_micros: spend,
                projected_micros: projected,
                pace,
            })
        })
        .collect())
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

    #[test]
    fn the_previous_period_has_the_same_length_just_before() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            Range::LastMonth.resolve(d("2026-12-01")),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            Range::Last7.resolve(d("2026-12-01")),
            (d("2026-11-25"), d("2026-12-01"))
        );
        assert_eq!(
            Range::MonthToDate.resolve(d("2026-12-01")),
            (d("2026-12-01"), d("2026-12-01"))
        );
        let f = Filters {
            from: d("2026-11-01"),
            to: d("2026-11-30"),
            platform: None,
            campaign: None,
            region: None,
            adset: None,
        };
        let p = f.previous();
        assert_eq!((p.from, p.to), (d("2026-10-02"), d("2026-10-31")));
    }
}
