//! The policy decision point against the real role catalog: grants, revocations, denials with
//! reasons, and the audit rows they leave.

mod common;
use app::api::tenant::{LoadSecurityEvents, SwitchTenant};
use axum::http::StatusCode;
use cadence::access::{self, Decision, Target};
use common::*;
use leptos::server_fn::ServerFn;

async fn owner_context(
    app: &TestApp,
    m: &Member,
) -> (
    cadence::access::RoleCatalog,
    cadence::access::Principal,
    cadence::tenancy::TenantScope,
) {
    let catalog = access::load_catalog(&app.db).await.unwrap();
    let principal = access::principal(&app.db, m.user_id).await.unwrap();
    let scope = access::enter_tenant(&catalog, &principal, m.tenant.scope.tenant_id()).unwrap();
    (catalog, principal, scope)
}

#[tokio::test]
async fn the_catalog_from_the_database_gives_each_role_its_privileges() {
    let app = TestApp::spawn().await;
    let catalog = access::load_catalog(&app.db).await.unwrap();
    for role in [
        "owner",
        "admin",
        "manager",
        "analyst",
        "viewer",
        "agency_admin",
        "agency_member",
        "platform_admin",
        "support_readonly",
    ] {
        assert!(catalog.roles.contains_key(role), "{role}");
    }
    assert!(
        catalog.roles["manager"]
            .privileges
            .contains("exports.create")
    );
    assert!(
        !catalog.roles["analyst"]
            .privileges
            .contains("exports.create")
    );
    assert!(
        !catalog.roles["owner"]
            .privileges
            .contains("platform.impersonate")
    );
}

#[tokio::test]
async fn an_analyst_is_denied_the_audit_log_with_a_reason_and_the_denial_is_audited() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Acme Analytics").await;
    let (analyst_id, analyst_email) = app.verified_user("Ana Lyst").await;
    let (catalog, principal, scope) = owner_context(&app, &owner).await;
    admit(&app, &catalog, &principal, &scope, analyst_id, "analyst").await;

    let cookie = app.session_for(&analyst_email).await;
    let tenant_id = owner.tenant.scope.tenant_id().to_string();
    assert_eq!(
        app.call(
            SwitchTenant::PATH,
            &[("tenant_id", &tenant_id)],
            Some(&cookie)
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = app.call(LoadSecurityEvents::PATH, &[], Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body
            .contains("`audit.read` privilege; you are analyst in Acme Analytics"),
        "{}",
        r.body
    );

    // The owner sees the joining, the switch and the denial in the tenant's audit log.
    let events = cadence::audit::recent_for_tenant(&app.db, &scope, 50)
        .await
        .unwrap();
    let actions: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    for expected in [
        ("invitation.accept", "success"),
        ("tenant.switch", "success"),
        ("access.denied", "denied"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    let owner_view = app
        .call(LoadSecurityEvents::PATH, &[], Some(&owner.cookie))
        .await;
    assert_eq!(owner_view.status, StatusCode::OK, "{}", owner_view.body);
}

#[tokio::test]
async fn nobody_grants_a_role_above_their_own_and_the_last_owner_stays() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Rank Co").await;
    let (admin_id, _) = app.verified_user("Adm In").await;
    let (other_id, _) = app.verified_user("Oth Er").await;
    let (catalog, principal, scope) = owner_context(&app, &owner).await;
    admit(&app, &catalog, &principal, &scope, admin_id, "admin").await;
    admit(&app, &catalog, &principal, &scope, other_id, "analyst").await;

    let admin = access::principal(&app.db, admin_id).await.unwrap();
    let admin_scope =
        access::enter_tenant(&catalog, &admin, owner.tenant.scope.tenant_id()).unwrap();
    let e = access::grant_role(
        &app.db,
        &catalog,
        &admin,
        &admin_scope,
        other_id,
        "owner",
        &Default::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, cadence::Error::Forbidden(ref m) if m.contains("above your own")),
        "{e:?}"
    );
    access::grant_role(
        &app.db,
        &catalog,
        &admin,
        &admin_scope,
        other_id,
        "viewer",
        &Default::default(),
    )
    .await
    .unwrap();

    let e = access::revoke_role(
        &app.db,
        &catalog,
        &principal,
        &scope,
        owner.user_id,
        &Default::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, cadence::Error::Validation(_)), "{e:?}");
    access::revoke_role(
        &app.db,
        &catalog,
        &principal,
        &scope,
        other_id,
        &Default::default(),
    )
    .await
    .unwrap();
    let other = access::principal(&app.db, other_id).await.unwrap();
    assert_eq!(
        access::decide(
            &catalog,
            &other,
            "tenant.read",
            Target::Tenant(scope.tenant_id().0)
        ),
        Decision::NotFound
    );
}

#[tokio::test]
async fn a_viewer_cannot_manage_the_team() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Viewers Inc").await;
    let (viewer_id, _) = app.verified_user("Vi Ewer").await;
    let (someone, _) = app.verified_user("Some One").await;
    let (catalog, principal, scope) = owner_context(&app, &owner).await;
    admit(&app, &catalog, &principal, &scope, viewer_id, "viewer").await;
    let viewer = access::principal(&app.db, viewer_id).await.unwrap();
    let vscope = access::enter_tenant(&catalog, &viewer, scope.tenant_id()).unwrap();
    let e = access::grant_role(
        &app.db,
        &catalog,
        &viewer,
        &vscope,
        someone,
        "viewer",
        &Default::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, cadence::Error::Forbidden(ref m) if m.contains("team.manage")),
        "{e:?}"
    );
}

#[tokio::test]
async fn the_switcher_search_narrows_on_the_server_and_treats_wildcards_literally() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Zeta Foods").await;
    let (catalog, principal, scope) = owner_context(&app, &owner).await;
    let _ = (&catalog, &scope);
    for name in ["Zeta Drinks", "Omega 100% Cotton"] {
        let slug = cadence::tenancy::TenantSlug::parse(&random_slug()).unwrap();
        cadence::tenancy::create_tenant_owned_by(&app.db, &slug, name, owner.user_id)
            .await
            .unwrap();
    }
    let names =
        |list: Vec<access::Membership>| list.into_iter().map(|m| m.name).collect::<Vec<_>>();
    assert_eq!(
        names(
            access::search_memberships(&app.db, &principal, "zeta", 20)
                .await
                .unwrap()
        ),
        ["Zeta Drinks", "Zeta Foods"]
    );
    assert_eq!(
        names(
            access::search_memberships(&app.db, &principal, "100%", 20)
                .await
                .unwrap()
        ),
        ["Omega 100% Cotton"]
    );
    assert!(
        access::search_memberships(&app.db, &principal, "%%", 20)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        access::search_memberships(&app.db, &principal, "", 2)
            .await
            .unwrap()
            .len(),
        2,
        "the limit holds"
    );
}
