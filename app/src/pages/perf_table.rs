//! The dashboard's interactive table (campaigns, ad sets or ads): search, sort by any column,
//! choose columns, pages of 10, a link down to the next level, and a CSV of what it shows. Sorting
//! and ratios use the exact sums; a ratio over zero shows "—".

use crate::api::performance::{PerfQuery, PerfRow};
use cadence::ads::Metric;
use leptos::prelude::*;

const PAGE: usize = 10;

/// A column: the name, or a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Name,
    Platform,
    Status,
    M(Metric),
}

impl Col {
    fn label(self) -> &'static str {
        match self {
            Col::Name => "Name",
            Col::Platform => "Platform",
            Col::Status => "Status",
            Col::M(m) => m.label(),
        }
    }
}

const COLUMNS: [Col; 14] = [
    Col::Name,
    Col::Platform,
    Col::Status,
    Col::M(Metric::Spend),
    Col::M(Metric::Impressions),
    Col::M(Metric::Clicks),
    Col::M(Metric::Ctr),
    Col::M(Metric::Cpc),
    Col::M(Metric::Cpm),
    Col::M(Metric::Conversions),
    Col::M(Metric::Cpa),
    Col::M(Metric::Value),
    Col::M(Metric::Roas),
    Col::M(Metric::ConversionRate),
];

fn shown_by_default(c: Col) -> bool {
    !matches!(
        c,
        Col::Status | Col::M(Metric::Cpm) | Col::M(Metric::ConversionRate)
    )
}

fn cell(r: &PerfRow, c: Col) -> String {
    match c {
        Col::Name => r.name.clone(),
        Col::Platform => r.platform.label().to_string(),
        Col::Status => r.status.clone().unwrap_or_else(|| "—".into()),
        Col::M(m) => m.format(m.of(&r.totals), &r.totals.currency),
    }
}

fn csv_escape(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The rows as CSV: exact values (money in major units with its currency column).
fn csv(rows: &[PerfRow], cols: &[Col]) -> String {
    let mut out = String::from("id");
    for c in cols {
        out.push(',');
        out.push_str(c.label());
    }
    out.push_str(",Currency\n");
    for r in rows {
        out.push_str(&csv_escape(&r.id));
        for c in cols {
            out.push(',');
            let v = match c {
                Col::M(m) => m
                    .of(&r.totals)
                    .map(|v| v.normalize().to_string())
                    .unwrap_or_default(),
                other => cell(r, *other),
            };
            out.push_str(&csv_escape(&v));
        }
        out.push(',');
        out.push_str(&r.totals.currency);
        out.push('\n');
    }
    out
}

fn data_uri(text: &str) -> String {
    format!("data:text/csv;charset=utf-8,{}", crate::url::encode(text))
}

#[island]
pub fn PerfTable(
    rows: Vec<PerfRow>,
    /// What the rows are ("campaigns", "ad sets", "ads"), for labels and the file name.
    what: String,
    /// Where a row's name links to, if anywhere: the dashboard's query with this key set to the id.
    #[prop(optional)]
    link: Option<(PerfQuery, String)>,
    test: String,
    /// Whether the plan includes CSV exports; without, the button says so instead.
    export: bool,
) -> impl IntoView {
    crate::nav::island_ready();
    let rows = StoredValue::new(rows);
    let what_s = StoredValue::new(what.clone());
    let link = StoredValue::new(link);
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new((Col::M(Metric::Spend), false));
    let page = RwSignal::new(0usize);
    let shown = RwSignal::new(
        COLUMNS
            .into_iter()
            .filter(|c| shown_by_default(*c))
            .collect::<Vec<_>>(),
    );
    let selected = Memo::new(move |_| {
        let needle = search.get().trim().to_lowercase();
        let (col, asc) = sort.get();
        let mut out: Vec<PerfRow> = rows.with_value(|rows| {
            rows.iter()
                .filter(|r| {
                    needle.is_empty()
                        || r.name.to_lowercase().contains(&needle)
                        || r.id.contains(&needle)
                })
                .cloned()
                .collect()
        });
        out.sort_by(|a, b| {
            let o = match col {
                Col::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                Col::Platform => a.platform.label().cmp(b.platform.label()),
                Col::Status => a.status.cmp(&b.status),
                // No value sorts below every value, whichever the direction.
                Col::M(m) => match (m.of(&a.totals), m.of(&b.totals)) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Greater,
                    (None, Some(_)) => std::cmp::Ordering::Less,
                    (None, None) => std::cmp::Ordering::Equal,
                },
            };
            let o = if asc { o } else { o.reverse() };
            o.then_with(|| a.name.cmp(&b.name))
        });
        out
    });
    let pages = move || selected.with(|s| s.len().div_ceil(PAGE).max(1));
    let columns = move || {
        let on = shown.get();
        COLUMNS
            .into_iter()
            .filter(|c| on.contains(c))
            .collect::<Vec<_>>()
    };
    let download = move || data_uri(&csv(&selected.get(), &columns()));
    view! {
        <div class="perf-table" data-test=test>
            <div class="table-tools">
                <input type="search" class="table-search" placeholder=format!("Search {what}…")
                    aria-label=format!("Search {what}")
                    prop:value=move || search.get()
                    on:input=move |ev| { search.set(event_target_value(&ev)); page.set(0); } />
                <details class="columns-menu">
                    <summary>"Columns"</summary>
                    <div class="columns-menu__list">
                        {COLUMNS.into_iter().filter(|c| *c != Col::Name).map(|c| view! {
                            <label>
                                <input type="checkbox" prop:checked=move || shown.get().contains(&c)
                                    on:change=move |_| shown.update(|s| {
                                        if let Some(i) = s.iter().position(|x| *x == c) { s.remove(i); } else { s.push(c); }
                                    }) />
                                {c.label()}
                            </label>
                        }).collect_view()}
                    </div>
                </details>
                {if export {
                    view! {
                        <a class="button button--secondary button--small" download=format!("{}.csv", what.replace(' ', "-"))
                            href=download data-test=format!("{test}-csv")>"Download CSV"</a>
                    }.into_any()
                } else {
                    view! {
                        <span class="muted small" data-test=format!("{test}-csv-off")
                            title="CSV exports are not part of this plan">"CSV export: not in your plan"</span>
                    }.into_any()
                }}
            </div>
            <div class="table-scroll">
                <table class="table table--perf">
                    <thead><tr>
                        {move || columns().into_iter().map(|c| {
                            let numeric = matches!(c, Col::M(_));
                            view! {
                                <th class:num=numeric aria-sort=move || match sort.get() {
                                    (s, true) if s == c => "ascending",
                                    (s, false) if s == c => "descending",
                                    _ => "none",
                                }>
                                    <button type="button" class="sort" on:click=move |_| {
                                        sort.update(|(s, asc)| if *s == c { *asc = !*asc } else { *s = c; *asc = !numeric });
                                        page.set(0);
                                    }>
                                        {c.label()}
                                        {move || match sort.get() {
                                            (s, true) if s == c => " ▲",
                                            (s, false) if s == c => " ▼",
                                            _ => "",
                                        }}
                                    </button>
                                </th>
                            }
                        }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {move || {
                            let cols = columns();
                            let start = page.get().min(pages() - 1) * PAGE;
                            let rows: Vec<PerfRow> = selected.with(|s| s.iter().skip(start).take(PAGE).cloned().collect());
                            if rows.is_empty() {
                                return view! { <tr><td colspan=cols.len() class="muted empty">{format!("No {} match.", what_s.get_value())}</td></tr> }.into_any();
                            }
                            rows.into_iter().map(|r| {
                                let cols = cols.clone();
                                view! {
                                    <tr data-test="perf-row">
                                        {cols.into_iter().map(|c| {
                                            let text = cell(&r, c);
                                            match (c, link.get_value()) {
                                                (Col::Name, Some((q, key))) => view! {
                                                    <td><a href=q.with(&key, &r.id)>{text}</a></td>
                                                }.into_any(),
                                                (Col::M(_), _) => view! { <td class="num">{text}</td> }.into_any(),
                                                _ => view! { <td>{text}</td> }.into_any(),
                                            }
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view().into_any()
                        }}
                    </tbody>
                </table>
            </div>
            <div class="pager">
                <span class="muted" data-test=format!("{test}-count")>{move || {
                    let n = selected.with(Vec::len);
                    let start = page.get().min(pages() - 1) * PAGE;
                    let what = what_s.get_value();
                    if n == 0 { format!("0 {what}") } else { format!("{}–{} of {n} {what}", start + 1, (start + PAGE).min(n)) }
                }}</span>
                <button type="button" class="button button--secondary button--small"
                    disabled=move || { page.get() == 0 } on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                <button type="button" class="button button--secondary button--small"
                    disabled=move || { page.get() + 1 >= pages() } on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cadence::ads::{Platform, Totals};

    #[test]
    fn the_csv_holds_exact_values_and_no_formulas() {
        let r = PerfRow {
            platform: Platform::Meta,
            id: "1".into(),
            name: "=cmd".into(),
            status: None,
            totals: Totals {
                currency: "KWD".into(),
                impressions: 1000,
                clicks: 0,
                spend_micros: 1_125_000,
                conversions: 0.into(),
                value_micros: 0,
            },
        };
        let text = csv(
            &[r],
            &[Col::Name, Col::M(Metric::Spend), Col::M(Metric::Cpc)],
        );
        assert_eq!(text, "id,Name,Spend,CPC,Currency\n1,'=cmd,1.125,,KWD\n");
    }
}
