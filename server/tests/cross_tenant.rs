//! The cross-tenant matrix: a member of tenant A tries every server function and route with
//! tenant B's ids and subdomain, and gets "not found" or nothing, and changes nothing.
//! Table-driven: each feature adds its probes to `probes()` (business data and the admin panel in
//! `cross_tenant/`).

#[path = "cross_tenant/admin.rs"]
mod admin;
#[path = "cross_tenant/business.rs"]
mod business;
mod common;
#[path = "cross_tenant/registry.rs"]
mod registry;
#[path = "cross_tenant/setup.rs"]
mod setup;
#[path = "cross_tenant/sweep.rs"]
mod sweep;
use app::api::admin::{
    AnswerAccessRequest, EndAccessRequest, LoadAccessRequests, LoadApiKeys, LoadCredentials,
    LoadWorkspace, RemoveCredential, RevokeApiKey, SaveWorkspace,
};
use app::api::audit::LoadAudit;
use app::api::onboarding::{CreateClient, LoadClients, LoadOnboarding};
use app::api::platform_admin::{
    LoadPlatformTenants, LoadTenantMembers, RequestImpersonation, SuspendTenant,
};
use app::api::tenant::{
    LoadSecurityEvents, LoadTenantOverview, MyTenants, SearchTenants, SwitchTenant,
};
use axum::http::StatusCode;
use common::*;
use leptos::server_fn::ServerFn;
use setup::{b_admin, b_sales, snapshot_of_b};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Tenant A's member, tenant B (with its own member), and the app.
struct World {
    app: TestApp,
    a: Member,
    b: Member,
    b_invitation: cadence::Uuid,
    /// An order on B's storefront, and an image of B's catalog.
    b_order: cadence::Uuid,
    b_image: cadence::Uuid,
    /// A load of B's ad data.
    b_run: cadence::Uuid,
    /// B's API key and a pending support-access request to B's owner.
    b_key: cadence::Uuid,
    b_grant: cadence::Uuid,
    /// A verified person who belongs to no tenant (id, email).
    outsider: (cadence::Uuid, String),
}

/// A's member's context for core calls.
async fn a_inviter_parts(
    w: &World,
) -> (
    cadence::access::RoleCatalog,
    cadence::access::Principal,
    cadence::tenancy::TenantScope,
) {
    let catalog = cadence::access::load_catalog(&w.app.db).await.unwrap();
    let principal = cadence::access::principal(&w.app.db, w.a.user_id)
        .await
        .unwrap();
    let scope =
        cadence::access::enter_tenant(&catalog, &principal, w.a.tenant.scope.tenant_id()).unwrap();
    (catalog, principal, scope)
}

type Probe = fn(Arc<World>) -> Pin<Box<dyn Future<Output = ()> + Send>>;

fn path<T: ServerFn>() -> &'static str {
    T::PATH
}

/// Every probe: (what it tries, the attempt with its assertions).
fn probes() -> Vec<(&'static str, Probe)> {
    let mut probes: Vec<(&'static str, Probe)> = vec![
        ("switching to B's tenant id is not found", |w| {
            Box::pin(async move {
                let id = w.b.tenant.scope.tenant_id().to_string();
                let r = w
                    .app
                    .call(
                        path::<SwitchTenant>(),
                        &[("tenant_id", &id)],
                        Some(&w.a.cookie),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
                assert!(!r.body.contains(&w.b.tenant.name));
            })
        }),
        ("the tenant list holds only A", |w| {
            Box::pin(async move {
                let r = w
                    .app
                    .call(path::<MyTenants>(), &[], Some(&w.a.cookie))
                    .await;
                assert_eq!(r.status, StatusCode::OK);
                assert!(
                    r.body.contains(&w.a.tenant.name) && !r.body.contains(&w.b.tenant.name),
                    "{}",
                    r.body
                );
            })
        }),
        ("searching the switcher for B's name finds nothing", |w| {
            Box::pin(async move {
                let r = w
                    .app
                    .call(
                        path::<SearchTenants>(),
                        &[("query", &w.b.tenant.name)],
                        Some(&w.a.cookie),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                assert_eq!(r.body, "[]");
            })
        }),
        ("the overview on B's subdomain is still A's", |w| {
            Box::pin(async move {
                let r = w
                    .app
                    .call_on(
                        &storefront_host(&w.b.tenant.slug),
                        path::<LoadTenantOverview>(),
                        &[],
                        Some(&w.a.cookie),
                    )
                    .await;
                assert!(
                    r.body.contains(&w.a.tenant.name) && !r.body.contains(&w.b.tenant.name),
                    "{}",
                    r.body
                );
            })
        }),
        ("security events never include B's", |w| {
            Box::pin(async move {
                let r = w
                    .app
                    .call_on(
                        &storefront_host(&w.b.tenant.slug),
                        path::<LoadSecurityEvents>(),
                        &[],
                        Some(&w.a.cookie),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                assert!(
                    !r.body.contains(&w.b.email)
                        && !r.body.contains(&format!("Owner of {}", w.b.tenant.name)),
                    "{}",
                    r.body
                );
            })
        }),
        ("revoking B's owner from A's scope is not found", |w| {
            Box::pin(async move {
                let catalog = cadence::access::load_catalog(&w.app.db).await.unwrap();
                let principal = cadence::access::principal(&w.app.db, w.a.user_id)
                    .await
                    .unwrap();
                let scope = cadence::access::enter_tenant(
                    &catalog,
                    &principal,
                    w.a.tenant.scope.tenant_id(),
                )
                .unwrap();
                let e = cadence::access::revoke_role(
                    &w.app.db,
                    &catalog,
                    &principal,
                    &scope,
                    w.b.user_id,
                    &Default::default(),
                )
                .await
                .unwrap_err();
                assert!(matches!(e, cadence::Error::NotFound), "{e:?}");
            })
        }),
        ("entering B through the core is not found", |w| {
            Box::pin(async move {
                let catalog = cadence::access::load_catalog(&w.app.db).await.unwrap();
                let principal = cadence::access::principal(&w.app.db, w.a.user_id)
                    .await
                    .unwrap();
                let e = cadence::access::enter_tenant(
                    &catalog,
                    &principal,
                    w.b.tenant.scope.tenant_id(),
                )
                .unwrap_err();
                assert!(matches!(e, cadence::Error::NotFound), "{e:?}");
            })
        }),
        (
            "revoking and resending B's invitation from A's scope is not found",
            |w| {
                Box::pin(async move {
                    let (catalog, principal, scope) = a_inviter_parts(&w).await;
                    let meta = Default::default();
                    let who = cadence::team::Inviter {
                        catalog: &catalog,
                        principal: &principal,
                        scope: &scope,
                        meta: &meta,
                        app_url: "http://x",
                    };
                    assert!(matches!(
                        cadence::team::revoke(&w.app.db, &who, w.b_invitation).await,
                        Err(cadence::Error::NotFound)
                    ));
                    assert!(matches!(
                        cadence::team::resend(&w.app.db, &who, w.b_invitation).await,
                        Err(cadence::Error::NotFound)
                    ));
                })
            },
        ),
        ("A's team and invitation lists hold nothing of B", |w| {
            Box::pin(async move {
                let (_, _, scope) = a_inviter_parts(&w).await;
                let members = cadence::team::members(&w.app.db, &scope).await.unwrap();
                assert!(members.iter().all(|m| m.user_id != w.b.user_id));
                assert!(
                    cadence::team::pending_invitations(&w.app.db, &scope)
                        .await
                        .unwrap()
                        .is_empty()
                );
            })
        }),
        (
            "A is no agency: no client list, and adding a client is refused",
            |w| {
                Box::pin(async move {
                    let r = w
                        .app
                        .call(path::<LoadClients>(), &[], Some(&w.a.cookie))
                        .await;
                    assert_eq!(r.status, StatusCode::OK);
                    assert_eq!(r.body.trim(), "null", "{}", r.body);
                    let slug = random_slug();
                    let r = w
                        .app
                        .call(
                            path::<CreateClient>(),
                            &[
                                ("name", "Probe Client"),
                                ("slug", &slug),
                                ("currency", "USD"),
                                ("time_zone", "UTC"),
                                ("owner_email", ""),
                            ],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
                    assert!(
                        cadence::tenancy::resolve_by_slug(&w.app.db, &slug)
                            .await
                            .unwrap()
                            .is_none()
                    );
                })
            },
        ),
        ("A's wizard holds nothing of B", |w| {
            Box::pin(async move {
                let r = w
                    .app
                    .call(path::<LoadOnboarding>(), &[], Some(&w.a.cookie))
                    .await;
                assert_eq!(r.status, StatusCode::OK);
                assert!(!r.body.contains(&w.b.tenant.name), "{}", r.body);
            })
        }),
        ("B's private pages are not served to A", |w| {
            Box::pin(async move {
                let res = w
                    .app
                    .send(
                        axum::http::Request::get("/app")
                            .header("host", BASE_DOMAIN)
                            .header("cookie", &w.a.cookie)
                            .body(axum::body::Body::empty())
                            .unwrap(),
                    )
                    .await;
                let body = body_text(res).await;
                assert!(
                    !body.contains(&w.b.tenant.name),
                    "A's workspace page shows nothing of B"
                );
            })
        }),
    ];
    probes.extend(business::probes());
    probes.extend(admin::probes());
    probes
}

/// Tenants A and B, B with data of every kind, and an outsider who belongs to no tenant; A has
/// just given a fresh second-factor code.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let a = app.member_of_new_tenant("Alpha Goods").await;
    let b = app.member_of_new_tenant("Bravo Secrets").await;
    // A has just given a fresh second-factor code, so sensitive actions reach the core (and are
    // still refused there for B's data).
    app.step_up(&a).await;
    cadence::storefront::save_profile(
        &app.db,
        &b.tenant.scope,
        "Bravo Secrets",
        Some("b-only tagline"),
        None,
    )
    .await
    .unwrap();
    let b_invitation = {
        let catalog = cadence::access::load_catalog(&app.db).await.unwrap();
        let principal = cadence::access::principal(&app.db, b.user_id)
            .await
            .unwrap();
        let scope = cadence::access::enter_tenant(&catalog, &principal, b.tenant.scope.tenant_id())
            .unwrap();
        let meta = Default::default();
        let who = cadence::team::Inviter {
            catalog: &catalog,
            principal: &principal,
            scope: &scope,
            meta: &meta,
            app_url: "http://x",
        };
        cadence::team::invite(
            &app.db,
            &who,
            &cadence::auth::Email::parse(&random_email()).unwrap(),
            "viewer",
        )
        .await
        .unwrap()
    };
    let (b_order, b_image, b_run) = b_sales(&app, &b).await;
    let (b_key, b_grant) = b_admin(&app, &b).await;
    let outsider = app.verified_user("Olive Outsider").await;
    World {
        app,
        a,
        b,
        b_invitation,
        b_order,
        b_image,
        b_run,
        b_key,
        b_grant,
        outsider,
    }
}

#[tokio::test]
async fn a_member_of_tenant_a_reaches_nothing_of_tenant_b() {
    let world = Arc::new(world().await);
    let before = snapshot_of_b(&world.app, &world.b).await;
    for (name, probe) in probes() {
        println!("probe: {name}");
        probe(world.clone()).await;
    }
    assert_eq!(
        snapshot_of_b(&world.app, &world.b).await,
        before,
        "B's data is unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn interleaved_requests_of_two_tenants_each_see_only_their_own() {
    let app = Arc::new(TestApp::spawn().await);
    let a = app.member_of_new_tenant("Interleave A").await;
    let b = app.member_of_new_tenant("Interleave B").await;
    let mut tasks = Vec::new();
    for i in 0..60 {
        let (app, m, other) = if i % 2 == 0 {
            (
                app.clone(),
                (a.cookie.clone(), a.tenant.name.clone()),
                b.tenant.name.clone(),
            )
        } else {
            (
                app.clone(),
                (b.cookie.clone(), b.tenant.name.clone()),
                a.tenant.name.clone(),
            )
        };
        tasks.push(tokio::spawn(async move {
            let r = app
                .call(path::<LoadTenantOverview>(), &[], Some(&m.0))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert!(
                r.body.contains(&m.1) && !r.body.contains(&other),
                "{}",
                r.body
            );
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn a_query_without_a_tenant_filter_inside_the_scope_returns_only_the_scope() {
    let app = TestApp::spawn().await;
    let a = app.member_of_new_tenant("Filterless A").await;
    let b = app.member_of_new_tenant("Filterless B").await;
    // recent_for_tenant selects from audit_log with no WHERE on tenant_id.
    let rows = cadence::audit::recent_for_tenant(&app.db, &a.tenant.scope, 100)
        .await
        .unwrap();
    let _ = b;
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.platform', 'on', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let a_rows: i64 = sqlx::query_scalar("select count(*) from audit_log where tenant_id = $1")
        .bind(a.tenant.scope.tenant_id().0)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, a_rows);
}
