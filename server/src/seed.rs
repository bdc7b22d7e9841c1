//! Demo data: the `demo` tenant with its storefront and a signed-up, verified owner, created
//! idempotently through the core.

use cadence::auth::{Email, NewPassword};
use cadence::db::Database;
use cadence::tenancy::{TenantSlug, create_tenant_owned_by, resolve_by_slug};

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_EMAIL: &str = "owner@demo.cadence.test";
pub const DEMO_PASSWORD: &str = "demo owner passphrase";
pub const DEMO_STAFF_EMAIL: &str = "support@cadence.test";
pub const DEMO_STAFF_PASSWORD: &str = "demo support passphrase";

/// Creates the demo owner and tenant unless they exist, and (re)writes the storefront profile.
pub async fn seed_demo(db: &Database) -> anyhow::Result<()> {
    let owner = ensure_demo_owner(db).await?;
    let slug = TenantSlug::parse(DEMO_SLUG).expect("the demo slug is valid");
    let tenant = match resolve_by_slug(db, DEMO_SLUG).await? {
        Some(t) => {
            tracing::info!(tenant_id = %t.scope.tenant_id(), "the demo tenant already exists");
            t
        }
        None => {
            let t = create_tenant_owned_by(db, &slug, "Blue Mountain Roasters", owner).await?;
            tracing::info!(tenant_id = %t.scope.tenant_id(), "created the demo tenant");
            t
        }
    };
    // A second tenant, so the demo owner has somewhere to switch to.
    if resolve_by_slug(db, "kitchen").await?.is_none() {
        let slug = TenantSlug::parse("kitchen").expect("valid");
        let kitchen = create_tenant_owned_by(db, &slug, "Kingston Kitchen", owner).await?;
        cadence::storefront::save_profile(
            db,
            &kitchen.scope,
            "Kingston Kitchen",
            Some("Jerk, patties and Sunday dinners, delivered across Kingston."),
            None,
        )
        .await?;
    }
    cadence::storefront::save_profile(
        db,
        &tenant.scope,
        "Blue Mountain Roasters",
        Some("Single-estate coffee from the hills of St. Andrew, roasted to order."),
        Some("We work with twelve family farms above 1,500 metres and roast every order within 48 hours. Subscriptions, gifts and wholesale for cafés across Jamaica."),
    )
    .await?;
    seed_catalog(db, owner, &tenant).await?;
    let catalog = cadence::access::load_catalog(db).await?;
    let principal = cadence::access::principal(db, owner).await?;
    let scope = cadence::access::enter_tenant(&catalog, &principal, tenant.scope.tenant_id())?;
    let meta = cadence::audit::RequestMeta::default();
    let who = cadence::commerce::Staff {
        catalog: &catalog,
        principal: &principal,
        scope: &scope,
        meta: &meta,
    };
    crate::seed_ads::seed(db, &who, chrono::Utc::now().date_naive()).await?;
    Ok(())
}

/// The demo storefront's catalog (only when it has none): coffees, a class and a campaign.
async fn seed_catalog(
    db: &Database,
    owner: cadence::Uuid,
    tenant: &cadence::tenancy::ResolvedTenant,
) -> anyhow::Result<()> {
    use cadence::commerce::{ItemInput, Staff, all_items, save_item};
    if !all_items(db, &tenant.scope).await?.is_empty() {
        return Ok(());
    }
    let catalog = cadence::access::load_catalog(db).await?;
    let principal = cadence::access::principal(db, owner).await?;
    let scope = cadence::access::enter_tenant(&catalog, &principal, tenant.scope.tenant_id())?;
    let meta = cadence::audit::RequestMeta::default();
    let who = Staff {
        catalog: &catalog,
        principal: &principal,
        scope: &scope,
        meta: &meta,
    };
    // Branding, contact and social links for the demo storefront (seeded with its catalog).
    let mut settings = cadence::storefront::settings(db, &scope).await?;
    settings.brand_color = "#7c2d12".into();
    settings.header_color = "#1c1917".into();
    settings.contact_email = "hello@bluemountain.example".into();
    settings.contact_phone = "+1 876 555 0142".into();
    settings.social_links = vec![
        (
            "instagram".into(),
            "https://www.instagram.com/bluemountainroasters".into(),
        ),
        (
            "facebook".into(),
            "https://www.facebook.com/bluemountainroasters".into(),
        ),
    ];
    cadence::storefront::save_settings(db, &who, &settings).await?;
    let items = [
        (
            "product",
            "Blue Mountain Peaberry, 250 g",
            "Bright, sweet and clean: the rare single-bean cherries of our highest farm, roasted medium.",
            "24.50",
            "",
        ),
        (
            "product",
            "Estate Espresso Blend, 1 kg",
            "Chocolate and orange peel. Built for milk drinks and café grinders.",
            "58.00",
            "",
        ),
        (
            "product",
            "Gift box: three origins",
            "Three 100 g tins from three parishes, with tasting notes.",
            "39.90",
            "",
        ),
        (
            "service",
            "Cupping class for two",
            "Ninety minutes at the roastery in Kingston: taste, score and take home a bag.",
            "45.00",
            "",
        ),
        (
            "donation",
            "Coffee farmers' hurricane fund",
            "Every dollar goes to replanting and drying beds for the families we buy from after this season's storms.",
            "",
            "10, 25, 50",
        ),
    ];
    for (i, (kind, title, description, price, suggested)) in items.iter().enumerate() {
        save_item(
            db,
            &who,
            None,
            &ItemInput {
                kind: kind.to_string(),
                title: title.to_string(),
                description: description.to_string(),
                price: price.to_string(),
                suggested_amounts: suggested.to_string(),
                min_amount: if *kind == "donation" {
                    "5".into()
                } else {
                    String::new()
                },
                goal: if *kind == "donation" {
                    "5000".into()
                } else {
                    String::new()
                },
                active: true,
                sort_order: i as i32,
            },
        )
        .await?;
    }
    Ok(())
}

/// The demo owner's account, signed up and verified like anyone's.
async fn ensure_demo_owner(db: &Database) -> anyhow::Result<cadence::Uuid> {
    let email = Email::parse(DEMO_EMAIL).expect("the demo email is valid");
    if let Some(id) = cadence::auth::user_id_by_email(db, &email).await? {
        return Ok(id);
    }
    let meta = cadence::audit::RequestMeta::default();
    let password = NewPassword::parse(DEMO_PASSWORD).expect("the demo password is valid");
    cadence::auth::sign_up(
        db,
        &email,
        "Demo Owner",
        &password,
        &meta,
        "http://localhost",
    )
    .await?;
    let id = cadence::auth::user_id_by_email(db, &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo owner was not created"))?;
    cadence::auth::mark_verified(db, id).await?;
    tracing::info!("demo owner: {DEMO_EMAIL} / {DEMO_PASSWORD}");
    Ok(id)
}

/// A Cadence staff account for trying the platform admin area (platform_admin).
pub async fn seed_demo_staff(db: &Database, owner_url: &str) -> anyhow::Result<()> {
    let email = Email::parse(DEMO_STAFF_EMAIL).expect("the staff email is valid");
    if cadence::auth::user_id_by_email(db, &email).await?.is_none() {
        let password =
            NewPassword::parse(DEMO_STAFF_PASSWORD).expect("the staff password is valid");
        cadence::auth::sign_up(
            db,
            &email,
            "Cadence Support",
            &password,
            &cadence::audit::RequestMeta::default(),
            "http://localhost",
        )
        .await?;
        let id = cadence::auth::user_id_by_email(db, &email)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the staff account was not created"))?;
        cadence::auth::mark_verified(db, id).await?;
    }
    let staff_id = cadence::admin::platform::grant_platform_role(
        owner_url,
        DEMO_STAFF_EMAIL,
        "platform_admin",
    )
    .await?;
    // The demo tenant is on the Agency plan, so every feature (and plenty of seats) can be tried.
    let catalog = cadence::access::load_catalog(db).await?;
    let principal = cadence::access::principal(db, staff_id).await?;
    let staff = cadence::admin::platform::PlatformStaff::authorize(
        &catalog,
        &principal,
        "platform.tenants.manage",
    )?;
    if let Some(demo) = resolve_by_slug(db, DEMO_SLUG).await? {
        cadence::admin::platform::set_plan(
            db,
            &staff,
            demo.scope.tenant_id().0,
            "agency",
            &serde_json::json!({}),
            &cadence::audit::RequestMeta::default(),
        )
        .await?;
    }
    tracing::info!("platform staff: {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD} (at /platform)");
    Ok(())
}
