//! The versioned REST API for API-key clients (`/api/v1`): key authentication, JSON errors, cursor
//! pagination, and the OpenAPI document generated from the handlers (`/api/v1/openapi.json`).

mod handlers;
mod wire;
mod writes;

use crate::router::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cadence::admin::api_keys::{self, KeyRefusal};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
pub use wire::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cadence API",
        version = "1.0.0",
        description = "Read a tenant's catalog, orders, donations, pledges and ad performance. Authenticate with an API key created in the admin panel: `Authorization: Bearer cad_…`. Lists are cursor-paged: pass `next_cursor` back as `cursor`."
    ),
    paths(
        handlers::list_catalog,
        writes::create_item,
        handlers::list_orders,
        handlers::list_donations,
        handlers::list_pledges,
        handlers::list_performance,
    ),
    components(schemas(
        wire::ApiError,
        wire::CatalogItemOut,
        wire::CatalogPage,
        writes::NewItem,
        writes::Priced,
        writes::Campaign,
        handlers::PlatformParam,
        writes::Created,
        wire::RecordOut,
        wire::RecordPage,
        wire::CampaignDayOut,
        wire::PerformancePage,
    )),
    modifiers(&BearerKey),
    security(("api_key" = [])),
    tags((name = "catalog"), (name = "sales"), (name = "performance"))
)]
pub struct ApiDoc;

struct BearerKey;

impl utoipa::Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// `/api/v1`: the document is public; everything else needs a valid key.
pub fn router(state: AppState) -> Router<AppState> {
    let authed = Router::new()
        .route(
            "/catalog",
            get(handlers::list_catalog).post(writes::create_item),
        )
        .route("/orders", get(handlers::list_orders))
        .route("/donations", get(handlers::list_donations))
        .route("/pledges", get(handlers::list_pledges))
        .route("/performance", get(handlers::list_performance))
        .layer(axum::middleware::from_fn_with_state(state, authenticate));
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .merge(authed)
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "There is no such API route.",
            )
        })
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_pretty_json().unwrap_or_default(),
    )
        .into_response()
}

/// Resolves the presented key into the request (a service principal and its tenant scope), or
/// answers 401 / 403 with the reason. Revocation and suspension apply to the very next request.
async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| req.headers().get("x-api-key").and_then(|v| v.to_str().ok()))
        .map(|s| s.trim().to_string());
    let Some(presented) = presented else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Send an API key: Authorization: Bearer cad_…",
        )
        .into_response();
    };
    match api_keys::authenticate(&state.db, &presented).await {
        Ok(Ok(client)) => {
            let tenant = client.scope.tenant_id().0;
            tracing::Span::current().record("tenant_id", tracing::field::display(tenant));
            let per_tenant = cadence::ratelimit::Rule {
                limit: 1200,
                window_secs: 60,
            };
            match cadence::ratelimit::hit(&state.db, &format!("api:tenant:{tenant}"), per_tenant)
                .await
            {
                Ok(Some(retry)) => {
                    let mut res = ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "rate_limited",
                        format!("Too many requests for this tenant; try again in {retry} seconds."),
                    )
                    .into_response();
                    if let Ok(v) = axum::http::HeaderValue::from_str(&retry.to_string()) {
                        res.headers_mut().insert(header::RETRY_AFTER, v);
                    }
                    return res;
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "rate limit check failed"),
            }
            req.extensions_mut().insert(client);
            next.run(req).await
        }
        Ok(Err(refusal)) => {
            let (status, code) = match refusal {
                KeyRefusal::Suspended => (StatusCode::FORBIDDEN, "tenant_suspended"),
                _ => (StatusCode::UNAUTHORIZED, "invalid_api_key"),
            };
            ApiError::new(status, code, refusal.message()).into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}
