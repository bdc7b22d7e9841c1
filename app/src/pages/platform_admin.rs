//! The platform admin area (Cadence staff): tenants with usage, suspension and plans, and support
//! access requests (impersonation with the user's consent). Ad account assignments are in
//! `platform_ads.rs`.

use crate::api::platform_admin::{
    ReactivateTenant, RequestImpersonation, SetTenantPlan, StartImpersonation, SuspendTenant,
    load_my_grants, load_platform_tenants, load_tenant_members,
};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use crate::url::encode;
use leptos::prelude::*;
use leptos_meta::Title;

pub(super) fn platform_nav(current: &'static str) -> impl IntoView {
    let class = move |k: &str| {
        if k == current {
            "tabs__tab tabs__tab--current"
        } else {
            "tabs__tab"
        }
    };
    view! {
        <nav class="tabs" aria-label="Platform admin">
            <a href="/platform" class=class("tenants")>"Tenants"</a>
            <a href="/platform/access" class=class("access")>"Support access"</a>
            <a href="/platform/ads" class=class("ads")>"Ad accounts"</a>
        </nav>
    }
}

pub(super) fn refused(e: AppError, next: &str) -> AnyView {
    match e {
        AppError::Unauthenticated => {
            view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
        }
        AppError::NotFound => view! { <crate::components::NotFound /> }.into_any(),
        e => {
            view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any()
        }
    }
}

/// Every tenant: search, status, plan, members, usage; suspend, reactivate, change plan.
#[island(lazy)]
pub fn PlatformTenantsPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let field = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let suspend = ServerAction::<SuspendTenant>::new();
    let reactivate = ServerAction::<ReactivateTenant>::new();
    let plan = ServerAction::<SetTenantPlan>::new();
    let page = Resource::new(
        move || {
            (
                field("q"),
                field("status"),
                field("page"),
                suspend.version().get(),
                reactivate.version().get(),
                plan.version().get(),
            )
        },
        |(q, status, page, ..)| load_platform_tenants(q, status, page.parse().unwrap_or(0)),
    );
    view! {
        <Title text="Tenants — Cadence platform" />
        {platform_nav("tenants")}
        <section class="panel">
            <div class="panel__head">
                <div>
                    <h1>"Tenants"</h1>
                    <p class="muted">"Every tenant on the platform with its plan and usage. Suspending keeps all data; the storefront shows “unavailable”, the API answers 403 and members see a notice."</p>
                </div>
            </div>
            <form class="form form--row filters" method="get" action="/platform">
                <div>
                    <label for="t-q">"Search"</label>
                    <input id="t-q" name="q" type="search" placeholder="Name or address" prop:value=move || field("q") />
                </div>
                <div>
                    <label for="t-status">"Status"</label>
                    <select id="t-status" name="status" prop:value=move || field("status")>
                        <option value="">"Any"</option>
                        <option value="active">"Active"</option>
                        <option value="suspended">"Suspended"</option>
                    </select>
                </div>
                <button class="button" type="submit">"Search"</button>
            </form>
            {form_error(suspend.value())}
            {form_error(reactivate.value())}
            {form_error(plan.value())}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let p = match page.await {
                        Ok(p) => p,
                        Err(e) => return refused(e, "/platform"),
                    };
                    let plans = p.plans.clone();
                    let link = move |n: u32| format!("/platform?q={}&status={}&page={n}", encode(&field("q")), encode(&field("status")));
                    view! {
                        <p class="muted" data-test="tenant-count">{format!("{} tenant(s) · page {} of {}", p.total, p.page + 1, p.pages)}</p>
                        <div class="table-scroll">
                        <table class="table table--dense" data-test="platform-tenants">
                            <thead><tr><th>"Tenant"</th><th>"Status"</th><th>"Plan"</th><th class="num">"Members"</th><th class="num">"Records"</th><th class="num">"Storage"</th><th>"Last activity"</th><th>"Actions"</th></tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|t| {
                                    let id = t.id;
                                    let current_plan = t.plan.clone();
                                    let plans = plans.clone();
                                    let suspended = t.status == "suspended";
                                    view! {
                                        <tr data-test="platform-tenant" data-slug=t.slug.clone()>
                                            <td><strong>{t.name.clone()}</strong><br /><span class="muted small">{format!("{} · {} · since {}", t.slug, t.kind, t.created)}</span></td>
                                            <td>
                                                <span class=if suspended { "badge badge--warn" } else { "badge badge--ok" } data-test="status">{t.status.clone()}</span>
                                                {t.suspended_reason.clone().map(|r| view! { <br /><span class="muted small">{r}</span> })}
                                            </td>
                                            <td>
                                                {p.can_manage.then(|| view! {
                                                    <ActionForm action=plan attr:class="form plan-form">
                                                        <input type="hidden" name="tenant_id" value=id.to_string() />
                                                        <div class="inline-form">
                                                            <select name="plan" aria-label=format!("Plan of {}", t.name)>
                                                                {plans.iter().map(|(n, l)| view! { <option value=n.clone() selected=*n == current_plan>{l.clone()}</option> }).collect_view()}
                                                            </select>
                                                            <button class="button button--small button--secondary" type="submit">"Set"</button>
                                                        </div>
                                                        <details class="overrides">
                                                            <summary class="small">{if t.overrides.is_empty() { "No overrides".to_string() } else { "Overrides set".to_string() }}</summary>
                                                            <label class="small" for=format!("ov-{id}")>"Overrides (JSON)"</label>
                                                            <input id=format!("ov-{id}") name="overrides" type="text" class="mono" value=t.overrides.clone()
                                                                placeholder="{\"limits\": {\"seats\": 20}}" />
                                                        </details>
                                                    </ActionForm>
                                                })}
                                                {(!p.can_manage).then(|| t.plan.clone())}
                                            </td>
                                            <td class="num">{t.members}</td>
                                            <td class="num">{t.records}</td>
                                            <td class="num">{t.storage.clone()}</td>
                                            <td class="nowrap">{t.last_activity.clone()}</td>
                                            <td><div class="row-actions">
                                                {(p.can_manage && suspended).then(|| view! {
                                                    <ActionForm action=reactivate attr:class="inline-form">
                                                        <input type="hidden" name="tenant_id" value=id.to_string() />
                                                        <button class="button button--small" type="submit" data-test="reactivate">"Reactivate"</button>
                                                    </ActionForm>
                                                })}
                                                {(p.can_manage && !suspended).then(|| view! {
                                                    <details class="disclosure">
                                                        <summary class="button button--small button--danger" data-test="suspend-open">"Suspend…"</summary>
                                                        <ActionForm action=suspend attr:class="form">
                                                            <input type="hidden" name="tenant_id" value=id.to_string() />
                                                            <label for=format!("reason-{id}")>"Reason (shown to its members)"</label>
                                                            <input id=format!("reason-{id}") name="reason" type="text" minlength="10" maxlength="500" required />
                                                            <button class="button button--small button--danger" type="submit" data-test="suspend">"Suspend tenant"</button>
                                                        </ActionForm>
                                                    </details>
                                                })}
                                                {p.can_impersonate.then(|| view! {
                                                    <a class="button button--small button--ghost" href=format!("/platform/access?tenant={id}")>"Request access"</a>
                                                })}
                                            </div></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        <div class="pager">
                            {(p.page > 0).then(|| view! { <a class="button button--ghost button--small" href=link(p.page - 1)>"← Previous"</a> })}
                            {(p.page + 1 < p.pages).then(|| view! { <a class="button button--secondary button--small" href=link(p.page + 1)>"Next →"</a> })}
                        </div>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// Support access: ask a tenant's member for access (with a reason), follow the answers, and start
/// an approved session.
#[island(lazy)]
pub fn PlatformAccessPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let tenant = move || query.with(|q| q.get("tenant").unwrap_or_default());
    let request = ServerAction::<RequestImpersonation>::new();
    let start = ServerAction::<StartImpersonation>::new();
    let members = Resource::new(tenant, |t| async move {
        match t.parse::<cadence::Uuid>() {
            Ok(id) => load_tenant_members(id).await.map(Some),
            Err(_) => Ok(None),
        }
    });
    let grants = Resource::new(
        move || (request.version().get(), start.version().get()),
        |_| load_my_grants(),
    );
    view! {
        <Title text="Support access — Cadence platform" />
        {platform_nav("access")}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match members.await {
                    Ok(Some(list)) => view! {
                        <section class="panel panel--narrow">
                            <h1>"Request access to an account"</h1>
                            <p class="muted">"The person is asked by email and on their home page. Nothing happens until they approve; an approved session lasts 30 minutes, shows a banner on every page, cannot change passwords or credentials, and every action is recorded in the tenant's audit log."</p>
                            <ActionForm action=request attr:class="form">
                                <input type="hidden" name="tenant_id" value=tenant() />
                                <label for="r-user">"Person"</label>
                                <select id="r-user" name="user_id" required>
                                    {list.into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.label}</option> }).collect_view()}
                                </select>
                                <label for="r-reason">"Reason (the person sees it)"</label>
                                <textarea id="r-reason" name="reason" minlength="10" maxlength="500" required rows="3"></textarea>
                                {form_error(request.value())}
                                <Show when=move || matches!(request.value().get(), Some(Ok(())))>
                                    <p class="alert alert--ok" data-test="requested">"Requested. You will see the answer below."</p>
                                </Show>
                                <button class="button" type="submit">"Send request"</button>
                            </ActionForm>
                        </section>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => refused(e, "/platform/access"),
                }
            })}
        </Suspense>
        <section class="panel">
            <h2>"Your access requests"</h2>
            {form_error(start.value())}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let list = match grants.await {
                        Ok(l) => l,
                        Err(e) => return refused(e, "/platform/access"),
                    };
                    if list.is_empty() {
                        return view! { <div class="empty-state empty-state--soft"><p>"No requests yet. Open a tenant in the tenants list and choose “Request access”."</p></div> }.into_any();
                    }
                    view! {
                        <table class="table" data-test="grants">
                            <thead><tr><th>"Requested"</th><th>"Tenant"</th><th>"Person"</th><th>"Reason"</th><th>"State"</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|g| view! {
                                    <tr data-test="grant">
                                        <td class="nowrap">{g.requested}</td>
                                        <td>{g.tenant}</td>
                                        <td>{g.user}</td>
                                        <td>{g.reason}</td>
                                        <td><span class="badge" data-test="grant-state">{g.state.clone()}</span>{g.until.clone().map(|u| view! { <span class="muted">{format!(" until {u}")}</span> })}</td>
                                        <td>{(g.until.is_some()).then(|| view! {
                                            <ActionForm action=start attr:class="inline-form">
                                                <input type="hidden" name="id" value=g.id.to_string() />
                                                <button class="button button--small" type="submit" data-test="start">"Start session"</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
