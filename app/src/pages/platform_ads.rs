//! The platform's ad accounts (Cadence staff): which tenant receives each account's synced data.
//! Staff assign an account after checking out of band that it is the tenant's; a tenant listing
//! an account id on its own page never receives synced data.

use super::ad_data::platform_options;
use super::platform_admin::{platform_nav, refused};
use crate::api::platform_ads::{AssignAdAccount, UnassignAdAccount, load_ad_assignments};
use crate::components::form_error;
use crate::nav::query_map as use_query_map;
use leptos::prelude::*;
use leptos_meta::Title;

/// The assignments, with a form to assign and a button to unassign each.
#[island(lazy)]
pub fn PlatformAdsPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let assign = ServerAction::<AssignAdAccount>::new();
    let unassign = ServerAction::<UnassignAdAccount>::new();
    let page = Resource::new(
        move || (q(), assign.version().get(), unassign.version().get()),
        |(q, ..)| load_ad_assignments(q),
    );
    view! {
        <Title text="Ad accounts — Cadence platform" />
        {platform_nav("ads")}
        <section class="panel">
            <h1>"Ad accounts"</h1>
            <p class="muted">"Rows that Airbyte syncs load into the tenant an account is assigned to here, and nowhere else. Assign an account only after checking that it is the tenant's (the tenant's own list of account ids proves nothing). Every change is recorded in the tenant's audit log."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let p = match page.await {
                        Ok(p) => p,
                        Err(e) => return refused(e, "/platform/ads"),
                    };
                    let can = p.can_manage;
                    view! {
                        {can.then(|| view! {
                            <ActionForm action=assign attr:class="form form--row" attr:data-test="assign-account">
                                <div>
                                    <label for="as-platform">"Platform"</label>
                                    <select id="as-platform" name="platform">
                                        {platform_options()}
                                    </select>
                                </div>
                                <div>
                                    <label for="as-account">"Account id"</label>
                                    <input id="as-account" name="account_id" type="text" required placeholder="1234567890" />
                                </div>
                                <div>
                                    <label for="as-tenant">"Tenant address"</label>
                                    <input id="as-tenant" name="tenant" type="text" required placeholder="blue-mountain" />
                                </div>
                                <button class="button" type="submit">"Assign"</button>
                            </ActionForm>
                        })}
                        {form_error(assign.value())}
                        {form_error(unassign.value())}
                        <form class="form form--row filters" method="get" action="/platform/ads">
                            <div>
                                <label for="as-q">"Search"</label>
                                <input id="as-q" name="q" type="search" placeholder="Account id or tenant address" prop:value=q />
                            </div>
                            <button class="button button--secondary" type="submit">"Search"</button>
                        </form>
                        {if p.rows.is_empty() {
                            view! { <p class="muted" data-test="no-assignments">"No account is assigned yet: synced rows load nowhere."</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-scroll">
                                <table class="table" data-test="assignments">
                                    <thead><tr><th>"Platform"</th><th>"Account id"</th><th>"Tenant"</th><th>"Verified by"</th><th>"Assigned"</th><th></th></tr></thead>
                                    <tbody>{p.rows.into_iter().map(|a| view! {
                                        <tr data-test="assignment">
                                            <td>{a.platform_label.clone()}</td>
                                            <td class="mono">{a.account_id.clone()}</td>
                                            <td>{a.tenant_name.clone()}<br /><span class="muted small">{a.tenant_slug.clone()}</span></td>
                                            <td>{format!("{} ({})", a.verified_via, a.assigned_by)}</td>
                                            <td class="nowrap">{a.assigned_at.clone()}</td>
                                            <td>{can.then(|| view! {
                                                <ActionForm action=unassign attr:class="inline-form">
                                                    <input type="hidden" name="platform" value=a.platform.clone() />
                                                    <input type="hidden" name="account_id" value=a.account_id.clone() />
                                                    <button class="button button--small button--danger" type="submit">"Unassign"</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table>
                                </div>
                            }.into_any()
                        }}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}
