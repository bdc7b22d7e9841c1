//! Server functions answer with the status their error kind carries, wherever the error was built.
//!
//! Leptos answers every `Err` of a server function with 500 unless the function set another status
//! on the way out. `AppError`'s conversion from a core error does; an `AppError` built directly
//! (`Err(AppError::NotFound)`) did not, and "not found" went out as 500. This layer reads the error
//! on the wire and gives the answer the status of its kind, so no path can forget it.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Larger answers are not an encoded `AppError`: they are passed through untouched.
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// True for the server functions' paths (the REST API under `/api/v1` has its own errors).
fn is_server_fn(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/v1/")
}

/// Sets a failed server function's status from its error kind.
pub async fn status_from_error(req: Request, next: Next) -> Response {
    let server_fn = is_server_fn(req.uri().path());
    let res = next.run(req).await;
    if !server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_server_function_paths_are_mapped() {
        assert!(is_server_fn("/api/load_team123"));
        assert!(!is_server_fn("/api/v1/orders"));
        assert!(!is_server_fn("/app/team"));
    }
}
