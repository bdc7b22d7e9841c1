//! The cross-tenant matrix's tenant B: its admin data, its sales and ad data, and a snapshot of
//! everything of B's that a probe might try to change.

use super::*;

/// B's admin: a stored credential, an API key, and a support-access request awaiting its owner.
pub(super) async fn b_admin(app: &TestApp, b: &Member) -> (cadence::Uuid, cadence::Uuid) {
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
pub(super) async fn b_sales(
    app: &TestApp,
    b: &Member,
) -> (cadence::Uuid, cadence::Uuid, cadence::Uuid) {
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
    // An operator vouched for B's account: B's synced rows go to B.
    cadence::ads::assign_by_operator(
        &app.db,
        cadence::ads::Platform::Meta,
        &account,
        bstaff.scope.tenant_id(),
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
pub(super) async fn snapshot_of_b(app: &TestApp, b: &Member) -> String {
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
                  || (select coalesce(string_agg(account_id || verified_via, ','), '') from ad_account_assignments where tenant_id = app_current_tenant())
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
