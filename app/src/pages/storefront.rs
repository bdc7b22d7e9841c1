//! The storefront app (a tenant's subdomain): layout and home page.

use crate::api::load_storefront_profile;
use crate::components::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::StaticSegment;
use leptos_router::components::{Route, Router, Routes};

/// The root of a tenant's public storefront.
#[component]
pub fn StorefrontApp() -> impl IntoView {
    crate::provide_app_context();
    let profile = Resource::new(|| (), |_| load_storefront_profile());
    view! {
        <Router>
            <div class="shell shell--storefront">
                <header class="topbar topbar--storefront">
                    <a class="brand" href="/" data-test="storefront-name">
                        <Suspense fallback=|| "">
                            {move || Suspend::new(async move {
                                profile.await.map(|p| p.display_name).unwrap_or_default()
                            })}
                        </Suspense>
                    </a>
                </header>
                <main class="page">
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=StaticSegment("") view=move || view! { <StorefrontHome profile /> } />
                    </Routes>
                </main>
                <footer class="footer">
                    <span>"Powered by"</span>
                    <strong>"Cadence"</strong>
                </footer>
            </div>
        </Router>
    }
}

#[component]
fn StorefrontHome(
    profile: Resource<Result<cadence::storefront::StorefrontProfile, crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! {
                        <Title text=p.display_name.clone() />
                        <section class="storefront-hero">
                            <h1 data-test="storefront-title">{p.display_name.clone()}</h1>
                            {p.tagline.clone().map(|t| view! { <p class="lead">{t}</p> })}
                            {p.about.clone().map(|a| view! { <p class="storefront-hero__about">{a}</p> })}
                        </section>
                        <section class="empty-state empty-state--soft">
                            <h2>"The catalog is being prepared"</h2>
                            <p>"Products, services and donation campaigns will appear here as soon as they are published."</p>
                        </section>
                    }.into_any(),
                    Err(e) => view! {
                        <p class="alert alert--error" role="alert">{e.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
