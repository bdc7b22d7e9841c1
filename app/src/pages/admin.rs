//! The tenant admin panel: platform credentials (masked, never shown again) and API keys (shown
//! once), with the panel's navigation.

use crate::api::admin::{
    CreateApiKey, RemoveCredential, RevokeApiKey, SaveCredential, SaveWorkspace, load_api_keys,
    load_credentials, load_workspace,
};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use leptos::prelude::*;
use leptos_meta::Title;

/// The admin panel's tabs.
#[component]
pub fn AdminNav(current: &'static str) -> impl IntoView {
    let tab = move |href: &'static str, label: &'static str, key: &'static str| {
        view! {
            <a href=href class=if key == current { "tabs__tab tabs__tab--current" } else { "tabs__tab" }
               aria-current=if key == current { Some("page") } else { None }>{label}</a>
        }
    };
    view! {
        <p class="crumbs"><a href="/app">"← Your workspace"</a></p>
        <nav class="tabs" aria-label="Admin">
            {tab("/app/admin/workspace", "Workspace & plan", "workspace")}
            {tab("/app/admin/credentials", "Credentials", "credentials")}
            {tab("/app/admin/api-keys", "API keys", "api-keys")}
            {tab("/app/admin/audit", "Audit log", "audit")}
            {tab("/app/team", "Team", "team")}
            {tab("/app/storefront", "Storefront", "storefront")}
        </nav>
    }
}

/// A denial or a missing tenant, for the admin pages.
fn blocked(e: AppError, next: &'static str) -> AnyView {
    match e {
        AppError::Unauthenticated => view! { <Redirect path=format!("/login?next={next}") /> }.into_any(),
        AppError::NotFound => view! {
            <div class="empty-state empty-state--soft"><h2>"No tenant yet"</h2><p>"Join or create a tenant first."</p></div>
        }.into_any(),
        e => view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
    }
}

/// Platform credentials: each slot shows only "set on … by …, ending in …".
#[island(lazy)]
pub fn CredentialsPage() -> impl IntoView {
    crate::nav::island_ready();
    let save = ServerAction::<SaveCredential>::new();
    let remove = ServerAction::<RemoveCredential>::new();
    let list = Resource::new(
        move || (save.version().get(), remove.version().get()),
        |_| load_credentials(),
    );
    view! {
        <Title text="Credentials — Cadence" />
        <AdminNav current="credentials" />
        <section class="panel">
            <div class="panel__head">
                <div>
                    <h1>"Platform credentials"</h1>
                    <p class="muted">"Tokens and passwords Cadence uses on your behalf. Each is encrypted with your tenant's own key; once saved it is never shown again, only its last four characters."</p>
                </div>
            </div>
            {form_error(save.value())}
            {form_error(remove.value())}
            <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                <p class="alert alert--ok" data-test="credential-saved">"Saved and encrypted."</p>
            </Show>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let slots = match list.await {
                        Ok(s) => s,
                        Err(e) => return blocked(e, "/app/admin/credentials"),
                    };
                    view! {
                        <ul class="credential-list" data-test="credentials">
                            {slots.into_iter().map(|c| {
                                let kind = c.kind.clone();
                                let kind2 = c.kind.clone();
                                let has = c.masked.is_some();
                                let input_id = format!("secret-{}", c.kind);
                                view! {
                                    <li class="credential" data-test=format!("credential-{}", c.kind)>
                                        <div class="credential__head">
                                            <strong>{c.label.clone()}</strong>
                                            {match c.masked.clone() {
                                                Some(m) => view! { <span class="badge badge--ok">"Set"</span><span class="muted" data-test="masked">{m}</span> }.into_any(),
                                                None => view! { <span class="badge">"Not set"</span> }.into_any(),
                                            }}
                                        </div>
                                        <div class="credential__forms">
                                            <ActionForm action=save attr:class="inline-form">
                                                <input type="hidden" name="kind" value=kind.clone() />
                                                <label class="visually-hidden" for=input_id.clone()>{format!("New value for {}", c.label)}</label>
                                                <input id=input_id name="secret" type="password" autocomplete="off" minlength="8" required
                                                    placeholder=if has { "Replace with a new value" } else { "Paste the value" } />
                                                <button class="button button--small" type="submit">{if has { "Replace" } else { "Save" }}</button>
                                            </ActionForm>
                                            {has.then(|| view! {
                                                <ActionForm action=remove attr:class="inline-form">
                                                    <input type="hidden" name="kind" value=kind2.clone() />
                                                    <button class="button button--small button--danger" type="submit">"Remove"</button>
                                                </ActionForm>
                                            })}
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// API keys: create (shown once), list with last use, revoke at once.
#[island(lazy)]
pub fn ApiKeysPage() -> impl IntoView {
    crate::nav::island_ready();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let page = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| load_api_keys(),
    );
    view! {
        <Title text="API keys — Cadence" />
        <AdminNav current="api-keys" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let p = match page.await {
                    Ok(p) => p,
                    Err(e) => return blocked(e, "/app/admin/api-keys"),
                };
                let base = p.api_base.clone();
                view! {
                    <section class="panel">
                        <div class="panel__head">
                            <div>
                                <h1>"API keys"</h1>
                                <p class="muted">{format!("Integrations read your catalog, orders, donations, pledges and ad performance from {base}. A key acts with the role you give it. {} plan: up to {} active keys.", p.plan, p.limit)}</p>
                            </div>
                            <a class="button button--secondary button--small" href="/api/v1/openapi.json">"OpenAPI document"</a>
                        </div>
                        {match p.not_in_plan.clone() {
                            Some(why) => view! { <p class="alert alert--warn" data-test="not-in-plan">{why}</p> }.into_any(),
                            None => view! {
                                <ActionForm action=create attr:class="form form--row">
                                    <div>
                                        <label for="key-name">"Name"</label>
                                        <input id="key-name" name="name" type="text" required maxlength="80" placeholder="e.g. Zapier, data warehouse" />
                                    </div>
                                    <div>
                                        <label for="key-role">"Role"</label>
                                        <select id="key-role" name="role">
                                            {p.roles.iter().map(|r| view! { <option value=r.clone() selected=r == "analyst">{r.clone()}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div>
                                        <label for="key-expires">"Expires"</label>
                                        <select id="key-expires" name="expires">
                                            <option value="30">"in 30 days"</option>
                                            <option value="90" selected=true>"in 90 days"</option>
                                            <option value="365">"in a year"</option>
                                            <option value="never">"never"</option>
                                        </select>
                                    </div>
                                    <button class="button" type="submit">"Create key"</button>
                                </ActionForm>
                            }.into_any(),
                        }}
                        {form_error(create.value())}
                        {move || create.value().get().and_then(|r| r.ok()).map(|k| {
                            let base = base.clone();
                            view! {
                                <div class="alert alert--ok key-once" data-test="new-key">
                                    <p><strong>{format!("“{}” is ready. Copy the key now: it will not be shown again.", k.name)}</strong></p>
                                    <code class="key-once__secret" data-test="secret">{k.secret.clone()}</code>
                                    <p class="muted">"Try it:"</p>
                                    <pre class="key-once__example">{format!("curl -H 'Authorization: Bearer {}' {base}/orders", k.secret)}</pre>
                                </div>
                            }
                        })}
                    </section>
                    <section class="panel">
                        <h2>"Keys"</h2>
                        {form_error(revoke.value())}
                        {if p.keys.is_empty() {
                            view! { <div class="empty-state empty-state--soft"><p>"No keys yet. Create one for each integration, so you can revoke one without stopping the others."</p></div> }.into_any()
                        } else {
                            view! {
                                <table class="table" data-test="api-keys">
                                    <thead><tr><th>"Name"</th><th>"Key"</th><th>"Role"</th><th>"Created"</th><th>"Expires"</th><th>"Last used"</th><th>"State"</th><th></th></tr></thead>
                                    <tbody>
                                        {p.keys.into_iter().map(|k| view! {
                                            <tr data-test="api-key">
                                                <td>{k.name.clone()}</td>
                                                <td><code>{k.prefix}</code></td>
                                                <td>{k.role}</td>
                                                <td>{k.created}</td>
                                                <td>{k.expires}</td>
                                                <td data-test="last-used">{k.last_used}</td>
                                                <td><span class=if k.state == "active" { "badge badge--ok" } else { "badge" } data-test="state">{k.state.clone()}</span></td>
                                                <td>{(k.state == "active").then(|| view! {
                                                    <ActionForm action=revoke attr:class="inline-form">
                                                        <input type="hidden" name="id" value=k.id.to_string() />
                                                        <button class="button button--small button--danger" type="submit" aria-label=format!("Revoke {}", k.name)>"Revoke"</button>
                                                    </ActionForm>
                                                })}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// The workspace's name and time zone, and what its plan includes.
#[island(lazy)]
pub fn WorkspacePage() -> impl IntoView {
    crate::nav::island_ready();
    let save = ServerAction::<SaveWorkspace>::new();
    let page = Resource::new(move || save.version().get(), |_| load_workspace());
    view! {
        <Title text="Workspace — Cadence" />
        <AdminNav current="workspace" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let w = match page.await {
                    Ok(w) => w,
                    Err(e) => return blocked(e, "/app/admin/workspace"),
                };
                view! {
                    <div class="split">
                        <section class="panel">
                            <h1>"Workspace"</h1>
                            <p class="muted">"The name your team sees, and the time zone that decides where a reporting day starts and ends. The storefront's name, currency, language and publication are under Storefront."</p>
                            <ActionForm action=save attr:class="form">
                                <label for="ws-name">"Workspace name"</label>
                                <input id="ws-name" name="name" type="text" maxlength="120" required value=w.name.clone() />
                                <label for="ws-zone">"Time zone"</label>
                                <select id="ws-zone" name="time_zone">
                                    {w.zones.iter().map(|z| view! { <option value=z.clone() selected=*z == w.time_zone>{z.clone()}</option> }).collect_view()}
                                </select>
                                {form_error(save.value())}
                                <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                                    <p class="alert alert--ok" data-test="workspace-saved">"Saved."</p>
                                </Show>
                                <button class="button" type="submit">"Save"</button>
                            </ActionForm>
                        </section>
                        <section class="panel" data-test="plan">
                            <h2>{format!("{} plan", w.plan)}</h2>
                            <p class="muted">"What your plan includes. Ask Cadence to change it."</p>
                            <table class="table">
                                <tbody>
                                    {w.features.into_iter().map(|(what, on)| view! {
                                        <tr><td>{what}</td><td>{if on { view! { <span class="badge badge--ok">"Included"</span> }.into_any() } else { view! { <span class="badge">"Not included"</span> }.into_any() }}</td></tr>
                                    }).collect_view()}
                                    {w.limits.into_iter().map(|(what, n)| view! {
                                        <tr><td>{what}</td><td>{n}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}
