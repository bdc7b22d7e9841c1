//! Health, readiness and request ids.

mod common;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;

#[tokio::test]
async fn healthz_answers_ok_without_touching_the_database() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("anything.example", "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn readyz_reports_a_migrated_database() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get(BASE_DOMAIN, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ready");
    assert!(json["migrations_applied"].as_i64().unwrap() >= 1, "{body}");
}

#[tokio::test]
async fn readyz_says_unavailable_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.db.close().await;
    let (status, body) = app.get(BASE_DOMAIN, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("unavailable"), "{body}");
}

#[tokio::test]
async fn every_response_carries_a_generated_request_id() {
    let app = TestApp::spawn().await;
    let res = app
        .send(
            Request::get("/healthz")
                .header("host", BASE_DOMAIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let id = res
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);
}

#[tokio::test]
async fn an_incoming_request_id_is_kept_and_returned() {
    let app = TestApp::spawn().await;
    let res = app
        .send(
            Request::get("/")
                .header("host", BASE_DOMAIN)
                .header("x-request-id", "trace-me-123")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.headers()["x-request-id"], "trace-me-123");
}
