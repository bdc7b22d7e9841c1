//! Where a signed-in person lands when their session has no current tenant yet (after log-in):
//! the tenant they entered last while they can still enter it, else their first by name.

use super::{Principal, RoleCatalog, enter_tenant, memberships};
use crate::Result;
use crate::db::Database;
use crate::tenancy::{TenantId, TenantScope};

/// Remembers the scope's tenant as the one its user used last. A scope is proof the user entered
/// the tenant; a scope without a user remembers nothing.
#[tracing::instrument(name = "Remember the tenant used last", skip_all, fields(tenant_id = %scope.tenant_id()))]
pub async fn remember_tenant(db: &Database, scope: &TenantScope) -> Result<()> {
    let Some(user) = scope.user_id() else {
        return Ok(());
    };
    sqlx::query(
        "update users set last_tenant_id = $2 where id = $1 and last_tenant_id is distinct from $2",
    )
    .bind(user)
    .bind(scope.tenant_id().0)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The tenant to land in: the one used last if the principal can still enter it, else the first
/// of their tenants by name; `None` when they have none.
#[tracing::instrument(name = "Choose the tenant to land in", skip_all)]
pub async fn landing_tenant(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
) -> Result<Option<TenantScope>> {
    let last: Option<uuid::Uuid> =
        sqlx::query_scalar("select last_tenant_id from users where id = $1")
            .bind(principal.user_id)
            .fetch_optional(db.pool())
            .await?
            .flatten();
    // Entering asks the policy, so a tenant the person lost access to is never landed in.
    if let Some(scope) = last.and_then(|t| enter_tenant(catalog, principal, TenantId(t)).ok()) {
        return Ok(Some(scope));
    }
    match memberships(db, principal).await?.into_iter().next() {
        Some(m) => Ok(Some(enter_tenant(
            catalog,
            principal,
            TenantId(m.tenant_id),
        )?)),
        None => Ok(None),
    }
}
