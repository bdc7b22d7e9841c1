//! Cadence's UI: the HTML shell, the platform app and the tenant storefront app, and the wasm entry.
//!
//! The wasm bundle hydrates the platform app; the storefront is served as plain HTML with no script.

// Release builds (without `--cfg erase_components`) compute the layout of the onboarding wizard's
// nested view types past the default depth of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod assets;
#[cfg(any(feature = "ssr", test))]
pub mod charts;
pub mod components;
pub mod error;
pub mod nav;
pub mod pages;
pub mod url;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use serde::{Deserialize, Serialize};

pub use pages::platform::PlatformApp;

/// The session key of the signed-in user's id.
pub const USER_SESSION_KEY: &str = "uid";
/// The session key of the impersonation grant staff are using (see the server's middleware).
pub const IMPERSONATION_SESSION_KEY: &str = "imp";
pub use pages::storefront::StorefrontApp;

/// Which of the two apps a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiteKind {
    Platform,
    Storefront,
}

impl SiteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Platform => "platform",
            SiteKind::Storefront => "storefront",
        }
    }
}

/// Deployment facts the pages need (given by the server as context).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// Base domain for storefront subdomains, e.g. `localhost` or `cadence.app`.
    pub base_domain: String,
    /// Port the public URLs carry (`None` for 80/443).
    pub public_port: Option<u16>,
    /// Whether the development mailbox is open (no SMTP configured, local development).
    pub dev_mailbox: bool,
}

impl SiteConfig {
    /// The storefront address of a slug, as a person would type it.
    pub fn storefront_host(&self, slug: &str) -> String {
        match self.public_port {
            Some(p) => format!("{slug}.{}:{p}", self.base_domain),
            None => format!("{slug}.{}", self.base_domain),
        }
    }
}

/// The HTML document around either app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = current_site();
    let lang = "en";
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <link rel="stylesheet" id="leptos" href=assets::stylesheet() />
                <AutoReload options=options.clone() />
                // The storefront is complete as server-rendered HTML with plain forms: visitors
                // download no script and no wasm.
                {(site == SiteKind::Platform).then(|| view! { <HydrationScripts options islands=true /> })}
                <MetaTags />
            </head>
            <body data-site=site.as_str()>
                {match site {
                    SiteKind::Platform => view! { <PlatformApp /> }.into_any(),
                    SiteKind::Storefront => view! { <StorefrontApp /> }.into_any(),
                }}
            </body>
        </html>
    }
}

/// The site the server resolved for this request (from the Host header, by the server's
/// middleware); on the client, the platform unless the body says otherwise.
pub fn current_site() -> SiteKind {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<SiteKind>().copied())
            .unwrap_or(SiteKind::Platform)
    }
    #[cfg(not(feature = "ssr"))]
    {
        SiteKind::Platform
    }
}

/// Sets up meta context shared by both apps.
pub(crate) fn provide_app_context() {
    provide_meta_context();
}

/// The wasm entry point. The pages are rendered on the server; only their islands (the parts
/// that react in the browser) hydrate, each from the props the server wrote into the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // A server function that answers with a redirect (log in, log out, switch tenant) loads that
    // page: there is no client-side router to hand it to.
    let _ = leptos::server_fn::redirect::set_redirect_hook(nav::go);
    // Leptos hydrates the islands after this returns; the last one marks the page interactive.
    // A page without islands is as interactive as it gets already.
    if nav::islands_on_page() == 0 {
        nav::mark_hydrated();
    }
}

/// The request's own span, kept in the request by the server: its fields (request id, tenant) are
/// on every log line inside the request, nested spans' lines included.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct RequestSpan(pub tracing::Span);
