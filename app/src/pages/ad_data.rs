//! Ad data: the tenant's mapped ad accounts, the upload panel, the data settings, the recent runs,
//! and one run's report with its rejected rows.

use super::ad_settings::AdSettingsPanel;
use super::ad_upload::UploadPanel;
use crate::api::ads::{MapAdAccount, load_ad_data, load_run};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[island(lazy)]
pub fn AdDataPage() -> impl IntoView {
    crate::nav::island_ready();
    let map = ServerAction::<MapAdAccount>::new();
    let uploads = RwSignal::new(0u32);
    let data = Resource::new(
        move || (map.version().get(), uploads.get()),
        |_| load_ad_data(),
    );
    let query = use_query_map();
    let progress = RwSignal::new(None::<f64>);
    let report = RwSignal::new(None::<Result<cadence::ads::RunReport, String>>);
    let format = RwSignal::new("csv:meta".to_string());
    view! {
        <Title text="Ad data — Cadence" />
        <p class="crumbs"><a href="/app">"← Workspace"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Ok(d) => d,
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/data" /> }.into_any(),
                    Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                };
                let can = d.ingest_denied.is_none();
                view! {
                    <section class="panel">
                        <h1>"Ad data"</h1>
                        <p class="muted">"Ad performance loads from your connected accounts: upload an export here, or have an operator run "<code>"cadence ingest"</code>" for very large files. Rows of accounts not listed below are not loaded."</p>
                        {query.read().get("error").map(|e| view! { <p class="alert alert--error" role="alert">{e}</p> })}
                        <h2>"Ad accounts"</h2>
                        {if d.accounts.is_empty() {
                            view! { <p class="muted" data-test="no-accounts">"No accounts connected yet."</p> }.into_any()
                        } else {
                            view! {
                                <table class="table" data-test="accounts">
                                    <thead><tr><th>"Platform"</th><th>"Account id"</th><th>"Name"</th></tr></thead>
                                    <tbody>{d.accounts.iter().map(|(p, id, n)| view! {
                                        <tr><td>{platform_label(p)}</td><td class="mono">{id.clone()}</td><td>{n.clone()}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }}
                        {can.then(|| view! {
                            <ActionForm action=map attr:class="form form--row" attr:data-test="map-account">
                                <div>
                                    <label for="acc-platform">"Platform"</label>
                                    <select id="acc-platform" name="platform">
                                        {platform_options()}
                                    </select>
                                </div>
                                <div>
                                    <label for="acc-id">"Account id"</label>
                                    <input id="acc-id" name="account_id" type="text" required placeholder="act_1234567890" />
                                </div>
                                <div>
                                    <label for="acc-name">"Name"</label>
                                    <input id="acc-name" name="name" type="text" placeholder="Main account" />
                                </div>
                                <button class="button button--secondary" type="submit">"Connect account"</button>
                            </ActionForm>
                        })}
                        {form_error(map.value())}
                        {d.ingest_denied.clone().map(|why| view! { <p class="alert alert--warn">{why}</p> })}
                    </section>
                    {can.then(|| view! { <UploadPanel uploads progress report format /> })}
                    <section class="panel">
                        <h2>"Recent loads"</h2>
                        {if d.runs.is_empty() {
                            view! { <p class="muted">"Nothing loaded yet."</p> }.into_any()
                        } else {
                            view! {
                                <table class="table" data-test="runs">
                                    <thead><tr><th>"Started"</th><th>"Source"</th><th>"Days"</th><th class="num">"Read"</th><th class="num">"Loaded"</th><th class="num">"Rejected"</th><th class="num">"Unmapped"</th><th>"Status"</th></tr></thead>
                                    <tbody>{d.runs.into_iter().map(|r| view! {
                                        <tr data-test="run">
                                            <td><a href=format!("/app/data/runs/{}", r.id)>{r.started.clone()}</a></td>
                                            <td>{r.source.clone()}</td>
                                            <td>{r.window.clone()}</td>
                                            <td class="num">{r.rows_read}</td>
                                            <td class="num">{r.rows_loaded}</td>
                                            <td class="num">{r.rows_rejected}</td>
                                            <td class="num">{r.rows_unmapped}</td>
                                            <td><span class="badge" class:badge--ok={r.status == "succeeded"} class:badge--warn={r.status == "failed"} title=r.error.clone().unwrap_or_default()>{r.status.clone()}</span></td>
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                }.into_any()
            })}
        </Suspense>
        <AdSettingsPanel version=uploads />
    }
}

fn platform_label(p: &str) -> &'static str {
    cadence::ads::Platform::parse(p).map_or("Other", |p| p.label())
}

/// One run's report: its counts and rejected rows with reasons.
#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let run = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            let id = cadence::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
            load_run(id).await
        },
    );
    view! {
        <Title text="Load report — Cadence" />
        <p class="crumbs"><a href="/app/data">"← Ad data"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match run.await {
                    Ok(r) => view! {
                        <section class="panel" data-test="run-page">
                            <h1>"Load report"</h1>
                            <p class="muted">{format!("{} · started {} · days {}", r.run.source, r.run.started, r.run.window)}</p>
                            {r.run.error.clone().map(|e| view! { <p class="alert alert--error" role="alert" data-test="run-error">{e}</p> })}
                            <dl class="facts">
                                <div><dt>"Status"</dt><dd>{r.run.status.clone()}</dd></div>
                                <div><dt>"Rows read"</dt><dd>{r.run.rows_read}</dd></div>
                                <div><dt>"Loaded"</dt><dd data-test="run-loaded">{r.run.rows_loaded}</dd></div>
                                <div><dt>"Rejected"</dt><dd data-test="run-rejected">{r.run.rows_rejected}</dd></div>
                                <div><dt>"Not mapped"</dt><dd>{r.run.rows_unmapped}</dd></div>
                            </dl>
                            <h2>"Rejected rows"</h2>
                            {if r.rejects.is_empty() {
                                view! { <p class="muted">"None: every row could be read."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table" data-test="run-rejects">
                                        <thead><tr><th class="num">"Line"</th><th>"Why"</th></tr></thead>
                                        <tbody>{r.rejects.into_iter().map(|(line, why)| view! {
                                            <tr><td class="num">{line}</td><td>{why}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/app/data" /> }.into_any(),
                    Err(e) => view! { <p class="alert alert--warn">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The ad platforms an account can be on, as a select's options (the values the server parses).
pub(crate) fn platform_options() -> impl IntoView {
    view! {
        <option value="meta">"Meta"</option>
        <option value="google_ads">"Google Ads"</option>
        <option value="linkedin">"LinkedIn"</option>
        <option value="tiktok">"TikTok"</option>
    }
}
