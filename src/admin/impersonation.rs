//! Impersonation with consent: support staff ask for a user's account in one tenant with a reason,
//! the user (or one of the tenant's owners) approves, and for 30 minutes the staff member acts as
//! that user in that tenant only, under a banner, unable to change passwords or credentials.
//! Either side can end it; every step and every action is audited with both identities.

use super::platform::PlatformStaff;
use crate::access::{Decision, Principal, RoleCatalog, Target, decide};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use uuid::Uuid;

/// How long an approved session lasts.
pub const MINUTES: i32 = 30;

/// A grant as the parties see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Grant {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub staff_user_id: Uuid,
    pub staff_name: String,
    pub user_id: Uuid,
    pub user_name: String,
    pub user_email: String,
    pub reason: String,
    pub status: String,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Grant {
    /// Approved and not yet past its time.
    pub fn is_live(&self) -> bool {
        self.status == "approved" && self.expires_at.is_some_and(|e| e > chrono::Utc::now())
    }

    /// The status in words, counting an approved grant past its time as expired.
    pub fn state(&self) -> &str {
        if self.status == "approved" && !self.is_live() {
            "expired"
        } else {
            &self.status
        }
    }
}

const SELECT: &str = "select g.id, g.tenant_id, t.name as tenant_name, g.staff_user_id,
        s.display_name as staff_name, g.user_id, u.display_name as user_name, u.email as user_email,
        g.reason, g.status, g.requested_at, g.expires_at, g.ended_at
   from impersonation_grants g
   join tenants t on t.id = g.tenant_id
   join users s on s.id = g.staff_user_id
   join users u on u.id = g.user_id";

/// Staff ask for a member's account in a tenant. The member is told by mail and on their home page.
#[tracing::instrument(name = "Request impersonation", skip(db, staff, reason, meta))]
pub async fn request(
    db: &Database,
    staff: &PlatformStaff,
    tenant: Uuid,
    user: Uuid,
    reason: &str,
    meta: &RequestMeta,
) -> Result<Uuid> {
    if !staff.can_impersonate() {
        return Err(Error::Forbidden(
            "requesting access to a user's account needs the platform.impersonate privilege".into(),
        ));
    }
    let reason = super::model::parse_reason(reason).map_err(Error::Validation)?;
    if user == staff.user_id() {
        return Err(Error::Validation(
            "You cannot ask for access to your own account.".into(),
        ));
    }
    let mut tx = db.platform_tx(Some(staff.user_id()), Some(tenant)).await?;
    let member: Option<(String, String)> = sqlx::query_as(
        "select u.email, t.name from role_bindings b
           join users u on u.id = b.user_id join tenants t on t.id = b.tenant_id
          where b.tenant_id = $1 and b.user_id = $2 and b.scope_kind = 'tenant'",
    )
    .bind(tenant)
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    let (email, tenant_name) = member.ok_or(Error::NotFound)?;
    let open: bool = sqlx::query_scalar(
        "select exists (select 1 from impersonation_grants where staff_user_id = $1 and user_id = $2
                          and tenant_id = $3 and status = 'requested')",
    )
    .bind(staff.user_id())
    .bind(user)
    .bind(tenant)
    .fetch_one(&mut *tx)
    .await?;
    if open {
        return Err(Error::Validation(
            "You already asked this person; wait for their answer.".into(),
        ));
    }
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into impersonation_grants (id, tenant_id, staff_user_id, user_id, reason)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(tenant)
    .bind(staff.user_id())
    .bind(user)
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    let mut e = AuditEvent::new("impersonation.requested", Outcome::Success)
        .tenant(tenant)
        .actor(staff.user_id())
        .target(email.clone())
        .reason(reason.clone());
    e.acting_as_user_id = Some(user);
    audit::record(&mut tx, meta, e).await?;
    crate::notify::enqueue(
        &mut tx,
        &email,
        "Cadence support asks to access your account",
        &format!(
            "Cadence support asks to act in your account in {tenant_name} for up to {MINUTES} minutes.\n\nTheir reason: {reason}\n\nOpen Cadence, switch to {tenant_name} and approve or refuse the request on your home page. Nothing happens unless you approve, and you can end the session at any time."
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The grants in the scoped tenant that the principal may answer or end: their own, or every one
/// when they may manage the team (owners and admins). Newest first.
pub async fn for_tenant(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
) -> Result<Vec<Grant>> {
    let all = may_answer_for_others(catalog, principal, scope);
    let mut tx = db.tenant_tx(scope).await?;
    let rows = sqlx::query_as(&format!(
        "{SELECT} where g.tenant_id = app_current_tenant() and ($1 or g.user_id = $2)
          order by g.requested_at desc limit 20"
    ))
    .bind(all)
    .bind(principal.user_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

fn may_answer_for_others(
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
) -> bool {
    matches!(
        decide(
            catalog,
            principal,
            "team.manage",
            Target::Tenant(scope.tenant_id().0)
        ),
        Decision::Allow { .. }
    )
}

/// The staff member's own grants, newest first.
pub async fn for_staff(db: &Database, staff: &PlatformStaff) -> Result<Vec<Grant>> {
    // The platform door: the tenants' names are not the staff member's to read otherwise.
    let mut tx = db.platform_tx(Some(staff.user_id()), None).await?;
    let rows = sqlx::query_as(&format!(
        "{SELECT} where g.staff_user_id = $1 order by g.requested_at desc limit 50"
    ))
    .bind(staff.user_id())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// The user (or an owner) approves or refuses a pending request. An impersonated session may not
/// answer (staff cannot approve their own request).
pub async fn answer(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
    grant: Uuid,
    approve: bool,
    meta: &RequestMeta,
) -> Result<()> {
    meta.forbid_when_impersonating("answer access requests")?;
    let all = may_answer_for_others(catalog, principal, scope);
    let mut tx = db.tenant_tx(scope).await?;
    let (status, action) = if approve {
        ("approved", "impersonation.approved")
    } else {
        ("refused", "impersonation.refused")
    };
    let row: Option<(Uuid, String)> = sqlx::query_as(
        "update impersonation_grants g
            set status = $3, decided_at = now(),
                expires_at = case when $3 = 'approved' then now() + make_interval(mins => $5) end
           from users s
          where g.id = $1 and g.tenant_id = app_current_tenant() and g.status = 'requested'
            and ($4 or g.user_id = $2) and s.id = g.staff_user_id
          returning g.user_id, s.email",
    )
    .bind(grant)
    .bind(principal.user_id)
    .bind(status)
    .bind(all)
    .bind(MINUTES)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user, staff_email)) = row else {
        return Err(Error::NotFound);
    };
    let mut e = AuditEvent::new(action, Outcome::Success)
        .tenant(scope.tenant_id().0)
        .actor(principal.user_id)
        .target(staff_email);
    e.acting_as_user_id = (user != principal.user_id).then_some(user);
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    Ok(())
}

/// A live impersonation: who acts, as whom, where, until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Active {
    pub grant_id: Uuid,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub staff_user_id: Uuid,
    pub staff_name: String,
    pub user_name: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The staff member's grant, if it is approved and still in time.
pub async fn active(db: &Database, staff: Uuid, grant: Uuid) -> Result<Option<Active>> {
    // Only sessions whose staff member started this grant (after the policy allowed
    // `platform.impersonate`) carry it; the query is confined to that staff member's grants.
    let mut tx = db.platform_tx(Some(staff), None).await?;
    let g: Option<Grant> = sqlx::query_as(&format!(
        "{SELECT} where g.id = $1 and g.staff_user_id = $2"
    ))
    .bind(grant)
    .bind(staff)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(g.filter(Grant::is_live).map(|g| Active {
        grant_id: g.id,
        tenant_id: g.tenant_id,
        user_id: g.user_id,
        staff_user_id: g.staff_user_id,
        staff_name: g.staff_name,
        user_name: g.user_name,
        expires_at: g.expires_at.unwrap_or_default(),
    }))
}

/// Staff start acting in the account (audited); fails unless the grant is live.
pub async fn start(
    db: &Database,
    staff: &PlatformStaff,
    grant: Uuid,
    meta: &RequestMeta,
) -> Result<Active> {
    let a = active(db, staff.user_id(), grant).await?.ok_or_else(|| {
        Error::Validation("This request is not approved, or its time is over.".into())
    })?;
    let scope = TenantScope::new(crate::tenancy::TenantId(a.tenant_id), Some(staff.user_id()));
    let mut tx = db.tenant_tx(&scope).await?;
    let mut e = AuditEvent::new("impersonation.started", Outcome::Success)
        .tenant(a.tenant_id)
        .actor(staff.user_id())
        .target(a.user_name.clone());
    e.acting_as_user_id = Some(a.user_id);
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    Ok(a)
}

/// Ends a grant (approved or still pending), by either party or an owner of the tenant.
pub async fn end(db: &Database, by: Uuid, grant: Uuid, meta: &RequestMeta) -> Result<()> {
    let mut tx = db.user_tx(by).await?;
    let tenant: Option<Uuid> =
        sqlx::query_scalar("select tenant_id from impersonation_grants where id = $1")
            .bind(grant)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    let tenant = tenant.ok_or(Error::NotFound)?;
    end_in_tenant(
        db,
        &TenantScope::new(crate::tenancy::TenantId(tenant), Some(by)),
        grant,
        meta,
    )
    .await
}

/// As [`end`], inside a tenant scope (owners ending someone else's session).
pub async fn end_in_tenant(
    db: &Database,
    scope: &TenantScope,
    grant: Uuid,
    meta: &RequestMeta,
) -> Result<()> {
    let by = scope.user_id().ok_or(Error::NotFound)?;
    let mut tx = db.tenant_tx(scope).await?;
    let row: Option<(Uuid, Uuid, String)> = sqlx::query_as(
        "update impersonation_grants
            set status = case when status = 'requested' then 'cancelled' else 'ended' end,
                ended_at = now(), ended_by = $2
          where id = $1 and tenant_id = app_current_tenant() and status in ('requested', 'approved')
          returning staff_user_id, user_id, status",
    )
    .bind(grant)
    .bind(by)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((staff, user, status)) = row else {
        return Err(Error::NotFound);
    };
    let mut e = AuditEvent::new(
        if status == "ended" {
            "impersonation.ended"
        } else {
            "impersonation.cancelled"
        },
        Outcome::Success,
    )
    .tenant(scope.tenant_id().0)
    .actor(by);
    e.acting_as_user_id = Some(if by == staff { user } else { staff });
    // The staff member's own session carries the impersonator mark; record plainly.
    let meta = RequestMeta {
        impersonator: None,
        ..meta.clone()
    };
    audit::record(&mut tx, &meta, e).await?;
    tx.commit().await?;
    Ok(())
}

/// Records one action taken in an impersonated session (every state-changing request).
pub async fn record_action(
    db: &Database,
    a: &Active,
    what: &str,
    meta: &RequestMeta,
) -> Result<()> {
    let scope = TenantScope::new(crate::tenancy::TenantId(a.tenant_id), Some(a.user_id));
    let mut tx = db.tenant_tx(&scope).await?;
    let mut e = AuditEvent::new("impersonation.action", Outcome::Success)
        .tenant(a.tenant_id)
        .actor(a.staff_user_id)
        .target(what.chars().take(200).collect::<String>());
    e.acting_as_user_id = Some(a.user_id);
    let meta = RequestMeta {
        impersonator: None,
        ..meta.clone()
    };
    audit::record(&mut tx, &meta, e).await?;
    tx.commit().await?;
    Ok(())
}
