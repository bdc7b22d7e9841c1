//! The workspace's own settings (name and reporting time zone), changed by its admins and audited.

use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};

/// The workspace's name and time zone.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Workspace {
    pub name: String,
    pub time_zone: String,
}

pub async fn workspace(db: &Database, scope: &TenantScope) -> Result<Workspace> {
    let mut tx = db.tenant_tx(scope).await?;
    let w = sqlx::query_as("select name, time_zone from tenants where id = app_current_tenant()")
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok(w)
}

/// Renames the workspace and sets the time zone its reports use. Callers check `tenant.settings`.
pub async fn save_workspace(
    db: &Database,
    scope: &TenantScope,
    name: &str,
    time_zone: &str,
    meta: &RequestMeta,
) -> Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::Validation(
            "The workspace name has 1 to 120 characters.".into(),
        ));
    }
    if !crate::onboarding::TIME_ZONES.contains(&time_zone) {
        return Err(Error::Validation(
            "Choose a time zone from the list.".into(),
        ));
    }
    let mut tx = db.tenant_tx(scope).await?;
    let before: Workspace =
        sqlx::query_as("select name, time_zone from tenants where id = app_current_tenant()")
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("update tenants set name = $1, time_zone = $2 where id = app_current_tenant()")
        .bind(name)
        .bind(time_zone)
        .execute(&mut *tx)
        .await?;
    let mut e = AuditEvent::new("tenant.settings", Outcome::Success)
        .tenant(scope.tenant_id().0)
        .target(format!(
            "name {} → {name}; time zone {} → {time_zone}",
            before.name, before.time_zone
        ));
    if let Some(u) = scope.user_id() {
        e = e.actor(u);
    }
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    // The name is the storefront's name when none is saved: its kept pages go too.
    crate::commerce::forget_storefront(db, scope.tenant_id());
    Ok(())
}
