//! The tenant directory: finding a tenant by slug (storefront Host resolution) and creating tenants.

use super::{SlugAvailability, TenantId, TenantScope, TenantSlug, TenantStatus};
use crate::db::Database;
use crate::{Error, Result};
use uuid::Uuid;

/// A tenant found by its slug, with the scope that opens its data.
#[derive(Clone, Debug)]
pub struct ResolvedTenant {
    pub scope: TenantScope,
    pub slug: String,
    pub name: String,
    pub status: TenantStatus,
    /// Whether the storefront is open to visitors.
    pub published: bool,
}

#[derive(sqlx::FromRow)]
struct TenantRow {
    id: Uuid,
    slug: String,
    name: String,
    status: String,
    published: bool,
}

impl TenantRow {
    fn into_resolved(self) -> ResolvedTenant {
        ResolvedTenant {
            scope: TenantScope::new(TenantId(self.id), None),
            slug: self.slug,
            name: self.name,
            status: if self.status == "suspended" {
                TenantStatus::Suspended
            } else {
                TenantStatus::Active
            },
            published: self.published,
        }
    }
}

/// Looks a tenant up by slug for the public storefront (anonymous visitors).
#[tracing::instrument(name = "Resolve a storefront's tenant by slug", skip(db))]
pub async fn resolve_by_slug(db: &Database, slug: &str) -> Result<Option<ResolvedTenant>> {
    let Ok(slug) = TenantSlug::parse(slug) else {
        return Ok(None);
    };
    let row: Option<TenantRow> =
        sqlx::query_as("select id, slug, name, status, published from tenant_directory($1)")
            .bind(slug.as_str())
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(TenantRow::into_resolved))
}

/// The storefront's view of the directory: [`resolve_by_slug`] remembered for a few seconds (every
/// storefront request resolves its Host, so this is the hottest read). Unknown slugs are
/// remembered too; [`forget_tenant`] and tenant creation drop the entries at once.
pub async fn resolve_storefront(db: &Database, slug: &str) -> Result<Option<ResolvedTenant>> {
    if let Some(hit) = DIRECTORY.get(&slug.to_ascii_lowercase()) {
        return Ok(hit);
    }
    let found = resolve_by_slug(db, slug).await?;
    DIRECTORY.insert(slug.to_ascii_lowercase(), found.clone());
    Ok(found)
}

static DIRECTORY: std::sync::LazyLock<crate::cache::TtlCache<String, Option<ResolvedTenant>>> =
    std::sync::LazyLock::new(|| {
        crate::cache::TtlCache::new(std::time::Duration::from_secs(5), 10_000)
    });

/// Drops what this process remembers of a tenant (after its status, name or publication changed).
pub fn forget_tenant(id: TenantId) {
    DIRECTORY.forget_where(|_, t| t.as_ref().is_some_and(|t| t.scope.tenant_id() == id));
}

/// Drops everything this process remembers of the directory (after change notices were lost).
pub fn forget_all_tenants() {
    DIRECTORY.clear();
}

/// Drops what this process remembers of a slug (after a tenant was created with it).
pub fn forget_slug(slug: &str) {
    DIRECTORY.forget_where(|k, _| k == slug);
}

/// Says whether a slug can still be claimed, with the reason when it cannot.
#[tracing::instrument(name = "Check whether a slug is available", skip(db))]
pub async fn slug_availability(db: &Database, input: &str) -> Result<SlugAvailability> {
    let slug = match TenantSlug::parse(input) {
        Ok(slug) => slug,
        Err(e) => {
            return Ok(SlugAvailability::Invalid {
                reason: e.to_string(),
            });
        }
    };
    let taken: bool = sqlx::query_scalar("select exists(select 1 from tenant_directory($1))")
        .bind(slug.as_str())
        .fetch_one(db.pool())
        .await?;
    let slug = slug.to_string();
    Ok(if taken {
        SlugAvailability::Taken { slug }
    } else {
        SlugAvailability::Available { slug }
    })
}

/// Creates a tenant (used by the demo seed now, by onboarding later). A taken slug is a validation
/// error, not a database error.
#[tracing::instrument(name = "Create a tenant", skip(db))]
pub async fn create_tenant(db: &Database, slug: &TenantSlug, name: &str) -> Result<ResolvedTenant> {
    create(db, slug, name, None).await
}

/// Creates a tenant and makes `owner` its owner, in one transaction.
#[tracing::instrument(name = "Create a tenant with its owner", skip(db))]
pub async fn create_tenant_owned_by(
    db: &Database,
    slug: &TenantSlug,
    name: &str,
    owner: Uuid,
) -> Result<ResolvedTenant> {
    create(db, slug, name, Some(owner)).await
}

async fn create(
    db: &Database,
    slug: &TenantSlug,
    name: &str,
    owner: Option<Uuid>,
) -> Result<ResolvedTenant> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::Validation(
            "A tenant name needs 1 to 120 characters.".into(),
        ));
    }
    let id = Uuid::now_v7();
    let mut tx = db.pool().begin().await?;
    // The new tenant's own scope lets the insert pass the row-level policy on its own row.
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query("insert into tenants (id, slug, name) values ($1, $2, $3)")
        .bind(id)
        .bind(slug.as_str())
        .bind(name)
        .execute(&mut *tx)
        .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("tenants_slug_key") => {
            return Err(Error::Validation(format!(
                "The address {slug} is already taken."
            )));
        }
        other => {
            other?;
        }
    }
    if let Some(owner) = owner {
        sqlx::query(
            "insert into role_bindings (id, user_id, scope_kind, tenant_id, role) values ($1, $2, 'tenant', $3, 'owner')",
        )
        .bind(Uuid::now_v7())
        .bind(owner)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    forget_slug(slug.as_str());
    Ok(ResolvedTenant {
        scope: TenantScope::new(TenantId(id), owner),
        slug: slug.to_string(),
        name: name.to_string(),
        status: TenantStatus::Active,
        published: true,
    })
}

/// The scoped tenant's own registry row (name, slug, status).
pub async fn scoped_tenant(db: &Database, scope: &TenantScope) -> Result<ResolvedTenant> {
    let mut tx = db.tenant_tx(scope).await?;
    // The scope's own row: with a user set, RLS also shows the other tenants that user belongs to
    // (for the switcher), so the filter is needed, not decoration.
    let row: Option<TenantRow> = sqlx::query_as(
        "select id, slug, name, status, storefront_published as published from tenants where id = app_current_tenant()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut t = row.ok_or(Error::NotFound)?.into_resolved();
    t.scope = scope.clone();
    Ok(t)
}
