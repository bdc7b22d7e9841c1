//! Hardening through the real router: security headers with a per-response CSP nonce that the
//! hydration scripts carry, and cross-site state-changing requests refused before any handler.

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

#[tokio::test]
async fn every_page_carries_security_headers_and_its_scripts_the_policys_nonce() {
    let app = TestApp::spawn().await;
    let res = app
        .send(
            Request::get("/login")
                .header(header::HOST, BASE_DOMAIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let h = res.headers().clone();
    let csp = h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert!(h.contains_key(header::REFERRER_POLICY));
    assert!(
        !h.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "no HSTS over plain HTTP"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    assert!(nonce.len() >= 16);
    let html = body_text(res).await;
    let scripts: Vec<&str> = html
        .match_indices("<script")
        .map(|(i, _)| &html[i..i + 80.min(html.len() - i)])
        .collect();
    assert!(!scripts.is_empty());
    for s in scripts {
        assert!(
            s.contains(&format!("nonce=\"{nonce}\"")) || s.contains("src="),
            "{s}"
        );
    }
    // A second response has another nonce.
    let again = app
        .send(
            Request::get("/login")
                .header(header::HOST, BASE_DOMAIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_ne!(
        again.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap(),
        csp
    );
    // Storefront pages and API answers carry the headers too.
    let s = app.get(&storefront_host("nosuchshop"), "/").await;
    assert_eq!(s.0, StatusCode::NOT_FOUND);
    let api = app
        .send(
            Request::get("/api/v1/orders")
                .header(header::HOST, BASE_DOMAIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(api.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Forgery Target").await;
    let path = <app::api::admin::SaveWorkspace as leptos::server_fn::ServerFn>::PATH;
    let forged = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut r = Request::post(path)
            .header(header::HOST, BASE_DOMAIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &m.cookie);
        if let Some(o) = origin {
            r = r.header(header::ORIGIN, o);
        }
        if let Some(s) = fetch_site {
            r = r.header("sec-fetch-site", s);
        }
        r.body(Body::from("name=Hijacked&time_zone=UTC")).unwrap()
    };
    for (origin, site) in [
        (Some("http://evil.example"), None),
        (Some("null"), None),
        (None, Some("cross-site")),
        (Some("http://evil.example"), Some("cross-site")),
        (
            Some(&*format!("http://{}", storefront_host(&m.tenant.slug))),
            Some("same-site"),
        ),
    ] {
        let res = app.send(forged(origin, site)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin:?} {site:?}");
    }
    let scope = StaffParts::of(&app, &m).await.scope;
    assert_eq!(
        cadence::admin::settings::workspace(&app.db, &scope)
            .await
            .unwrap()
            .name,
        "Forgery Target"
    );
    // The same post from the site itself goes through.
    let own = format!("http://{BASE_DOMAIN}");
    let res = app.send(forged(Some(&own), Some("same-origin"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        cadence::admin::settings::workspace(&app.db, &scope)
            .await
            .unwrap()
            .name,
        "Hijacked"
    );

    // A storefront checkout forged from another site is refused before anything is placed.
    let res = app
        .send(
            Request::post("/checkout")
                .header(header::HOST, storefront_host(&m.tenant.slug))
                .header(header::ORIGIN, "http://evil.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("name=X&email=x%40example.com"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(body_text(res).await.contains("Cross-site request refused"));
}

#[tokio::test]
async fn password_reset_requests_are_limited_per_address_with_retry_after() {
    let app = TestApp::spawn().await;
    let path = <app::api::auth::ForgotPassword as leptos::server_fn::ServerFn>::PATH;
    let n = uuid::Uuid::now_v7().as_u128() as u8;
    let from: std::net::SocketAddr = format!("10.9.{n}.7:5000").parse().unwrap();
    let other: std::net::SocketAddr = format!("10.8.{n}.7:5000").parse().unwrap();
    let email = random_email();
    let mut statuses = Vec::new();
    for _ in 0..21 {
        let r = app
            .call_from(Some(from), BASE_DOMAIN, path, &[("email", &email)], None)
            .await;
        statuses.push(r.status);
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = r.headers[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=900).contains(&retry));
            assert!(r.body.contains("Too many requests"), "{}", r.body);
        }
    }
    assert!(
        statuses[..20]
            .iter()
            .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(statuses[20], StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected.
    let r = app
        .call_from(Some(other), BASE_DOMAIN, path, &[("email", &email)], None)
        .await;
    assert_ne!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_for_scrapers_only() {
    let app = TestApp::spawn().await;
    server::metrics::handle();
    let _ = app.get(BASE_DOMAIN, "/status").await;
    let _ = app.get(BASE_DOMAIN, "/no/such/page").await;
    // Not from this machine and without the token: not found.
    let (status, _) = app.get(BASE_DOMAIN, "/metrics").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = app
        .send(
            Request::get("/metrics")
                .header(header::HOST, BASE_DOMAIN)
                .header(header::AUTHORIZATION, "Bearer test-metrics-token")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = body_text(res).await;
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/status",status="200"}"#),
        "{text}"
    );
    assert!(text.contains(r#"route="(not found)""#));
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains("db_pool_connections"));
}

async fn api_post(
    app: &TestApp,
    key: &str,
    idem: Option<&str>,
    body: &str,
) -> (StatusCode, String, bool) {
    let mut r = Request::post("/api/v1/catalog")
        .header(header::HOST, BASE_DOMAIN)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = idem {
        r = r.header("idempotency-key", k);
    }
    let res = app
        .send(r.body(Body::from(body.to_string())).unwrap())
        .await;
    let status = res.status();
    let replayed = res.headers().contains_key("idempotent-replayed");
    (status, body_text(res).await, replayed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_simultaneous_requests_with_one_idempotency_key_create_one_record_and_agree() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let m = app.member_of_new_tenant("Idempotent Co").await;
    let p = StaffParts::of(&app, &m).await;
    let key = app.api_key(&m, "Writer", "manager", None).await;
    let body = r#"{"kind": "product", "title": "Retry-proof mug", "price": "12.50"}"#;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (app, key) = (app.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            api_post(&app, &key, Some("order-sync-42"), body).await
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert!(
        answers.iter().all(|a| a.0 == StatusCode::CREATED),
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|a| a.1 == answers[0].1),
        "identical bodies: {answers:?}"
    );
    assert_eq!(
        answers.iter().filter(|a| !a.2).count(),
        1,
        "one ran, the rest were replays"
    );
    let items = cadence::commerce::all_items(&app.db, &p.scope)
        .await
        .unwrap();
    assert_eq!(
        items
            .iter()
            .filter(|i| i.title == "Retry-proof mug")
            .count(),
        1
    );

    // The same key with another body: refused, nothing made.
    let (status, text, _) = api_post(
        &app,
        &key,
        Some("order-sync-42"),
        r#"{"kind": "product", "title": "Other", "price": "1"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("idempotency_key_reused"));
    // A bad body is answered 400 and the answer is kept for that key too.
    let (status, _, _) = api_post(&app, &key, Some("bad-1"), "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, replayed) = api_post(&app, &key, Some("bad-1"), "{not json").await;
    assert_eq!((status, replayed), (StatusCode::BAD_REQUEST, true));
    // Without a key every request runs.
    api_post(
        &app,
        &key,
        None,
        r#"{"kind": "product", "title": "Twice", "price": "1"}"#,
    )
    .await;
    api_post(
        &app,
        &key,
        None,
        r#"{"kind": "product", "title": "Twice", "price": "1"}"#,
    )
    .await;
    let items = cadence::commerce::all_items(&app.db, &p.scope)
        .await
        .unwrap();
    assert_eq!(items.iter().filter(|i| i.title == "Twice").count(), 2);
    // An analyst's key may not write: 403 with the policy's reason.
    let reader = app.api_key(&m, "Reader", "analyst", None).await;
    let (status, text, _) = api_post(&app, &reader, Some("r-1"), body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(text.contains("catalog.write"));
}
