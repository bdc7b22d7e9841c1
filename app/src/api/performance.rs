//! The ad-performance dashboard on the wire: the query (as in the URL) and everything the page
//! shows, with the KPI values and changes already worded and the chart drawn on the server.

use crate::error::AppError;
use cadence::ads::{Metric, Platform, SourceFreshness, Totals};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The dashboard's filters as they stand in the URL (any may be left out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PerfQuery {
    /// `last_7`, `last_30` (default), `last_90`, `mtd`, `last_month` or `custom`.
    pub range: String,
    pub from: String,
    pub to: String,
    pub platform: String,
    pub campaign: String,
    pub adset: String,
    pub region: String,
    pub metric: String,
}

impl PerfQuery {
    /// The query string for this query with one parameter changed ("" removes it).
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, String)> = vec![
            ("range", self.range.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("platform", self.platform.clone()),
            ("campaign", self.campaign.clone()),
            ("adset", self.adset.clone()),
            ("region", self.region.clone()),
            ("metric", self.metric.clone()),
        ];
        for p in &mut pairs {
            if p.0 == key {
                p.1 = value.to_string();
            }
        }
        if key == "campaign" {
            pairs.retain(|p| p.0 != "adset");
        }
        if pairs.iter().any(|p| p.0 == "range" && p.1 != "custom") {
            pairs.retain(|p| p.0 != "from" && p.0 != "to");
        }
        let query: Vec<String> = pairs
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::url::encode(&v)))
            .collect();
        format!("/app/performance?{}", query.join("&"))
    }

    pub fn metric(&self) -> Metric {
        Metric::parse(&self.metric).unwrap_or(Metric::Spend)
    }
}

/// One KPI card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub metric: Metric,
    pub value: String,
    /// "+12.5%" against the previous period, or None when there is no base.
    pub change: Option<String>,
    /// Whether the change is good news (costs going down are).
    pub good: Option<bool>,
}

/// A row of the campaign, ad set or ad tables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerfRow {
    pub platform: Platform,
    pub id: String,
    pub name: String,
    pub status: Option<String>,
    pub totals: Totals,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionView {
    pub code: Option<String>,
    pub name: String,
    pub totals: Totals,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PacingView {
    pub platform: Platform,
    pub campaign_id: String,
    pub name: String,
    pub budget: String,
    pub spend: String,
    pub projected: String,
    /// Spend as a share of the month's budget, 0–100+.
    pub percent: u32,
    pub pace: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerView {
    pub platform: Platform,
    pub currency: String,
    pub spend: String,
    pub revenue: String,
    pub conversions: i64,
    pub roas: String,
}

/// Everything the dashboard page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerformanceView {
    pub query: PerfQuery,
    pub from: String,
    pub to: String,
    pub previous: String,
    /// KPI cards per currency (currencies are never added together).
    pub kpis: Vec<(String, Vec<Kpi>)>,
    /// The chart of the selected metric for the first currency, with its day-by-day values.
    pub chart_svg: String,
    pub chart_currency: String,
    pub chart_table: Vec<(String, String)>,
    pub campaigns: Vec<PerfRow>,
    /// When a campaign is chosen: its ad sets and its ads (or the chosen ad set's ads).
    pub adsets: Vec<PerfRow>,
    pub ads: Vec<PerfRow>,
    pub campaign_name: Option<String>,
    pub adset_name: Option<String>,
    pub region_name: Option<String>,
    pub regions: Vec<RegionView>,
    pub regions_have_conversions: bool,
    pub pacing: Vec<PacingView>,
    pub ledger: Vec<LedgerView>,
    pub freshness: Vec<SourceFreshness>,
    /// "Meta from 3 Nov", … : days still inside a platform's attribution look-back.
    pub settling: Vec<String>,
    /// (platform, id, name) for the campaign filter.
    pub campaign_options: Vec<(Platform, String, String)>,
    /// Whether the plan includes CSV exports (the tables' "Download CSV").
    pub csv_export: bool,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use cadence::ads::change;
    use cadence::ads::dashboard::series;
    use cadence::ads::dashboard::{self, Range};
    use rust_decimal::Decimal;

    fn money(micros: i64, currency: &str) -> String {
        Metric::Spend.format(Some(Decimal::new(micros, 6)), currency)
    }

    pub fn range_of(q: &PerfQuery) -> Result<Range, AppError> {
        Ok(match q.range.as_str() {
            "last_7" => Range::Last7,
            "" | "last_30" => Range::Last30,
            "last_90" => Range::Last90,
            "mtd" => Range::MonthToDate,
            "last_month" => Range::LastMonth,
            "custom" => {
                let day = |s: &str| {
                    s.parse::<chrono::NaiveDate>()
                        .map_err(|_| AppError::invalid("Enter the range's dates as YYYY-MM-DD."))
                };
                Range::Custom(day(&q.from)?, day(&q.to)?)
            }
            _ => return Err(AppError::invalid("Choose a date range.")),
        })
    }

    pub fn query_of(q: &PerfQuery) -> Result<dashboard::Query, AppError> {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(dashboard::Query {
            range: range_of(q)?,
            platform: match q.platform.as_str() {
                "" => None,
                p => Some(
                    Platform::parse(p).ok_or_else(|| AppError::invalid("Choose a platform."))?,
                ),
            },
            campaign: some(&q.campaign),
            region: some(&q.region),
            adset: some(&q.adset),
        })
    }

    pub fn kpis(d: &dashboard::Dashboard) -> Vec<(String, Vec<Kpi>)> {
        d.totals
            .iter()
            .map(|now| {
                let before = d
                    .previous
                    .iter()
                    .find(|p| p.currency == now.currency)
                    .cloned()
                    .unwrap_or_else(|| Totals::new(&now.currency));
                let cards = Metric::ALL
                    .into_iter()
                    .filter(|m| *m != Metric::ConversionRate)
                    .map(|m| {
                        let delta = change(m.of(now), m.of(&before));
                        Kpi {
                            metric: m,
                            value: m.format(m.of(now), &now.currency),
                            change: delta.map(|c| {
                                let pct = (c * Decimal::from(100)).round_dp(1);
                                if pct.is_sign_negative() {
                                    format!("{pct}%")
                                } else {
                                    format!("+{pct}%")
                                }
                            }),
                            good: delta
                                .filter(|c| !c.is_zero())
                                .map(|c| c.is_sign_positive() != m.lower_is_better()),
                        }
                    })
                    .collect();
                (now.currency.clone(), cards)
            })
            .collect()
    }

    pub fn row(r: dashboard::Row) -> PerfRow {
        PerfRow {
            platform: r.platform,
            id: r.id,
            name: r.name,
            status: r.status,
            totals: r.totals,
        }
    }

    pub fn view(q: PerfQuery, d: dashboard::Dashboard) -> PerformanceView {
        let metric = q.metric();
        let chart_currency = d
            .totals
            .first()
            .map(|t| t.currency.clone())
            .unwrap_or_default();
        let points = series(&d, metric, &chart_currency);
        let chart_table = points
            .iter()
            .map(|(day, v)| (day.to_string(), metric.format(*v, &chart_currency)))
            .collect();
        let chart_svg = cadence::ads::chart::line_chart(metric, &chart_currency, &points);
        let name_of = |id: &str| {
            d.campaign_names
                .iter()
                .find(|(_, i, _)| i == id)
                .map(|(_, _, n)| n.clone())
        };
        let previous = d.filters.previous();
        PerformanceView {
            from: d.filters.from.to_string(),
            to: d.filters.to.to_string(),
            previous: format!("{} – {}", previous.from, previous.to),
            kpis: kpis(&d),
            chart_svg,
            chart_currency,
            chart_table,
            campaign_name: d
                .filters
                .campaign
                .as_deref()
                .map(|c| name_of(c).unwrap_or_else(|| c.to_string())),
            adset_name: d.filters.adset.as_deref().map(|a| {
                d.adsets
                    .iter()
                    .find(|r| r.id == a)
                    .map(|r| r.name.clone())
                    .unwrap_or_else(|| a.to_string())
            }),
            region_name: d.filters.region.as_ref().map(|code| {
                d.regions
                    .iter()
                    .find(|r| r.code.as_ref() == Some(code))
                    .map(|r| r.name.clone())
                    .unwrap_or_else(|| code.clone())
            }),
            campaigns: d.campaigns.into_iter().map(row).collect(),
            adsets: d.adsets.into_iter().map(row).collect(),
            ads: d.ads.into_iter().map(row).collect(),
            regions: d
                .regions
                .into_iter()
                .map(|r| RegionView {
                    code: r.code,
                    name: r.name,
                    totals: r.totals,
                })
                .collect(),
            regions_have_conversions: d.regions_have_conversions,
            pacing: d
                .pacing
                .into_iter()
                .map(|p| PacingView {
                    platform: p.platform,
                    percent: (p.spend_micros * 100 / p.month_budget_micros.max(1)) as u32,
                    budget: money(p.month_budget_micros, &p.currency),
                    spend: money(p.spend_micros, &p.currency),
                    projected: money(p.projected_micros, &p.currency),
                    pace: p.pace.to_string(),
                    campaign_id: p.campaign_id,
                    name: p.name,
                })
                .collect(),
            ledger: d
                .ledger
                .iter()
                .map(|l| LedgerView {
                    platform: l.platform,
                    currency: l.currency.clone(),
                    spend: money(l.spend_micros, &l.currency),
                    revenue: Metric::Value.format(Some(l.revenue), &l.currency),
                    conversions: l.conversions,
                    roas: Metric::Roas.format(l.roas(), &l.currency),
                })
                .collect(),
            freshness: d.freshness,
            settling: d
                .settling
                .iter()
                .map(|(p, day)| format!("{} from {}", p.label(), day.format("%-d %b")))
                .collect(),
            campaign_options: d.campaign_names,
            csv_export: d.csv_export,
            query: q,
        }
    }
}

/// The dashboard for the URL's query. Needs `analytics.read`. (A fixed path, so benchmarks and
/// scripts can call it.)
#[server(endpoint = "load_performance")]
pub async fn load_performance(query: PerfQuery) -> Result<PerformanceView, AppError> {
    let p = crate::api::commerce::ssr::Parts::current().await?;
    let staff = p.staff();
    let q = ssr::query_of(&query)?;
    let d = cadence::ads::dashboard::dashboard(&p.db, &staff, &q).await?;
    Ok(ssr::view(query, d))
}
