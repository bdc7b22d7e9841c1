//! Access requests from Cadence support, on the home page: approve, refuse, or end a live session.

use crate::api::admin::{AnswerAccessRequest, EndAccessRequest, load_access_requests};
use crate::components::form_error;
use leptos::prelude::*;

/// Shown only when there is something to answer or a session to watch.
#[island(lazy)]
pub fn AccessRequests() -> impl IntoView {
    crate::nav::island_ready();
    let answer = ServerAction::<AnswerAccessRequest>::new();
    let end = ServerAction::<EndAccessRequest>::new();
    let list = Resource::new(
        move || (answer.version().get(), end.version().get()),
        |_| load_access_requests(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let open: Vec<_> = list.await.unwrap_or_default().into_iter()
                    .filter(|r| r.state == "requested" || r.until.is_some()).collect();
                (!open.is_empty()).then(|| view! {
                    <section class="panel panel--notice" data-test="access-requests">
                        <h2>"Cadence support asks for access"</h2>
                        {form_error(answer.value())}
                        {form_error(end.value())}
                        <ul class="request-list">
                            {open.into_iter().map(|r| {
                                let id = r.id;
                                view! {
                                    <li data-test="access-request">
                                        <p>
                                            <strong>{r.staff.clone()}</strong>
                                            {if r.for_you { " asks to act in your account".to_string() } else { format!(" asks to act in {}'s account", r.user) }}
                                            {format!(" (asked {}). Reason: “{}”", r.requested, r.reason)}
                                        </p>
                                        {match r.until.clone() {
                                            Some(until) => view! {
                                                <p class="muted" data-test="live">{format!("Approved: the session runs until {until}.")}</p>
                                                <ActionForm action=end attr:class="inline-form">
                                                    <input type="hidden" name="id" value=id.to_string() />
                                                    <button class="button button--small button--danger" type="submit" data-test="end-access">"End their session now"</button>
                                                </ActionForm>
                                            }.into_any(),
                                            None => view! {
                                                <div class="button-row">
                                                    <ActionForm action=answer attr:class="inline-form">
                                                        <input type="hidden" name="id" value=id.to_string() />
                                                        <input type="hidden" name="approve" value="true" />
                                                        <button class="button button--small" type="submit" data-test="approve">"Approve for 30 minutes"</button>
                                                    </ActionForm>
                                                    <ActionForm action=answer attr:class="inline-form">
                                                        <input type="hidden" name="id" value=id.to_string() />
                                                        <input type="hidden" name="approve" value="false" />
                                                        <button class="button button--small button--secondary" type="submit" data-test="refuse">"Refuse"</button>
                                                    </ActionForm>
                                                </div>
                                            }.into_any(),
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}
