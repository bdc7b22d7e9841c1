//! The cross-tenant matrix: a member of tenant A tries every server function and route with
//! tenant B's ids and subdomain, and gets "not found" or nothing, and changes nothing.
//! Table-driven: each feature adds its probes to `probes()`.

mod common;
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
    vec![
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
        (
            "B's catalog item cannot be seen or bought on A's storefront",
            |w| {
                Box::pin(async move {
                    let catalog = cadence::access::load_catalog(&w.app.db).await.unwrap();
                    let bp = cadence::access::principal(&w.app.db, w.b.user_id)
                        .await
                        .unwrap();
                    let bscope =
                        cadence::access::enter_tenant(&catalog, &bp, w.b.tenant.scope.tenant_id())
                            .unwrap();
                    let meta = Default::default();
                    let b_item = cadence::commerce::save_item(
                        &w.app.db,
                        &cadence::commerce::Staff {
                            catalog: &catalog,
                            principal: &bp,
                            scope: &bscope,
                            meta: &meta,
                        },
                        None,
                        &cadence::commerce::ItemInput {
                            kind: "product".into(),
                            title: "Bravo secret product".into(),
                            price: "9.99".into(),
                            active: true,
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                    let (status, body) = w
                        .app
                        .get(
                            &storefront_host(&w.a.tenant.slug),
                            &format!("/items/{b_item}"),
                        )
                        .await;
                    assert!(!body.contains("Bravo secret product"), "{status}");
                    let e = cadence::commerce::place_order(
                        &w.app.db,
                        &w.a.tenant.scope,
                        &[(b_item, 1)],
                        &cadence::commerce::Contact {
                            name: "Probe".into(),
                            email: "probe@example.com".into(),
                            ..Default::default()
                        },
                        cadence::Uuid::now_v7(),
                        Default::default(),
                    )
                    .await
                    .unwrap_err();
                    assert!(e.to_string().contains("no longer available"), "{e}");
                    // Staff of A list nothing of B's.
                    let (acat, ap, ascope) = a_inviter_parts(&w).await;
                    let items = cadence::commerce::all_items(&w.app.db, &ascope)
                        .await
                        .unwrap();
                    assert!(items.iter().all(|i| i.id != b_item));
                    let _ = (acat, ap);
                })
            },
        ),
        (
            "B's records, images and settings are not reachable from A",
            |w| {
                Box::pin(async move {
                    let (order, image) = (w.b_order, w.b_image);
                    // A's session asks for B's order detail and B's image by id.
                    let id = order.to_string();
                    let r = w
                        .app
                        .call(
                            path::<app::api::record::LoadRecord>(),
                            &[("kind", "order"), ("id", &id)],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
                    assert!(!r.body.contains("Bravo buyer"));
                    for host_path in [
                        (BASE_DOMAIN.to_string(), format!("/app/media/{}", image)),
                        (
                            storefront_host(&w.a.tenant.slug),
                            format!("/media/{}", image),
                        ),
                    ] {
                        let res = w
                            .app
                            .send(
                                axum::http::Request::get(&host_path.1)
                                    .header("host", &host_path.0)
                                    .header("cookie", &w.a.cookie)
                                    .body(axum::body::Body::empty())
                                    .unwrap(),
                            )
                            .await;
                        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{host_path:?}");
                    }
                    // Removing B's image from A's session is not found, and it stays.
                    let image_id = image.to_string();
                    let r = w
                        .app
                        .call(
                            path::<app::api::commerce::RemoveMedia>(),
                            &[("id", &image_id)],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
                    assert!(
                        cadence::media::read(
                            &w.app.db,
                            &w.app.media,
                            &w.b.tenant.scope,
                            image,
                            true
                        )
                        .await
                        .is_ok()
                    );
                    // B's ad-data load is not found from A's session, and A's ad data holds nothing of B.
                    let run = w.b_run.to_string();
                    let r = w
                        .app
                        .call(
                            path::<app::api::ads::LoadRun>(),
                            &[("id", &run)],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
                    let r = w
                        .app
                        .call(path::<app::api::ads::LoadAdData>(), &[], Some(&w.a.cookie))
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    assert!(!r.body.contains("b.jsonl") && !r.body.contains(&run));
                    // A's dashboard holds none of B's ad data, whatever campaign it asks for.
                    for args in [
                        vec![("query[range]", "last_90")],
                        vec![
                            ("query[range]", "custom"),
                            ("query[from]", "2026-10-01"),
                            ("query[to]", "2026-11-30"),
                            ("query[campaign]", "c"),
                        ],
                    ] {
                        let r = w
                            .app
                            .call(
                                path::<app::api::performance::LoadPerformance>(),
                                &args,
                                Some(&w.a.cookie),
                            )
                            .await;
                        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                        assert!(
                            !r.body.contains("bravo-ad") && !r.body.contains("4.00 USD"),
                            "{}",
                            r.body
                        );
                    }
                    // A's data settings are A's; A's changes to them land in A, never in B.
                    let r = w
                        .app
                        .call(
                            path::<app::api::ads::LoadAdSettings>(),
                            &[],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    assert!(!r.body.contains("bravo_signup") && !r.body.contains("bravo town"));
                    for (fn_path, form) in [
                        (
                            path::<app::api::ads::SaveConversionActions>(),
                            vec![("actions", "lead")],
                        ),
                        (
                            path::<app::api::ads::SaveStaleAfter>(),
                            vec![("hours", "5")],
                        ),
                        (
                            path::<app::api::ads::MapRegionKey>(),
                            vec![
                                ("platform", "meta"),
                                ("key", "Bravo Town"),
                                ("region", "JM-01"),
                            ],
                        ),
                    ] {
                        let r = w.app.call(fn_path, &form, Some(&w.a.cookie)).await;
                        assert_eq!(r.status, StatusCode::OK, "{fn_path}: {}", r.body);
                    }
                    // A's settings page shows A's storefront only.
                    let r = w
                        .app
                        .call(
                            path::<app::api::commerce::LoadStorefrontSettings>(),
                            &[],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    assert!(!r.body.contains(&w.b.tenant.slug));
                })
            },
        ),
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
        (
            "A's admin panel holds none of B's keys, credentials or audit rows",
            |w| {
                Box::pin(async move {
                    for (p, form) in [
                        (path::<LoadApiKeys>(), vec![]),
                        (path::<LoadCredentials>(), vec![]),
                        (
                            path::<LoadAudit>(),
                            vec![
                                ("actor", w.b.email.as_str()),
                                ("action", ""),
                                ("from", ""),
                                ("to", ""),
                                ("cursor", ""),
                            ],
                        ),
                        (path::<LoadAccessRequests>(), vec![]),
                    ] {
                        let r = w
                            .app
                            .call_on(
                                &storefront_host(&w.b.tenant.slug),
                                p,
                                &form,
                                Some(&w.a.cookie),
                            )
                            .await;
                        assert_eq!(r.status, StatusCode::OK, "{p}: {}", r.body);
                        for leak in [
                            "B secret integration",
                            "zz99",
                            w.b.email.as_str(),
                            "Matrix check",
                        ] {
                            assert!(!r.body.contains(leak), "{p} shows {leak}: {}", r.body);
                        }
                    }
                })
            },
        ),
        (
            "revoking B's key, removing B's credential or answering B's access request from A is not found",
            |w| {
                Box::pin(async move {
                    let key = w.b_key.to_string();
                    let grant = w.b_grant.to_string();
                    for (p, form) in [
                        (path::<RevokeApiKey>(), vec![("id", key.as_str())]),
                        (path::<RemoveCredential>(), vec![("kind", "meta")]),
                        (
                            path::<AnswerAccessRequest>(),
                            vec![("id", grant.as_str()), ("approve", "true")],
                        ),
                        (path::<EndAccessRequest>(), vec![("id", grant.as_str())]),
                    ] {
                        let r = w.app.call(p, &form, Some(&w.a.cookie)).await;
                        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}: {}", r.body);
                    }
                })
            },
        ),
        (
            "the platform area and its actions are not found for a tenant member",
            |w| {
                Box::pin(async move {
                    let b = w.b.tenant.scope.tenant_id().0.to_string();
                    for (p, form) in [
                        (
                            path::<LoadPlatformTenants>(),
                            vec![("query", ""), ("status", ""), ("page", "0")],
                        ),
                        (
                            path::<SuspendTenant>(),
                            vec![("tenant_id", b.as_str()), ("reason", "Trying to suspend B")],
                        ),
                        (path::<LoadTenantMembers>(), vec![("tenant_id", b.as_str())]),
                        (
                            path::<RequestImpersonation>(),
                            vec![
                                ("tenant_id", b.as_str()),
                                ("user_id", b.as_str()),
                                ("reason", "Trying to get into B"),
                            ],
                        ),
                    ] {
                        let r = w.app.call(p, &form, Some(&w.a.cookie)).await;
                        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}: {}", r.body);
                    }
                })
            },
        ),
        (
            "workspace settings on B's host read and change only A",
            |w| {
                Box::pin(async move {
                    let host = storefront_host(&w.b.tenant.slug);
                    let r = w
                        .app
                        .call_on(&host, path::<LoadWorkspace>(), &[], Some(&w.a.cookie))
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    assert!(
                        r.body.contains(&w.a.tenant.name) && !r.body.contains(&w.b.tenant.name)
                    );
                    let r = w
                        .app
                        .call_on(
                            &host,
                            path::<SaveWorkspace>(),
                            &[("name", &w.a.tenant.name), ("time_zone", "Asia/Kuwait")],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                })
            },
        ),
        (
            "A's API key reads only A's records, and exports on B's host are not served",
            |w| {
                Box::pin(async move {
                    let key = w.app.api_key(&w.a, "A reader", "analyst", None).await;
                    for p in [
                        "/api/v1/orders",
                        "/api/v1/catalog",
                        "/api/v1/performance",
                        "/api/v1/donations",
                        "/api/v1/pledges",
                    ] {
                        let (status, body) = w.app.api_get(p, Some(&key)).await;
                        assert_eq!(status, StatusCode::OK, "{p}: {body}");
                        let text = body.to_string();
                        assert!(
                            !text.contains(&w.b_order.to_string()) && !text.contains("Bravo"),
                            "{p}: {text}"
                        );
                    }
                    let res = w
                        .app
                        .send(
                            axum::http::Request::get("/app/admin/export/audit?format=json")
                                .header(axum::http::header::HOST, storefront_host(&w.b.tenant.slug))
                                .header(axum::http::header::COOKIE, &w.a.cookie)
                                .body(axum::body::Body::empty())
                                .unwrap(),
                        )
                        .await;
                    assert_eq!(res.status(), StatusCode::NOT_FOUND);
                })
            },
        ),
    ]
}

#[tokio::test]
async fn a_member_of_tenant_a_reaches_nothing_of_tenant_b() {
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
    let before = snapshot_of_b(&app, &b).await;
    let world = Arc::new(World {
        app,
        a,
        b,
        b_invitation,
        b_order,
        b_image,
        b_run,
        b_key,
        b_grant,
    });
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

/// B's admin: a stored credential, an API key, and a support-access request awaiting its owner.
async fn b_admin(app: &TestApp, b: &Member) -> (cadence::Uuid, cadence::Uuid) {
    let parts = StaffParts::of(app, b).await;
    let meta = cadence::audit::RequestMeta::default();
    cadence::admin::credentials::set(
        &app.db,
        &app.keys,
        &parts.scope,
        cadence::admin::CredentialKind::Meta,
        &cadence::admin::Secret::parse("B-only-token-zz99").unwrap(),
        &meta,
    )
    .await
    .unwrap();
    cadence::admin::api_keys::create(
        &app.db,
        &parts.catalog,
        &parts.principal,
        &parts.scope,
        &cadence::admin::api_keys::NewKey {
            name: "B secret integration",
            role: "analyst",
            expires_in_days: None,
        },
        &meta,
    )
    .await
    .unwrap();
    let key = cadence::admin::api_keys::list(&app.db, &parts.scope)
        .await
        .unwrap()[0]
        .id;
    let (staff_id, staff_email) = app.verified_user("Matrix Support").await;
    cadence::admin::platform::grant_platform_role(
        &test_db().owner_url,
        &staff_email,
        "platform_admin",
    )
    .await
    .unwrap();
    let staff = cadence::admin::platform::PlatformStaff::authorize(
        &parts.catalog,
        &cadence::access::principal(&app.db, staff_id).await.unwrap(),
        "platform.impersonate",
    )
    .unwrap();
    let grant = cadence::admin::impersonation::request(
        &app.db,
        &staff,
        b.tenant.scope.tenant_id().0,
        b.user_id,
        "Matrix check of support access",
        &meta,
    )
    .await
    .unwrap();
    (key, grant)
}

/// B sells (an item with an image, and an order for it) and loads ad data.
async fn b_sales(app: &TestApp, b: &Member) -> (cadence::Uuid, cadence::Uuid, cadence::Uuid) {
    let parts = StaffParts::of(app, b).await;
    let meta = Default::default();
    let bstaff = parts.staff(&meta);
    let item = cadence::commerce::save_item(
        &app.db,
        &bstaff,
        None,
        &cadence::commerce::ItemInput {
            kind: "product".into(),
            title: "Bravo lamp".into(),
            price: "5.00".into(),
            active: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let order = cadence::commerce::place_order(
        &app.db,
        &b.tenant.scope,
        &[(item, 1)],
        &cadence::commerce::Contact {
            name: "Bravo buyer".into(),
            email: "buyer@bravo.example".into(),
            ..Default::default()
        },
        cadence::Uuid::now_v7(),
        Default::default(),
    )
    .await
    .unwrap();
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let image = cadence::media::upload(
        &app.db,
        &app.media,
        &bstaff,
        cadence::media::Purpose::Item(item),
        "b.png",
        png.into_inner(),
    )
    .await
    .unwrap();
    let account = format!("8{}", cadence::Uuid::now_v7().as_u128() % 1_000_000_000);
    cadence::ads::map_account(
        &app.db,
        &bstaff,
        cadence::ads::Platform::Meta,
        &account,
        "B",
    )
    .await
    .unwrap();
    let line = format!(
        r#"{{"date_start":"2026-11-01","account_id":"{account}","campaign_id":"c","adset_id":"s","ad_id":"bravo-ad","account_currency":"USD","impressions":"5","clicks":"1","spend":"4.00"}}"#
    );
    let run = cadence::ads::ingest_meta_jsonl(&app.db, &bstaff, "b.jsonl", line.as_bytes())
        .await
        .unwrap();
    cadence::ads::set_conversion_actions(&app.db, &bstaff, "purchase, bravo_signup")
        .await
        .unwrap();
    cadence::ads::map_region(
        &app.db,
        &bstaff,
        cadence::ads::Platform::Meta,
        "Bravo Town",
        "JM-04",
    )
    .await
    .unwrap();
    (order.id, image.id, run.run_id.unwrap())
}

/// Everything of B's that a probe might try to change.
async fn snapshot_of_b(app: &TestApp, b: &Member) -> String {
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(b.tenant.scope.tenant_id().to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let (t, s, r, i, o, m): (String, String, String, String, String, String) = sqlx::query_as(
        "select (select row_to_json(t)::text from tenants t where t.id = app_current_tenant()),
                (select coalesce(json_agg(s)::text, '') from storefront_settings s),
                (select coalesce(json_agg(r order by r.id)::text, '') from role_bindings r where r.tenant_id = app_current_tenant()),
                (select coalesce(json_agg(i order by i.id)::text, '') from invitations i),
                (select (select count(*) from orders) || '/' || (select count(*) from donations) || '/'
                        || (select count(*) from pledges) || '/' || (select count(*) from visits)
                        || (select coalesce(string_agg(id || status, ',' order by id), '') from orders)),
                (select coalesce(json_agg(m order by m.id)::text, '') from media m)
                  || (select count(*) || '/' || coalesce(sum(spend_micros), 0) from fact_performance)
                  || (select coalesce(string_agg(account_id, ','), '') from ad_accounts where tenant_id = app_current_tenant())
                  || (select coalesce(string_agg(action_type, ','), '') from conversion_actions)
                  || (select coalesce(string_agg(geo_key || region_code, ','), '') from tenant_geo_lookup)
                  || (select coalesce(max(stale_after_hours), 0) from ingest_settings)
                  || (select count(*) from dim_ad)
                  || (select coalesce(string_agg(id || coalesce(revoked_at::text, '') || coalesce(last_used_at::text, ''), ',' order by id), '') from api_keys where tenant_id = app_current_tenant())
                  || (select coalesce(string_agg(kind || last_four || set_at, ','), '') from tenant_credentials)
                  || (select coalesce(string_agg(id || status, ','), '') from impersonation_grants)
                  || (select coalesce(string_agg(master_key_id, ','), '') from tenant_data_keys)",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    format!("{t}|{s}|{r}|{i}|{o}|{m}")
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
