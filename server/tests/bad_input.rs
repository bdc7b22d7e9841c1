//! The bad-input catalogue: malformed JSON, wrong content types, huge bodies, invalid UTF-8, and
//! SQL or script injection sent to every public form and endpoint. Each gets a clear 4xx and
//! nothing is written.

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

/// Counts of everything a public request could create.
async fn written(app: &TestApp) -> String {
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.platform', 'on', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from users), (select count(*) from tenants),
                (select count(*) from orders), (select count(*) from donations),
                (select count(*) from pledges), (select count(*) from mail_outbox)",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    format!("{row:?}")
}

const INJECTIONS: [&str; 4] = [
    "'; drop table orders; --",
    "<script>alert(1)</script>",
    "\" or 1=1 --",
    "${jndi:ldap://x}",
];

#[tokio::test]
async fn every_public_form_and_endpoint_answers_bad_input_with_a_4xx_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Catalogue Shop").await;
    let shop = storefront_host(&m.tenant.slug);
    let fnpath = |p: &'static str| p;
    let sign_up = fnpath(<app::api::auth::SignUp as leptos::server_fn::ServerFn>::PATH);
    let log_in = fnpath(<app::api::auth::LogIn as leptos::server_fn::ServerFn>::PATH);
    let forgot = fnpath(<app::api::auth::ForgotPassword as leptos::server_fn::ServerFn>::PATH);
    let before = written(&app).await;

    let huge = "x".repeat(3 * 1024 * 1024);
    let bad_utf8: Vec<u8> = b"name=\xff\xfe\xfd&email=a%40b.c".to_vec();
    let form = "application/x-www-form-urlencoded";
    let json = "application/json";
    // (what, host, path, content type, body)
    let mut cases: Vec<(String, String, &str, &str, Vec<u8>)> = vec![
        (
            "sign-up as malformed JSON".into(),
            BASE_DOMAIN.into(),
            sign_up,
            json,
            b"{\"email\": ".to_vec(),
        ),
        (
            "sign-up as XML".into(),
            BASE_DOMAIN.into(),
            sign_up,
            "application/xml",
            b"<a/>".to_vec(),
        ),
        (
            "sign-up with invalid UTF-8".into(),
            BASE_DOMAIN.into(),
            sign_up,
            form,
            bad_utf8.clone(),
        ),
        (
            "sign-up with a 3 MB body".into(),
            BASE_DOMAIN.into(),
            sign_up,
            form,
            format!("name={huge}").into_bytes(),
        ),
        (
            "sign-up with no fields".into(),
            BASE_DOMAIN.into(),
            sign_up,
            form,
            Vec::new(),
        ),
        (
            "log-in with malformed JSON".into(),
            BASE_DOMAIN.into(),
            log_in,
            json,
            b"[[[".to_vec(),
        ),
        (
            "reset with invalid UTF-8".into(),
            BASE_DOMAIN.into(),
            forgot,
            form,
            bad_utf8.clone(),
        ),
        (
            "checkout as JSON".into(),
            shop.clone(),
            "/checkout",
            json,
            b"{}".to_vec(),
        ),
        (
            "checkout with invalid UTF-8".into(),
            shop.clone(),
            "/checkout",
            form,
            bad_utf8.clone(),
        ),
        (
            "checkout with a 3 MB body".into(),
            shop.clone(),
            "/checkout",
            form,
            format!("name={huge}").into_bytes(),
        ),
        (
            "checkout with a bad token".into(),
            shop.clone(),
            "/checkout",
            form,
            b"token=nope&name=a&email=a%40b.c".to_vec(),
        ),
        (
            "donation without an amount".into(),
            shop.clone(),
            "/donate",
            form,
            b"token=x".to_vec(),
        ),
        (
            "pledge as plain text".into(),
            shop.clone(),
            "/pledge",
            "text/plain",
            b"hello".to_vec(),
        ),
        (
            "cart with a non-id item".into(),
            shop.clone(),
            "/cart/add",
            form,
            b"item_id=1%20or%201%3D1&quantity=1".to_vec(),
        ),
    ];
    for inj in INJECTIONS {
        let e = common::urlencode(inj);
        cases.push((
            format!("sign-up email {inj}"),
            BASE_DOMAIN.into(),
            sign_up,
            form,
            format!("name={e}&email={e}&password=a%20long%20enough%20passphrase").into_bytes(),
        ));
        cases.push((
            format!("checkout email {inj}"),
            shop.clone(),
            "/checkout",
            form,
            format!("token={}&name={e}&email={e}", uuid::Uuid::now_v7()).into_bytes(),
        ));
        cases.push((
            format!("donation amount {inj}"),
            shop.clone(),
            "/donate",
            form,
            format!(
                "token={}&campaign_id={}&amount={e}&name=a&email=a%40b.c",
                uuid::Uuid::now_v7(),
                uuid::Uuid::now_v7()
            )
            .into_bytes(),
        ));
    }
    let mut failures = Vec::new();
    for (what, host, path, ctype, body) in cases {
        let res = app
            .send(
                Request::post(path)
                    .header(header::HOST, host)
                    .header(header::CONTENT_TYPE, ctype)
                    .header(header::ACCEPT, "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        let status = res.status();
        let text = body_text(res).await;
        let clear = !text.trim().is_empty() && !text.contains("panicked");
        let ok_redirect_to_form = status == StatusCode::SEE_OTHER;
        if !(ok_redirect_to_form || (status.is_client_error() && clear)) {
            failures.push(format!(
                "{what}: {status} {}",
                text.chars().take(160).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "not a clear 4xx:\n{}",
        failures.join("\n")
    );
    assert_eq!(written(&app).await, before, "nothing was written");

    // The REST API: the same, as JSON errors.
    for path in [
        "/api/v1/orders?limit=-1",
        "/api/v1/orders?cursor=%FF%FE",
        "/api/v1/performance?from=2026-13-45",
        "/api/v1/catalog?limit=1%27%20or%201%3D1",
    ] {
        let (status, body) = app.api_get(path, Some("cad_not_a_real_key")).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(body["error"].is_string(), "{path}: {body}");
    }
}
