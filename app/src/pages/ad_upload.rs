//! The ad-data upload panel: what the file holds (an Airbyte stream, or a platform's CSV export
//! with its editable column mapping), the upload with a progress bar, and the run's report.

use cadence::ads::{CsvField, Platform, RunReport, Stream, preset};
use leptos::prelude::*;

/// The formats offered, as (value, label).
fn formats() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Platform::ALL
        .into_iter()
        .map(|p| {
            (
                format!("csv:{}", p.as_str()),
                format!("{} report export (CSV)", p.label()),
            )
        })
        .collect();
    out.extend(Stream::ALL.into_iter().map(|s| {
        (
            s.as_str().to_string(),
            format!("{} — Airbyte JSON lines", s.label()),
        )
    }));
    out
}

#[component]
pub fn UploadPanel(
    uploads: RwSignal<u32>,
    /// Owned by the page, so they outlive the panel being redrawn when the page's data reloads.
    progress: RwSignal<Option<f64>>,
    report: RwSignal<Option<Result<RunReport, String>>>,
    format: RwSignal<String>,
) -> impl IntoView {
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        report.set(None);
        progress.set(Some(0.0));
        upload(&ev, progress, report, uploads);
    };
    let csv_platform = move || format.get().strip_prefix("csv:").and_then(Platform::parse);
    view! {
        <section class="panel">
            <h2>"Upload data"</h2>
            <p class="muted">"A report export from Meta Ads Manager, Google Ads, LinkedIn Campaign Manager or TikTok Ads Manager (CSV), or Airbyte records as JSON lines; up to 50 MB. Loading the same file twice changes nothing; a newer export of the same days revises them."</p>
            <form method="post" action="/app/ingest" enctype="multipart/form-data" class="form" data-test="ingest-form" on:submit=start>
                <div class="form--row">
                    <div>
                        <label for="ingest-format">"What the file holds"</label>
                        <select id="ingest-format" name="format" data-test="ingest-format"
                            on:change=move |ev| format.set(event_target_value(&ev))>
                            {formats().into_iter().map(|(v, l)| {
                                let selected = v == format.get_untracked();
                                view! { <option value=v selected=selected>{l}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="ingest-file">"File"</label>
                        <input id="ingest-file" name="file" type="file" accept=".csv,.tsv,.txt,.jsonl,.json,.ndjson,text/csv,application/json" required />
                    </div>
                </div>
                {Platform::ALL.into_iter().map(|p| view! {
                    <MappingFields platform=p active=Signal::derive(move || csv_platform() == Some(p)) />
                }).collect_view()}
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
    }
}

/// The CSV column mapping for `platform`, prefilled from its preset and editable: the header to
/// read for each field (alternatives separated by "|"), and defaults for files without an account
/// or currency column.
#[component]
fn MappingFields(platform: Platform, active: Signal<bool>) -> impl IntoView {
    let mapping = preset(platform);
    let off = move || !active.get();
    view! {
        <details class="mapping" data-test=format!("csv-mapping-{}", platform.as_str()) hidden=off>
            <summary>{format!("Column mapping — {} preset (edit if your export's headers differ)", platform.label())}</summary>
            <input type="hidden" name="mapping_platform" value=platform.as_str().to_string() disabled=off />
            <div class="mapping__grid">
                {CsvField::ALL.into_iter().enumerate().map(|(i, f)| {
                    let value = mapping.headers(f).collect::<Vec<_>>().join(" | ");
                    let id = format!("map-{}-{i}", platform.as_str());
                    let label = format!("{}{}", f.label(), if f.required() { " *" } else { "" });
                    view! {
                        <div>
                            <label for=id.clone()>{label}</label>
                            <input id=id name=format!("map.{i}") type="text" value=value data-field=f.label() disabled=off />
                        </div>
                    }
                }).collect_view()}
                <div>
                    <label for=format!("map-account-{}", platform.as_str())>"Account id (if the file has no column)"</label>
                    <input id=format!("map-account-{}", platform.as_str()) name="default_account_id" type="text" value=mapping.default_account_id.clone() disabled=off />
                </div>
                <div>
                    <label for=format!("map-currency-{}", platform.as_str())>"Currency (if the file has no column)"</label>
                    <input id=format!("map-currency-{}", platform.as_str()) name="default_currency" type="text" value=mapping.default_currency.clone() disabled=off />
                </div>
            </div>
        </details>
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
            {(!report.unmapped_regions.is_empty()).then(|| view! {
                <p class="muted" data-test="report-unmapped-regions">{format!(
                    "Region keys no lookup knows (their spend is kept; map them under Data settings): {}",
                    report.unmapped_regions.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
                )}</p>
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
