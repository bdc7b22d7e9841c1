//! The admin panel's core and REST API: credentials sealed at rest and rotated without loss, API
//! keys acting through the policy (revoked and expired at once), suspension, plans, and
//! impersonation with consent.

mod common;
#[path = "admin/support_access.rs"]
mod support_access;
#[path = "admin/suspension.rs"]
mod suspension;
use axum::http::StatusCode;
use cadence::admin::api_keys::{self, NewKey};
use cadence::admin::impersonation;
use cadence::admin::keys::{Keyring, LocalKeys};
use cadence::admin::platform::PlatformStaff;
use cadence::admin::{CredentialKind, Secret, credentials};
use cadence::audit::RequestMeta;
use common::*;

fn meta() -> RequestMeta {
    RequestMeta::default()
}

async fn new_key(app: &TestApp, m: &Member, role: &str, days: Option<u32>) -> String {
    app.api_key(m, "Integration", role, days).await
}

/// A Cadence staff member with a platform role.
async fn staff(app: &TestApp, role: &str) -> (uuid::Uuid, PlatformStaff) {
    let (id, email) = app.verified_user("Support Person").await;
    cadence::admin::platform::grant_platform_role(&test_db().owner_url, &email, role)
        .await
        .unwrap();
    let catalog = cadence::access::load_catalog(&app.db).await.unwrap();
    let principal = cadence::access::principal(&app.db, id).await.unwrap();
    let read = PlatformStaff::authorize(&catalog, &principal, "platform.tenants.read").unwrap();
    (id, read)
}

#[tokio::test]
async fn credentials_are_sealed_at_rest_masked_in_lists_and_survive_a_master_key_rotation() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Sealed Co").await;
    let scope = StaffParts::of(&app, &m).await.scope;
    let token = "EAABsbCS1iHgBAKZCplaintext4321";
    let info = credentials::set(
        &app.db,
        &app.keys,
        &scope,
        CredentialKind::Meta,
        &Secret::parse(token).unwrap(),
        &meta(),
    )
    .await
    .unwrap();
    assert_eq!(info.last_four, "4321");
    assert_eq!(info.set_by.as_deref(), Some("Owner of Sealed Co"));

    // Nowhere in the database is the plaintext: not the sealed value, not the audit log.
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(scope.tenant_id().0.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let sealed: Vec<u8> = sqlx::query_scalar("select sealed from tenant_credentials")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert!(!sealed.windows(token.len()).any(|w| w == token.as_bytes()));
    assert!(
        sealed.len() >= token.len() + 28,
        "nonce and tag around the ciphertext"
    );
    let wrapped: Vec<u8> = sqlx::query_scalar("select wrapped_key from tenant_data_keys")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(wrapped.len(), 12 + 32 + 16);
    let leaks: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where concat(target, reason) like '%' || $1 || '%'",
    )
    .bind(&token[10..])
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(leaks, 0);
    tx.commit().await.unwrap();

    // The connector can read it back; the list only shows the mask.
    assert_eq!(
        credentials::reveal(&app.db, &app.keys, &scope, CredentialKind::Meta)
            .await
            .unwrap()
            .as_deref(),
        Some(token)
    );

    // Rotation: a new current key; until re-wrapped the old key still opens everything; after,
    // the old key can go.
    // A different key under the same id opens nothing.
    let app_key_id = app.key_entry.split(':').next().unwrap().to_string();
    let stranger = Keyring::new(LocalKeys::parse(&test_key_entry(&app_key_id)).unwrap());
    assert!(
        credentials::reveal(&app.db, &stranger, &scope, CredentialKind::Meta)
            .await
            .is_err()
    );
    let new_entry = test_key_entry("rotated-key");
    let both = Keyring::new(LocalKeys::parse(&format!("{new_entry}\n{}", app.key_entry)).unwrap());
    let (_, rewrapped) = credentials::rewrap_all(&app.db, &both).await.unwrap();
    assert!(rewrapped >= 1);
    assert!(
        !credentials::master_keys_in_use(&app.db)
            .await
            .unwrap()
            .contains(&app_key_id)
    );
    let only_new = Keyring::new(LocalKeys::parse(&new_entry).unwrap());
    assert_eq!(
        credentials::reveal(&app.db, &only_new, &scope, CredentialKind::Meta)
            .await
            .unwrap()
            .as_deref(),
        Some(token)
    );
}

#[tokio::test]
async fn api_keys_act_through_the_policy_and_fail_at_once_when_revoked_or_expired() {
    let app = TestApp::spawn().await;
    let a = app.member_of_new_tenant("Keyed A").await;
    let b = app.member_of_new_tenant("Keyed B").await;
    let key = new_key(&app, &a, "analyst", Some(30)).await;

    let (status, body) = app.api_get("/api/v1/orders?limit=2", Some(&key)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"].as_array().unwrap().is_empty());
    let (status, body) = app.api_get("/api/v1/catalog", Some(&key)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Bad input: a clear 400 with a JSON error, never a 500.
    for path in [
        "/api/v1/orders?limit=0",
        "/api/v1/orders?limit=abc",
        "/api/v1/orders?cursor=not-ours",
        "/api/v1/performance?platform=myspace",
    ] {
        let (status, body) = app.api_get(path, Some(&key)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["error"], "invalid_request", "{path}");
    }

    // A viewer key lacks orders.read: 403 with the policy's reason.
    let viewer = new_key(&app, &a, "viewer", None).await;
    let (status, body) = app.api_get("/api/v1/orders", Some(&viewer)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["message"].as_str().unwrap().contains("orders.read"));
    let (status, _) = app.api_get("/api/v1/performance", Some(&viewer)).await;
    assert_eq!(status, StatusCode::OK);

    // A key never holds a stronger role than its creator; an analyst cannot make an owner key.
    let p = StaffParts::of(&app, &a).await;
    let refused = api_keys::create(
        &app.db,
        &p.catalog,
        &p.principal,
        &p.scope,
        &NewKey {
            name: "x",
            role: "platform_admin",
            expires_in_days: None,
        },
        &meta(),
    )
    .await;
    assert!(matches!(refused, Err(cadence::Error::Validation(_))));

    // Revoked: the very next request fails.
    let id = api_keys::list(&app.db, &p.scope).await.unwrap()[1].id;
    let listed = api_keys::list(&app.db, &p.scope).await.unwrap();
    assert!(
        listed.iter().any(|k| k.last_used_at.is_some()),
        "last use is recorded"
    );
    api_keys::revoke(&app.db, &p.scope, id, &meta())
        .await
        .unwrap();
    let (status, body) = app.api_get("/api/v1/orders", Some(&key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["message"], "The API key has been revoked.");
    // B cannot revoke A's key (it is not found in B's scope).
    let bp = StaffParts::of(&app, &b).await;
    let other = api_keys::list(&app.db, &p.scope).await.unwrap()[0].id;
    assert!(matches!(
        api_keys::revoke(&app.db, &bp.scope, other, &meta()).await,
        Err(cadence::Error::NotFound)
    ));

    // Expired: refused with its reason.
    let expiring = new_key(&app, &b, "analyst", Some(1)).await;
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(b.tenant.scope.tenant_id().0.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update api_keys set expires_at = now() - interval '1 second'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (status, body) = app.api_get("/api/v1/orders", Some(&expiring)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "The API key has expired.");

    // No key, or a made-up one.
    assert_eq!(
        app.api_get("/api/v1/orders", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.api_get("/api/v1/orders", Some("cad_madeup")).await.0,
        StatusCode::UNAUTHORIZED
    );
    // The document is public and describes the paths.
    let (status, doc) = app.api_get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    for p in [
        "/api/v1/orders",
        "/api/v1/donations",
        "/api/v1/pledges",
        "/api/v1/catalog",
        "/api/v1/performance",
    ] {
        assert!(doc["paths"][p]["get"].is_object(), "{p}");
    }
}

#[tokio::test]
async fn an_api_client_pages_through_orders_with_cursors_and_sees_only_its_tenant() {
    let app = TestApp::spawn().await;
    let a = app.member_of_new_tenant("Paged A").await;
    let b = app.member_of_new_tenant("Paged B").await;
    for m in [&a, &b] {
        let mut c = app.owner_conn().await;
        let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
        sqlx::query("select set_config('app.tenant_id', $1, true)")
            .bind(m.tenant.scope.tenant_id().0.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        for n in 1..=5 {
            sqlx::query(
                "insert into orders (id, tenant_id, number, idempotency_token, status, currency, total, customer_name, customer_email, created_at)
                 values ($1, $2, $3, $1, 'pending', 'KWD', 12.345, $4, 'buyer@example.com', now() - make_interval(mins => $3))",
            )
            .bind(uuid::Uuid::now_v7())
            .bind(m.tenant.scope.tenant_id().0)
            .bind(n)
            .bind(format!("{} buyer {n}", m.tenant.name))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let key = new_key(&app, &a, "analyst", None).await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, body) = app
            .api_get(
                &format!("/api/v1/orders?limit=2&cursor={cursor}"),
                Some(&key),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for o in body["data"].as_array().unwrap() {
            assert_eq!(o["amount"], "12.345", "exact, as a string");
            seen.push(o["number"].as_str().unwrap().to_string());
            assert!(o["name"].as_str().unwrap().starts_with("Paged A"));
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "ORD-00001",
            "ORD-00002",
            "ORD-00003",
            "ORD-00004",
            "ORD-00005"
        ]
    );
}

#[tokio::test]
async fn the_audit_viewer_filters_pages_and_exports_and_the_access_review_lists_every_role() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Reviewed Co").await;
    let p = StaffParts::of(&app, &m).await;
    for _ in 0..3 {
        new_key(&app, &m, "analyst", None).await;
    }
    use cadence::audit::review::{AuditFilter, access_review, audit_csv, search};
    let f = AuditFilter::parse("", "api_key.created", "", "").unwrap();
    let first = search(&app.db, &p.scope, &f, None, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let last = first.last().unwrap();
    let rest = search(&app.db, &p.scope, &f, Some((last.at, last.id)), 2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].at <= last.at);
    let by_actor = search(
        &app.db,
        &p.scope,
        &AuditFilter::parse("Owner of Reviewed", "", "", "").unwrap(),
        None,
        100,
    )
    .await
    .unwrap();
    assert!(by_actor.len() >= 3);
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        search(
            &app.db,
            &p.scope,
            &AuditFilter::parse("", "", &tomorrow, "").unwrap(),
            None,
            10
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert!(AuditFilter::parse("", "", "2026-12-31", "2026-01-01").is_err());
    assert!(AuditFilter::parse("", "", "yesterday", "").is_err());
    let csv = audit_csv(&first);
    assert!(csv.starts_with("at,action,outcome,actor"));
    assert_eq!(csv.lines().count(), 3);
    let review = access_review(&app.db, &p.scope).await.unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].role, "owner");
    assert_eq!(review[0].email, m.email);
    assert!(review[0].last_login_at.is_some());

    // Through the route, as a download: first to the confirm page for a fresh code, then the
    // file, audited as an export.
    let download = || {
        app.send(
            axum::http::Request::get("/app/admin/export/access-review?format=csv")
                .header(axum::http::header::HOST, BASE_DOMAIN)
                .header(axum::http::header::COOKIE, &m.cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
    };
    let res = download().await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[axum::http::header::LOCATION],
        "/confirm?next=%2Fapp%2Fadmin%2Fexport%2Faccess-review%3Fformat%3Dcsv"
    );
    app.step_up(&m).await;
    let res = download().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert!(body_text(res).await.contains(&m.email));
    let exports = search(
        &app.db,
        &p.scope,
        &AuditFilter::parse("", "export.audit", "", "").unwrap(),
        None,
        10,
    )
    .await
    .unwrap();
    assert_eq!(exports.len(), 1);
    // Without a session: 401; a bad format: 400.
    let anon = app.get(BASE_DOMAIN, "/app/admin/export/audit").await;
    assert_eq!(anon.0, StatusCode::UNAUTHORIZED);
}
