//! The audit log viewer: filters by actor, action and dates (kept in the URL), cursor pages, and
//! CSV / JSON exports of the log and of the access review.

use crate::api::audit::load_audit;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use crate::pages::admin::AdminNav;
use crate::url::encode;
use leptos::prelude::*;
use leptos_meta::Title;

#[island(lazy)]
pub fn AuditPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let field = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let page = Resource::new(
        move || {
            (
                field("actor"),
                field("action"),
                field("from"),
                field("to"),
                field("cursor"),
            )
        },
        |(actor, action, from, to, cursor)| load_audit(actor, action, from, to, cursor),
    );
    let filters = move || {
        format!(
            "actor={}&action={}&from={}&to={}",
            encode(&field("actor")),
            encode(&field("action")),
            encode(&field("from")),
            encode(&field("to"))
        )
    };
    view! {
        <Title text="Audit log — Cadence" />
        <AdminNav current="audit" />
        <section class="panel">
            <div class="panel__head">
                <div>
                    <h1>"Audit log"</h1>
                    <p class="muted">"Every security-relevant action in this tenant: sign-ins, role changes, credentials, exports, suspensions and support access. Rows are never changed or deleted."</p>
                </div>
                <div class="button-row">
                    <a class="button button--secondary button--small" data-test="export-csv" href=move || format!("/app/admin/export/audit?format=csv&{}", filters()) rel="external">"Export CSV"</a>
                    <a class="button button--secondary button--small" data-test="export-json" href=move || format!("/app/admin/export/audit?format=json&{}", filters()) rel="external">"Export JSON"</a>
                    <a class="button button--secondary button--small" data-test="access-review" href="/app/admin/export/access-review?format=csv" rel="external">"Access review (CSV)"</a>
                </div>
            </div>
            <form class="form form--row filters" method="get" action="/app/admin/audit" data-test="audit-filters">
                <div>
                    <label for="f-actor">"Actor"</label>
                    <input id="f-actor" name="actor" type="search" placeholder="Name or email" prop:value=move || field("actor") />
                </div>
                <div>
                    <label for="f-action">"Action"</label>
                    <input id="f-action" name="action" type="text" list="audit-actions" placeholder="e.g. credential.set or impersonation." prop:value=move || field("action") />
                </div>
                <div>
                    <label for="f-from">"From"</label>
                    <input id="f-from" name="from" type="date" prop:value=move || field("from") />
                </div>
                <div>
                    <label for="f-to">"To"</label>
                    <input id="f-to" name="to" type="date" prop:value=move || field("to") />
                </div>
                <button class="button" type="submit">"Filter"</button>
                <a href="/app/admin/audit" class="button button--ghost">"Clear"</a>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let p = match page.await {
                        Ok(p) => p,
                        Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/admin/audit" /> }.into_any(),
                        Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                    };
                    let next = p.next_cursor.clone().map(|c| format!("/app/admin/audit?{}&cursor={}", filters(), encode(&c)));
                    view! {
                        <datalist id="audit-actions">
                            {p.actions.iter().map(|a| view! { <option value=a.clone()></option> }).collect_view()}
                        </datalist>
                        {if p.rows.is_empty() {
                            view! { <div class="empty-state empty-state--soft" data-test="audit-empty"><p>"Nothing matches these filters."</p></div> }.into_any()
                        } else {
                            view! {
                                <table class="table table--dense" data-test="audit-rows">
                                    <thead><tr><th>"When"</th><th>"Action"</th><th>"Outcome"</th><th>"Actor"</th><th>"Detail"</th><th>"IP"</th></tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| view! {
                                            <tr data-test="audit-row">
                                                <td class="nowrap">{r.at}</td>
                                                <td><code>{r.action}</code></td>
                                                <td><span class=match r.outcome.as_str() { "success" => "badge badge--ok", "denied" => "badge badge--warn", _ => "badge" }>{r.outcome.clone()}</span></td>
                                                <td>
                                                    {r.actor}
                                                    {r.acting_as.map(|u| view! { <span class="muted" data-test="acting-as">{format!(" as {u}")}</span> })}
                                                </td>
                                                <td>{r.detail}</td>
                                                <td class="muted">{r.ip}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        <div class="pager">
                            {(!field("cursor").is_empty()).then(|| view! { <a class="button button--ghost button--small" href=format!("/app/admin/audit?{}", filters())>"← Newest"</a> })}
                            {next.map(|href| view! { <a class="button button--secondary button--small" data-test="older" href=href>"Older →"</a> })}
                        </div>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}
