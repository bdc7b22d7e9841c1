//! The REST API's wire types: JSON errors, the resources as clients see them, and opaque cursors.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64_url::{decode_cursor, encode_cursor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every error: a stable code for programs and a sentence for people. Internal causes are logged,
/// never sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    /// e.g. `unauthenticated`, `invalid_api_key`, `tenant_suspended`, `forbidden`, `not_found`,
    /// `invalid_request`, `internal`.
    pub error: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status: status.as_u16(),
            error: code.into(),
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self)).into_response()
    }
}

impl From<cadence::Error> for ApiError {
    fn from(e: cadence::Error) -> Self {
        match e {
            cadence::Error::Validation(m) => Self::invalid(m),
            cadence::Error::NotFound => Self::new(StatusCode::NOT_FOUND, "not_found", "Not found."),
            cadence::Error::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            cadence::Error::Unavailable => Self::new(
                StatusCode::FORBIDDEN,
                "tenant_suspended",
                "This tenant is suspended; its API is unavailable.",
            ),
            other => {
                tracing::error!(error = %other, "an API request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side.",
                )
            }
        }
    }
}

/// A catalog item: a product, a donation campaign or a pledge campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogItemOut {
    pub id: uuid::Uuid,
    /// `product`, `service` or `donation`.
    pub kind: String,
    pub title: String,
    pub description: String,
    pub currency: String,
    /// Exact decimal, as a string (products only).
    pub price: Option<String>,
    /// Donation campaigns: the amount raised so far, exact.
    pub raised: String,
    pub goal: Option<String>,
    pub active: bool,
    pub archived: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogPage {
    pub data: Vec<CatalogItemOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// An order, donation or pledge.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordOut {
    pub id: uuid::Uuid,
    /// `ORD-00001`, `DON-00001` or `PLG-00001`.
    pub number: String,
    pub status: String,
    pub currency: String,
    /// Exact decimal, as a string.
    pub amount: String,
    /// Pledges: the amount fulfilled so far.
    pub fulfilled: Option<String>,
    pub name: String,
    pub email: String,
    pub detail: Option<String>,
    /// The utm_source of the visit that converted (`direct` when none).
    pub channel: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPage {
    pub data: Vec<RecordOut>,
    pub next_cursor: Option<String>,
}

/// One campaign's day on one platform, in one currency. Money in micros (exact integers).
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDayOut {
    pub day: chrono::NaiveDate,
    pub platform: String,
    pub campaign_id: String,
    pub campaign_name: String,
    pub currency: String,
    pub impressions: i64,
    pub clicks: i64,
    pub spend_micros: i64,
    /// Exact decimal, as a string.
    pub conversions: String,
    pub conversion_value_micros: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PerformancePage {
    pub data: Vec<CampaignDayOut>,
    pub next_cursor: Option<String>,
}

/// Cursors are opaque to clients: URL-safe base64 of a small JSON value.
pub fn cursor_out<T: Serialize>(value: &T) -> String {
    encode_cursor(&serde_json::to_vec(value).unwrap_or_default())
}

pub fn cursor_in<T: for<'de> Deserialize<'de>>(
    cursor: Option<&str>,
) -> Result<Option<T>, ApiError> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    decode_cursor(c)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .map(Some)
        .ok_or_else(|| ApiError::invalid("The cursor is not one this API gave out."))
}

mod base64_url {
    //! The cursor encoding.
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    pub fn encode_cursor(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn decode_cursor(s: &str) -> Option<Vec<u8>> {
        if s.len() > 400 {
            return None;
        }
        URL_SAFE_NO_PAD.decode(s).ok()
    }
}
