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
    logo_media_id: Option<uuid::Uuid>,
    brand_color: Option<String>,
    header_color: Option<String>,
    social_links: sqlx::types::Json<std::collections::BTreeMap<String, String>>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    language: String,
}

/// Reads the scoped tenant's storefront profile inside an open tenant transaction.
pub async fn load_profile(
    tx: &mut sqlx::PgConnection,
    tenant: &ResolvedTenant,
) -> Result<StorefrontProfile> {
    let row: Option<ProfileRow> = sqlx::query_as(
        "select display_name, tagline, about, logo_media_id, brand_color, header_color,
                social_links, contact_email, contact_phone, language
           from storefront_settings",
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(match row {
        Some(r) => StorefrontProfile {
            slug: tenant.slug.clone(),
            display_name: r.display_name,
            tagline: r.tagline,
            about: r.about,
            logo_id: r.logo_media_id,
            brand_color: r.brand_color,
            header_color: r.header_color,
            social_links: super::ordered_links(&r.social_links.0),
            contact_email: r.contact_email,
            contact_phone: r.contact_phone,
            language: r.language,
        },
        None => StorefrontProfile::fallback(&tenant.slug, &tenant.name),
    })
}

/// The storefront profile of the scoped tenant; falls back to the tenant's name when none is saved.
#[tracing::instrument(name = "Load the storefront profile", skip(db, tenant), fields(tenant_id = %tenant.scope.tenant_id()))]
pub async fn profile(db: &Database, tenant: &ResolvedTenant) -> Result<StorefrontProfile> {
    let mut tx = db.tenant_tx(&tenant.scope).await?;
    let p = load_profile(&mut tx, tenant).await?;
    tx.commit().await?;
    Ok(p)
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
    crate::commerce::forget_storefront(db, scope.tenant_id());
    Ok(())
}

/// What staff edit on the storefront settings page.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct StorefrontSettings {
    pub display_name: String,
    pub tagline: String,
    pub about: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub published: bool,
    /// Set by uploading (see `media::upload`); read-only here.
    pub logo_id: Option<uuid::Uuid>,
    /// `#rrggbb`, or empty for the default.
    pub brand_color: String,
    pub header_color: String,
    /// (network, address) pairs; empty addresses are dropped.
    pub social_links: Vec<(String, String)>,
    /// The storefront's currency (the tenant's): new catalog prices are in it.
    pub currency: String,
    /// "en" or "ar".
    pub language: String,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    display_name: String,
    tagline: String,
    about: String,
    contact_email: String,
    contact_phone: String,
    published: bool,
    logo_media_id: Option<uuid::Uuid>,
    brand_color: String,
    header_color: String,
    social_links: sqlx::types::Json<std::collections::BTreeMap<String, String>>,
    currency: String,
    language: String,
}

/// The scoped tenant's storefront settings (defaults from the tenant when none are saved).
pub async fn settings(db: &Database, scope: &TenantScope) -> Result<StorefrontSettings> {
    let mut tx = db.tenant_tx(scope).await?;
    let r: SettingsRow = sqlx::query_as(
        "select coalesce(s.display_name, t.name) as display_name, coalesce(s.tagline, '') as tagline,
                coalesce(s.about, '') as about, coalesce(s.contact_email, '') as contact_email,
                coalesce(s.contact_phone, '') as contact_phone, t.storefront_published as published,
                s.logo_media_id, coalesce(s.brand_color, '') as brand_color,
                coalesce(s.header_color, '') as header_color,
                coalesce(s.social_links, '{}'::jsonb) as social_links, t.currency,
                coalesce(s.language, 'en') as language
           from tenants t left join storefront_settings s on s.tenant_id = t.id
          where t.id = app_current_tenant()",
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(StorefrontSettings {
        display_name: r.display_name,
        tagline: r.tagline,
        about: r.about,
        contact_email: r.contact_email,
        contact_phone: r.contact_phone,
        published: r.published,
        logo_id: r.logo_media_id,
        brand_color: r.brand_color,
        header_color: r.header_color,
        social_links: super::ordered_links(&r.social_links.0),
        currency: r.currency,
        language: r.language,
    })
}

/// Settings checked and normalised for storing.
struct Checked {
    brand_color: Option<String>,
    header_color: Option<String>,
    social: std::collections::BTreeMap<String, String>,
    currency: crate::money::Currency,
    language: String,
}

fn check(s: &StorefrontSettings) -> Result<Checked> {
    use crate::Error;
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
    if !crate::commerce::valid_phone(s.contact_phone.trim()) {
        return Err(Error::Validation(
            "Enter a phone number with digits, spaces, + - ( ) only.".into(),
        ));
    }
    let color = |raw: &str, brand: bool| -> Result<Option<String>> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        let c = if brand {
            super::check_brand_color(raw)
        } else {
            super::parse_color(raw)
        };
        c.map(Some).map_err(Error::Validation)
    };
    let mut social = std::collections::BTreeMap::new();
    for (network, url) in &s.social_links {
        if url.trim().is_empty() {
            continue;
        }
        let url = super::check_social_link(network, url).map_err(Error::Validation)?;
        social.insert(network.clone(), url);
    }
    let currency = crate::money::Currency::parse(&s.currency).map_err(|_| {
        Error::Validation(format!(
            "“{}” is not a currency we support.",
            s.currency.trim()
        ))
    })?;
    if !super::LANGUAGES.iter().any(|(c, _, _)| *c == s.language) {
        return Err(Error::Validation(
            "Choose English or Arabic for the storefront.".into(),
        ));
    }
    Ok(Checked {
        brand_color: color(&s.brand_color, true)?,
        header_color: color(&s.header_color, false)?,
        social,
        currency,
        language: s.language.clone(),
    })
}

/// Saves the storefront settings and the publish switch. Needs `storefront.manage`; audited. The
/// currency changes only while no live catalog item is priced in another currency.
#[tracing::instrument(name = "Save the storefront settings", skip_all, fields(tenant_id = %who.scope.tenant_id()))]
pub async fn save_settings(
    db: &Database,
    who: &crate::commerce::Staff<'_>,
    s: &StorefrontSettings,
) -> Result<()> {
    use crate::Error;
    who.authorize(db, "storefront.manage").await?;
    let c = check(s)?;
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let mut tx = db.tenant_tx(who.scope).await?;
    let other_currency: i64 = sqlx::query_scalar(
        "select count(*) from catalog_items where archived_at is null and currency <> $1",
    )
    .bind(c.currency.code())
    .fetch_one(&mut *tx)
    .await?;
    if other_currency > 0 {
        return Err(Error::Validation(format!(
            "{other_currency} catalog item{} priced in another currency. Archive or re-price {} before switching the storefront to {}.",
            if other_currency == 1 { " is" } else { "s are" },
            if other_currency == 1 { "it" } else { "them" },
            c.currency.code()
        )));
    }
    sqlx::query(
        "insert into storefront_settings (tenant_id, display_name, tagline, about, contact_email,
                contact_phone, brand_color, header_color, social_links, language)
         values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (tenant_id) do update
           set display_name = excluded.display_name, tagline = excluded.tagline, about = excluded.about,
               contact_email = excluded.contact_email, contact_phone = excluded.contact_phone,
               brand_color = excluded.brand_color, header_color = excluded.header_color,
               social_links = excluded.social_links, language = excluded.language,
               updated_at = now()",
    )
    .bind(s.display_name.trim())
    .bind(opt(&s.tagline))
    .bind(opt(&s.about))
    .bind(opt(&s.contact_email))
    .bind(opt(&s.contact_phone))
    .bind(&c.brand_color)
    .bind(&c.header_color)
    .bind(sqlx::types::Json(&c.social))
    .bind(&c.language)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update tenants set storefront_published = $1, currency = $2 where id = app_current_tenant()",
    )
    .bind(s.published)
    .bind(c.currency.code())
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
    crate::commerce::forget_storefront(db, who.scope.tenant_id());
    Ok(())
}
