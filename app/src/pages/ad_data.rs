//! Ad data: the tenant's mapped ad accounts, uploading a Meta insights export with a progress bar
//! and its run report, the recent runs, and one run's report with its rejected rows.

use crate::api::ads::{MapAdAccount, load_ad_data, load_run};
use crate::components::form_error;
use crate::error::AppError;
use cadence::ads::RunReport;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AdDataPage() -> impl IntoView {
    let map = ServerAction::<MapAdAccount>::new();
    let uploads = RwSignal::new(0u32);
    let data = Resource::new(
        move || (map.version().get(), uploads.get()),
        |_| load_ad_data(),
    );
    let progress = RwSignal::new(None::<f64>);
    let report = RwSignal::new(None::<Result<RunReport, String>>);
    let query = use_query_map();
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        report.set(None);
        progress.set(Some(0.0));
        upload(&ev, progress, report, uploads);
    };
    view! {
        <Title text="Ad data — Cadence" />
        <p class="crumbs"><A href="/app">"← Workspace"</A></p>
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
                                        <option value="meta">"Meta"</option>
                                        <option value="google_ads">"Google Ads"</option>
                                        <option value="linkedin">"LinkedIn"</option>
                                        <option value="tiktok">"TikTok"</option>
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
                    {can.then(|| view! {
                        <section class="panel">
                            <h2>"Upload an export"</h2>
                            <p class="muted">"Meta insights as JSON lines, the way Airbyte writes them (up to 50 MB). Loading the same file twice changes nothing; a newer export of the same days revises them."</p>
                            <form method="post" action="/app/ingest" enctype="multipart/form-data" class="form form--row" data-test="ingest-form" on:submit=start>
                                <div>
                                    <label for="ingest-file">"File"</label>
                                    <input id="ingest-file" name="file" type="file" accept=".jsonl,.json,.ndjson,application/json" required />
                                </div>
                                <button class="button" type="submit">"Upload and load"</button>
                            </form>
                            {move || progress.get().map(|p| view! {
                                <div class="upload-progress">
                                    <progress max="100" value=p data-test="upload-progress"></progress>
                                    <span class="muted">{if p >= 100.0 { "Uploaded — loading…".to_string() } else { format!("Uploading… {p:.0}%") }}</span>
                                </div>
                            })}
                            {move || report.get().map(|r| match r {
                                Ok(r) => view! { <ReportCard report=r /> }.into_any(),
                                Err(e) => view! { <p class="alert alert--error" role="alert" data-test="upload-error">{e}</p> }.into_any(),
                            })}
                        </section>
                    })}
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
                                            <td><span class="badge" class:badge--ok=r.status == "succeeded">{r.status.clone()}</span></td>
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

fn platform_label(p: &str) -> &'static str {
    match p {
        "meta" => "Meta",
        "google_ads" => "Google Ads",
        "linkedin" => "LinkedIn",
        _ => "TikTok",
    }
}

/// What a finished upload did.
#[component]
fn ReportCard(report: RunReport) -> impl IntoView {
    let run = report.run_id.map(|id| format!("/app/data/runs/{id}"));
    view! {
        <div class="report" data-test="run-report">
            <p class="alert alert--ok">
                {if report.duplicate { "This file was loaded before: nothing changed." } else { "Loaded." }}
            </p>
            <dl class="facts">
                <div><dt>"Rows read"</dt><dd data-test="report-read">{report.rows_read}</dd></div>
                <div><dt>"Loaded"</dt><dd data-test="report-loaded">{report.rows_loaded}</dd></div>
                <div><dt>"Rejected"</dt><dd data-test="report-rejected">{report.rows_rejected}</dd></div>
                <div><dt>"Not mapped"</dt><dd data-test="report-unmapped">{report.rows_unmapped}</dd></div>
            </dl>
            {(!report.unmapped_accounts.is_empty()).then(|| view! {
                <p class="muted">{format!("Accounts not connected here: {}", report.unmapped_accounts.join(", "))}</p>
            })}
            {(!report.rejects.is_empty()).then(|| view! {
                <ul class="rejects" data-test="rejects">
                    {report.rejects.iter().take(20).map(|r| view! { <li>{format!("Line {}: {}", r.line, r.reason)}</li> }).collect_view()}
                </ul>
            })}
            {run.map(|href| view! { <a href=href data-test="run-link">"Open the run's report"</a> })}
        </div>
    }
}

/// Sends the form with its file, following the upload's progress.
fn upload(
    ev: &leptos::ev::SubmitEvent,
    progress: RwSignal<Option<f64>>,
    report: RwSignal<Option<Result<RunReport, String>>>,
    uploads: RwSignal<u32>,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let fail = move |m: &str| report.set(Some(Err(m.to_string())));
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return fail("The form could not be read.");
        };
        let (Ok(data), Ok(xhr)) = (
            web_sys::FormData::new_with_form(&form),
            web_sys::XmlHttpRequest::new(),
        ) else {
            return fail("This browser cannot upload from here.");
        };
        if xhr.open("POST", "/app/ingest").is_err()
            || xhr
                .set_request_header("Accept", "application/json")
                .is_err()
        {
            return fail("The upload could not start.");
        }
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress.set(Some(e.loaded() / e.total() * 100.0));
                }
            });
        if let Ok(up) = xhr.upload() {
            up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        on_progress.forget();
        let done = xhr.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            progress.set(Some(100.0));
            let text = done.response_text().ok().flatten().unwrap_or_default();
            let answer = if done.status().unwrap_or(0) == 200 {
                serde_json::from_str::<RunReport>(&text)
                    .map_err(|_| "The server's answer could not be read.".to_string())
            } else {
                Err(serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
                    .unwrap_or_else(|| "The upload failed. Please try again.".into()))
            };
            report.set(Some(answer));
            uploads.update(|n| *n += 1);
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            report.set(Some(Err(
                "The connection was lost during the upload.".into()
            )));
        });
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            fail("The upload could not start.");
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, progress, report, uploads);
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
        <p class="crumbs"><A href="/app/data">"← Ad data"</A></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match run.await {
                    Ok(r) => view! {
                        <section class="panel" data-test="run-page">
                            <h1>"Load report"</h1>
                            <p class="muted">{format!("{} · started {} · days {}", r.run.source, r.run.started, r.run.window)}</p>
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
