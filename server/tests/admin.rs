//! The admin panel's core and REST API: credentials sealed at rest and rotated without loss, API
//! keys acting through the policy (revoked and expired at once), suspension, plans, and
//! impersonation with consent.

mod common;
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
async fn a_suspended_tenant_keeps_its_data_but_its_api_answers_403_until_reactivated() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Paused Co").await;
    let key = new_key(&app, &m, "analyst", None).await;
    let (staff_id, read_only) = staff(&app, "support_readonly").await;
    let _ = staff_id;
    // Read-only support cannot suspend.
    assert!(matches!(
        cadence::admin::platform::set_suspended(
            &app.db,
            &read_only,
            m.tenant.scope.tenant_id().0,
            Some("Testing the rules"),
            &meta()
        )
        .await,
        Err(cadence::Error::Forbidden(_))
    ));
    let (_, admin) = staff(&app, "platform_admin").await;
    assert!(admin.can_manage());
    let t = m.tenant.scope.tenant_id().0;
    cadence::admin::platform::set_suspended(
        &app.db,
        &admin,
        t,
        Some("Unpaid since October"),
        &meta(),
    )
    .await
    .unwrap();
    let (status, body) = app.api_get("/api/v1/orders", Some(&key)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "tenant_suspended");
    let (status, _) = app.get(&storefront_host(&m.tenant.slug), "/").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        cadence::admin::platform::suspension(&app.db, &m.tenant.scope)
            .await
            .unwrap()
            .as_deref(),
        Some("Unpaid since October")
    );
    // Suspending twice is refused plainly; an unknown tenant is not found.
    assert!(matches!(
        cadence::admin::platform::set_suspended(
            &app.db,
            &admin,
            t,
            Some("Again and again"),
            &meta()
        )
        .await,
        Err(cadence::Error::Validation(_))
    ));
    assert!(matches!(
        cadence::admin::platform::set_suspended(
            &app.db,
            &admin,
            uuid::Uuid::now_v7(),
            None,
            &meta()
        )
        .await,
        Err(cadence::Error::NotFound)
    ));
    // The list finds it with its usage.
    let (rows, total) = cadence::admin::platform::list_tenants(
        &app.db,
        &admin,
        &cadence::admin::platform::TenantFilter {
            query: m.tenant.slug.clone(),
            status: "suspended".into(),
            page: 0,
            per_page: 25,
        },
    )
    .await
    .unwrap();
    assert_eq!(total, 1);
    assert_eq!(rows[0].members, 1);
    assert_eq!(
        rows[0].suspended_reason.as_deref(),
        Some("Unpaid since October")
    );
    assert!(rows[0].last_activity.is_some());

    cadence::admin::platform::set_suspended(&app.db, &admin, t, None, &meta())
        .await
        .unwrap();
    assert_eq!(
        app.api_get("/api/v1/orders", Some(&key)).await.0,
        StatusCode::OK
    );

    // Plans: an override beats the plan (API access off → no new keys).
    cadence::admin::platform::set_plan(
        &app.db,
        &admin,
        t,
        "growth",
        &serde_json::json!({"features": {"api_access": false}}),
        &meta(),
    )
    .await
    .unwrap();
    let p = StaffParts::of(&app, &m).await;
    let refused = api_keys::create(
        &app.db,
        &p.catalog,
        &p.principal,
        &p.scope,
        &NewKey {
            name: "x",
            role: "analyst",
            expires_in_days: None,
        },
        &meta(),
    )
    .await;
    assert!(
        matches!(refused, Err(cadence::Error::Forbidden(ref why)) if why.contains("not part of the Growth plan")),
        "{:?}",
        refused.as_ref().err()
    );
    // Seats: members and pending invitations count against the plan's limit.
    cadence::admin::platform::set_plan(
        &app.db,
        &admin,
        t,
        "starter",
        &serde_json::json!({"limits": {"seats": 1}}),
        &meta(),
    )
    .await
    .unwrap();
    let m2 = meta();
    let who = cadence::team::Inviter {
        catalog: &p.catalog,
        principal: &p.principal,
        scope: &p.scope,
        meta: &m2,
        app_url: "http://x",
    };
    let full = cadence::team::invite(
        &app.db,
        &who,
        &cadence::auth::Email::parse(&random_email()).unwrap(),
        "viewer",
    )
    .await;
    assert!(
        matches!(full, Err(cadence::Error::Validation(ref why)) if why.contains("seats")),
        "{:?}",
        full.err()
    );
    // The Starter plan has no exports: refused with the reason.
    let export = cadence::commerce::export_csv(
        &app.db,
        &p.staff(&m2),
        cadence::commerce::RecordKind::Order,
        &Default::default(),
    )
    .await;
    assert!(
        matches!(export, Err(cadence::Error::Forbidden(ref why)) if why.contains("CSV and JSON exports are not part of the Starter plan")),
        "{:?}",
        export.err()
    );
    assert!(matches!(
        cadence::admin::platform::set_plan(
            &app.db,
            &admin,
            t,
            "platinum",
            &serde_json::json!({}),
            &meta()
        )
        .await,
        Err(cadence::Error::Validation(_))
    ));
}

#[tokio::test]
async fn impersonation_needs_consent_is_confined_and_time_limited_and_either_side_ends_it() {
    let app = TestApp::spawn().await;
    let user = app.member_of_new_tenant("Consent Co").await;
    let other = app.member_of_new_tenant("Elsewhere Co").await;
    let (staff_id, read_only) = staff(&app, "support_readonly").await;
    let _ = staff_id;
    let t = user.tenant.scope.tenant_id().0;
    let reason = "Ticket 1234: imports show no spend";
    assert!(matches!(
        impersonation::request(&app.db, &read_only, t, user.user_id, reason, &meta()).await,
        Err(cadence::Error::Forbidden(_))
    ));
    let (sid, support) = staff(&app, "platform_admin").await;
    // Someone who is not a member of that tenant cannot be asked for.
    assert!(matches!(
        impersonation::request(&app.db, &support, t, other.user_id, reason, &meta()).await,
        Err(cadence::Error::NotFound)
    ));
    assert!(matches!(
        impersonation::request(&app.db, &support, t, user.user_id, "short", &meta()).await,
        Err(cadence::Error::Validation(_))
    ));
    let grant = impersonation::request(&app.db, &support, t, user.user_id, reason, &meta())
        .await
        .unwrap();
    assert!(app.last_mail(&user.email).await.body_text.contains(reason));
    // Not live before consent.
    assert!(
        impersonation::active(&app.db, sid, grant)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        impersonation::start(&app.db, &support, grant, &meta())
            .await
            .is_err()
    );
    // Another tenant's owner cannot answer it.
    let op = StaffParts::of(&app, &other).await;
    assert!(matches!(
        impersonation::answer(
            &app.db,
            &op.catalog,
            &op.principal,
            &op.scope,
            grant,
            true,
            &meta()
        )
        .await,
        Err(cadence::Error::NotFound)
    ));
    let up = StaffParts::of(&app, &user).await;
    impersonation::answer(
        &app.db,
        &up.catalog,
        &up.principal,
        &up.scope,
        grant,
        true,
        &meta(),
    )
    .await
    .unwrap();
    // Answering twice changes nothing.
    assert!(
        impersonation::answer(
            &app.db,
            &up.catalog,
            &up.principal,
            &up.scope,
            grant,
            false,
            &meta()
        )
        .await
        .is_err()
    );
    let live = impersonation::start(&app.db, &support, grant, &meta())
        .await
        .unwrap();
    assert_eq!(live.tenant_id, t);
    assert_eq!(live.user_id, user.user_id);
    let minutes = (live.expires_at - chrono::Utc::now()).num_minutes();
    assert!((28..=30).contains(&minutes), "{minutes}");
    // Actions in the session are audited with both identities, and no credential changes.
    let in_session = RequestMeta {
        impersonator: Some(sid),
        ..meta()
    };
    assert!(matches!(
        credentials::set(
            &app.db,
            &app.keys,
            &up.scope,
            CredentialKind::Telegram,
            &Secret::parse("123456:bot-token").unwrap(),
            &in_session
        )
        .await,
        Err(cadence::Error::Forbidden(_))
    ));
    impersonation::record_action(&app.db, &live, "POST /api/save_item", &meta())
        .await
        .unwrap();
    let rows = cadence::audit::review::search(
        &app.db,
        &up.scope,
        &cadence::audit::review::AuditFilter::parse("", "impersonation.", "", "").unwrap(),
        None,
        50,
    )
    .await
    .unwrap();
    let actions: Vec<_> = rows.iter().map(|r| r.action.as_str()).collect();
    for a in [
        "impersonation.requested",
        "impersonation.approved",
        "impersonation.started",
        "impersonation.action",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let action = rows
        .iter()
        .find(|r| r.action == "impersonation.action")
        .unwrap();
    assert_eq!(action.actor.as_deref(), Some("Support Person"));
    assert_eq!(action.acting_as.as_deref(), Some("Owner of Consent Co"));
    // The user ends it from their side: at once, the staff session is no longer live.
    impersonation::end_in_tenant(&app.db, &up.scope, grant, &meta())
        .await
        .unwrap();
    assert!(
        impersonation::active(&app.db, sid, grant)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        impersonation::end_in_tenant(&app.db, &up.scope, grant, &meta())
            .await
            .is_err()
    );

    // A second grant runs out on its own.
    let second = impersonation::request(&app.db, &support, t, user.user_id, reason, &meta())
        .await
        .unwrap();
    impersonation::answer(
        &app.db,
        &up.catalog,
        &up.principal,
        &up.scope,
        second,
        true,
        &meta(),
    )
    .await
    .unwrap();
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(t.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "update impersonation_grants set expires_at = now() - interval '1 second' where id = $1",
    )
    .bind(second)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(
        impersonation::active(&app.db, sid, second)
            .await
            .unwrap()
            .is_none()
    );
    let mine = impersonation::for_staff(&app.db, &support).await.unwrap();
    assert_eq!(
        mine.iter().find(|g| g.id == second).unwrap().state(),
        "expired"
    );
    assert_eq!(
        mine.iter().find(|g| g.id == grant).unwrap().state(),
        "ended"
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
