//! Onboarding through the core: saved steps, refusals that change nothing, finishing for each
//! profile type in one transaction, and agency staff reaching clients through their agency role.

mod common;
use cadence::access::{self, Principal};
use cadence::audit::RequestMeta;
use cadence::onboarding::{self, Finisher, Go, SaveOutcome, StepAnswer};
use cadence::tenancy::{TenantId, TenantSlug};
use common::*;
use std::collections::BTreeMap;

fn fields(pairs: &[(&str, &str)]) -> StepAnswer {
    StepAnswer {
        fields: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

fn rows(list: &[&[(&str, &str)]]) -> StepAnswer {
    StepAnswer {
        rows: list
            .iter()
            .map(|r| {
                r.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>()
            })
            .collect(),
        ..Default::default()
    }
}

async fn step(
    app: &TestApp,
    user: cadence::Uuid,
    key: &str,
    answer: StepAnswer,
    go: Go,
) -> cadence::Result<SaveOutcome> {
    let meta = RequestMeta::default();
    let who = Finisher {
        user,
        meta: &meta,
        app_url: "http://cadence.test",
    };
    onboarding::save_step(&app.db, &who, key, answer, go).await
}

fn saved(o: SaveOutcome) -> cadence::onboarding::WizardState {
    match o {
        SaveOutcome::Saved(s) => s,
        other => panic!("expected the step to be saved, got {other:?}"),
    }
}

/// How many tenants carry `name` (names are unique per test: other tests run alongside).
async fn tenants_named(app: &TestApp, name: &str) -> i64 {
    let mut c = app.owner_conn().await;
    sqlx::query_scalar("select count(*) from tenants where name = $1")
        .bind(name)
        .fetch_one(&mut c)
        .await
        .unwrap()
}

async fn principal(app: &TestApp, user: cadence::Uuid) -> Principal {
    access::principal(&app.db, user).await.unwrap()
}

#[tokio::test]
async fn a_brand_is_saved_step_by_step_and_finishing_creates_it_with_its_owner() {
    let app = TestApp::spawn().await;
    let (user, _) = app.verified_user("Bree").await;
    let slug = random_slug();

    let s = saved(
        step(
            &app,
            user,
            "profile",
            fields(&[("profile_type", "brand")]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    assert_eq!(s.step, "identity");
    // What was saved is what a later visit loads.
    assert_eq!(onboarding::load(&app.db, user).await.unwrap(), s);

    let brand = format!("Island Threads {slug}");
    let identity = |slug: &str| {
        fields(&[
            ("name", &brand),
            ("slug", slug),
            ("currency", "kwd"),
            ("time_zone", "Asia/Kuwait"),
            ("language", "ar"),
        ])
    };
    let taken = app.new_tenant("Someone Else").await;
    match step(&app, user, "identity", identity(&taken.slug), Go::Next)
        .await
        .unwrap()
    {
        SaveOutcome::Invalid { step, errors } => {
            assert_eq!(step, "identity");
            assert_eq!(errors[0].field, "slug");
            assert!(errors[0].message.contains("already taken"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        onboarding::load(&app.db, user).await.unwrap().step,
        "identity"
    );

    // A step that is not the current one, and skipping a required one, are refused.
    let e = step(&app, user, "guidelines", StepAnswer::default(), Go::Skip)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("out of date"), "{e}");
    let e = step(&app, user, "identity", StepAnswer::default(), Go::Skip)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("cannot be skipped"), "{e}");

    saved(
        step(&app, user, "identity", identity(&slug), Go::Next)
            .await
            .unwrap(),
    );
    saved(
        step(&app, user, "audience", StepAnswer::default(), Go::Skip)
            .await
            .unwrap(),
    );
    assert_eq!(tenants_named(&app, &brand).await, 0);
    let (tenant_id, name) = match step(
        &app,
        user,
        "guidelines",
        fields(&[("tone", "friendly")]),
        Go::Next,
    )
    .await
    .unwrap()
    {
        SaveOutcome::Finished { tenant_id, name } => (tenant_id, name),
        other => panic!("{other:?}"),
    };
    assert_eq!(name, brand);
    assert_eq!(tenants_named(&app, &brand).await, 1);
    let p = principal(&app, user).await;
    let catalog = access::load_catalog(&app.db).await.unwrap();
    let scope = access::enter_tenant(&catalog, &p, TenantId(tenant_id)).unwrap();
    let t = cadence::tenancy::scoped_tenant(&app.db, &scope)
        .await
        .unwrap();
    assert_eq!(t.slug, slug);
    assert_eq!(access::own_rank(&catalog, &p, TenantId(tenant_id)), 50);
    let mut c = app.owner_conn().await;
    let (currency, locale, kind): (String, String, String) =
        sqlx::query_as("select currency, locale, profile_type from tenants where id = $1")
            .bind(tenant_id)
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(
        (currency.as_str(), locale.as_str(), kind.as_str()),
        ("KWD", "ar", "brand")
    );
    let status = onboarding::status(&app.db, user).await.unwrap();
    assert!(status.finished);
    let e = step(&app, user, "guidelines", StepAnswer::default(), Go::Next)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already finished"), "{e}");
}

#[tokio::test]
async fn a_slug_claimed_meanwhile_sends_the_person_back_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let (user, _) = app.verified_user("Cam").await;
    let slug = random_slug();
    saved(
        step(
            &app,
            user,
            "profile",
            fields(&[("profile_type", "creator")]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    saved(
        step(
            &app,
            user,
            "personal",
            fields(&[
                ("name", &format!("Cam {slug}")),
                ("slug", &slug),
                ("currency", "USD"),
                ("time_zone", "UTC"),
                ("language", "en"),
            ]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    saved(
        step(&app, user, "portfolio", StepAnswer::default(), Go::Skip)
            .await
            .unwrap(),
    );
    // Prices are exact in the chosen currency.
    match step(
        &app,
        user,
        "rate_card",
        rows(&[&[("service", "Reel"), ("price", "10.005"), ("unit", "video")]]),
        Go::Next,
    )
    .await
    .unwrap()
    {
        SaveOutcome::Invalid { errors, .. } => assert_eq!(errors[0].field, "rows.0.price"),
        other => panic!("{other:?}"),
    }
    saved(
        step(
            &app,
            user,
            "rate_card",
            rows(&[&[("service", "Reel"), ("price", "10.5"), ("unit", "video")]]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    // Someone else takes the address before the last step.
    cadence::tenancy::create_tenant(&app.db, &TenantSlug::parse(&slug).unwrap(), "Thief")
        .await
        .unwrap();
    match step(
        &app,
        user,
        "socials",
        rows(&[&[("url", "https://instagram.com/cam")]]),
        Go::Next,
    )
    .await
    .unwrap()
    {
        SaveOutcome::Invalid { step, errors } => {
            assert_eq!(step, "personal");
            assert_eq!(errors[0].field, "slug");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(tenants_named(&app, &format!("Cam {slug}")).await, 0);
    assert!(!onboarding::status(&app.db, user).await.unwrap().finished);
    assert!(principal(&app, user).await.bindings.is_empty());
}

#[tokio::test]
async fn an_agency_gets_its_workspace_and_first_client_and_its_staff_reach_the_client() {
    let app = TestApp::spawn().await;
    let (founder, _) = app.verified_user("Ada").await;
    let (staff_id, staff_email) = app.verified_user("Sam Staff").await;
    let (agency_slug, client_slug) = (random_slug(), random_slug());
    saved(
        step(
            &app,
            founder,
            "profile",
            fields(&[("profile_type", "agency")]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    saved(
        step(
            &app,
            founder,
            "company",
            fields(&[
                ("name", "Reach Kingston"),
                ("slug", &agency_slug),
                ("country", "JM"),
                ("time_zone", "America/Jamaica"),
                ("currency", "JMD"),
            ]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    saved(
        step(
            &app,
            founder,
            "branding",
            fields(&[("primary_colour", "#0a7")]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    saved(
        step(
            &app,
            founder,
            "team",
            rows(&[&[("email", &staff_email), ("role", "agency_member")]]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    let home = match step(
        &app,
        founder,
        "first_client",
        fields(&[
            ("client_name", "Rum Bar"),
            ("client_slug", &client_slug),
            ("client_currency", "USD"),
            ("client_time_zone", "America/Jamaica"),
        ]),
        Go::Next,
    )
    .await
    .unwrap()
    {
        SaveOutcome::Finished { tenant_id, .. } => tenant_id,
        other => panic!("{other:?}"),
    };
    let catalog = access::load_catalog(&app.db).await.unwrap();
    let p = principal(&app, founder).await;
    let client = cadence::tenancy::resolve_by_slug(&app.db, &client_slug)
        .await
        .unwrap()
        .unwrap()
        .scope
        .tenant_id();
    // The founder owns the agency's workspace and reaches the client through the agency only.
    assert_eq!(access::own_rank(&catalog, &p, TenantId(home)), 50);
    let in_client = access::enter_tenant(&catalog, &p, client).unwrap();
    assert!(p.bindings.iter().all(|b| !matches!(
        &b.scope,
        access::BindingScope::Tenant { id, .. } if *id == client.0
    )));
    let home_scope = access::enter_tenant(&catalog, &p, TenantId(home)).unwrap();
    let meta = RequestMeta::default();
    let clients = cadence::agency::clients(&app.db, &catalog, &p, &home_scope, &meta)
        .await
        .unwrap();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].slug, client_slug);
    // The client's team has no copied members.
    assert!(
        cadence::team::members(&app.db, &in_client)
            .await
            .unwrap()
            .is_empty()
    );

    // The invited staff member accepts and reaches the client through the agency role.
    let body = app.last_mail(&staff_email).await.body_text;
    let token = token_in(&body);
    let staff_scope = cadence::team::accept(&app.db, home, &token, staff_id, &staff_email, &meta)
        .await
        .unwrap();
    assert_eq!(staff_scope.tenant_id().0, home);
    let sp = principal(&app, staff_id).await;
    assert!(sp.bindings.iter().any(
        |b| b.role == "agency_member" && matches!(b.scope, access::BindingScope::Agency { .. })
    ));
    let staff_in_client = access::enter_tenant(&catalog, &sp, client).unwrap();
    assert!(
        access::authorize(
            &app.db,
            &catalog,
            &sp,
            &staff_in_client,
            "catalog.write",
            &meta
        )
        .await
        .is_ok()
    );
    // A member manages no agency: adding a client is refused.
    let staff_home = access::enter_tenant(&catalog, &sp, TenantId(home)).unwrap();
    let e = cadence::agency::create_client(
        &app.db,
        &catalog,
        &sp,
        &staff_home,
        &cadence::agency::NewClient {
            slug: &random_slug(),
            name: "Sneaky",
            currency: "USD",
            time_zone: "UTC",
        },
        "",
        &meta,
        "http://cadence.test",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("agency.manage"), "{e}");
    // The agency's team page lists its staff with their agency role.
    let team = cadence::team::members(&app.db, &home_scope).await.unwrap();
    assert!(
        team.iter()
            .any(|m| m.user_id == staff_id && m.scope_kind == "agency")
    );

    // The founder adds a second client with its owner invited.
    let second = random_slug();
    let owner_email = random_email();
    let id = cadence::agency::create_client(
        &app.db,
        &catalog,
        &p,
        &home_scope,
        &cadence::agency::NewClient {
            slug: &second,
            name: "Second Client",
            currency: "KWD",
            time_zone: "Asia/Kuwait",
        },
        &owner_email,
        &meta,
        "http://cadence.test",
    )
    .await
    .unwrap();
    assert!(
        app.last_mail(&owner_email)
            .await
            .body_text
            .contains(&id.to_string())
    );
    let e = cadence::agency::create_client(
        &app.db,
        &catalog,
        &principal(&app, founder).await,
        &home_scope,
        &cadence::agency::NewClient {
            slug: &second,
            name: "Again",
            currency: "USD",
            time_zone: "UTC",
        },
        "",
        &meta,
        "http://cadence.test",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("already taken"), "{e}");
}

#[tokio::test]
async fn a_tenant_that_is_not_an_agency_creates_no_clients() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Plain Brand").await;
    let catalog = access::load_catalog(&app.db).await.unwrap();
    let p = principal(&app, m.user_id).await;
    let scope = access::enter_tenant(&catalog, &p, m.tenant.scope.tenant_id()).unwrap();
    let e = cadence::agency::create_client(
        &app.db,
        &catalog,
        &p,
        &scope,
        &cadence::agency::NewClient {
            slug: &random_slug(),
            name: "Nope",
            currency: "USD",
            time_zone: "UTC",
        },
        "",
        &RequestMeta::default(),
        "http://cadence.test",
    )
    .await
    .unwrap_err();
    // An owner holds no `agency.manage`: refused before anything is looked up.
    assert!(e.to_string().contains("agency.manage"), "{e}");
}

#[tokio::test]
async fn the_scoped_tenant_is_the_scope_s_own_for_a_member_of_several() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("First Co").await;
    let second = cadence::tenancy::create_tenant_owned_by(
        &app.db,
        &TenantSlug::parse(&random_slug()).unwrap(),
        "Second Co",
        m.user_id,
    )
    .await
    .unwrap();
    let catalog = access::load_catalog(&app.db).await.unwrap();
    let p = principal(&app, m.user_id).await;
    for t in [&m.tenant, &second] {
        let scope = access::enter_tenant(&catalog, &p, t.scope.tenant_id()).unwrap();
        let got = cadence::tenancy::scoped_tenant(&app.db, &scope)
            .await
            .unwrap();
        assert_eq!(got.name, t.name);
    }
}

#[tokio::test]
async fn one_user_never_reads_another_s_wizard() {
    let app = TestApp::spawn().await;
    let (a, _) = app.verified_user("A").await;
    let (b, _) = app.verified_user("B").await;
    saved(
        step(
            &app,
            a,
            "profile",
            fields(&[("profile_type", "brand")]),
            Go::Next,
        )
        .await
        .unwrap(),
    );
    let mut c = app.app_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.user_id', $1, true)")
        .bind(b.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let seen: i64 = sqlx::query_scalar("select count(*) from onboarding_progress")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 0);
    let changed = sqlx::query("update onboarding_progress set step = 'x'")
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 0);
    assert_eq!(onboarding::load(&app.db, b).await.unwrap().step, "profile");
}
