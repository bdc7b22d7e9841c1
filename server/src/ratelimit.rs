//! Rate limits on what changes things: stricter per IP on log-in, sign-up and password reset, per
//! IP and per tenant on storefront submissions, per signed-in session on server functions. Counted
//! in PostgreSQL (shared by every app server); over the limit → 429 with `Retry-After`.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cadence::db::Database;
use cadence::ratelimit::{Rule, hit};
use cadence::tenancy::ResolvedTenant;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

const fn rule(limit: i64, window_secs: i64) -> Rule {
    Rule { limit, window_secs }
}

/// The buckets a request counts against (none for reads).
pub fn buckets(
    method: &Method,
    path: &str,
    tenant: Option<uuid::Uuid>,
    ip: &str,
    session: Option<&str>,
) -> Vec<(String, Rule)> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let sensitive = [
        ("/api/log_in", "login", rule(60, 300)),
        ("/api/sign_up", "signup", rule(30, 3600)),
        ("/api/forgot_password", "reset", rule(20, 900)),
        ("/api/reset_password", "reset", rule(20, 900)),
        ("/api/join_with_invitation", "signup", rule(30, 3600)),
    ];
    if let Some((_, class, r)) = sensitive.iter().find(|(p, _, _)| path.starts_with(p)) {
        out.push((format!("{class}:ip:{ip}"), *r));
    }
    if let Some(t) = tenant
        && ["/checkout", "/donate", "/pledge", "/cart/add"].contains(&path)
    {
        out.push((format!("submit:ip:{ip}"), rule(60, 60)));
        out.push((format!("submit:tenant:{t}"), rule(1200, 60)));
    }
    if (path.starts_with("/api/") || path.starts_with("/app/"))
        && let Some(s) = session
    {
        out.push((format!("user:{s}"), rule(600, 60)));
    }
    out
}

/// A short, stable name for the session (never the cookie itself).
fn session_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("cadence_session="))
        .map(|v| hex::encode(&Sha256::digest(v.as_bytes())[..8]))
}

pub async fn limit(State(db): State<Database>, req: Request, next: Next) -> Response {
    // Without a peer address (an in-process caller such as the test router) there is no IP to
    // count; the server always records one.
    let Some(ip) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
    else {
        return next.run(req).await;
    };
    let tenant = req
        .extensions()
        .get::<ResolvedTenant>()
        .map(|t| t.scope.tenant_id().0);
    let session = session_key(req.headers());
    for (bucket, rule) in buckets(
        req.method(),
        req.uri().path(),
        tenant,
        &ip,
        session.as_deref(),
    ) {
        match hit(&db, &bucket, rule).await {
            Ok(Some(retry)) => {
                tracing::warn!(bucket, retry, "rate limit reached");
                return too_many(req.uri().path(), retry);
            }
            Ok(None) => {}
            // Counting failed: serve rather than lock everyone out, and say so in the log.
            Err(e) => tracing::error!(error = %e, "rate limit check failed"),
        }
    }
    next.run(req).await
}

fn too_many(path: &str, retry: u64) -> Response {
    let message = format!("Too many requests; try again in {retry} seconds.");
    let mut res = if path.starts_with("/api/") {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({ "Validation": message }).to_string(),
        )
            .into_response()
    } else {
        (StatusCode::TOO_MANY_REQUESTS, message).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&retry.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_free_and_each_sensitive_action_has_its_own_bucket() {
        assert!(buckets(&Method::GET, "/api/log_in123", None, "1.2.3.4", None).is_empty());
        let login = buckets(&Method::POST, "/api/log_in123", None, "1.2.3.4", None);
        assert_eq!(login, vec![("login:ip:1.2.3.4".to_string(), rule(60, 300))]);
        let t = uuid::Uuid::nil();
        let order = buckets(&Method::POST, "/checkout", Some(t), "1.2.3.4", None);
        assert_eq!(order.len(), 2);
        assert!(order[1].0.starts_with("submit:tenant:"));
        let fn_call = buckets(
            &Method::POST,
            "/api/save_item9",
            None,
            "1.2.3.4",
            Some("ab"),
        );
        assert_eq!(fn_call, vec![("user:ab".to_string(), rule(600, 60))]);
    }
}
