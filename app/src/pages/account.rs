//! Account pages: sign up, check your inbox, verify, log in, forgot and reset password, the
//! signed-in home with password change and log-out, and the development mailbox.

use crate::api::auth::{
    ChangePassword, ForgotPassword, LogIn, LogOut, ResetPassword, SignUp, verify_email, who_am_i,
};
use crate::api::onboarding::{StartAnotherWorkspace, load_setup_info};
use crate::api::tenant::{SwitchTenant, load_security_events, load_tenant_overview, my_tenants};
use crate::api::{MailView, dev_mailbox};
use crate::components::{AccessRequests, form_error};
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use crate::pages::security::SecurityPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=format!("{title} — Cadence") />
        <section class="auth-card">
            <h1>{title}</h1>
            {children()}
        </section>
    }
}

#[island(lazy)]
pub fn SignUpPage() -> impl IntoView {
    crate::nav::island_ready();
    let action = ServerAction::<SignUp>::new();
    view! {
        <AuthCard title="Create your account">
            <p class="muted">"Free to start. You will confirm your email address next."</p>
            <ActionForm action=action attr:class="form">
                <label for="display_name">"Your name"</label>
                <input id="display_name" name="display_name" type="text" autocomplete="name" required />
                <label for="email">"Work email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required />
                <p class="hint">"At least 12 characters. A short sentence works well."</p>
                {form_error(action.value())}
                <button class="button button--block" type="submit">"Create account"</button>
            </ActionForm>
            <p class="auth-card__alt">"Already have an account? " <a href="/login">"Log in"</a></p>
        </AuthCard>
    }
}

#[island(lazy)]
pub fn CheckEmailPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let to = move || query.read().get("to").unwrap_or_default();
    let reset = move || query.read().get("reason").as_deref() == Some("reset");
    view! {
        <AuthCard title="Check your inbox">
            <p data-test="check-email">
                {move || if reset() {
                    format!("If an account exists for {}, we have sent it a link to choose a new password. The link expires in one hour.", to())
                } else {
                    format!("We have sent a confirmation link to {}. Open it to activate your account.", to())
                }}
            </p>
            <p class="muted">"No email? Check your spam folder, or "<a href="/login">"log in"</a>" to get a new link."</p>
        </AuthCard>
    }
}

#[island(lazy)]
pub fn VerifyPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let result = Resource::new(
        move || query.read().get("token").unwrap_or_default(),
        verify_email,
    );
    view! {
        <AuthCard title="Confirm your email">
            <Suspense fallback=|| view! { <p class="muted">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match result.await {
                        Ok(()) => view! {
                            <p class="alert alert--ok" data-test="verified">"Your email address is confirmed."</p>
                            <a href="/login" class="button button--block">"Log in"</a>
                        }.into_any(),
                        Err(e) => view! {
                            <p class="alert alert--error" data-test="form-error">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

#[island(lazy)]
pub fn LogInPage() -> impl IntoView {
    crate::nav::island_ready();
    let action = ServerAction::<LogIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let reset_done = move || query.read().get("reset").is_some();
    view! {
        <AuthCard title="Log in">
            <Show when=reset_done>
                <p class="alert alert--ok" data-test="reset-done">"Your password has been changed. Log in with the new one."</p>
            </Show>
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="next" prop:value=next />
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                {form_error(action.value())}
                <button class="button button--block" type="submit">"Log in"</button>
            </ActionForm>
            <p class="auth-card__alt"><a href="/forgot">"Forgot your password?"</a></p>
            <p class="auth-card__alt">"New to Cadence? " <a href="/signup">"Create an account"</a></p>
        </AuthCard>
    }
}

#[island(lazy)]
pub fn ForgotPage() -> impl IntoView {
    crate::nav::island_ready();
    let action = ServerAction::<ForgotPassword>::new();
    view! {
        <AuthCard title="Reset your password">
            <p class="muted">"Enter your account's email and we will send you a link to choose a new password."</p>
            <ActionForm action=action attr:class="form">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required />
                {form_error(action.value())}
                <button class="button button--block" type="submit">"Send reset link"</button>
            </ActionForm>
        </AuthCard>
    }
}

#[island(lazy)]
pub fn ResetPage() -> impl IntoView {
    crate::nav::island_ready();
    let action = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <AuthCard title="Choose a new password">
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="token" prop:value=token />
                <label for="password">"New password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required />
                <label for="confirm">"Repeat the new password"</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="12" required />
                {form_error(action.value())}
                <button class="button button--block" type="submit">"Set new password"</button>
            </ActionForm>
        </AuthCard>
    }
}

/// The signed-in home: who you are, your account, and log-out. Rendered on the server; the
/// panels with forms that answer in place are islands.
#[component]
pub fn AppHomePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| who_am_i());
    let log_out = ServerAction::<LogOut>::new();
    let tenant_data = TenantData::new();
    let setup = Resource::new(|| (), |_| load_setup_info());
    view! {
        <Title text="Your workspace — Cadence" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(s) if s.needs_wizard => view! { <Redirect path="/onboarding" /> }.into_any(),
                    Ok(s) if s.unfinished => view! {
                        <div class="banner" role="status" data-test="setup-banner">
                            <div>
                                <strong>"Complete your setup"</strong>
                                <span class="muted">" You started setting up a workspace and have not finished."</span>
                            </div>
                            <a class="button button--small" href="/onboarding">"Continue setup"</a>
                        </div>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => view! {
                        <section class="panel">
                            <div class="panel__head">
                                <div>
                                    <h1 data-test="welcome">{format!("Welcome, {}", u.display_name)}</h1>
                                    <p class="muted">{format!("Signed in as {}", u.email)}</p>
                                </div>
                                <ActionForm action=log_out>
                                    <button class="button button--secondary" type="submit" data-test="log-out">"Log out"</button>
                                </ActionForm>
                            </div>
                            <TenantPanel data=tenant_data />
                        </section>
                    }.into_any(),
                    Ok(None) | Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/app" /> }.into_any(),
                    Err(e) => view! { <p class="alert alert--error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        // Islands with their own resources stay outside the suspense above: the server numbers an
        // island's resources as it renders them, the browser in page order, and the two orders
        // only agree for islands rendered in the page's first pass.
        <AccessRequests />
        <SecurityPanel />
        <ChangePasswordPanel />
    }
}

/// Changing the password, answered in place.
#[island(lazy)]
fn ChangePasswordPanel() -> impl IntoView {
    crate::nav::island_ready();
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <section class="panel panel--narrow">
            <h2>"Change password"</h2>
            <p class="muted">"Changing it signs you out everywhere else."</p>
            <ActionForm action=change attr:class="form">
                <label for="current">"Current password"</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required />
                <label for="new-password">"New password"</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password" minlength="12" required />
                <label for="confirm">"Repeat the new password"</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="12" required />
                {form_error(change.value())}
                <Show when=move || matches!(change.value().get(), Some(Ok(())))>
                    <p class="alert alert--ok" data-test="password-changed">"Password changed. Other sessions have been signed out."</p>
                </Show>
                <button class="button" type="submit">"Change password"</button>
            </ActionForm>
        </section>
    }
}

/// The tenant panel's data. The workspace page is rendered on the server only, so its "Switch"
/// forms are plain posts that reload the page with the new tenant.
#[derive(Clone, Copy)]
struct TenantData {
    switch: ServerAction<SwitchTenant>,
    tenants: Resource<Result<Vec<crate::api::tenant::TenantChoice>, AppError>>,
    overview: Resource<Result<Option<crate::api::tenant::TenantOverview>, AppError>>,
    events: Resource<Result<Vec<crate::api::tenant::SecurityEvent>, AppError>>,
}

impl TenantData {
    fn new() -> Self {
        let switch = ServerAction::<SwitchTenant>::new();
        Self {
            switch,
            tenants: Resource::new(move || switch.version().get(), |_| my_tenants()),
            overview: Resource::new(move || switch.version().get(), |_| load_tenant_overview()),
            events: Resource::new(move || switch.version().get(), |_| load_security_events()),
        }
    }
}

/// The tenants the user can enter, the current one, and its security events (or why not).
#[component]
fn TenantPanel(data: TenantData) -> impl IntoView {
    let TenantData {
        switch,
        tenants,
        overview,
        events,
    } = data;
    let another = ServerAction::<StartAnotherWorkspace>::new();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading your tenants…"</p> }>
            {move || Suspend::new(async move {
                let list = tenants.await.unwrap_or_default();
                if list.is_empty() {
                    return view! {
                        <div class="empty-state empty-state--soft" data-test="no-tenant">
                            <h2>"No tenant yet"</h2>
                            <p>"You are not a member of any brand, agency or creator workspace yet. Set up your own, or ask a colleague to invite you."</p>
                            <a class="button" href="/onboarding">"Set up a workspace"</a>
                        </div>
                    }.into_any();
                }
                let overview = overview.await.ok().flatten();
                view! {
                    <div class="tenant-grid">
                        <div>
                            <h2>"Your tenants"</h2>
                            <ul class="tenant-list" data-test="tenant-list">
                                {list.into_iter().map(|t| {
                                    let id = t.id;
                                    view! {
                                        <li class:current=t.current>
                                            <div>
                                                <strong>{t.name}</strong>
                                                <span class="muted">{match t.via_agency {
                                                    Some(a) => format!("{} · client of {a}", t.role),
                                                    None => t.role,
                                                }}</span>
                                            </div>
                                            {if t.current {
                                                view! { <span class="badge badge--ok">"Current"</span> }.into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=switch>
                                                        <input type="hidden" name="tenant_id" value=id.to_string() />
                                                        <button class="button button--small button--secondary" type="submit">"Switch"</button>
                                                    </ActionForm>
                                                }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                        {overview.map(|o| view! {
                            <div class="tenant-card" data-test="current-tenant">
                                <h2>{o.name}</h2>
                                {o.suspended.clone().map(|why| view! {
                                    <p class="alert alert--warn" role="alert" data-test="suspended-notice">
                                        <strong>"This tenant is suspended by Cadence. "</strong>
                                        {format!("Reason: {why}. Its storefront and API are unavailable; nothing has been deleted. Contact Cadence support to reactivate it.")}
                                    </p>
                                })}
                                <p class="muted">{format!("You are {}", o.access)}</p>
                                <p>"Storefront: "<a href=format!("http://{}", o.storefront)>{o.storefront.clone()}</a></p>
                                <div class="button-row">
                                    <a href="/app/sales" class="button button--small" data-test="sales-link">"Sales"</a>
                                    <a href="/app/catalog" class="button button--secondary button--small" data-test="catalog-link">"Catalog"</a>
                                    <a href="/app/team" class="button button--secondary button--small" data-test="team-link">"Team"</a>
                                    <a href="/app/data" class="button button--secondary button--small" data-test="data-link">"Ad data"</a>
                                    <a href="/app/performance" class="button button--secondary button--small">"Performance"</a>
                                    <a href="/app/admin" class="button button--secondary button--small" data-test="admin-link">"Admin"</a>
                                    {o.is_agency.then(|| view! {
                                        <a href="/app/clients" class="button button--secondary button--small" data-test="clients-link">"Clients"</a>
                                    })}
                                </div>
                                <ActionForm action=another attr:class="tenant-card__new">
                                    <button class="button button--ghost button--small" type="submit" data-test="new-workspace">"+ Set up another workspace"</button>
                                </ActionForm>
                            </div>
                        })}
                    </div>
                    <h2 class="section-title">"Security events"</h2>
                    {match events.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"Nothing recorded yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-test="security-events">
                                <thead><tr><th>"When"</th><th>"Event"</th><th>"Outcome"</th><th>"Who"</th><th>"Detail"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr><td>{e.at}</td><td>{e.action}</td><td>{e.outcome}</td><td>{e.actor}</td><td>{e.detail}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(AppError::Forbidden(why)) => view! {
                            <p class="alert alert--warn" data-test="denied">{why}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert--error">{e.to_string()}</p> }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

/// Turns the URLs in a plain-text email into links.
fn linkify(text: String) -> impl IntoView {
    text.split('\n')
        .map(|line| {
            let parts = line
                .split(' ')
                .map(|w| {
                    if w.starts_with("http://") || w.starts_with("https://") {
                        view! { <a href=w.to_string() data-test="mail-link">{w.to_string()}</a>" " }
                            .into_any()
                    } else {
                        format!("{w} ").into_any()
                    }
                })
                .collect_view();
            view! { {parts}<br /> }
        })
        .collect_view()
}

/// Development mailbox: what Cadence would have emailed, with working links.
#[island(lazy)]
pub fn MailboxPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let mail = Resource::new(move || query.read().get("to"), dev_mailbox);
    view! {
        <Title text="Development mailbox — Cadence" />
        <section class="panel">
            <div class="panel__head">
                <div>
                    <h1>"Development mailbox"</h1>
                    <p class="muted">"No SMTP server is configured, so outgoing mail is kept here. Newest first."</p>
                </div>
                <button class="button button--secondary" on:click=move |_| mail.refetch()>"Refresh"</button>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match mail.await {
                        Ok(list) if list.is_empty() => view! {
                            <div class="empty-state empty-state--soft"><h2>"No messages yet"</h2><p>"Sign up or ask for a password reset, and the email appears here."</p></div>
                        }.into_any(),
                        Ok(list) => list.into_iter().map(|m: MailView| view! {
                            <article class="mail" data-test="mail">
                                <header class="mail__head">
                                    <strong data-test="mail-subject">{m.subject}</strong>
                                    <span class="muted">{format!("to {} · {}", m.to, m.at)}</span>
                                </header>
                                <p class="mail__body">{linkify(m.body)}</p>
                            </article>
                        }).collect_view().into_any(),
                        Err(e) => view! { <p class="alert alert--error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
