//! A record's detail page: what was ordered, donated or pledged, by whom, the visits it is
//! attributed to, its status history, and the workflow actions.

use crate::api::commerce::ChangeRecordStatus;
use crate::api::record::{TouchView, load_record};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::pages::sales::StatusActions;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let (kind, id) = params.with_untracked(|p| {
        (
            p.get("kind").unwrap_or_default(),
            p.get("id").unwrap_or_default(),
        )
    });
    view! { <RecordView kind id /> }
}

/// The record and its workflow: an island, so the status actions work in place.
#[island(lazy)]
fn RecordView(kind: String, id: String) -> impl IntoView {
    crate::nav::island_ready();
    let change = ServerAction::<ChangeRecordStatus>::new();
    let record = Resource::new(
        move || (kind.clone(), id.clone(), change.version().get()),
        |(kind, id, _)| async move {
            let id = cadence::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
            load_record(kind, id).await
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let r = match record.await {
                    Ok(r) => r,
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/sales" /> }.into_any(),
                    Err(e) => return view! {
                        <p class="crumbs"><a href="/app/sales">"← Sales"</a></p>
                        <p class="alert alert--warn" data-test="denied">{e.to_string()}</p>
                    }.into_any(),
                };
                let kind_plural = format!("{}s", r.kind);
                let next = if r.write_denied.is_none() { r.next.clone() } else { Vec::new() };
                view! {
                    <Title text=format!("{} — Cadence", r.number) />
                    <p class="crumbs"><a href=format!("/app/sales?kind={kind_plural}")>{format!("← {}", capitalise(&kind_plural))}</a></p>
                    <section class="panel" data-test="record-detail">
                        <div class="panel__head">
                            <div>
                                <h1 class="mono">{r.number.clone()}</h1>
                                <p class="muted">{format!("Received {}", r.created)}</p>
                            </div>
                            <span class="badge badge--large" data-test="record-status">{r.status.replace('_', " ")}</span>
                        </div>
                        {form_error(change.value())}
                        <div class="button-row" data-test="record-actions">
                            <StatusActions kind=r.kind.clone() id=r.id.to_string() next=next change=change />
                        </div>
                        {r.write_denied.clone().map(|why| view! { <p class="muted">{why}</p> })}
                        <div class="detail-grid">
                            <div>
                                <h2>{if r.kind == "order" { "Items" } else { "Gift" }}</h2>
                                {if r.lines.is_empty() {
                                    view! {
                                        <dl class="facts">
                                            {r.campaign.clone().map(|c| view! { <div><dt>"Campaign"</dt><dd>{c}</dd></div> })}
                                            <div><dt>"Amount"</dt><dd data-test="record-amount">{r.amount.clone()}</dd></div>
                                            {r.fulfilled.clone().map(|f| view! { <div><dt>"Fulfilled so far"</dt><dd>{f}</dd></div> })}
                                            {r.target_date.clone().map(|d| view! { <div><dt>"Promised by"</dt><dd>{d}</dd></div> })}
                                        </dl>
                                    }.into_any()
                                } else {
                                    view! {
                                        <table class="table" data-test="record-lines">
                                            <thead><tr><th>"Item"</th><th class="num">"Unit price"</th><th class="num">"Qty"</th><th class="num">"Total"</th></tr></thead>
                                            <tbody>
                                                {r.lines.iter().map(|l| view! {
                                                    <tr><td>{l.title.clone()}</td><td class="num">{l.unit_price.clone()}</td><td class="num">{l.quantity}</td><td class="num">{l.line_total.clone()}</td></tr>
                                                }).collect_view()}
                                            </tbody>
                                            <tfoot><tr><th colspan="3">"Total"</th><th class="num" data-test="record-amount">{r.amount.clone()}</th></tr></tfoot>
                                        </table>
                                    }.into_any()
                                }}
                            </div>
                            <div>
                                <h2>"Contact"</h2>
                                <dl class="facts">
                                    <div><dt>"Name"</dt><dd>{r.name.clone()}</dd></div>
                                    <div><dt>"Email"</dt><dd><a href=format!("mailto:{}", r.email)>{r.email.clone()}</a></dd></div>
                                    {r.phone.clone().map(|p| view! { <div><dt>"Phone"</dt><dd>{p}</dd></div> })}
                                    {r.note.clone().map(|n| view! { <div><dt>"Note"</dt><dd class="prewrap">{n}</dd></div> })}
                                </dl>
                            </div>
                        </div>
                    </section>
                    <section class="panel">
                        <h2>"Attribution"</h2>
                        <div class="detail-grid" data-test="attribution">
                            <Touch title="First touch" touch=r.first_touch.clone() />
                            <Touch title="Last touch" touch=r.last_touch.clone() />
                        </div>
                    </section>
                    <section class="panel">
                        <h2>"History"</h2>
                        <ol class="timeline" data-test="history">
                            <li><span class="muted">{r.created.clone()}</span>" Received"</li>
                            {r.history.iter().map(|(at, change, who)| view! {
                                <li><span class="muted">{at.clone()}</span>" "{change.replace('_', " ")}<span class="muted">{format!(" · {who}")}</span></li>
                            }).collect_view()}
                        </ol>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[component]
fn Touch(title: &'static str, touch: Option<TouchView>) -> impl IntoView {
    view! {
        <div>
            <h3>{title}</h3>
            {match touch {
                Some(t) => view! {
                    <dl class="facts">
                        <div><dt>"When"</dt><dd>{t.when}</dd></div>
                        {t.facts.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd class="wrap">{v}</dd></div> }).collect_view()}
                    </dl>
                }.into_any(),
                None => view! { <p class="muted">"No visit recorded (a direct submission)."</p> }.into_any(),
            }}
        </div>
    }
}
