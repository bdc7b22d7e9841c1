//! The HTTP router: health endpoints, the Leptos apps and server functions, static files, and the
//! middleware around them (request ids, tracing, site resolution). Tests drive this same router.

use crate::assets::{SiteFile, SiteFiles};
use crate::health;
use crate::media;
use crate::site::{SiteResolver, resolve_site};
use crate::storefront;
use app::{PlatformApp, SiteConfig, StorefrontApp, shell};
use axum::Router;
use axum::http::{HeaderName, Request};
use axum::routing::{get, post};
use cadence::db::Database;
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::collections::HashSet;
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::compression::{CompressionLayer, Predicate};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

/// What every handler may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Database,
    pub site: SiteConfig,
    /// Mark session cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Roles and privileges, read once at start for the policy decision point.
    pub catalog: std::sync::Arc<cadence::access::RoleCatalog>,
    /// Where uploaded images are stored.
    pub media: cadence::media::MediaStore,
    /// The master-key provider for stored credentials.
    pub keys: cadence::admin::keys::Keyring,
    /// `CADENCE_METRICS_TOKEN`: lets a scraper that is not on this machine read `/metrics`.
    pub metrics_token: Option<String>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

impl axum::extract::FromRef<AppState> for Database {
    fn from_ref(s: &AppState) -> Self {
        s.db.clone()
    }
}

/// Request ids are UUID v7, so they sort by time in logs.
#[derive(Clone, Copy, Default)]
struct MakeRequestUuidV7;

impl MakeRequestId for MakeRequestUuidV7 {
    fn make_request_id<B>(&mut self, _req: &Request<B>) -> Option<RequestId> {
        uuid::Uuid::now_v7()
            .to_string()
            .parse()
            .ok()
            .map(RequestId::new)
    }
}

/// Marks a response whose handler chose its `Cache-Control` (built files, images): the private
/// no-store rule leaves it alone.
#[derive(Clone, Copy, Debug)]
pub struct OwnCacheControl;

/// Pages, server functions and the REST API may carry a person's or a tenant's data: no cache may
/// keep them, errors included. Only responses that chose their own lifetime ([`OwnCacheControl`]:
/// built files, images) are exempt.
async fn private_no_store(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    if res.extensions().get::<OwnCacheControl>().is_none() {
        res.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// HTML and JSON compressed on the fly (brotli or gzip, as the browser accepts) when worth it:
/// above 1 KB, not images or already-compressed formats, not built files (the build compressed
/// those). Quality 4: near gzip's speed, smaller than gzip.
fn compression() -> CompressionLayer<impl Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, SizeAbove};
    let not_built_file =
        |_: axum::http::StatusCode,
         _: axum::http::Version,
         _: &axum::http::HeaderMap,
         ext: &axum::http::Extensions| ext.get::<SiteFile>().is_none();
    let predicate = DefaultPredicate::new()
        .and(SizeAbove::new(1024))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/gzip"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("font/woff"))
        .and(NotForContentType::const_new("audio/"))
        .and(NotForContentType::const_new("video/"))
        .and(not_built_file);
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(4))
        .compress_when(predicate)
}

/// Both apps' routes, each path once: the shell renders whichever app the Host resolved to.
pub fn route_list() -> Vec<AxumRouteListing> {
    let mut seen = HashSet::new();
    // The storefront first: its async (no-script) rendering mode wins for the shared "/".
    generate_route_list(StorefrontApp)
        .into_iter()
        .chain(generate_route_list(PlatformApp))
        .filter(|r| seen.insert(r.path().to_string()))
        .collect()
}

pub fn build_router(state: AppState) -> Router {
    crate::telemetry::init_executor();
    // The pages link to the built files under the names this site gave them.
    app::assets::publish(crate::assets::built_files(&state.leptos_options));
    let x_request_id = HeaderName::from_static("x-request-id");
    let context = {
        let db = state.db.clone();
        let site = state.site.clone();
        let catalog = state.catalog.clone();
        let media = state.media.clone();
        let keys = state.keys.clone();
        move || {
            // The response's CSP nonce (made by the security middleware) for the inline scripts.
            if let Some(nonce) = use_context::<axum::http::request::Parts>()
                .and_then(|p| p.extensions.get::<leptos::nonce::Nonce>().cloned())
            {
                provide_context(nonce);
            }
            provide_context(db.clone());
            provide_context(site.clone());
            provide_context(catalog.clone());
            provide_context(media.clone());
            provide_context(keys.clone());
        }
    };
    let resolver = SiteResolver {
        db: state.db.clone(),
        base_domain: state.site.base_domain.clone(),
    };

    // The storefront's form posts (they answer 404 on the platform host), and visit capture.
    let apps = Router::new()
        .route("/media/{*path}", get(media::storefront_image))
        .route(
            "/app/media",
            post({
                let provide = context.clone();
                move |req: axum::extract::Request| media::upload(provide.clone(), req)
            })
            .layer(axum::extract::DefaultBodyLimit::max(
                media::UPLOAD_BODY_LIMIT,
            )),
        )
        .route(
            "/app/ingest",
            post({
                let provide = context.clone();
                move |req: axum::extract::Request| crate::ingest::upload(provide.clone(), req)
            })
            .layer(axum::extract::DefaultBodyLimit::max(
                crate::ingest::UPLOAD_LIMIT + 64 * 1024,
            )),
        )
        .route(
            "/app/media/{id}",
            get({
                let provide = context.clone();
                move |req: axum::extract::Request| media::app_image(provide.clone(), req, false)
            }),
        )
        .route(
            "/app/media/{id}/thumb",
            get({
                let provide = context.clone();
                move |req: axum::extract::Request| media::app_image(provide.clone(), req, true)
            }),
        )
        .route(
            "/app/admin/export/{what}",
            get({
                let provide = context.clone();
                move |what, req: axum::extract::Request| {
                    crate::admin_export::download(provide.clone(), what, req)
                }
            }),
        )
        .route("/cart/add", post(storefront::cart))
        .route("/checkout", post(storefront::checkout))
        .route("/donate", post(storefront::donate))
        .route("/pledge", post(storefront::pledge))
        .leptos_routes_with_context(&state, route_list(), context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback({
            // A file of the built site if there is one, else the app's own answer (its 404 page).
            let files = SiteFiles::new(state.leptos_options.site_root.as_ref());
            let pages =
                leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell);
            move |uri: axum::http::Uri,
                  state: axum::extract::State<AppState>,
                  req: axum::extract::Request| {
                let (files, pages) = (files.clone(), pages.clone());
                async move {
                    match files.serve(req).await {
                        Ok(file) => file,
                        Err(req) => pages(uri, state, req).await,
                    }
                }
            }
        })
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            storefront::pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            storefront::capture_visit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            crate::ratelimit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(resolver, resolve_site));

    // Sessions in PostgreSQL: any app server can serve any request. Idle expiry here, absolute
    // expiry in the app's session check.
    let sessions = SessionManagerLayer::new(state.db.session_store())
        .with_name("cadence_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));

    let apps = apps
        .layer(axum::middleware::from_fn(
            crate::fn_status::status_from_error,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            crate::impersonation::resolve,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(
            crate::security::refuse_cross_site,
        ));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/metrics",
            get(crate::metrics::serve).with_state(crate::metrics::Scrape {
                db: state.db.clone(),
                token: state.metrics_token.clone(),
            }),
        )
        .nest("/api/v1", crate::api_v1::router(state.clone()))
        .merge(apps)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            crate::security::SecurityConfig {
                hsts: state.secure_cookies,
            },
            crate::security::headers,
        ))
        .layer(axum::middleware::from_fn(crate::security::refuse_nul))
        .layer(axum::middleware::from_fn(private_no_store))
        .layer(compression())
        .layer(axum::middleware::from_fn(crate::metrics::record))
        .layer(axum::middleware::from_fn(remember_request_span))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(
                    x_request_id.clone(),
                    MakeRequestUuidV7,
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request<_>| {
                            let request_id = req
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("");
                            tracing::info_span!(
                                "request",
                                method = %req.method(),
                                path = %req.uri().path(),
                                request_id = %request_id,
                                tenant_id = tracing::field::Empty,
                            )
                        })
                        .on_request(())
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(x_request_id)),
        )
}

/// Keeps the request's span in the request, so server functions can name the tenant on it (they run
/// inside spans of their own).
async fn remember_request_span(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    req.extensions_mut()
        .insert(app::RequestSpan(tracing::Span::current()));
    next.run(req).await
}
