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

/// What staff edit on the storefront settings page.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct StorefrontSettings {
    pub display_name: String,
    pub tagline: String,
    pub about: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub published: bool,
}

/// The scoped tenant's storefront settings (defaults from the tenant when none are saved).
pub async fn settings(db: &Database, scope: &TenantScope) -> Result<StorefrontSettings> {
    let mut tx = db.tenant_tx(scope).await?;
    let row: StorefrontSettings = sqlx::query_as(
        "select coalesce(s.display_name, t.name) as display_name, coalesce(s.tagline, '') as tagline,
                coalesce(s.about, '') as about, coalesce(s.contact_email, '') as contact_email,
                coalesce(s.contact_phone, '') as contact_phone, t.storefront_published as published
           from tenants t left join storefront_settings s on s.tenant_id = t.id
          where t.id = app_current_tenant()",
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Saves the storefront settings and the publish switch. Needs `storefront.manage`; audited.
#[tracing::instrument(name = "Save the storefront settings", skip_all, fields(tenant_id = %who.scope.tenant_id()))]
pub async fn save_settings(
    db: &Database,
    who: &crate::commerce::Staff<'_>,
    s: &StorefrontSettings,
) -> Result<()> {
    use crate::Error;
    crate::access::authorize(
        db,
        who.catalog,
        who.principal,
        who.scope,
        "storefront.manage",
        who.meta,
    )
    .await?;
    let name = s.display_name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::Validation(
            "The storefront name needs 1 to 120 characters.".into(),
        ));
    }
    if s.tagline.trim().chars().count() > 200 {
        return Err(Error::Validation(
            "The tagline is longer than 200 characters.".into(),
        ));
    }
    if s.about.trim().chars().count() > 5000 {
        return Err(Error::Validation(
            "The about text is longer than 5,000 characters.".into(),
        ));
    }
    let email = s.contact_email.trim();
    if !email.is_empty() {
        crate::auth::Email::parse(email).map_err(Error::Validation)?;
    }
    let phone = s.contact_phone.trim();
    if !crate::commerce::valid_phone(phone) {
        return Err(Error::Validation(
            "Enter a phone number with digits, spaces, + - ( ) only.".into(),
        ));
    }
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let mut tx = db.tenant_tx(who.scope).await?;
    sqlx::query(
        "insert into storefront_settings (tenant_id, display_name, tagline, about, contact_email, contact_phone)
         values (app_current_tenant(), $1, $2, $3, $4, $5)
         on conflict (tenant_id) do update
           set display_name = excluded.display_name, tagline = excluded.tagline, about = excluded.about,
               contact_email = excluded.contact_email, contact_phone = excluded.contact_phone,
               updated_at = now()",
    )
    .bind(name)
    .bind(opt(&s.tagline))
    .bind(opt(&s.about))
    .bind(opt(email))
    .bind(opt(phone))
    .execute(&mut *tx)
    .await?;
    sqlx::query("update tenants set storefront_published = $1 where id = app_current_tenant()")
        .bind(s.published)
        .execute(&mut *tx)
        .await?;
    crate::audit::record(
        &mut tx,
        who.meta,
        crate::audit::AuditEvent::new("storefront.settings", crate::audit::Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(if s.published {
                "published"
            } else {
                "unpublished"
            }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
