//! Platform administration through the platform door: the tenants list with usage, suspension and
//! reactivation, plans. Every change is audited in the tenant's own log.

use crate::access::{Decision, Principal, RoleCatalog, Target, decide};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::{TenantId, forget_tenant};
use crate::{Error, Result};
use uuid::Uuid;

/// Proof that a user holds a platform privilege (made only by [`PlatformStaff::authorize`]).
#[derive(Clone, Debug)]
pub struct PlatformStaff {
    user_id: Uuid,
    can_manage: bool,
    can_impersonate: bool,
}

impl PlatformStaff {
    /// Platform staff with `privilege`; anyone else gets "not found" (the area does not exist for
    /// them), staff without it get the policy's explanation.
    pub fn authorize(
        catalog: &RoleCatalog,
        principal: &Principal,
        privilege: &str,
    ) -> Result<Self> {
        match decide(catalog, principal, privilege, Target::Platform) {
            Decision::Allow { .. } => {
                let has = |p: &str| {
                    matches!(
                        decide(catalog, principal, p, Target::Platform),
                        Decision::Allow { .. }
                    )
                };
                Ok(Self {
                    user_id: principal.user_id,
                    can_manage: has("platform.tenants.manage"),
                    can_impersonate: has("platform.impersonate"),
                })
            }
            Decision::NotFound => Err(Error::NotFound),
            Decision::Deny(d) => Err(Error::Forbidden(d.explain())),
        }
    }

    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn can_manage(&self) -> bool {
        self.can_manage
    }

    pub fn can_impersonate(&self) -> bool {
        self.can_impersonate
    }

    fn require_manage(&self) -> Result<()> {
        if self.can_manage {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "suspending tenants and changing plans needs the platform.tenants.manage privilege"
                    .into(),
            ))
        }
    }
}

/// Every tenant id (for maintenance such as key rotation).
pub(crate) async fn all_tenant_ids(db: &Database) -> Result<Vec<Uuid>> {
    let mut tx = db.platform_tx(None, None).await?;
    let ids = sqlx::query_scalar("select id from tenants order by created_at")
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(ids)
}

/// A tenant as the platform's list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TenantAdminRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub status: String,
    pub plan: String,
    /// The tenant's own feature and limit overrides, as JSON.
    pub overrides: serde_json::Value,
    pub profile_type: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub suspended_reason: Option<String>,
    pub suspended_at: Option<chrono::DateTime<chrono::Utc>>,
    pub members: i64,
    pub records: i64,
    pub storage_bytes: i64,
    pub last_activity: Option<chrono::DateTime<chrono::Utc>>,
}

/// What the list asks for.
#[derive(Clone, Debug, Default)]
pub struct TenantFilter {
    pub query: String,
    /// "active", "suspended" or empty for both.
    pub status: String,
    pub page: u32,
    pub per_page: u32,
}

/// One page of tenants (by name) with usage, and how many match in all.
pub async fn list_tenants(
    db: &Database,
    staff: &PlatformStaff,
    filter: &TenantFilter,
) -> Result<(Vec<TenantAdminRow>, i64)> {
    let per_page = filter.per_page.clamp(1, 100) as i64;
    let offset = filter.page as i64 * per_page;
    let pattern = format!("%{}%", crate::db::escape_like(filter.query.trim()));
    let status = match filter.status.as_str() {
        "active" | "suspended" => Some(filter.status.clone()),
        _ => None,
    };
    let mut tx = db.platform_tx(Some(staff.user_id), None).await?;
    let total: i64 = sqlx::query_scalar(
        "select count(*) from tenants
          where (name ilike $1 or slug ilike $1) and ($2::text is null or status = $2)",
    )
    .bind(&pattern)
    .bind(&status)
    .fetch_one(&mut *tx)
    .await?;
    let rows = sqlx::query_as(
        "with page as (
            select * from tenants
             where (name ilike $1 or slug ilike $1) and ($2::text is null or status = $2)
             order by lower(name), id limit $3 offset $4)
         select p.id, p.slug, p.name, p.status, p.plan, p.overrides, p.profile_type, p.created_at,
                p.suspended_reason, p.suspended_at,
                coalesce(u.members, 0) as members, coalesce(u.records, 0) as records,
                coalesce(u.storage_bytes, 0) as storage_bytes, u.last_activity
           from page p
           left join platform_tenant_usage((select array_agg(id) from page)) u on u.tenant_id = p.id
          order by lower(p.name), p.id",
    )
    .bind(&pattern)
    .bind(&status)
    .bind(per_page)
    .bind(offset)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((rows, total))
}

/// Suspends a tenant (with a reason) or reactivates it (reason `None`). Nothing is deleted: its
/// storefront shows "unavailable", its API answers 403 and its members see a notice.
#[tracing::instrument(name = "Suspend or reactivate a tenant", skip(db, staff, meta))]
pub async fn set_suspended(
    db: &Database,
    staff: &PlatformStaff,
    tenant: Uuid,
    reason: Option<&str>,
    meta: &RequestMeta,
) -> Result<()> {
    staff.require_manage()?;
    let mut tx = db.platform_tx(Some(staff.user_id), Some(tenant)).await?;
    let (status, action) = match reason {
        Some(_) => ("suspended", "tenant.suspended"),
        None => ("active", "tenant.reactivated"),
    };
    let changed = sqlx::query(
        "update tenants set status = $2, suspended_reason = $3,
                suspended_at = case when $2 = 'suspended' then now() end,
                suspended_by = case when $2 = 'suspended' then $4::uuid end
          where id = $1 and status <> $2",
    )
    .bind(tenant)
    .bind(status)
    .bind(reason)
    .bind(staff.user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        let exists: bool =
            sqlx::query_scalar("select exists (select 1 from tenants where id = $1)")
                .bind(tenant)
                .fetch_one(&mut *tx)
                .await?;
        return Err(if exists {
            Error::Validation(format!("The tenant is already {status}."))
        } else {
            Error::NotFound
        });
    }
    let mut e = AuditEvent::new(action, Outcome::Success)
        .tenant(tenant)
        .actor(staff.user_id);
    if let Some(r) = reason {
        e = e.reason(r);
    }
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    forget_tenant(TenantId(tenant));
    Ok(())
}

/// Moves a tenant to another plan, with its overrides (`{"features": {...}, "limits": {...}}`).
pub async fn set_plan(
    db: &Database,
    staff: &PlatformStaff,
    tenant: Uuid,
    plan: &str,
    overrides: &serde_json::Value,
    meta: &RequestMeta,
) -> Result<()> {
    staff.require_manage()?;
    if !overrides.is_object() {
        return Err(Error::Validation("Overrides must be a JSON object.".into()));
    }
    let mut tx = db.platform_tx(Some(staff.user_id), Some(tenant)).await?;
    let known: bool = sqlx::query_scalar("select exists (select 1 from plans where name = $1)")
        .bind(plan)
        .fetch_one(&mut *tx)
        .await?;
    if !known {
        return Err(Error::Validation(format!(
            "There is no plan called {plan}."
        )));
    }
    let changed = sqlx::query(
        "update tenants set plan = $2, overrides = $3
          where id = $1 and (plan <> $2 or overrides <> $3)",
    )
    .bind(tenant)
    .bind(plan)
    .bind(overrides)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        // Nothing to change (and nothing to audit), or no such tenant.
        let exists: bool =
            sqlx::query_scalar("select exists (select 1 from tenants where id = $1)")
                .bind(tenant)
                .fetch_one(&mut *tx)
                .await?;
        return if exists { Ok(()) } else { Err(Error::NotFound) };
    }
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("tenant.plan_changed", Outcome::Success)
            .tenant(tenant)
            .actor(staff.user_id)
            .target(plan)
            .reason(overrides.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A member of a tenant, for the platform admin's "request access" list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TenantMember {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: String,
}

pub async fn tenant_members(
    db: &Database,
    staff: &PlatformStaff,
    tenant: Uuid,
) -> Result<Vec<TenantMember>> {
    let mut tx = db.platform_tx(Some(staff.user_id), Some(tenant)).await?;
    let rows = sqlx::query_as(
        "select u.id as user_id, u.display_name, u.email, b.role
           from role_bindings b join users u on u.id = b.user_id
          where b.tenant_id = $1 and b.scope_kind = 'tenant'
          order by u.display_name",
    )
    .bind(tenant)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Whether the scoped tenant is suspended, and why (for the members' notice).
pub async fn suspension(
    db: &Database,
    scope: &crate::tenancy::TenantScope,
) -> Result<Option<String>> {
    let mut tx = db.tenant_tx(scope).await?;
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "select status, suspended_reason from tenants where id = app_current_tenant()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(match row {
        Some((s, reason)) if s == "suspended" => Some(reason.unwrap_or_default()),
        _ => None,
    })
}

/// Grants a platform role (Cadence staff) to a user. Runs as the database owner, outside the
/// application: platform roles are never granted through the app. Idempotent.
pub async fn grant_platform_role(owner_url: &str, email: &str, role: &str) -> Result<Uuid> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(owner_url).await?;
    let kind: Option<String> = sqlx::query_scalar("select scope_kind from roles where name = $1")
        .bind(role)
        .fetch_optional(&mut conn)
        .await?;
    if kind.as_deref() != Some("platform") {
        return Err(Error::Validation(format!("{role} is not a platform role.")));
    }
    let user: Uuid = sqlx::query_scalar("select id from users where lower(email) = lower($1)")
        .bind(email.trim())
        .fetch_optional(&mut conn)
        .await?
        .ok_or_else(|| Error::Validation(format!("No account uses {email}; sign up first.")))?;
    sqlx::query(
        "insert into role_bindings (id, user_id, scope_kind, role)
         values ($1, $2, 'platform', $3) on conflict do nothing",
    )
    .bind(Uuid::now_v7())
    .bind(user)
    .bind(role)
    .execute(&mut conn)
    .await?;
    sqlx::query(
        "insert into audit_log (id, actor_user_id, action, target, outcome, reason)
         values ($1, null, 'platform.role_granted', $2, 'success', 'granted with the owner role')",
    )
    .bind(Uuid::now_v7())
    .bind(format!("{role} to {email}"))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(user)
}
