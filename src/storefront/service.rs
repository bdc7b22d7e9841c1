//! Storefront rules and SQL: reading and saving a tenant's storefront profile through the tenant door.

use super::StorefrontProfile;
use crate::Result;
use crate::db::Database;
use crate::tenancy::{ResolvedTenant, TenantScope};

#[derive(sqlx::FromRow)]
struct ProfileRow {
    display_name: String,
    tagline: Option<String>,
    about: Option<String>,
}

/// The storefront profile of the scoped tenant; falls back to the tenant's name when none is saved.
#[tracing::instrument(name = "Load the storefront profile", skip(db, tenant), fields(tenant_id = %tenant.scope.tenant_id()))]
pub async fn profile(db: &Database, tenant: &ResolvedTenant) -> Result<StorefrontProfile> {
    let mut tx = db.tenant_tx(&tenant.scope).await?;
    let row: Option<ProfileRow> =
        sqlx::query_as("select display_name, tagline, about from storefront_settings")
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(match row {
        Some(r) => StorefrontProfile {
            slug: tenant.slug.clone(),
            display_name: r.display_name,
            tagline: r.tagline,
            about: r.about,
        },
        None => StorefrontProfile {
            slug: tenant.slug.clone(),
            display_name: tenant.name.clone(),
            tagline: None,
            about: None,
        },
    })
}

/// Saves the scoped tenant's storefront profile (insert or update).
#[tracing::instrument(name = "Save the storefront profile", skip(db, scope), fields(tenant_id = %scope.tenant_id()))]
pub async fn save_profile(
    db: &Database,
    scope: &TenantScope,
    display_name: &str,
    tagline: Option<&str>,
    about: Option<&str>,
) -> Result<()> {
    let mut tx = db.tenant_tx(scope).await?;
    sqlx::query(
        "insert into storefront_settings (tenant_id, display_name, tagline, about)
         values ($1, $2, $3, $4)
         on conflict (tenant_id) do update
           set display_name = excluded.display_name, tagline = excluded.tagline,
               about = excluded.about, updated_at = now()",
    )
    .bind(scope.tenant_id().0)
    .bind(display_name)
    .bind(tagline)
    .bind(about)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
