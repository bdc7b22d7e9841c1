//! Downloads for access reviews: `/app/admin/export/audit` (filtered like the viewer) and
//! `/app/admin/export/access-review`, each `?format=csv|json`, for the signed-in tenant admin.

use axum::extract::{Path, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub async fn download(provide: impl Fn() + Clone, what: Path<String>, req: Request) -> Response {
    if req
        .extensions()
        .get::<cadence::tenancy::ResolvedTenant>()
        .is_some()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let query: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
    let back = req.uri().to_string();
    let parts = crate::media::request_parts(&req);
    let result = app::api::media::in_request_context(parts, provide, async move {
        app::api::audit::export(&what.0, &query).await
    })
    .await;
    match result {
        Ok(file) => (
            [
                (header::CONTENT_TYPE, file.content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", file.name),
                ),
            ],
            file.body,
        )
            .into_response(),
        // A fresh code first (or two-factor set up): the confirm page comes back here.
        Err(app::error::AppError::StepUp | app::error::AppError::MfaRequired) => {
            axum::response::Redirect::to(&format!("/confirm?next={}", app::url::encode(&back)))
                .into_response()
        }
        Err(e) => {
            let status = match e {
                app::error::AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
                app::error::AppError::NotFound => StatusCode::NOT_FOUND,
                app::error::AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                app::error::AppError::Validation(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, e.to_string()).into_response()
        }
    }
}
