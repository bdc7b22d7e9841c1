//! Staff pages for the storefront's business: the sales page (summary by channel, and the orders,
//! donations and pledges with filters in the URL, status moves and CSV export) and the catalog.

use crate::api::commerce::{
    ChangeRecordStatus, export_records, load_records, load_storefront_summary,
};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use leptos::prelude::*;
use leptos_meta::Title;

fn q(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get(name).unwrap_or_default()
}

#[island(lazy)]
pub fn SalesPage() -> impl IntoView {
    crate::nav::island_ready();
    let (kind, status, from, to, channel) =
        (q("kind"), q("status"), q("from"), q("to"), q("channel"));
    let kind = move || {
        let k = kind();
        if k.is_empty() {
            "orders".to_string()
        } else {
            k
        }
    };
    let change = ServerAction::<ChangeRecordStatus>::new();
    let summary = Resource::new(
        move || (from(), to(), change.version().get()),
        |(f, t, _)| load_storefront_summary(f, t),
    );
    let records = Resource::new(
        move || {
            (
                kind(),
                status(),
                from(),
                to(),
                channel(),
                change.version().get(),
            )
        },
        |(k, s, f, t, c, _)| load_records(k, s, f, t, c),
    );
    let exporting = RwSignal::new(None::<Result<(), AppError>>);
    let export = move |_| {
        let (k, s, f, t, c) = (kind(), status(), from(), to(), channel());
        leptos::task::spawn_local(async move {
            match export_records(k.clone(), s, f, t, c).await {
                Ok(csv) => {
                    download(&format!("{k}.csv"), &csv);
                    exporting.set(Some(Ok(())));
                }
                Err(e) => exporting.set(Some(Err(e))),
            }
        });
    };
    view! {
        <Title text="Sales — Cadence" />
        <p class="crumbs"><a href="/app">"← Your workspace"</a></p>
        <section class="panel">
            <div class="panel__head">
                <div>
                    <h1>"Storefront sales"</h1>
                    <p class="muted">"Orders, donations and pledges, attributed to the channel of the visit that converted."</p>
                </div>
                <div class="button-row">
                    <a href="/app/catalog" class="button button--secondary button--small">"Catalog"</a>
                    <a href="/app/storefront" class="button button--secondary button--small" data-test="storefront-settings-link">"Storefront settings"</a>
                </div>
            </div>
            <form method="get" class="filters" data-test="filters">
                <input type="hidden" name="kind" prop:value=kind />
                <label>"From" <input type="date" name="from" prop:value=from /></label>
                <label>"To" <input type="date" name="to" prop:value=to /></label>
                <label>"Channel" <input type="text" name="channel" placeholder="facebook" prop:value=channel /></label>
                <label>"Status" <input type="text" name="status" placeholder="any" prop:value=status /></label>
                <button class="button button--small" type="submit">"Apply"</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Loading the summary…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(s) => view! {
                            <div class="kpis" data-test="summary">
                                <div class="kpi"><span>"Visits"</span><strong data-test="visits">{s.visits}</strong></div>
                                <div class="kpi"><span>"Conversions"</span><strong data-test="conversions">{s.conversions}</strong></div>
                                <div class="kpi"><span>"Conversions per 100 visits"</span><strong>{s.conversion_rate.clone().unwrap_or_else(|| "—".into())}</strong></div>
                                <div class="kpi"><span>"Period"</span><strong class="kpi__small">{format!("{} – {}", s.from, s.to)}</strong></div>
                            </div>
                            <div class="summary-grid">
                                <div class="chart-box" inner_html=s.chart_svg.clone()></div>
                                <table class="table" data-test="by-channel">
                                    <thead><tr><th>"Channel"</th><th>"Kind"</th><th class="num">"Count"</th><th class="num">"Amount"</th></tr></thead>
                                    <tbody>
                                        {s.lines.into_iter().map(|l| view! {
                                            <tr data-test="channel-line"><td>{l.channel}</td><td>{l.kind}</td><td class="num">{l.count}</td><td class="num">{l.amount}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/app/sales" /> }.into_any(),
                        Err(e) => view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section class="panel">
            <nav class="tabs" aria-label="Records">
                {["orders", "donations", "pledges"].into_iter().map(|k| view! {
                    <a href=format!("/app/sales?kind={k}") class:active=move || kind() == k data-test=format!("tab-{k}")>
                        {k[..1].to_uppercase() + &k[1..]}
                    </a>
                }).collect_view()}
                <span class="tabs__spacer"></span>
                <button class="button button--secondary button--small" data-test="export" on:click=export>"Export CSV"</button>
            </nav>
            {form_error(exporting)}
            {form_error(change.value())}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let v = match records.await {
                        Ok(v) => v,
                        Err(e) => return view! { <p class="alert alert--warn">{e.to_string()}</p> }.into_any(),
                    };
                    if v.records.is_empty() {
                        return view! { <p class="muted" data-test="no-records">"Nothing here yet for these filters."</p> }.into_any();
                    }
                    let can_write = v.write_denied.is_none();
                    let kind = v.kind.clone();
                    view! {
                        <table class="table" data-test="records">
                            <thead><tr><th>"Number"</th><th>"Date"</th><th>"Who"</th><th>"What"</th><th>"Channel"</th><th class="num">"Amount"</th><th>"Status"</th><th></th></tr></thead>
                            <tbody>
                                {v.records.into_iter().map(|r| {
                                    let kind = kind.clone();
                                    let id = r.id.to_string();
                                    let next = if can_write { r.next.clone() } else { Vec::new() };
                                    let href = format!("/app/sales/{kind}/{id}");
                                    let actions = view! { <StatusActions kind=kind id=id.clone() next=next change=change /> };
                                    view! {
                                        <tr data-test="record">
                                            <td class="mono" data-test="record-number"><a href=href data-test="record-link">{r.number.clone()}</a></td>
                                            <td>{r.date.clone()}</td>
                                            <td>{r.name.clone()}<br /><span class="muted">{r.email.clone()}</span></td>
                                            <td>{r.detail.clone()}</td>
                                            <td><span class="badge">{r.channel.clone()}</span></td>
                                            <td class="num">{r.amount.clone()}{r.fulfilled.clone().map(|f| view! { <br /><span class="muted">{format!("fulfilled {f}")}</span> })}</td>
                                            <td><span class="badge" data-test="record-status">{r.status.replace('_', " ")}</span></td>
                                            <td class="actions">
                                                {actions}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {v.write_denied.map(|why| view! { <p class="muted">{why}</p> })}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// The workflow buttons for a record: one form per status it may move to (with the amount for a
/// partly fulfilled pledge).
#[component]
pub(crate) fn StatusActions(
    kind: String,
    id: String,
    next: Vec<String>,
    change: ServerAction<ChangeRecordStatus>,
) -> impl IntoView {
    next.into_iter()
        .map(|to| {
            let (kind, id) = (kind.clone(), id.clone());
            let partial = to == "partially_fulfilled";
            let label = match to.as_str() {
                "confirmed" => "Confirm",
                "fulfilled" => "Mark fulfilled",
                "cancelled" => "Cancel",
                "received" => "Mark received",
                "refunded" => "Refund",
                _ => "Record part",
            };
            view! {
                <ActionForm action=change attr:class="inline-form">
                    <input type="hidden" name="kind" value=kind />
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="to" value=to />
                    {partial.then(|| view! { <input name="fulfilled" class="qty" placeholder="amount" aria-label="Amount fulfilled" /> })}
                    <button class="button button--small button--secondary" type="submit">{label}</button>
                </ActionForm>
            }
        })
        .collect_view()
}

/// Saves text as a file in the browser.
fn download(name: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let parts = js_sys_array(text);
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/csv;charset=utf-8");
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        let document = leptos::prelude::document();
        if let Ok(a) = document.create_element("a") {
            let a: web_sys::HtmlAnchorElement = a.unchecked_into();
            a.set_href(&url);
            a.set_download(name);
            a.click();
        }
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, text);
}

#[cfg(feature = "hydrate")]
fn js_sys_array(text: &str) -> wasm_bindgen::JsValue {
    let array = js_sys::Array::new();
    array.push(&wasm_bindgen::JsValue::from_str(text));
    array.into()
}
