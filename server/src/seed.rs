//! Demo data: the `demo` tenant and its storefront, created idempotently through the core.

use cadence::db::Database;
use cadence::tenancy::{TenantSlug, create_tenant, resolve_by_slug};

pub const DEMO_SLUG: &str = "demo";

/// Creates the demo tenant unless it exists, and (re)writes its storefront profile.
pub async fn seed_demo(db: &Database) -> anyhow::Result<()> {
    let slug = TenantSlug::parse(DEMO_SLUG).expect("the demo slug is valid");
    let tenant = match resolve_by_slug(db, DEMO_SLUG).await? {
        Some(t) => {
            tracing::info!(tenant_id = %t.scope.tenant_id(), "the demo tenant already exists");
            t
        }
        None => {
            let t = create_tenant(db, &slug, "Blue Mountain Roasters").await?;
            tracing::info!(tenant_id = %t.scope.tenant_id(), "created the demo tenant");
            t
        }
    };
    cadence::storefront::save_profile(
        db,
        &tenant.scope,
        "Blue Mountain Roasters",
        Some("Single-estate coffee from the hills of St. Andrew, roasted to order."),
        Some("We work with twelve family farms above 1,500 metres and roast every order within 48 hours. Subscriptions, gifts and wholesale for cafés across Jamaica."),
    )
    .await?;
    Ok(())
}
