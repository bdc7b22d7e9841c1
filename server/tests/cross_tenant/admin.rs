//! Cross-tenant probes of the admin panel and the REST API: B's keys, credentials, audit rows,
//! access requests and exports, tried from A's session and A's API key.
use super::*;
use app::api::platform_ads::{AssignAdAccount, LoadAdAssignments, UnassignAdAccount};

pub(super) fn probes() -> Vec<(&'static str, Probe)> {
    vec![
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
                        (path::<LoadAdAssignments>(), vec![("query", "")]),
                        (
                            path::<AssignAdAccount>(),
                            vec![
                                ("platform", "meta"),
                                ("account_id", "123456789"),
                                ("tenant", w.b.tenant.slug.as_str()),
                            ],
                        ),
                        (
                            path::<UnassignAdAccount>(),
                            vec![("platform", "meta"), ("account_id", "123456789")],
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
