//! Operators assign ad accounts to tenants: platform staff through the platform panel's server
//! functions and the operator from the command line, each change audited in the tenant's log;
//! tenant members cannot reach the functions at all.

use super::*;
use app::api::platform_ads::{AssignAdAccount, LoadAdAssignments, UnassignAdAccount};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

/// A signed-in Cadence staff member with `role`: (user id, session cookie).
async fn staff_session(app: &TestApp, role: &str) -> (uuid::Uuid, String) {
    let (id, email) = app.verified_user("Ads Operator").await;
    cadence::admin::platform::grant_platform_role(&test_db().owner_url, &email, role)
        .await
        .unwrap();
    (id, app.session_for(&email).await)
}

/// The tenant's audit rows about ad account assignments: (action, actor, target, user agent).
async fn assignment_audit(
    app: &TestApp,
    tenant: uuid::Uuid,
) -> Vec<(String, Option<uuid::Uuid>, String, Option<String>)> {
    let mut c = app.owner_conn().await;
    sqlx::query_as(
        "select action, actor_user_id, target, user_agent from audit_log
          where tenant_id = $1 and action like 'ads.account.%assigned' order by at, id",
    )
    .bind(tenant)
    .fetch_all(&mut c)
    .await
    .unwrap()
}

/// (tenant, verified_via, assigned_by) of an account's assignment.
async fn assignment(
    app: &TestApp,
    account: &str,
) -> Option<(uuid::Uuid, String, Option<uuid::Uuid>)> {
    let mut c = app.owner_conn().await;
    sqlx::query_as(
        "select tenant_id, verified_via, assigned_by from ad_account_assignments
          where platform = 'meta' and account_id = $1",
    )
    .bind(account)
    .fetch_optional(&mut c)
    .await
    .unwrap()
}

#[tokio::test]
async fn platform_staff_assign_and_unassign_accounts_with_an_audit_trail_and_members_cannot() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Assigned Goods").await;
    let other = app.member_of_new_tenant("Other Goods").await;
    let tenant = m.tenant.scope.tenant_id().0;
    let acc = random_account();
    let assign_form = [
        ("platform", "meta"),
        ("account_id", acc.as_str()),
        ("tenant", m.tenant.slug.as_str()),
    ];
    let unassign_form = [("platform", "meta"), ("account_id", acc.as_str())];

    // A tenant's owner cannot reach the functions, not even for its own tenant: not found.
    for (path, form) in [
        (AssignAdAccount::PATH, &assign_form[..]),
        (UnassignAdAccount::PATH, &unassign_form[..]),
        (LoadAdAssignments::PATH, &[("query", "")][..]),
    ] {
        let r = app.call(path, form, Some(&m.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
    // Read-only support may look, not assign.
    let (_, support) = staff_session(&app, "support_readonly").await;
    let r = app
        .call(AssignAdAccount::PATH, &assign_form, Some(&support))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(assignment(&app, &acc).await, None);
    assert!(assignment_audit(&app, tenant).await.is_empty());

    // A platform admin assigns it: recorded with who did it, listed, audited in the tenant's log,
    // and the tenant lists the account.
    let (admin_id, admin) = staff_session(&app, "platform_admin").await;
    let r = app
        .call(AssignAdAccount::PATH, &assign_form, Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        assignment(&app, &acc).await,
        Some((tenant, "operator".into(), Some(admin_id)))
    );
    let audit = assignment_audit(&app, tenant).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(
        (&audit[0].0[..], audit[0].1, &audit[0].2[..]),
        (
            "ads.account.assigned",
            Some(admin_id),
            &format!("meta {acc}")[..]
        )
    );
    let r = app
        .call(
            LoadAdAssignments::PATH,
            &[("query", acc.as_str())],
            Some(&support),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains(&acc) && r.body.contains(&m.tenant.slug),
        "{}",
        r.body
    );
    let r = app
        .call(app::api::ads::LoadAdData::PATH, &[], Some(&m.cookie))
        .await;
    assert!(r.body.contains(&acc), "{}", r.body);

    // Assigning it again changes nothing; to another tenant is refused until it is unassigned;
    // bad input is a plain 4xx.
    let r = app
        .call(AssignAdAccount::PATH, &assign_form, Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(assignment_audit(&app, tenant).await.len(), 1);
    for form in [
        [
            ("platform", "meta"),
            ("account_id", acc.as_str()),
            ("tenant", other.tenant.slug.as_str()),
        ],
        [
            ("platform", "myspace"),
            ("account_id", acc.as_str()),
            ("tenant", m.tenant.slug.as_str()),
        ],
        [
            ("platform", "meta"),
            ("account_id", "not an id!"),
            ("tenant", m.tenant.slug.as_str()),
        ],
        [
            ("platform", "meta"),
            ("account_id", acc.as_str()),
            ("tenant", "no-such-tenant-here"),
        ],
    ] {
        let r = app.call(AssignAdAccount::PATH, &form, Some(&admin)).await;
        assert!(
            r.status.is_client_error(),
            "{form:?}: {} {}",
            r.status,
            r.body
        );
    }
    assert_eq!(assignment(&app, &acc).await.map(|a| a.0), Some(tenant));

    // Unassigned: gone, audited; unassigning again is not found.
    let r = app
        .call(UnassignAdAccount::PATH, &unassign_form, Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(assignment(&app, &acc).await, None);
    let audit = assignment_audit(&app, tenant).await;
    assert_eq!(
        audit
            .iter()
            .map(|a| (a.0.as_str(), a.1))
            .collect::<Vec<_>>(),
        [
            ("ads.account.assigned", Some(admin_id)),
            ("ads.account.unassigned", Some(admin_id))
        ]
    );
    let r = app
        .call(UnassignAdAccount::PATH, &unassign_form, Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn the_operator_assigns_from_the_command_line_and_the_audit_row_names_no_person() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Command Line Goods").await;
    let acc = random_account();
    server::ingest::assignment(
        &app.db,
        server::ingest::Assignment::Assign {
            platform: "meta".into(),
            account: format!("act_{acc}"),
            tenant: m.tenant.slug.clone(),
        },
    )
    .await
    .unwrap();
    let tenant = m.tenant.scope.tenant_id().0;
    assert_eq!(
        assignment(&app, &acc).await,
        Some((tenant, "operator".into(), None))
    );
    let audit = assignment_audit(&app, tenant).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].1, None);
    assert_eq!(
        audit[0].3.as_deref(),
        Some("cadence ads assign (command line)")
    );
    // An unknown tenant or platform is a plain error, and nothing changes.
    for (platform, tenant) in [
        ("meta", "no-such-tenant-here"),
        ("myspace", &m.tenant.slug[..]),
    ] {
        let e = server::ingest::assignment(
            &app.db,
            server::ingest::Assignment::Assign {
                platform: platform.into(),
                account: random_account(),
                tenant: tenant.into(),
            },
        )
        .await
        .unwrap_err();
        assert!(
            e.to_string().contains("no tenant") || e.to_string().contains("not a platform"),
            "{e}"
        );
    }
    server::ingest::assignment(
        &app.db,
        server::ingest::Assignment::Unassign {
            platform: "meta".into(),
            account: acc.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(assignment(&app, &acc).await, None);
}

#[tokio::test]
async fn the_demo_seed_assigns_its_accounts_to_the_demo_tenant_and_stays_repeatable() {
    let app = TestApp::spawn().await;
    // Twice: the second run finds everything in place and changes nothing.
    for _ in 0..2 {
        server::seed::seed_demo(&app.db).await.unwrap();
    }
    let demo = cadence::tenancy::resolve_by_slug(&app.db, server::seed::DEMO_SLUG)
        .await
        .unwrap()
        .unwrap()
        .scope;
    let mut c = app.owner_conn().await;
    let assigned: Vec<(String, String, uuid::Uuid)> = sqlx::query_as(
        "select platform, account_id, tenant_id from ad_account_assignments
          where account_id in ('1029384756', '5551234567') order by platform",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let id = demo.tenant_id().0;
    assert_eq!(
        assigned,
        [
            ("google_ads".to_string(), "5551234567".to_string(), id),
            ("meta".to_string(), "1029384756".to_string(), id),
        ]
    );
    let mut c = app.app_conn().await;
    let mut tx = scoped(&mut c, &demo).await;
    let loaded: i64 =
        sqlx::query_scalar("select count(*) from ingest_runs where status = 'succeeded'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert!(loaded > 0, "the demo's ad data loaded");
}
