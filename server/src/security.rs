//! Security on every response and every state-changing request: a Content-Security-Policy with a
//! per-response nonce (hydration's inline scripts carry it; no `unsafe-inline` for scripts), HSTS
//! under HTTPS, nosniff, referrer and framing rules; and cross-site request refusal (Origin /
//! `Sec-Fetch-Site`) for every method that changes something, server functions included.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::nonce::Nonce;

/// What the headers depend on.
#[derive(Clone, Copy, Debug)]
pub struct SecurityConfig {
    /// Served over HTTPS: send HSTS.
    pub hsts: bool,
}

/// The policy for one response.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Makes the response's nonce (the app's shell reads it from the request) and sets the headers.
pub async fn headers(State(cfg): State<SecurityConfig>, mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if cfg.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
        secure_cookies(h);
    }
    res
}

/// Served over HTTPS: every cookie set (storefront visit, cart, as well as the session) is `Secure`.
fn secure_cookies(h: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = h.get_all(header::SET_COOKIE).iter().cloned().collect();
    if cookies.is_empty() {
        return;
    }
    h.remove(header::SET_COOKIE);
    for c in cookies {
        let text = c.to_str().unwrap_or("");
        let secure = text
            .split(';')
            .any(|part| part.trim().eq_ignore_ascii_case("secure"));
        let v = if secure {
            c
        } else {
            HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c)
        };
        h.append(header::SET_COOKIE, v);
    }
}

/// Why a state-changing request looks cross-site, if it does.
pub fn cross_site(method: &Method, headers: &HeaderMap) -> Option<&'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return match site {
            "same-origin" | "none" => None,
            _ => Some("the browser says it comes from another site"),
        };
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())?;
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or("");
    if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
        Some("its Origin is another site")
    } else {
        None
    }
}

/// Refuses cross-site state-changing requests before they reach any handler. API-key clients
/// (`/api/v1`) send no cookies, so a forged request could not act as anyone; they are not checked.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    if let Some(why) = cross_site(req.method(), req.headers()) {
        tracing::warn!(path = %req.uri().path(), why, "refused a cross-site request");
        let body = if req.uri().path().starts_with("/api/") {
            // Server functions read errors as the app's error type.
            r#"{"Forbidden":"cross-site requests are refused"}"#.to_string()
        } else {
            "Cross-site request refused: submit the form from this site.".to_string()
        };
        return (StatusCode::FORBIDDEN, body).into_response();
    }
    next.run(req).await
}

/// Text bodies and query strings may not carry NUL characters (PostgreSQL text cannot hold them,
/// and no form or API field needs one): 400 before any handler, so nothing half-writes.
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let message = "The request contains a NUL character.";
    // Each caller reads errors in its own shape.
    let json = match req.uri().path() {
        p if p.starts_with("/api/v1/") => {
            Some(serde_json::json!({"error": "invalid_request", "message": message}))
        }
        p if p.starts_with("/api/") => Some(serde_json::json!({ "Validation": message })),
        _ => None,
    };
    let bad = move || match &json {
        Some(j) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            j.to_string(),
        )
            .into_response(),
        None => (StatusCode::BAD_REQUEST, message).into_response(),
    };
    if req
        .uri()
        .query()
        .is_some_and(|q| q.to_ascii_lowercase().contains("%00"))
    {
        return bad();
    }
    let textual = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("application/x-www-form-urlencoded")
                || t.starts_with("application/json")
                || t.starts_with("text/")
        });
    // The REST API's JSON is read field by field and each field is checked by the core (a NUL
    // anywhere else in a body it ignores changes nothing).
    if !textual || req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large.",
        )
            .into_response();
    };
    let lower = bytes.to_ascii_lowercase();
    if bytes.contains(&0)
        || lower.windows(3).any(|w| w == b"%00")
        || lower.windows(6).any(|w| w == b"\\u0000")
    {
        return bad();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_https_every_cookie_is_secure_once() {
        let mut h = HeaderMap::new();
        h.append(
            header::SET_COOKIE,
            HeaderValue::from_static("cart=abc; Path=/; HttpOnly; SameSite=Lax"),
        );
        h.append(
            header::SET_COOKIE,
            HeaderValue::from_static("cadence_session=x; HttpOnly; Secure"),
        );
        secure_cookies(&mut h);
        let all: Vec<&str> = h
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(
            all,
            [
                "cart=abc; Path=/; HttpOnly; SameSite=Lax; Secure",
                "cadence_session=x; HttpOnly; Secure"
            ]
        );
    }

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn cross_site_posts_are_recognised_and_same_site_ones_pass() {
        let post = Method::POST;
        assert!(cross_site(&post, &h(&[("sec-fetch-site", "cross-site")])).is_some());
        assert!(cross_site(&post, &h(&[("sec-fetch-site", "same-site")])).is_some());
        assert!(cross_site(&post, &h(&[("sec-fetch-site", "same-origin")])).is_none());
        assert!(
            cross_site(
                &post,
                &h(&[
                    ("origin", "http://evil.example"),
                    ("host", "localhost:3000")
                ])
            )
            .is_some()
        );
        assert!(cross_site(&post, &h(&[("origin", "null"), ("host", "localhost")])).is_some());
        assert!(
            cross_site(
                &post,
                &h(&[
                    ("origin", "http://localhost:3000"),
                    ("host", "localhost:3000")
                ])
            )
            .is_none()
        );
        // A GET is never refused; a POST without either header (a script, an old browser) passes
        // here and still needs the SameSite session cookie to act as anyone.
        assert!(cross_site(&Method::GET, &h(&[("sec-fetch-site", "cross-site")])).is_none());
        assert!(cross_site(&post, &h(&[])).is_none());
    }

    #[test]
    fn the_policy_allows_only_our_scripts_and_the_nonce() {
        let p = content_security_policy("abc");
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!p.contains("script-src 'self' 'unsafe-inline'"));
        assert!(p.contains("frame-ancestors 'none'"));
    }
}
