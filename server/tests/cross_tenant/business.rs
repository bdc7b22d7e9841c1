//! Cross-tenant probes of the business data: B's catalog, orders, records, images, settings and
//! ad data, tried from A's session, storefront and core calls.
use super::*;

pub(super) fn probes() -> Vec<(&'static str, Probe)> {
    vec![
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
        (
            "listing B's ad account id from A is accepted like any id, reveals nothing, and A's rows stay in A",
            |w| {
                Box::pin(async move {
                    // B's account, assigned to B by an operator in the set-up.
                    let b_account: String = sqlx::query_scalar(
                        "select account_id from ad_account_assignments where tenant_id = $1",
                    )
                    .bind(w.b.tenant.scope.tenant_id().0)
                    .fetch_one(&mut w.app.owner_conn().await)
                    .await
                    .unwrap();
                    let r = w
                        .app
                        .call(
                            path::<app::api::ads::MapAdAccount>(),
                            &[
                                ("platform", "meta"),
                                ("account_id", &b_account),
                                ("name", "Alpha probe listing"),
                            ],
                            Some(&w.a.cookie),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    assert!(
                        !r.body.contains("already") && !r.body.contains(&w.b.tenant.name),
                        "{}",
                        r.body
                    );
                    // A's own upload naming the id loads into A (B's data is unchanged: the
                    // matrix compares B before and after).
                    let (catalog, principal, scope) = a_inviter_parts(&w).await;
                    let meta = Default::default();
                    let staff = cadence::commerce::Staff {
                        catalog: &catalog,
                        principal: &principal,
                        scope: &scope,
                        meta: &meta,
                    };
                    let line = format!(
                        r#"{{"date_start":"2026-10-15","account_id":"{b_account}","campaign_id":"alpha-c","adset_id":"alpha-s","ad_id":"alpha-probe-ad","account_currency":"USD","impressions":"3","clicks":"1","spend":"2.50"}}"#
                    );
                    let run = cadence::ads::ingest_meta_jsonl(
                        &w.app.db,
                        &staff,
                        "alpha-probe.jsonl",
                        line.as_bytes(),
                    )
                    .await
                    .unwrap();
                    assert_eq!(run.rows_loaded, 1);
                    let r = w
                        .app
                        .call(path::<app::api::ads::LoadAdData>(), &[], Some(&w.a.cookie))
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    assert!(
                        r.body.contains("Alpha probe listing") && !r.body.contains("b.jsonl"),
                        "{}",
                        r.body
                    );
                })
            },
        ),
    ]
}
