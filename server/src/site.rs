//! Site resolution from the Host header: the platform app, a tenant's storefront, or a refusal.

use app::SiteKind;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use cadence::db::Database;
use cadence::tenancy::{TenantStatus, resolve_storefront};

/// What the middleware needs to resolve a site.
#[derive(Clone)]
pub struct SiteResolver {
    pub db: Database,
    pub base_domain: String,
}

/// Where a Host header points.
#[derive(Debug, PartialEq, Eq)]
pub enum HostTarget {
    Platform,
    Storefront(String),
    Foreign,
}

/// Classifies a Host header (port ignored, case-insensitive) against the base domain.
pub fn classify_host(host: &str, base_domain: &str) -> HostTarget {
    let host = host.trim().to_ascii_lowercase();
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host.as_str(),
    };
    let name = name.trim_end_matches('.');
    if name == base_domain || name == "127.0.0.1" || name == "[::1]" {
        return HostTarget::Platform;
    }
    match name
        .strip_suffix(base_domain)
        .and_then(|s| s.strip_suffix('.'))
    {
        Some("www") => HostTarget::Platform,
        Some(sub) if !sub.is_empty() && !sub.contains('.') => {
            HostTarget::Storefront(sub.to_string())
        }
        _ => HostTarget::Foreign,
    }
}

/// Puts the resolved site (and, for a storefront, its tenant) into the request's extensions.
pub async fn resolve_site(
    State(resolver): State<SiteResolver>,
    mut req: Request,
    next: Next,
) -> Response {
    // Built assets are the same for every host, and the refusal pages below need the stylesheet.
    if is_static_asset(req.uri().path()) {
        req.extensions_mut().insert(SiteKind::Platform);
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or("")
        .to_string();
    match classify_host(&host, &resolver.base_domain) {
        HostTarget::Platform => {
            req.extensions_mut().insert(SiteKind::Platform);
            next.run(req).await
        }
        HostTarget::Foreign => plain_page(
            StatusCode::MISDIRECTED_REQUEST,
            "Unknown address",
            "This server does not serve that address.",
        ),
        HostTarget::Storefront(slug) => match resolve_storefront(&resolver.db, &slug).await {
            Ok(Some(tenant)) if tenant.status == TenantStatus::Active && tenant.published => {
                tracing::Span::current().record(
                    "tenant_id",
                    tracing::field::display(tenant.scope.tenant_id()),
                );
                req.extensions_mut().insert(SiteKind::Storefront);
                req.extensions_mut().insert(tenant);
                next.run(req).await
            }
            Ok(Some(_suspended)) => plain_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Storefront unavailable",
                "This storefront is currently unavailable. Please check back later.",
            ),
            Ok(None) => plain_page(
                StatusCode::NOT_FOUND,
                "Storefront not found",
                "There is no storefront at this address. Check the spelling of the link.",
            ),
            Err(e) => {
                tracing::error!(error = %e, "resolving a storefront failed");
                plain_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Temporarily unavailable",
                    "We could not load this storefront just now. Please try again in a moment.",
                )
            }
        },
    }
}

/// Paths of the built site's files (wasm, js, css, favicon), served whatever the Host.
pub(crate) fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/storefront.js"
}

/// A small self-contained page for answers given before either app renders.
fn plain_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/cadence.css\"></head>\
         <body><main class=\"page\"><section class=\"empty-state\" data-test=\"site-status\"><p class=\"empty-state__code\">{code}</p>\
         <h1>{title}</h1><p>{message}</p></section></main></body></html>",
        code = status.as_u16()
    );
    (status, Html(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_domain_is_the_platform() {
        assert_eq!(
            classify_host("localhost:3000", "localhost"),
            HostTarget::Platform
        );
        assert_eq!(
            classify_host("LOCALHOST", "localhost"),
            HostTarget::Platform
        );
        assert_eq!(
            classify_host("www.cadence.app", "cadence.app"),
            HostTarget::Platform
        );
        assert_eq!(
            classify_host("127.0.0.1:8080", "cadence.app"),
            HostTarget::Platform
        );
    }

    #[test]
    fn one_label_under_the_base_domain_is_a_storefront() {
        assert_eq!(
            classify_host("demo.localhost:3000", "localhost"),
            HostTarget::Storefront("demo".into())
        );
        assert_eq!(
            classify_host("Shop-1.Cadence.App", "cadence.app"),
            HostTarget::Storefront("shop-1".into())
        );
    }

    #[test]
    fn only_built_assets_skip_site_resolution() {
        assert!(is_static_asset("/pkg/cadence.css"));
        assert!(is_static_asset("/favicon.svg"));
        assert!(!is_static_asset("/"));
        assert!(!is_static_asset("/api/check_slug"));
        assert!(!is_static_asset("/pkgs"));
    }

    #[test]
    fn other_hosts_are_foreign() {
        assert_eq!(
            classify_host("evil.example", "localhost"),
            HostTarget::Foreign
        );
        assert_eq!(
            classify_host("a.b.localhost", "localhost"),
            HostTarget::Foreign
        );
        assert_eq!(
            classify_host("notlocalhost", "localhost"),
            HostTarget::Foreign
        );
        assert_eq!(classify_host("", "localhost"), HostTarget::Foreign);
    }
}
