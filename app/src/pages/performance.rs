//! The ad-performance dashboard: filters in the URL (range presets or custom, platform, campaign,
//! parish), KPI cards against the previous period, the server-drawn chart with its table, the
//! campaign table with drill-down to ad sets and ads, the parish map, pacing and the ledger of ad
//! spend beside the storefront's own revenue.

use super::parish_map::ParishMap;
use super::perf_table::PerfTable;
use crate::api::performance::{PerfQuery, PerformanceView, load_performance};
use crate::error::AppError;
use cadence::ads::{Metric, Platform};
use leptos::prelude::*;
use leptos_meta::{Script, Stylesheet, Title};
use leptos_router::components::{A, Form, Redirect};
use leptos_router::hooks::use_query_map;

const RANGES: [(&str, &str); 6] = [
    ("last_7", "Last 7 days"),
    ("last_30", "Last 30 days"),
    ("last_90", "Last 90 days"),
    ("mtd", "Month to date"),
    ("last_month", "Last month"),
    ("custom", "Custom"),
];

const CHART_METRICS: [Metric; 8] = [
    Metric::Spend,
    Metric::Impressions,
    Metric::Clicks,
    Metric::Ctr,
    Metric::Cpc,
    Metric::Conversions,
    Metric::Cpa,
    Metric::Roas,
];

#[component]
pub fn PerformancePage() -> impl IntoView {
    let query = use_query_map();
    let perf_query = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        PerfQuery {
            range: get("range"),
            from: get("from"),
            to: get("to"),
            platform: get("platform"),
            campaign: get("campaign"),
            adset: get("adset"),
            region: get("region"),
            metric: get("metric"),
        }
    };
    let data = Resource::new(perf_query, load_performance);
    view! {
        <Title text="Ad performance — Cadence" />
        <Stylesheet href="/leaflet/leaflet.css" />
        <Script src="/leaflet/leaflet.js" />
        <p class="crumbs"><A href="/app">"← Workspace"</A></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the dashboard…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Dashboard v /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/app/performance" /> }.into_any(),
                    Err(e) => view! {
                        <section class="panel">
                            <h1>"Ad performance"</h1>
                            <p class="alert alert--warn" role="alert" data-test="perf-error">{e.to_string()}</p>
                            <a href="/app/performance">"Back to the last 30 days"</a>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(v: PerformanceView) -> impl IntoView {
    let q = v.query.clone();
    let metric = q.metric();
    let range = if q.range.is_empty() {
        "last_30".to_string()
    } else {
        q.range.clone()
    };
    let has_data = !v.kpis.is_empty();
    view! {
        <section class="panel perf-head">
            <div class="perf-head__title">
                <h1>"Ad performance"</h1>
                <p class="muted" data-test="perf-range">{format!("{} – {}, compared with {}", v.from, v.to, v.previous)}</p>
            </div>
            <ul class="freshness" data-test="freshness">
                {v.freshness.iter().map(|f| view! {
                    <li class="badge" class:badge--warn=f.stale class:badge--ok=!f.stale title=format!("Last load {}", f.loaded_at)>
                        {format!("{} · data as of {}{}", f.platform.label(),
                            f.through_day.clone().unwrap_or_default(),
                            if f.stale { " · stale" } else { "" })}
                    </li>
                }).collect_view()}
                <li><a href="/app/data" class="muted">"Manage data"</a></li>
            </ul>
        </section>
        <Filters v=v.clone() range=range.clone() />
        {(!v.settling.is_empty()).then(|| view! {
            <p class="note" data-test="settling">{format!(
                "Still settling (inside the platform's attribution look-back, numbers may rise): {}.",
                v.settling.join("; ")
            )}</p>
        })}
        {if has_data {
            view! { <Body v metric q /> }.into_any()
        } else {
            view! {
                <section class="panel empty-state" data-test="perf-empty">
                    <h2>"No ad data in this range"</h2>
                    <p class="muted">"Connect an ad account and load its data, or choose a longer range."</p>
                    <a class="button" href="/app/data">"Load ad data"</a>
                </section>
            }.into_any()
        }}
    }
}

#[component]
fn Filters(v: PerformanceView, range: String) -> impl IntoView {
    let q = v.query.clone();
    let (platform, campaign) = (q.platform.clone(), q.campaign.clone());
    let (region, metric) = (q.region.clone(), q.metric.clone());
    view! {
        <Form method="GET" action="/app/performance" attr:class="panel filters" attr:data-test="perf-filters">
            <div>
                <label for="f-range">"Date range"</label>
                <select id="f-range" name="range">
                    {RANGES.iter().map(|(value, label)| view! {
                        <option value=*value selected=range == *value>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-from">"From"</label>
                <input id="f-from" name="from" type="date" value=v.from.clone() />
            </div>
            <div>
                <label for="f-to">"To"</label>
                <input id="f-to" name="to" type="date" value=v.to.clone() />
            </div>
            <div>
                <label for="f-platform">"Platform"</label>
                <select id="f-platform" name="platform">
                    <option value="">"All platforms"</option>
                    {Platform::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=platform == p.as_str()>{p.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-campaign">"Campaign"</label>
                <select id="f-campaign" name="campaign">
                    <option value="">"All campaigns"</option>
                    {v.campaign_options.iter().map(|(p, id, name)| view! {
                        <option value=id.clone() selected=campaign == *id>{format!("{name} ({})", p.label())}</option>
                    }).collect_view()}
                </select>
            </div>
            <input type="hidden" name="region" value=region />
            <input type="hidden" name="metric" value=metric />
            <button class="button" type="submit">"Apply"</button>
            <p class="hint">"Pick “Custom” to use the dates. The address bar keeps these filters, so the view can be bookmarked or shared."</p>
        </Form>
        <div class="chips">
            {v.campaign_name.clone().map(|n| view! {
                <a class="chip" href=q.with("campaign", "") data-test="chip-campaign">{format!("Campaign: {n}")}<span aria-hidden="true">" ×"</span></a>
            })}
            {v.adset_name.clone().map(|n| view! {
                <a class="chip" href=q.with("adset", "")>{format!("Ad set: {n}")}<span aria-hidden="true">" ×"</span></a>
            })}
            {v.region_name.clone().map(|n| view! {
                <a class="chip" href=q.with("region", "") data-test="chip-region">{format!("Parish: {n}")}<span aria-hidden="true">" ×"</span></a>
            })}
        </div>
    }
}

#[component]
fn Body(v: PerformanceView, metric: Metric, q: PerfQuery) -> impl IntoView {
    let campaign_link = (q.clone(), "campaign".to_string());
    let adset_link = (q.clone(), "adset".to_string());
    view! {
        {v.kpis.iter().map(|(currency, cards)| view! {
            <section class="kpis" data-test="kpis" aria-label=format!("Totals in {currency}")>
                {(v.kpis.len() > 1).then(|| view! { <h2 class="kpis__currency">{currency.clone()}</h2> })}
                <div class="kpi-grid">
                    {cards.iter().map(|k| view! {
                        <div class="kpi" data-test=format!("kpi-{}", k.metric.as_str())>
                            <span class="kpi__label">{k.metric.label()}</span>
                            <span class="kpi__value">{k.value.clone()}</span>
                            <span class="kpi__change" class:kpi__change--good=k.good == Some(true) class:kpi__change--bad=k.good == Some(false)>
                                {k.change.clone().map_or("— vs previous".to_string(), |c| format!("{c} vs previous"))}
                            </span>
                        </div>
                    }).collect_view()}
                </div>
            </section>
        }).collect_view()}
        <section class="panel" data-test="chart">
            <div class="panel__head">
                <h2>{format!("{} per day", metric.label())}</h2>
                <nav class="tabs" aria-label="Chart metric">
                    {CHART_METRICS.into_iter().map(|m| view! {
                        <a href=q.with("metric", m.as_str()) class="tab" class:tab--on=m == metric
                            aria-current=(m == metric).then_some("true")>{m.label()}</a>
                    }).collect_view()}
                </nav>
            </div>
            <div class="chart" inner_html=v.chart_svg.clone()></div>
            {(v.kpis.len() > 1).then(|| view! { <p class="hint">{format!("The chart shows {} only: currencies are never added together.", v.chart_currency)}</p> })}
            <details>
                <summary>"The chart as a table"</summary>
                <table class="table" data-test="chart-table">
                    <thead><tr><th>"Day"</th><th class="num">{metric.label()}</th></tr></thead>
                    <tbody>{v.chart_table.iter().map(|(d, val)| view! { <tr><td>{d.clone()}</td><td class="num">{val.clone()}</td></tr> }).collect_view()}</tbody>
                </table>
            </details>
        </section>
        {if let Some(name) = v.campaign_name.clone() {
            view! {
                <section class="panel">
                    <p class="crumbs"><a href=q.with("campaign", "")>"All campaigns"</a>" › "{name.clone()}
                        {v.adset_name.clone().map(|a| view! { " › "{a} })}</p>
                    {v.adset_name.is_none().then(|| view! {
                        <h2>"Ad sets"</h2>
                        <PerfTable rows=v.adsets.clone() what="ad sets".to_string() link=adset_link test="adsets".to_string() export=v.csv_export />
                    })}
                    <h2>"Ads"</h2>
                    <p class="muted">"Each ad with its numbers over the range: the creative view."</p>
                    <PerfTable rows=v.ads.clone() what="ads".to_string() test="ads".to_string() export=v.csv_export />
                </section>
            }.into_any()
        } else {
            view! {
                <section class="panel">
                    <h2>"Campaigns"</h2>
                    <PerfTable rows=v.campaigns.clone() what="campaigns".to_string() link=campaign_link test="campaigns".to_string() export=v.csv_export />
                </section>
            }.into_any()
        }}
        <section class="panel">
            <h2>"By parish"</h2>
            <ParishMap regions=v.regions.clone() metric has_conversions=v.regions_have_conversions query=q.clone() />
        </section>
        <Pacing v=v.clone() />
        <Ledger v />
    }
}

#[component]
fn Pacing(v: PerformanceView) -> impl IntoView {
    view! {
        <section class="panel" data-test="pacing">
            <h2>"Pacing this month"</h2>
            {if v.pacing.is_empty() {
                view! { <p class="muted">"No campaign with a known budget spent this month. Budgets come from the platforms' campaign data."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Campaign"</th><th class="num">"Month budget"</th><th class="num">"Spent"</th><th>"Progress"</th><th class="num">"Projected"</th><th>"Pace"</th></tr></thead>
                        <tbody>{v.pacing.iter().map(|p| view! {
                            <tr>
                                <td>{p.name.clone()}<span class="muted">{format!(" · {}", p.platform.label())}</span></td>
                                <td class="num">{p.budget.clone()}</td>
                                <td class="num">{p.spend.clone()}</td>
                                <td><meter min="0" max="100" low="90" high="110" optimum="100" value=p.percent.min(150)></meter></td>
                                <td class="num">{p.projected.clone()}</td>
                                <td><span class="badge" class:badge--ok=p.pace == "on" class:badge--warn=p.pace != "on">{match p.pace.as_str() {
                                    "on" => "On pace",
                                    "over" => "Over pace",
                                    _ => "Under pace",
                                }}</span></td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Ledger(v: PerformanceView) -> impl IntoView {
    view! {
        <section class="panel" data-test="ledger">
            <h2>"Ad spend and your own sales"</h2>
            <p class="muted">"Storefront orders (confirmed or fulfilled) and donations received, credited to a platform by the visit's UTM source; return on ad spend per currency."</p>
            {if v.ledger.is_empty() {
                view! { <p class="muted">"Nothing in this range."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Platform"</th><th>"Currency"</th><th class="num">"Ad spend"</th><th class="num">"Storefront revenue"</th><th class="num">"Sales"</th><th class="num">"ROAS on your sales"</th></tr></thead>
                        <tbody>{v.ledger.iter().map(|l| view! {
                            <tr>
                                <td>{l.platform.label()}</td>
                                <td>{l.currency.clone()}</td>
                                <td class="num">{l.spend.clone()}</td>
                                <td class="num">{l.revenue.clone()}</td>
                                <td class="num">{l.conversions}</td>
                                <td class="num">{l.roas.clone()}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
