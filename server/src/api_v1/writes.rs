//! The REST API's writes, each behind an `Idempotency-Key`: the first answer is stored and
//! replayed for the same key (simultaneous retries wait for it); the same key with a different
//! request is refused with 422.

use super::wire::ApiError;
use crate::router::AppState;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cadence::admin::api_keys::ApiClient;
use cadence::audit::RequestMeta;
use cadence::idempotency::{self, Claim};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;
use utoipa::ToSchema;

/// A catalog item to create, by kind.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NewItem {
    /// Something sold at a price.
    Product(Priced),
    /// Time or work sold at a price.
    Service(Priced),
    /// A donation campaign, with an optional goal.
    Donation(Campaign),
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Priced {
    #[schema(
        pattern = r"^[^\s\x00-\x1f\x7f-\x9f]([^\x00-\x1f\x7f-\x9f]{0,158}[^\s\x00-\x1f\x7f-\x9f])?$",
        max_length = 160
    )]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub price: String,
    /// Shown on the storefront (default true).
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Campaign {
    #[schema(
        pattern = r"^[^\s\x00-\x1f\x7f-\x9f]([^\x00-\x1f\x7f-\x9f]{0,158}[^\s\x00-\x1f\x7f-\x9f])?$",
        max_length = 160
    )]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub goal: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// The created item's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: uuid::Uuid,
}

/// Runs `work` once per Idempotency-Key (when given) and answers with its stored result.
async fn once<F, Fut>(
    state: &AppState,
    client: &ApiClient,
    headers: &HeaderMap,
    what: &str,
    body: &Bytes,
    work: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, String), ApiError>>,
{
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .map(str::to_string);
    let Some(key) = key else {
        return match work().await {
            Ok((status, json)) => json_response(status, json, false),
            Err(e) => e.into_response(),
        };
    };
    let mut h = Sha256::new();
    h.update(what.as_bytes());
    h.update([0]);
    h.update(body);
    let hash = h.finalize();
    match idempotency::claim(
        &state.db,
        &client.scope,
        &key,
        &hash,
        Duration::from_secs(10),
    )
    .await
    {
        Ok(Claim::Replay { status, body }) => json_response(
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            body,
            true,
        ),
        Ok(Claim::Mismatch) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request.",
        )
        .into_response(),
        Ok(Claim::New) => {
            let (status, json) = match work().await {
                Ok(answer) => answer,
                Err(e) => {
                    let status =
                        StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    (status, serde_json::to_string(&e).unwrap_or_default())
                }
            };
            let kept = if status.is_server_error() {
                idempotency::release(&state.db, &client.scope, &key).await
            } else {
                idempotency::complete(&state.db, &client.scope, &key, status.as_u16(), &json).await
            };
            if let Err(e) = kept {
                tracing::error!(error = %e, "could not keep an idempotent answer");
            }
            json_response(status, json, false)
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

fn json_response(status: StatusCode, json: String, replayed: bool) -> Response {
    let mut res = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response();
    if replayed {
        res.headers_mut().insert(
            "idempotent-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    res
}

/// Creates a catalog item (needs `catalog.write`). Send an `Idempotency-Key` so a retry after a
/// lost answer does not create a second item.
#[utoipa::path(post, path = "/api/v1/catalog", tag = "catalog", request_body = NewItem,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string up to 255 characters; the first answer is replayed for 24 hours or more")),
    responses((status = 201, body = Created), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError),
              (status = 422, body = ApiError)))]
pub async fn create_item(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let work = || async {
        let item: NewItem = serde_json::from_slice(&body)
            .map_err(|e| ApiError::invalid(format!("The body is not a catalog item: {e}")))?;
        let meta = RequestMeta {
            request_id: headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            ..Default::default()
        };
        let staff = cadence::commerce::Staff {
            catalog: &state.catalog,
            principal: &client.principal,
            scope: &client.scope,
            meta: &meta,
        };
        let priced = |kind: &str, p: Priced| cadence::commerce::ItemInput {
            kind: kind.into(),
            title: p.title,
            description: p.description,
            price: p.price,
            active: p.active.unwrap_or(true),
            ..Default::default()
        };
        let input = match item {
            NewItem::Product(p) => priced("product", p),
            NewItem::Service(p) => priced("service", p),
            NewItem::Donation(c) => cadence::commerce::ItemInput {
                kind: "donation".into(),
                title: c.title,
                description: c.description,
                goal: c.goal.unwrap_or_default(),
                active: c.active.unwrap_or(true),
                ..Default::default()
            },
        };
        let id = cadence::commerce::save_item(&state.db, &staff, None, &input).await?;
        Ok((
            StatusCode::CREATED,
            serde_json::to_string(&Created { id }).unwrap_or_default(),
        ))
    };
    once(
        &state,
        &client,
        &headers,
        "POST /api/v1/catalog",
        &body,
        work,
    )
    .await
}
