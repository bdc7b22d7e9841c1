//! Admin: a suspended tenant keeps its data while its API answers 403, until reactivated.

use super::*;

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
