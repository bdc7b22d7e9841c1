//! Staff pages for the storefront's business: the sales page (summary by channel, and the orders,
//! donations and pledges with filters in the URL, status moves and CSV export) and the catalog.

use crate::api::commerce::{
    ChangeRecordStatus, SaveCatalogItem, SaveStorefrontSettings, SetItemArchived, export_records,
    load_catalog_admin, load_records, load_storefront_settings, load_storefront_summary,
};
use crate::components::form_error;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_query_map;

fn q(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get(name).unwrap_or_default()
}

#[component]
pub fn SalesPage() -> impl IntoView {
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
    let exporting = RwSignal::new(None::<String>);
    let export = move |_| {
        let (k, s, f, t, c) = (kind(), status(), from(), to(), channel());
        leptos::task::spawn_local(async move {
            match export_records(k.clone(), s, f, t, c).await {
                Ok(csv) => {
                    download(&format!("{k}.csv"), &csv);
                    exporting.set(None);
                }
                Err(e) => exporting.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <Title text="Sales — Cadence" />
        <p class="crumbs"><A href="/app">"← Your workspace"</A></p>
        <section class="panel">
            <div class="panel__head">
                <div>
                    <h1>"Storefront sales"</h1>
                    <p class="muted">"Orders, donations and pledges, attributed to the channel of the visit that converted."</p>
                </div>
                <div class="button-row">
                    <A href="/app/catalog" attr:class="button button--secondary button--small">"Catalog"</A>
                    <A href="/app/storefront" attr:class="button button--secondary button--small" attr:data-test="storefront-settings-link">"Storefront settings"</A>
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
            {move || exporting.get().map(|e| view! { <p class="alert alert--error">{e}</p> })}
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
                                    let actions = next.into_iter().map(|to| {
                                        let (k, i) = (kind.clone(), id.clone());
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
                                                <input type="hidden" name="kind" value=k />
                                                <input type="hidden" name="id" value=i />
                                                <input type="hidden" name="to" value=to />
                                                {partial.then(|| view! { <input name="fulfilled" class="qty" placeholder="amount" aria-label="Amount fulfilled" /> })}
                                                <button class="button button--small button--secondary" type="submit">{label}</button>
                                            </ActionForm>
                                        }
                                    }).collect_view();
                                    view! {
                                        <tr data-test="record">
                                            <td class="mono" data-test="record-number">{r.number.clone()}</td>
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

#[component]
pub fn CatalogPage() -> impl IntoView {
    let save = ServerAction::<SaveCatalogItem>::new();
    let archive = ServerAction::<SetItemArchived>::new();
    let items = Resource::new(
        move || (save.version().get(), archive.version().get()),
        |_| load_catalog_admin(),
    );
    // The kind chosen in the form; empty until changed (then the edited item's kind applies).
    let kind = RwSignal::new(String::new());
    let edit = q("edit");
    view! {
        <Title text="Catalog — Cadence" />
        <p class="crumbs"><A href="/app/sales">"← Sales"</A></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the catalog…"</p> }>
            {move || Suspend::new(async move {
                let c = match items.await {
                    Ok(c) => c,
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/catalog" /> }.into_any(),
                    Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                };
                let can_write = c.write_denied.is_none();
                let editing = c.items.iter().find(|i| i.id.to_string() == edit()).cloned();
                let initial_kind = editing.as_ref().map(|i| i.kind.clone()).unwrap_or_else(|| "product".into());
                let donation = {
                    let initial = initial_kind.clone();
                    move || {
                        let k = kind.get();
                        if k.is_empty() { initial == "donation" } else { k == "donation" }
                    }
                };
                let field = |f: fn(&crate::api::commerce::AdminItem) -> String| {
                    editing.as_ref().map(f).unwrap_or_default()
                };
                let (title, description, price, suggested, min, goal) = (
                    field(|i| i.title.clone()),
                    field(|i| i.description.clone()),
                    field(|i| i.price_input.clone()),
                    field(|i| i.suggested_input.clone()),
                    field(|i| i.min_input.clone()),
                    field(|i| i.goal_input.clone()),
                );
                let active = editing.as_ref().is_none_or(|i| i.active);
                let editing_id = editing.as_ref().map(|i| i.id.to_string());
                view! {
                    <section class="panel">
                        <h1>"Catalog"</h1>
                        <p class="muted">"What your storefront offers. Archived items leave the storefront but stay on past orders."</p>
                        {form_error(archive.value())}
                        {if c.items.is_empty() {
                            view! { <p class="muted" data-test="no-items">"No items yet: add the first one below."</p> }.into_any()
                        } else {
                            view! {
                                <table class="table" data-test="catalog-items">
                                    <thead><tr><th>"Item"</th><th>"Kind"</th><th class="num">"Price"</th><th>"State"</th><th></th></tr></thead>
                                    <tbody>
                                        {c.items.into_iter().map(|i| view! {
                                            <tr data-test="catalog-item" class:muted=i.archived>
                                                <td><strong>{i.title.clone()}</strong></td>
                                                <td>{i.kind_label.clone()}</td>
                                                <td class="num">{i.price.clone()}</td>
                                                <td>{if i.archived { "archived" } else if i.active { "on sale" } else { "hidden" }}</td>
                                                <td class="actions">{can_write.then(|| view! {
                                                    <a class="button button--small button--secondary" href=format!("/app/catalog?edit={}", i.id) data-test="edit-item">"Edit"</a>
                                                    <ActionForm action=archive attr:class="inline-form">
                                                        <input type="hidden" name="id" value=i.id.to_string() />
                                                        <input type="hidden" name="archived" value=(!i.archived).to_string() />
                                                        <button class="button button--small button--secondary" type="submit">
                                                            {if i.archived { "Restore" } else { "Archive" }}
                                                        </button>
                                                    </ActionForm>
                                                })}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                    {match c.write_denied {
                        Some(why) => view! { <p class="alert alert--warn">{why}</p> }.into_any(),
                        None => view! {
                            <section class="panel panel--narrow">
                                <h2>{if editing_id.is_some() { "Edit item" } else { "Add an item" }}</h2>
                                <ActionForm action=save attr:class="form" attr:data-test="item-form">
                                    {editing_id.clone().map(|id| view! { <input type="hidden" name="id" value=id /> })}
                                    <label for="item-kind">"Kind"</label>
                                    <select id="item-kind" name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                                        {[("product", "Product"), ("service", "Service"), ("donation", "Donation campaign")].into_iter().map(|(v, l)| view! {
                                            <option value=v selected=initial_kind == v>{l}</option>
                                        }).collect_view()}
                                    </select>
                                    <label for="item-title">"Title"</label>
                                    <input id="item-title" name="title" type="text" required maxlength="160" value=title />
                                    <label for="item-description">"Description"</label>
                                    <textarea id="item-description" name="description" rows="3" maxlength="5000">{description}</textarea>
                                    <Show when=move || !donation()
                                        fallback=move || view! {
                                            <label for="item-suggested">"Suggested amounts"</label>
                                            <input id="item-suggested" name="suggested_amounts" type="text" placeholder="10, 25, 50" value=suggested.clone() />
                                            <label for="item-min">"Smallest donation"</label>
                                            <input id="item-min" name="min_amount" type="text" inputmode="decimal" value=min.clone() />
                                            <label for="item-goal">"Goal"</label>
                                            <input id="item-goal" name="goal" type="text" inputmode="decimal" value=goal.clone() />
                                        }>
                                        <label for="item-price">{if c.currency.is_empty() { "Price".to_string() } else { format!("Price ({})", c.currency) }}</label>
                                        <input id="item-price" name="price" type="text" inputmode="decimal" value=price.clone() />
                                    </Show>
                                    <label class="check"><input type="checkbox" name="active" value="on" checked=active /> " On sale"</label>
                                    {form_error(save.value())}
                                    <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                                        <p class="alert alert--ok" data-test="item-saved">"Saved."</p>
                                    </Show>
                                    <div class="button-row">
                                        <button class="button" type="submit">{if editing_id.is_some() { "Save changes" } else { "Add item" }}</button>
                                        {editing_id.is_some().then(|| view! { <a class="button button--ghost" href="/app/catalog">"Cancel"</a> })}
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn StorefrontSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveStorefrontSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| load_storefront_settings());
    view! {
        <Title text="Storefront settings — Cadence" />
        <p class="crumbs"><A href="/app/sales">"← Sales"</A></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let s = match settings.await {
                    Ok(s) => s,
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/storefront" /> }.into_any(),
                    Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                };
                let can = s.manage_denied.is_none();
                view! {
                    <section class="panel panel--narrow">
                        <div class="panel__head">
                            <div>
                                <h1>"Storefront settings"</h1>
                                <p class="muted">
                                    <a href=format!("http://{}", s.address) data-test="storefront-address">{s.address.clone()}</a>
                                    " · "
                                    {if s.published {
                                        view! { <span class="badge badge--ok" data-test="published-state">"Published"</span> }.into_any()
                                    } else {
                                        view! { <span class="badge" data-test="published-state">"Not published"</span> }.into_any()
                                    }}
                                </p>
                            </div>
                        </div>
                        {s.manage_denied.clone().map(|why| view! { <p class="alert alert--warn">{why}</p> })}
                        <ActionForm action=save attr:class="form" attr:data-test="storefront-settings">
                            <fieldset disabled=!can class="plain">
                                <label for="sf-name">"Storefront name"</label>
                                <input id="sf-name" name="display_name" type="text" required maxlength="120" value=s.display_name.clone() />
                                <label for="sf-tagline">"Tagline"</label>
                                <input id="sf-tagline" name="tagline" type="text" maxlength="200" value=s.tagline.clone() />
                                <label for="sf-about">"About"</label>
                                <textarea id="sf-about" name="about" rows="4" maxlength="5000">{s.about.clone()}</textarea>
                                <label for="sf-email">"Contact email"</label>
                                <input id="sf-email" name="contact_email" type="email" value=s.contact_email.clone() />
                                <label for="sf-phone">"Contact phone"</label>
                                <input id="sf-phone" name="contact_phone" type="text" maxlength="40" value=s.contact_phone.clone() />
                                <label class="check"><input type="checkbox" name="published" value="on" checked=s.published /> " Published: visitors can see and buy from the storefront"</label>
                                {form_error(save.value())}
                                <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                                    <p class="alert alert--ok" data-test="settings-saved">"Saved."</p>
                                </Show>
                                <button class="button" type="submit">"Save settings"</button>
                            </fieldset>
                        </ActionForm>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
