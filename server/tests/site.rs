//! Site resolution by Host, the platform pages, storefront pages and the slug-check server function.

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn the_platform_home_page_renders_on_the_server() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get(BASE_DOMAIN, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Claim your storefront address"), "{body}");
    assert!(body.contains(r#"data-site="platform""#));
    assert!(
        body.contains("/pkg/cadence.js"),
        "hydration scripts are included"
    );
}

#[tokio::test]
async fn the_status_page_shows_the_live_database() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get(BASE_DOMAIN, "/status").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Migrations applied"), "{body}");
    assert!(body.contains("Ready"));
}

#[tokio::test]
async fn an_unknown_platform_path_is_a_404_page() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get(BASE_DOMAIN, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("We could not find that page"));
}

#[tokio::test]
async fn a_storefront_shows_its_own_tenant() {
    let app = TestApp::spawn().await;
    let tenant = app.new_tenant("Harbour Bakes").await;
    cadence::storefront::save_profile(
        &app.db,
        &tenant.scope,
        "Harbour Bakes",
        Some("Fresh every morning"),
        None,
    )
    .await
    .unwrap();
    let (status, body) = app.get(&storefront_host(&tenant.slug), "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"data-site="storefront""#));
    assert!(body.contains("Harbour Bakes"));
    assert!(body.contains("Fresh every morning"));
}

#[tokio::test]
async fn a_storefront_without_a_profile_falls_back_to_the_tenant_name() {
    let app = TestApp::spawn().await;
    let tenant = app.new_tenant("Plain Shop").await;
    let (status, body) = app.get(&storefront_host(&tenant.slug), "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Plain Shop"));
}

#[tokio::test]
async fn an_unknown_subdomain_is_a_404_with_no_data() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get(&storefront_host(&random_slug()), "/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("There is no storefront at this address"));
}

#[tokio::test]
async fn a_suspended_tenant_shows_unavailable_and_no_data() {
    let app = TestApp::spawn().await;
    let tenant = app.new_tenant("Paused Co").await;
    let mut owner = app.owner_conn().await;
    sqlx::query("update tenants set status = 'suspended' where id = $1")
        .bind(tenant.scope.tenant_id().0)
        .execute(&mut owner)
        .await
        .unwrap();
    let (status, body) = app.get(&storefront_host(&tenant.slug), "/").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("currently unavailable"));
    assert!(!body.contains("Paused Co"));
}

#[tokio::test]
async fn a_host_outside_the_base_domain_is_refused() {
    let app = TestApp::spawn().await;
    let (status, _) = app.get("shop.evil.example", "/").await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    let (status, _) = app.get(&format!("a.b.{BASE_DOMAIN}"), "/").await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
}

async fn check_slug(app: &TestApp, slug: &str) -> (StatusCode, serde_json::Value) {
    let res = app
        .send(
            Request::post(<app::api::CheckSlug as ServerFn>::PATH)
                .header(header::HOST, BASE_DOMAIN)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("slug={slug}")))
                .unwrap(),
        )
        .await;
    let status = res.status();
    let text = body_text(res).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("json: {text}")),
    )
}

#[tokio::test]
async fn the_slug_check_tells_taken_from_available_and_explains_invalid() {
    let app = TestApp::spawn().await;
    let tenant = app.new_tenant("Taken Ltd").await;

    let (status, json) = check_slug(&app, &tenant.slug).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["state"], "Taken");
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{}.{BASE_DOMAIN}", tenant.slug))
    );

    let (_, json) = check_slug(&app, &random_slug()).await;
    assert_eq!(json["state"], "Available");

    let (_, json) = check_slug(&app, "admin").await;
    assert_eq!(json["state"], "Invalid");
    assert_eq!(
        json["message"],
        "That name is reserved. Please choose another."
    );
}

#[tokio::test]
async fn creating_a_tenant_with_a_taken_slug_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let tenant = app.new_tenant("First").await;
    let slug = cadence::tenancy::TenantSlug::parse(&tenant.slug).unwrap();
    let err = cadence::tenancy::create_tenant(&app.db, &slug, "Second")
        .await
        .unwrap_err();
    assert!(
        matches!(err, cadence::Error::Validation(ref m) if m.contains("already taken")),
        "{err:?}"
    );
}

#[tokio::test]
async fn built_assets_are_served_whatever_the_host() {
    let app = TestApp::spawn().await;
    // No site is built in the test, so the answer is the file handler's 404, not a storefront page.
    let (status, body) = app
        .get(&storefront_host(&random_slug()), "/pkg/cadence.css")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        !body.contains("There is no storefront at this address"),
        "{body}"
    );
}
