//! The platform app (the base domain): layout, landing page and system status.

use crate::api::auth::who_am_i;
use crate::api::load_system_status;
use crate::api::platform_admin::is_platform_staff;
use crate::components::{ImpersonationBar, NotFound, SlugChecker, TenantSwitcher};
use crate::pages::account::{
    AppHomePage, CheckEmailPage, ForgotPage, LogInPage, MailboxPage, ResetPage, SignUpPage,
    VerifyPage,
};
use crate::pages::ad_data::{AdDataPage, RunPage};
use crate::pages::admin::{ApiKeysPage, CredentialsPage, WorkspacePage};
use crate::pages::audit::AuditPage;
use crate::pages::catalog::CatalogPage;
use crate::pages::clients::ClientsPage;
use crate::pages::onboarding::OnboardingPage;
use crate::pages::performance::PerformancePage;
use crate::pages::platform_admin::{PlatformAccessPage, PlatformTenantsPage};
use crate::pages::platform_ads::PlatformAdsPage;
use crate::pages::record::RecordPage;
use crate::pages::sales::SalesPage;
use crate::pages::security::{ConfirmPage, LogInCodePage};
use crate::pages::storefront_settings::StorefrontSettingsPage;
use crate::pages::team::{InvitePage, TeamPage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

/// The root of the platform app.
#[component]
pub fn PlatformApp() -> impl IntoView {
    crate::provide_app_context();
    view! {
        <Router>
            <div class="shell">
                <header class="topbar">
                    <a class="brand" href="/">
                        <span class="brand__mark" aria-hidden="true"></span>
                        "Cadence"
                    </a>
                    <nav class="topbar__nav" aria-label="Main">
                        <A href="/">"Home"</A>
                        <A href="/status">"Status"</A>
                        // Its own resources at the top level (not inside another suspense), so the
                        // server and the browser create them in the same order.
                        <TenantSwitcher />
                        <UserMenu />
                    </nav>
                </header>
                <ImpersonationBar />
                <main class="page">
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=StaticSegment("") view=HomePage />
                        <Route path=StaticSegment("status") view=StatusPage />
                        <Route path=StaticSegment("signup") view=SignUpPage />
                        <Route path=StaticSegment("check-email") view=CheckEmailPage />
                        <Route path=StaticSegment("verify") view=VerifyPage />
                        <Route path=StaticSegment("login") view=LogInPage />
                        <Route path=(StaticSegment("login"), StaticSegment("code")) view=LogInCodePage />
                        <Route path=StaticSegment("confirm") view=ConfirmPage />
                        <Route path=StaticSegment("forgot") view=ForgotPage />
                        <Route path=StaticSegment("reset") view=ResetPage />
                        // Rendered whole before sending, so its redirect (to onboarding, or to log in)
                        // is an HTTP redirect rather than a navigation after hydration.
                        <Route path=StaticSegment("app") view=AppHomePage ssr=SsrMode::Async />
                        <Route path=(StaticSegment("app"), StaticSegment("team")) view=TeamPage />
                        <Route path=(StaticSegment("app"), StaticSegment("clients")) view=ClientsPage />
                        <Route path=(StaticSegment("app"), StaticSegment("sales")) view=SalesPage />
                        <Route path=(StaticSegment("app"), StaticSegment("catalog")) view=CatalogPage />
                        <Route path=(StaticSegment("app"), StaticSegment("sales"), ParamSegment("kind"), ParamSegment("id")) view=RecordPage />
                        <Route path=(StaticSegment("app"), StaticSegment("storefront")) view=StorefrontSettingsPage />
                        <Route path=(StaticSegment("app"), StaticSegment("data")) view=AdDataPage />
                        <Route path=(StaticSegment("app"), StaticSegment("performance")) view=PerformancePage />
                        <Route path=(StaticSegment("app"), StaticSegment("data"), StaticSegment("runs"), ParamSegment("id")) view=RunPage />
                        <Route path=(StaticSegment("app"), StaticSegment("admin")) view=WorkspacePage />
                        <Route path=(StaticSegment("app"), StaticSegment("admin"), StaticSegment("workspace")) view=WorkspacePage />
                        <Route path=(StaticSegment("app"), StaticSegment("admin"), StaticSegment("credentials")) view=CredentialsPage />
                        <Route path=(StaticSegment("app"), StaticSegment("admin"), StaticSegment("api-keys")) view=ApiKeysPage />
                        <Route path=(StaticSegment("app"), StaticSegment("admin"), StaticSegment("audit")) view=AuditPage />
                        <Route path=StaticSegment("platform") view=PlatformTenantsPage />
                        <Route path=(StaticSegment("platform"), StaticSegment("access")) view=PlatformAccessPage />
                        <Route path=(StaticSegment("platform"), StaticSegment("ads")) view=PlatformAdsPage />
                        <Route path=StaticSegment("onboarding") view=OnboardingPage />
                        <Route path=StaticSegment("invite") view=InvitePage />
                        <Route path=(StaticSegment("dev"), StaticSegment("mailbox")) view=MailboxPage />
                    </Routes>
                </main>
                <footer class="footer">
                    <span>"© 2026 Cadence"</span>
                    <span class="footer__sep">"·"</span>
                    <span>"Marketing analytics and storefronts for agencies, brands and creators"</span>
                </footer>
            </div>
        </Router>
    }
}

/// Log-in and sign-up links, or the signed-in user's name linking to their workspace.
#[component]
fn UserMenu() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    // Re-check after every navigation, so logging in or out updates the header.
    let user = Resource::new(move || location.pathname.get(), |_| who_am_i());
    let staff = Resource::new(move || location.pathname.get(), |_| is_platform_staff());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let staff = staff.await.unwrap_or(false);
                match user.await {
                    Ok(Some(u)) => view! {
                        {staff.then(|| view! { <A href="/platform" attr:data-test="platform-link">"Platform"</A> })}
                        <A href="/app" attr:data-test="user-menu">{u.display_name}</A>
                    }.into_any(),
                    _ => view! {
                        <A href="/login">"Log in"</A>
                        <a class="button button--small" href="/signup">"Sign up"</a>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The landing page: what Cadence is, and the storefront-address checker.
#[component]
fn HomePage() -> impl IntoView {
    view! {
        <Title text="Cadence — marketing analytics and storefronts" />
        <section class="hero">
            <p class="eyebrow">"For agencies, brands and creators"</p>
            <h1>"Every campaign, storefront and sale in one place"</h1>
            <p class="lead">
                "Cadence brings ad performance from Meta, Google Ads, LinkedIn and TikTok together with your own storefront's orders, donations and pledges, so you can see what each channel really earns."
            </p>
            <div class="hero__card">
                <SlugChecker />
            </div>
        </section>
        <section class="features" aria-label="What Cadence does">
            <article class="feature">
                <h2>"Storefront on your own address"</h2>
                <p>"A catalog, orders, donations and pledges in any currency, with every sale attributed to the campaign that brought it."</p>
            </article>
            <article class="feature">
                <h2>"Dashboards that add up"</h2>
                <p>"Spend, CTR, CPC, CPA and ROAS computed from exact sums, by campaign, day and parish."</p>
            </article>
            <article class="feature">
                <h2>"Built for agencies"</h2>
                <p>"One login for every client, each tenant's data kept apart by the database itself."</p>
            </article>
        </section>
    }
}

/// Operators' view of the running system, read live from the database.
#[island(lazy)]
fn StatusPage() -> impl IntoView {
    crate::nav::island_ready();
    let status = Resource::new(|| (), |_| load_system_status());
    let refresh = move |_| status.refetch();
    view! {
        <Title text="System status — Cadence" />
        <section class="panel">
            <div class="panel__head">
                <div>
                    <h1>"System status"</h1>
                    <p class="muted">"Live from the database this server is connected to."</p>
                </div>
                <button class="button button--secondary" data-test="refresh-status" on:click=refresh>
                    "Refresh"
                </button>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Checking…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! {
                            <dl class="facts" data-test="status">
                                <div><dt>"Database"</dt><dd><span class="badge badge--ok">"Ready"</span></dd></div>
                                <div><dt>"PostgreSQL"</dt><dd>{s.database_version}</dd></div>
                                <div><dt>"Migrations applied"</dt><dd data-test="migrations">{s.migrations_applied}</dd></div>
                                <div><dt>"Checked at"</dt><dd data-test="checked-at">{s.checked_at}</dd></div>
                            </dl>
                        }.into_any(),
                        Err(e) => view! {
                            <p class="alert alert--error" role="alert">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
