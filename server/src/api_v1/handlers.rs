//! The REST API's handlers: each checks the key's privilege through the policy decision point,
//! calls the core with the key's tenant scope, and maps to the wire types.

use super::wire::*;
use crate::router::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::HeaderMap;
use cadence::admin::api_keys::ApiClient;
use cadence::audit::RequestMeta;
use cadence::commerce::{RecordFilter, RecordKind, Staff};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

fn meta(headers: &HeaderMap) -> RequestMeta {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    RequestMeta {
        ip: None,
        user_agent: h("user-agent"),
        request_id: h("x-request-id"),
        impersonator: None,
    }
}

/// An amount with its currency's decimals (KWD 12.345, USD 24.50), as a string.
fn exact(amount: rust_decimal::Decimal, currency: &str) -> String {
    match cadence::money::Currency::parse(currency) {
        Ok(c) => {
            let mut a = amount.round_dp(c.exponent());
            a.rescale(c.exponent());
            a.to_string()
        }
        Err(_) => amount.normalize().to_string(),
    }
}

fn limit(l: Option<u32>) -> Result<i64, ApiError> {
    match l.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n as i64),
        _ => Err(ApiError::invalid(format!(
            "limit must be between 1 and {MAX_LIMIT}."
        ))),
    }
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::invalid(format!("The query string is not valid: {}", e.body_text())))
}

async fn authorize(
    state: &AppState,
    client: &ApiClient,
    privilege: &str,
    meta: &RequestMeta,
) -> Result<(), ApiError> {
    cadence::access::authorize(
        &state.db,
        &state.catalog,
        &client.principal,
        &client.scope,
        privilege,
        meta,
    )
    .await
    .map_err(ApiError::from)
}

/// Page size and where to start.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (opaque).
    #[param(format = "cadence-cursor")]
    pub cursor: Option<String>,
}

/// The catalog, archived items included, by id.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", params(ListParams),
    responses((status = 200, body = CatalogPage), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_catalog(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    headers: HeaderMap,
    q: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<CatalogPage>, ApiError> {
    let p = query(q)?;
    let limit = limit(p.limit)? as usize;
    let after: Option<Uuid> = cursor_in(p.cursor.as_deref())?;
    authorize(&state, &client, "catalog.read", &meta(&headers)).await?;
    let mut items = cadence::commerce::all_items(&state.db, &client.scope).await?;
    items.sort_by_key(|i| i.id);
    let mut page: Vec<_> = items
        .into_iter()
        .filter(|i| after.is_none_or(|a| i.id > a))
        .take(limit + 1)
        .collect();
    let next = (page.len() > limit).then(|| {
        page.truncate(limit);
        cursor_out(&page.last().map(|i| i.id))
    });
    Ok(Json(CatalogPage {
        data: page
            .into_iter()
            .map(|i| CatalogItemOut {
                id: i.id,
                kind: i.kind().as_str().to_string(),
                title: i.title,
                description: i.description,
                currency: i.currency.clone(),
                price: i.price.map(|d| exact(d, &i.currency)),
                raised: exact(i.raised, &i.currency),
                goal: i.goal.map(|d| exact(d, &i.currency)),
                active: i.active,
                archived: i.archived,
            })
            .collect(),
        next_cursor: next,
    }))
}

/// Filters for orders, donations and pledges.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordParams {
    /// 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (opaque).
    #[param(format = "cadence-cursor")]
    pub cursor: Option<String>,
    /// Only records in this status (an unknown status matches nothing).
    #[param(max_length = 40)]
    pub status: Option<String>,
    /// Created on or after this day (UTC), YYYY-MM-DD.
    pub from: Option<NaiveDate>,
    /// Created on or before this day (UTC), YYYY-MM-DD.
    pub to: Option<NaiveDate>,
}

async fn records(
    state: &AppState,
    client: &ApiClient,
    headers: &HeaderMap,
    kind: RecordKind,
    q: Result<Query<RecordParams>, QueryRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    let p = query(q)?;
    let limit = limit(p.limit)?;
    if p.status.as_ref().is_some_and(|s| s.chars().count() > 40) {
        return Err(ApiError::invalid("status has at most 40 characters."));
    }
    let after: Option<(DateTime<Utc>, Uuid)> = cursor_in(p.cursor.as_deref())?;
    let meta = meta(headers);
    let staff = Staff {
        catalog: &state.catalog,
        principal: &client.principal,
        scope: &client.scope,
        meta: &meta,
    };
    let mut rows = cadence::commerce::list_records(
        &state.db,
        &staff,
        kind,
        &RecordFilter {
            status: p.status.filter(|s| !s.is_empty()),
            from: p.from,
            to: p.to,
            channel: None,
            limit: limit + 1,
            after,
        },
    )
    .await?;
    let next = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        cursor_out(&rows.last().map(|r| (r.created_at, r.id)))
    });
    Ok(Json(RecordPage {
        data: rows
            .into_iter()
            .map(|r| RecordOut {
                id: r.id,
                number: format!("{}-{:05}", kind.prefix(), r.number),
                status: r.status,
                currency: r.currency.clone(),
                amount: exact(r.amount, &r.currency),
                fulfilled: r.fulfilled.map(|d| exact(d, &r.currency)),
                name: r.name,
                email: r.email,
                detail: r.detail,
                channel: r.channel,
                created_at: r.created_at,
            })
            .collect(),
        next_cursor: next,
    }))
}

/// Orders, newest first.
#[utoipa::path(get, path = "/api/v1/orders", tag = "sales", params(RecordParams),
    responses((status = 200, body = RecordPage), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_orders(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    headers: HeaderMap,
    q: Result<Query<RecordParams>, QueryRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    records(&state, &client, &headers, RecordKind::Order, q).await
}

/// Donations, newest first.
#[utoipa::path(get, path = "/api/v1/donations", tag = "sales", params(RecordParams),
    responses((status = 200, body = RecordPage), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_donations(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    headers: HeaderMap,
    q: Result<Query<RecordParams>, QueryRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    records(&state, &client, &headers, RecordKind::Donation, q).await
}

/// Pledges, newest first.
#[utoipa::path(get, path = "/api/v1/pledges", tag = "sales", params(RecordParams),
    responses((status = 200, body = RecordPage), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_pledges(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    headers: HeaderMap,
    q: Result<Query<RecordParams>, QueryRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    records(&state, &client, &headers, RecordKind::Pledge, q).await
}

/// Which performance facts to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PerformanceParams {
    /// 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (opaque).
    #[param(format = "cadence-cursor")]
    pub cursor: Option<String>,
    /// First day (the accounts' own days), YYYY-MM-DD; default 30 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive; default today (UTC).
    pub to: Option<NaiveDate>,
    pub platform: Option<PlatformParam>,
}

/// An ad platform.
#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlatformParam {
    Meta,
    GoogleAds,
    Linkedin,
    Tiktok,
}

impl PlatformParam {
    fn as_str(self) -> &'static str {
        match self {
            PlatformParam::Meta => "meta",
            PlatformParam::GoogleAds => "google_ads",
            PlatformParam::Linkedin => "linkedin",
            PlatformParam::Tiktok => "tiktok",
        }
    }
}

/// Ad performance by campaign and day, in micros of each account's currency.
#[utoipa::path(get, path = "/api/v1/performance", tag = "performance", params(PerformanceParams),
    responses((status = 200, body = PerformancePage), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_performance(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    headers: HeaderMap,
    q: Result<Query<PerformanceParams>, QueryRejection>,
) -> Result<Json<PerformancePage>, ApiError> {
    let p = query(q)?;
    let limit = limit(p.limit)?;
    let to = p.to.unwrap_or_else(|| Utc::now().date_naive());
    let from = p.from.unwrap_or(to - chrono::Days::new(30));
    // An empty range (from after to) is simply empty.
    let platform = p.platform.map(PlatformParam::as_str);
    let after: Option<cadence::ads::facts::FactCursor> = cursor_in(p.cursor.as_deref())?;
    authorize(&state, &client, "analytics.read", &meta(&headers)).await?;
    let mut rows = cadence::ads::facts::campaign_days(
        &state.db,
        &client.scope,
        from,
        to,
        platform,
        after.as_ref(),
        limit + 1,
    )
    .await?;
    let next = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        cursor_out(&rows.last().map(|r| {
            (
                r.day,
                r.platform.clone(),
                r.campaign_id.clone(),
                r.currency.clone(),
            )
        }))
    });
    Ok(Json(PerformancePage {
        data: rows
            .into_iter()
            .map(|r| CampaignDayOut {
                day: r.day,
                platform: r.platform,
                campaign_id: r.campaign_id,
                campaign_name: r.campaign_name,
                currency: r.currency.clone(),
                impressions: r.impressions,
                clicks: r.clicks,
                spend_micros: r.spend_micros,
                conversions: r.conversions.to_string(),
                conversion_value_micros: r.conversion_value_micros,
            })
            .collect(),
        next_cursor: next,
    }))
}
