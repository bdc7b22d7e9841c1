//! Loading the role catalog and principals from the database, entering a tenant, and the checks
//! every server function and route makes through [`decide`].

use super::{Binding, BindingScope, Decision, Principal, RoleCatalog, RoleDef, Target, decide};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::{TenantId, TenantScope};
use crate::{Error, Result};
use uuid::Uuid;

/// Reads every role and privilege (done once at start; they change only with migrations).
pub async fn load_catalog(db: &Database) -> Result<RoleCatalog> {
    let mut catalog = RoleCatalog::default();
    let roles: Vec<(String, String, i32)> =
        sqlx::query_as("select name, scope_kind, rank from roles")
            .fetch_all(db.pool())
            .await?;
    for (name, scope_kind, rank) in roles {
        catalog.roles.insert(
            name,
            RoleDef {
                scope_kind,
                rank,
                privileges: Default::default(),
            },
        );
    }
    let grants: Vec<(String, String)> =
        sqlx::query_as("select role, privilege from role_privileges")
            .fetch_all(db.pool())
            .await?;
    for (role, privilege) in grants {
        if let Some(r) = catalog.roles.get_mut(&role) {
            r.privileges.insert(privilege);
        }
    }
    catalog.privileges =
        sqlx::query_as::<_, (String, String)>("select name, description from privileges")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
    Ok(catalog)
}

/// scope kind, role, agency id and name, tenant id and name.
type BindingRow = (
    String,
    String,
    Option<Uuid>,
    Option<String>,
    Option<Uuid>,
    Option<String>,
);

/// A user's bindings (with the names of where they hold them) and their agencies' clients.
#[tracing::instrument(name = "Load a principal", skip(db))]
pub async fn principal(db: &Database, user_id: Uuid) -> Result<Principal> {
    let mut tx = db.user_tx(user_id).await?;
    let rows: Vec<BindingRow> = sqlx::query_as(
        "select b.scope_kind, b.role, b.agency_id, a.name, b.tenant_id, t.name
           from role_bindings b
           left join agencies a on a.id = b.agency_id
           left join tenants t on t.id = b.tenant_id
          where b.user_id = $1 and b.scope_kind <> 'workspace'",
    )
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let agency_clients: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "select c.agency_id, c.tenant_id from agency_clients c
          where c.agency_id in (select agency_id from role_bindings where user_id = $1 and agency_id is not null)
         union
         select a.id, a.home_tenant_id from agencies a
          where a.home_tenant_id is not null
            and a.id in (select agency_id from role_bindings where user_id = $1 and agency_id is not null)",
    )
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let bindings = rows
        .into_iter()
        .filter_map(|(kind, role, agency, agency_name, tenant, tenant_name)| {
            let scope = match kind.as_str() {
                "platform" => BindingScope::Platform,
                "agency" => BindingScope::Agency {
                    id: agency?,
                    name: agency_name.unwrap_or_default(),
                },
                _ => BindingScope::Tenant {
                    id: tenant?,
                    name: tenant_name.unwrap_or_default(),
                },
            };
            Some(Binding { scope, role })
        })
        .collect();
    Ok(Principal {
        user_id,
        bindings,
        agency_clients,
    })
}

/// Opens a tenant for a principal: their scope if they may see it, "not found" otherwise.
pub fn enter_tenant(
    catalog: &RoleCatalog,
    principal: &Principal,
    tenant: TenantId,
) -> Result<TenantScope> {
    match decide(catalog, principal, "tenant.read", Target::Tenant(tenant.0)) {
        Decision::Allow { .. } => Ok(TenantScope::new(tenant, Some(principal.user_id))),
        Decision::NotFound => Err(Error::NotFound),
        Decision::Deny(d) => Err(Error::Forbidden(d.explain())),
    }
}

/// Asks the policy whether the scope's user may use `privilege` in the scope's tenant. A denial is
/// audited (inside the tenant) and explained.
pub async fn authorize(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
    privilege: &str,
    meta: &RequestMeta,
) -> Result<()> {
    match decide(
        catalog,
        principal,
        privilege,
        Target::Tenant(scope.tenant_id().0),
    ) {
        Decision::Allow { .. } => Ok(()),
        Decision::NotFound => Err(Error::NotFound),
        Decision::Deny(d) => {
            let mut tx = db.tenant_tx(scope).await?;
            audit::record(
                &mut tx,
                meta,
                AuditEvent::new("access.denied", Outcome::Denied)
                    .tenant(scope.tenant_id().0)
                    .actor(principal.user_id)
                    .target(privilege)
                    .reason(d.explain()),
            )
            .await?;
            tx.commit().await?;
            Err(Error::Forbidden(d.explain()))
        }
    }
}

/// A tenant the user can enter, for the tenant switcher.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Membership {
    pub tenant_id: Uuid,
    pub slug: String,
    pub name: String,
    pub role: String,
    pub via_agency: Option<String>,
}

/// Every tenant the user holds a role in, directly or through an agency, by name.
pub async fn memberships(db: &Database, principal: &Principal) -> Result<Vec<Membership>> {
    search_memberships(db, principal, "", i64::MAX).await
}

/// The user's tenants whose name or slug contains `query` (case-insensitive), at most `limit`,
/// by name: the switcher searches on the server, so hundreds of tenants are never all loaded.
pub async fn search_memberships(
    db: &Database,
    principal: &Principal,
    query: &str,
    limit: i64,
) -> Result<Vec<Membership>> {
    let clients: Vec<Uuid> = principal.agency_clients.iter().map(|(_, t)| *t).collect();
    let mut tx = db.user_tx_with_tenants(principal.user_id, &clients).await?;
    let pattern = format!("%{}%", crate::db::escape_like(query.trim()));
    let list: Vec<Membership> = sqlx::query_as(
        "select tenant_id, slug, name, role, via_agency from (
         select distinct on (m.tenant_id) m.* from (
         select t.id as tenant_id, t.slug, t.name, b.role, null::text as via_agency
           from role_bindings b join tenants t on t.id = b.tenant_id
          where b.user_id = $1 and b.scope_kind = 'tenant'
         union all
         select t.id, t.slug, t.name, b.role, a.name
           from role_bindings b
           join agencies a on a.id = b.agency_id
           join agency_clients c on c.agency_id = b.agency_id
           join tenants t on t.id = c.tenant_id
          where b.user_id = $1 and b.scope_kind = 'agency'
         union all
         select t.id, t.slug, t.name, b.role, null::text
           from role_bindings b
           join agencies a on a.id = b.agency_id
           join tenants t on t.id = a.home_tenant_id
          where b.user_id = $1 and b.scope_kind = 'agency'
         ) m join roles r on r.name = m.role
          where m.name ilike $2 or m.slug ilike $2
          order by m.tenant_id, r.rank desc
         ) d order by d.name, d.tenant_id limit $3",
    )
    .bind(principal.user_id)
    .bind(pattern)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(list)
}

/// Changes the tenant role of a member of the scope's tenant. Needs `team.manage`, and nobody grants
/// a role above their own. Only an existing tenant binding changes: a person who is not a member
/// is "not found" (joining a tenant happens only by accepting an invitation).
#[tracing::instrument(name = "Grant a role", skip(db, catalog, principal, meta), fields(tenant_id = %scope.tenant_id()))]
pub async fn grant_role(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
    user: Uuid,
    role: &str,
    meta: &RequestMeta,
) -> Result<()> {
    authorize(db, catalog, principal, scope, "team.manage", meta).await?;
    let def = catalog
        .roles
        .get(role)
        .filter(|d| d.scope_kind == "tenant")
        .ok_or_else(|| Error::Validation(format!("`{role}` is not a tenant role.")))?;
    if def.rank > own_rank(catalog, principal, scope.tenant_id()) {
        return Err(Error::Forbidden(format!(
            "You cannot grant the {role} role: it is above your own."
        )));
    }
    let mut tx = db.tenant_tx(scope).await?;
    let current: Option<String> = sqlx::query_scalar(
        "select role from role_bindings where user_id = $1 and tenant_id = $2 and scope_kind = 'tenant'",
    )
    .bind(user)
    .bind(scope.tenant_id().0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(current) = current else {
        return Err(Error::NotFound);
    };
    if current == "owner" && role != "owner" {
        if own_rank(catalog, principal, scope.tenant_id())
            < catalog.roles.get("owner").map_or(i32::MAX, |d| d.rank)
        {
            return Err(Error::Forbidden(
                "Only an owner can change another owner's role.".into(),
            ));
        }
        let owners = owner_count(&mut tx, scope.tenant_id()).await?;
        if owners <= 1 {
            return Err(Error::Validation(
                "A tenant keeps at least one owner: make someone else owner first.".into(),
            ));
        }
    }
    // The binding read above is the one that changes; nothing is inserted.
    sqlx::query(
        "update role_bindings set role = $3, granted_by = $4
          where user_id = $1 and tenant_id = $2 and scope_kind = 'tenant'",
    )
    .bind(user)
    .bind(scope.tenant_id().0)
    .bind(role)
    .bind(principal.user_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("role.grant", Outcome::Success)
            .tenant(scope.tenant_id().0)
            .actor(principal.user_id)
            .target(format!("user:{user} role:{role}")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a user's role in the scope's tenant. Needs `team.manage`; the last owner stays.
#[tracing::instrument(name = "Revoke a role", skip(db, catalog, principal, meta), fields(tenant_id = %scope.tenant_id()))]
pub async fn revoke_role(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
    user: Uuid,
    meta: &RequestMeta,
) -> Result<()> {
    authorize(db, catalog, principal, scope, "team.manage", meta).await?;
    let mut tx = db.tenant_tx(scope).await?;
    let role: Option<String> = sqlx::query_scalar(
        "select role from role_bindings where user_id = $1 and tenant_id = $2 and scope_kind = 'tenant'",
    )
    .bind(user)
    .bind(scope.tenant_id().0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(role) = role else {
        return Err(Error::NotFound);
    };
    if role == "owner" {
        let owners = owner_count(&mut tx, scope.tenant_id()).await?;
        if owners <= 1 {
            return Err(Error::Validation(
                "A tenant keeps at least one owner.".into(),
            ));
        }
    }
    if catalog.roles.get(&role).map_or(0, |d| d.rank)
        > own_rank(catalog, principal, scope.tenant_id())
    {
        return Err(Error::Forbidden(format!(
            "You cannot remove the {role} role: it is above your own."
        )));
    }
    sqlx::query(
        "delete from role_bindings where user_id = $1 and tenant_id = $2 and scope_kind = 'tenant'",
    )
    .bind(user)
    .bind(scope.tenant_id().0)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("role.revoke", Outcome::Success)
            .tenant(scope.tenant_id().0)
            .actor(principal.user_id)
            .target(format!("user:{user} role:{role}")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many owners a tenant has (inside that tenant's transaction).
async fn owner_count(tx: &mut sqlx::PgConnection, tenant: TenantId) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "select count(*) from role_bindings where tenant_id = $1 and role = 'owner' and scope_kind = 'tenant'",
    )
    .bind(tenant.0)
    .fetch_one(tx)
    .await?)
}

/// The highest rank among the principal's roles that apply to a tenant.
pub fn own_rank(catalog: &RoleCatalog, principal: &Principal, tenant: TenantId) -> i32 {
    strongest_role(catalog, principal, tenant).map_or(0, |(_, rank)| rank)
}

/// The principal's strongest role that applies to a tenant (held there or through an agency),
/// with its rank.
pub fn strongest_role<'a>(
    catalog: &RoleCatalog,
    principal: &'a Principal,
    tenant: TenantId,
) -> Option<(&'a str, i32)> {
    principal
        .bindings
        .iter()
        .filter(|b| match &b.scope {
            BindingScope::Tenant { id, .. } => *id == tenant.0,
            BindingScope::Agency { id, .. } => principal.agency_clients.contains(&(*id, tenant.0)),
            BindingScope::Platform => false,
        })
        .filter_map(|b| {
            catalog
                .roles
                .get(&b.role)
                .map(|d| (b.role.as_str(), d.rank))
        })
        .max_by_key(|(_, rank)| *rank)
}

/// Records that a user switched to a tenant (inside that tenant).
pub async fn record_switch(db: &Database, scope: &TenantScope, meta: &RequestMeta) -> Result<()> {
    let mut tx = db.tenant_tx(scope).await?;
    let mut e = AuditEvent::new("tenant.switch", Outcome::Success).tenant(scope.tenant_id().0);
    if let Some(u) = scope.user_id() {
        e = e.actor(u);
    }
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    Ok(())
}
