//! Which tenant an ad account's synced data goes to: assigned by Cadence's operators (platform
//! staff in the platform panel, `cadence ads assign` on the command line), never by a tenant's own
//! claim. A verified connection (a platform's OAuth grant listing the account) is the other way an
//! assignment may be made; the product has no OAuth yet, so only operators assign today. Every
//! change is audited in the tenant's own log.

use super::Platform;
use super::accounts::parse_account_id;
use crate::admin::platform::PlatformStaff;
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::TenantId;
use crate::{Error, Result};
use uuid::Uuid;

/// An assignment as the platform panel lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Assignment {
    pub platform: String,
    pub account_id: String,
    pub tenant_id: Uuid,
    pub tenant_slug: String,
    pub tenant_name: String,
    /// `operator` (or, once verified connections exist, `oauth_grant`).
    pub verified_via: String,
    /// The staff member's name (none: the command line).
    pub assigned_by: Option<String>,
    pub assigned_at: chrono::DateTime<chrono::Utc>,
}

/// Assignments whose account id or tenant address contains `query` (all when empty), newest
/// first, at most 200.
pub async fn list_assignments(
    db: &Database,
    staff: &PlatformStaff,
    query: &str,
) -> Result<Vec<Assignment>> {
    let pattern = format!("%{}%", crate::db::escape_like(query.trim()));
    let mut tx = db.platform_tx(Some(staff.user_id()), None).await?;
    let rows = sqlx::query_as(
        "select a.platform, a.account_id, a.tenant_id, t.slug as tenant_slug,
                t.name as tenant_name, a.verified_via, u.display_name as assigned_by, a.assigned_at
           from ad_account_assignments a
           join tenants t on t.id = a.tenant_id
           left join users u on u.id = a.assigned_by
          where a.account_id ilike $1 or t.slug ilike $1
          order by a.assigned_at desc, a.platform, a.account_id
          limit 200",
    )
    .bind(&pattern)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

fn require_manage(staff: &PlatformStaff) -> Result<()> {
    if staff.can_manage() {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "assigning ad accounts needs the platform.tenants.manage privilege".into(),
        ))
    }
}

/// Platform staff assign an account to a tenant: its synced rows go there from the next sync on.
pub async fn assign(
    db: &Database,
    staff: &PlatformStaff,
    platform: Platform,
    account_id: &str,
    tenant: Uuid,
    meta: &RequestMeta,
) -> Result<()> {
    require_manage(staff)?;
    write_assignment(
        db,
        Some(staff.user_id()),
        platform,
        account_id,
        tenant,
        meta,
    )
    .await
}

/// The operator assigns an account from the command line (`cadence ads assign`); the audit row
/// names no person.
pub async fn assign_by_operator(
    db: &Database,
    platform: Platform,
    account_id: &str,
    tenant: TenantId,
) -> Result<()> {
    let meta = RequestMeta {
        user_agent: Some("cadence ads assign (command line)".into()),
        ..Default::default()
    };
    write_assignment(db, None, platform, account_id, tenant.0, &meta).await
}

#[tracing::instrument(name = "Assign an ad account to a tenant", skip(db, meta))]
async fn write_assignment(
    db: &Database,
    staff: Option<Uuid>,
    platform: Platform,
    account_id: &str,
    tenant: Uuid,
    meta: &RequestMeta,
) -> Result<()> {
    let account_id = parse_account_id(platform, account_id)?;
    let account_id = account_id.as_str();
    let mut tx = db.platform_tx(staff, Some(tenant)).await?;
    let exists: bool = sqlx::query_scalar("select exists (select 1 from tenants where id = $1)")
        .bind(tenant)
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        return Err(Error::NotFound);
    }
    let inserted = sqlx::query(
        "insert into ad_account_assignments (platform, account_id, tenant_id, verified_via,
                                             assigned_by)
         values ($1, $2, $3, 'operator', $4)
         on conflict (platform, account_id) do nothing",
    )
    .bind(platform.as_str())
    .bind(account_id)
    .bind(tenant)
    .bind(staff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        let holder = holder(&mut tx, platform, account_id).await?;
        // Assigning it again to the same tenant changes nothing.
        return if holder == Some(tenant) {
            Ok(())
        } else {
            Err(Error::Validation(format!(
                "The {} account {account_id} is assigned to another tenant: unassign it first.",
                platform.label()
            )))
        };
    }
    // The tenant lists the account (its synced rows load only for accounts the tenant lists).
    sqlx::query(
        "insert into ad_accounts (tenant_id, platform, account_id)
         values (app_current_tenant(), $1, $2) on conflict do nothing",
    )
    .bind(platform.as_str())
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    let mut event = AuditEvent::new("ads.account.assigned", Outcome::Success)
        .tenant(tenant)
        .target(format!("{} {account_id}", platform.as_str()))
        .reason("verified by an operator");
    if let Some(s) = staff {
        event = event.actor(s);
    }
    audit::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Platform staff unassign an account: its synced rows go nowhere until it is assigned again (the
/// tenant keeps what was loaded and its own listing of the account).
pub async fn unassign(
    db: &Database,
    staff: &PlatformStaff,
    platform: Platform,
    account_id: &str,
    meta: &RequestMeta,
) -> Result<()> {
    require_manage(staff)?;
    remove_assignment(db, Some(staff.user_id()), platform, account_id, meta).await
}

/// The operator unassigns an account from the command line (`cadence ads unassign`).
pub async fn unassign_by_operator(
    db: &Database,
    platform: Platform,
    account_id: &str,
) -> Result<()> {
    let meta = RequestMeta {
        user_agent: Some("cadence ads unassign (command line)".into()),
        ..Default::default()
    };
    remove_assignment(db, None, platform, account_id, &meta).await
}

#[tracing::instrument(name = "Unassign an ad account", skip(db, meta))]
async fn remove_assignment(
    db: &Database,
    staff: Option<Uuid>,
    platform: Platform,
    account_id: &str,
    meta: &RequestMeta,
) -> Result<()> {
    let account_id = parse_account_id(platform, account_id)?;
    let account_id = account_id.as_str();
    // The holder first, so the audit row lands in the holder's own log.
    let mut tx = db.platform_tx(staff, None).await?;
    let holder = holder(&mut tx, platform, account_id).await?;
    tx.commit().await?;
    let tenant = holder.ok_or(Error::NotFound)?;
    let mut tx = db.platform_tx(staff, Some(tenant)).await?;
    let removed = sqlx::query(
        "delete from ad_account_assignments
          where platform = $1 and account_id = $2 and tenant_id = $3",
    )
    .bind(platform.as_str())
    .bind(account_id)
    .bind(tenant)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 0 {
        // Moved or removed meanwhile.
        return Err(Error::NotFound);
    }
    let mut event = AuditEvent::new("ads.account.unassigned", Outcome::Success)
        .tenant(tenant)
        .target(format!("{} {account_id}", platform.as_str()));
    if let Some(s) = staff {
        event = event.actor(s);
    }
    audit::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The tenant an account is assigned to, if any (inside a platform-door transaction).
async fn holder(
    tx: &mut sqlx::PgConnection,
    platform: Platform,
    account_id: &str,
) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "select tenant_id from ad_account_assignments where platform = $1 and account_id = $2",
    )
    .bind(platform.as_str())
    .bind(account_id)
    .fetch_optional(tx)
    .await?)
}
