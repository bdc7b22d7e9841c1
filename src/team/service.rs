//! Team rules and SQL: listing members, inviting by email, resending, revoking and accepting
//! invitations. Every change asks the policy decision point and is audited.

use crate::access::Principal;
use crate::access::{RoleCatalog, authorize, own_rank};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::auth::Email;
use crate::db::Database;
use crate::notify;
use crate::tenancy::{TenantId, TenantScope};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i32 = 7;

/// A member as the team page shows them.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Member {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: String,
    /// `tenant`, or `agency` for agency staff listed in their agency's home tenant.
    pub scope_kind: String,
    pub since: DateTime<Utc>,
}

/// A pending invitation.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The tenant's members (direct role holders), by role rank then name.
pub async fn members(db: &Database, scope: &TenantScope) -> Result<Vec<Member>> {
    let mut tx = db.tenant_tx(scope).await?;
    let list = sqlx::query_as(
        "select m.* from (
         select distinct on (u.id) u.id as user_id, u.display_name, u.email, b.role, b.scope_kind,
                b.created_at as since, r.rank
           from role_bindings b
           join users u on u.id = b.user_id
           join roles r on r.name = b.role
          where (b.scope_kind = 'tenant' and b.tenant_id = app_current_tenant())
             or (b.scope_kind = 'agency'
                 and b.agency_id = (select id from agencies where home_tenant_id = app_current_tenant()))
          -- A person with both a tenant role and an agency role is listed once, by the tenant role.
          order by u.id, (b.scope_kind = 'tenant') desc
         ) m order by m.rank desc, m.display_name",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(list)
}

/// Pending (not accepted, not revoked) invitations, newest first.
pub async fn pending_invitations(db: &Database, scope: &TenantScope) -> Result<Vec<Invitation>> {
    let mut tx = db.tenant_tx(scope).await?;
    let list = sqlx::query_as(
        "select id, email, role, created_at, expires_at from invitations
          where accepted_at is null and revoked_at is null order by created_at desc",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(list)
}

fn new_token() -> (String, Vec<u8>) {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    (token, hash)
}

/// Everything the inviting code needs to know about the actor and where links point.
pub struct Inviter<'a> {
    pub catalog: &'a RoleCatalog,
    pub principal: &'a Principal,
    pub scope: &'a TenantScope,
    pub meta: &'a RequestMeta,
    pub app_url: &'a str,
}

/// Invites a person by email with a tenant role. Needs `team.manage`; no one invites above their
/// own role; an existing member or a pending invitation for the same address is refused.
#[tracing::instrument(name = "Invite a person", skip(db, who), fields(tenant_id = %who.scope.tenant_id()))]
pub async fn invite(db: &Database, who: &Inviter<'_>, email: &Email, role: &str) -> Result<Uuid> {
    authorize(
        db,
        who.catalog,
        who.principal,
        who.scope,
        "team.manage",
        who.meta,
    )
    .await?;
    check_role(db, who, role).await?;
    let seats = crate::admin::plans::entitlements(db, who.scope)
        .await?
        .limit("seats");
    let mut tx = db.tenant_tx(who.scope).await?;
    // Members and pending invitations both hold a seat of the plan.
    let taken: i64 = sqlx::query_scalar(
        "select (select count(*) from role_bindings where tenant_id = app_current_tenant()
                   and scope_kind = 'tenant')
              + (select count(*) from invitations where accepted_at is null and revoked_at is null
                   and expires_at > now())",
    )
    .fetch_one(&mut *tx)
    .await?;
    if taken >= seats {
        return Err(Error::Validation(format!(
            "All {seats} seats of the plan are taken (members and pending invitations); remove someone or ask Cadence for more seats."
        )));
    }
    let already: bool = sqlx::query_scalar(
        "select exists(select 1 from role_bindings b join users u on u.id = b.user_id
                        where lower(u.email) = lower($1)
                          and ((b.scope_kind = 'tenant' and b.tenant_id = app_current_tenant())
                               or (b.scope_kind = 'agency' and b.agency_id =
                                   (select id from agencies where home_tenant_id = app_current_tenant()))))",
    )
    .bind(email.as_str())
    .fetch_one(&mut *tx)
    .await?;
    if already {
        return Err(Error::Validation(format!(
            "{} is already a member of this tenant.",
            email.as_str()
        )));
    }
    let id = create_invitation(
        &mut tx,
        who.scope.tenant_id(),
        email.as_str(),
        role,
        who.principal.user_id,
        who.app_url,
    )
    .await?;
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("invitation.create", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(format!("{} as {role}", email.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sends a pending invitation again with a fresh link (the old link stops working).
pub async fn resend(db: &Database, who: &Inviter<'_>, invitation: Uuid) -> Result<()> {
    authorize(
        db,
        who.catalog,
        who.principal,
        who.scope,
        "team.manage",
        who.meta,
    )
    .await?;
    let (token, hash) = new_token();
    let mut tx = db.tenant_tx(who.scope).await?;
    let row: Option<(String, String)> = sqlx::query_as(
        "update invitations set token_hash = $2, expires_at = now() + make_interval(days => $3)
          where id = $1 and accepted_at is null and revoked_at is null
          returning email, role",
    )
    .bind(invitation)
    .bind(&hash)
    .bind(INVITATION_DAYS)
    .fetch_optional(&mut *tx)
    .await?;
    let (email, role) = row.ok_or(Error::NotFound)?;
    send_mail(
        &mut tx,
        who.scope.tenant_id(),
        who.app_url,
        &email,
        &role,
        &token,
    )
    .await?;
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("invitation.resend", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a pending invitation: its link stops working.
pub async fn revoke(db: &Database, who: &Inviter<'_>, invitation: Uuid) -> Result<()> {
    authorize(
        db,
        who.catalog,
        who.principal,
        who.scope,
        "team.manage",
        who.meta,
    )
    .await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let email: Option<String> = sqlx::query_scalar(
        "update invitations set revoked_at = now()
          where id = $1 and accepted_at is null and revoked_at is null returning email",
    )
    .bind(invitation)
    .fetch_optional(&mut *tx)
    .await?;
    let email = email.ok_or(Error::NotFound)?;
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("invitation.revoke", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What an invitation link opens, before it is accepted.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InvitationPreview {
    pub tenant_name: String,
    pub email: String,
    pub role: String,
}

const INVALID_LINK: &str =
    "This invitation link is invalid, expired, revoked or already used. Ask for a new invitation.";

/// Looks at an invitation link without using it.
pub async fn preview(db: &Database, tenant: Uuid, token: &str) -> Result<InvitationPreview> {
    let scope = TenantScope::new(TenantId(tenant), None);
    let mut tx = db.tenant_tx(&scope).await?;
    let row: Option<(String, String, String)> = sqlx::query_as(
        "select t.name, i.email, i.role from invitations i join tenants t on t.id = i.tenant_id
          where i.token_hash = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()",
    )
    .bind(Sha256::digest(token.trim().as_bytes()).to_vec())
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let (tenant_name, email, role) = row.ok_or_else(|| Error::Validation(INVALID_LINK.into()))?;
    Ok(InvitationPreview {
        tenant_name,
        email,
        role,
    })
}

/// Accepts an invitation for a signed-in user whose email is the invited one: the membership is
/// added and the link is used up. Returns the tenant's scope for the user.
#[tracing::instrument(name = "Accept an invitation", skip(db, token, meta))]
pub async fn accept(
    db: &Database,
    tenant: Uuid,
    token: &str,
    user: Uuid,
    user_email: &str,
    meta: &RequestMeta,
) -> Result<TenantScope> {
    let scope = TenantScope::new(TenantId(tenant), Some(user));
    let mut tx = db.tenant_tx(&scope).await?;
    let row: Option<(Uuid, String, String, Option<Uuid>)> = sqlx::query_as(
        "update invitations set accepted_at = now(), accepted_by = $2
          where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > now()
          returning id, email, role, invited_by",
    )
    .bind(Sha256::digest(token.trim().as_bytes()).to_vec())
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((_, email, role, invited_by)) = row else {
        return Err(Error::Validation(INVALID_LINK.into()));
    };
    if !email.eq_ignore_ascii_case(user_email) {
        // Rolled back: the link stays usable by the person it was sent to.
        return Err(Error::Validation(format!(
            "This invitation was sent to {email}. Log in with that address to accept it."
        )));
    }
    bind_invited(&mut tx, tenant, user, &role, invited_by).await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("invitation.accept", Outcome::Success)
            .tenant(tenant)
            .actor(user)
            .target(format!("{email} as {role}")),
    )
    .await?;
    tx.commit().await?;
    Ok(scope)
}

/// Stores a pending invitation and queues its email, inside the caller's transaction (which is
/// scoped to `tenant`). Used by inviting from the team page and by onboarding.
pub(crate) async fn create_invitation(
    tx: &mut sqlx::PgConnection,
    tenant: TenantId,
    email: &str,
    role: &str,
    invited_by: Uuid,
    app_url: &str,
) -> Result<Uuid> {
    let (token, hash) = new_token();
    let id = Uuid::now_v7();
    let inserted = sqlx::query(
        "insert into invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(email)
    .bind(role)
    .bind(&hash)
    .bind(invited_by)
    .bind(INVITATION_DAYS)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e))
            if e.constraint() == Some("invitations_one_pending_per_email") =>
        {
            return Err(Error::Validation(format!(
                "{email} already has a pending invitation: resend it instead."
            )));
        }
        other => {
            other?;
        }
    }
    send_mail(tx, tenant, app_url, email, role, &token).await?;
    Ok(id)
}

/// Gives an invited person their role: a tenant role in the tenant, or an agency role in the
/// agency whose home tenant invited them (so they reach every client through it).
async fn bind_invited(
    tx: &mut sqlx::PgConnection,
    tenant: Uuid,
    user: Uuid,
    role: &str,
    invited_by: Option<Uuid>,
) -> Result<()> {
    let inserted = sqlx::query(
        "insert into role_bindings (id, user_id, scope_kind, agency_id, tenant_id, role, granted_by)
         select $1, $2, r.scope_kind,
                case when r.scope_kind = 'agency' then a.id end,
                case when r.scope_kind = 'tenant' then $3::uuid end,
                r.name, $5
           from roles r left join agencies a on a.home_tenant_id = $3
          where r.name = $4 and (r.scope_kind = 'tenant' or (r.scope_kind = 'agency' and a.id is not null))
         on conflict do nothing",
    )
    .bind(Uuid::now_v7())
    .bind(user)
    .bind(tenant)
    .bind(role)
    .bind(invited_by)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        let exists: bool = sqlx::query_scalar("select exists(select 1 from roles where name = $1)")
            .bind(role)
            .fetch_one(&mut *tx)
            .await?;
        if !exists {
            return Err(Error::Validation(INVALID_LINK.into()));
        }
    }
    Ok(())
}

/// The role must exist at tenant scope, or at agency scope when inviting from an agency's home
/// tenant (which needs `agency.manage`); and it may not be above the inviter's own.
async fn check_role(db: &Database, who: &Inviter<'_>, role: &str) -> Result<()> {
    let def = who
        .catalog
        .roles
        .get(role)
        .filter(|d| d.scope_kind == "tenant" || d.scope_kind == "agency")
        .ok_or_else(|| Error::Validation(format!("`{role}` is not a role you can invite to.")))?;
    if def.scope_kind == "agency" {
        let mut tx = db.tenant_tx(who.scope).await?;
        let home: bool = sqlx::query_scalar(
            "select exists(select 1 from agencies where home_tenant_id = app_current_tenant())",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        if !home {
            return Err(Error::Validation(format!(
                "`{role}` is an agency role: invite agency staff from the agency's own workspace."
            )));
        }
        authorize(
            db,
            who.catalog,
            who.principal,
            who.scope,
            "agency.manage",
            who.meta,
        )
        .await?;
    }
    if def.rank > own_rank(who.catalog, who.principal, who.scope.tenant_id()) {
        return Err(Error::Forbidden(format!(
            "You cannot invite someone as {role}: it is above your own role."
        )));
    }
    Ok(())
}

async fn send_mail(
    tx: &mut sqlx::PgConnection,
    tenant_id: TenantId,
    app_url: &str,
    email: &str,
    role: &str,
    token: &str,
) -> Result<()> {
    let tenant: String = sqlx::query_scalar("select name from tenants where id = $1")
        .bind(tenant_id.0)
        .fetch_one(&mut *tx)
        .await?;
    let role = role.replace('_', " ");
    notify::enqueue(
        tx,
        email,
        &format!("You are invited to {tenant} on Cadence"),
        &format!(
            "Hello,\n\nYou have been invited to join {tenant} on Cadence as {role}. Accept here:\n\n{app_url}/invite?t={tenant_id}&token={token}\n\nThe link works once and expires in {INVITATION_DAYS} days.",
        ),
    )
    .await
}

/// A brand-new person accepts an invitation and creates their account in one step. Following the
/// emailed link proves the address, so the account starts verified. Refused when an account for
/// the address exists (that person logs in and accepts).
#[tracing::instrument(name = "Join with an invitation", skip(db, token, password, meta))]
pub async fn join_as_new_user(
    db: &Database,
    tenant: Uuid,
    token: &str,
    display_name: &str,
    password: &crate::auth::NewPassword,
    meta: &RequestMeta,
) -> Result<crate::auth::LoggedIn> {
    let name = crate::auth::parse_display_name(display_name).map_err(Error::Validation)?;
    let hash = crate::auth::password::hash(password.expose().to_string()).await?;
    let scope = TenantScope::new(TenantId(tenant), None);
    let mut tx = db.tenant_tx(&scope).await?;
    let row: Option<(Uuid, String, String, Option<Uuid>)> = sqlx::query_as(
        "update invitations set accepted_at = now()
          where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > now()
          returning id, email, role, invited_by",
    )
    .bind(Sha256::digest(token.trim().as_bytes()).to_vec())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((invitation, email, role, invited_by)) = row else {
        return Err(Error::Validation(INVALID_LINK.into()));
    };
    let user = Uuid::now_v7();
    let changed: Option<DateTime<Utc>> = sqlx::query_scalar(
        "insert into users (id, email, display_name, password_hash, email_verified_at)
         values ($1, $2, $3, $4, now())
         on conflict (lower(email)) do nothing
         returning password_changed_at",
    )
    .bind(user)
    .bind(&email)
    .bind(&name)
    .bind(&hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(changed) = changed else {
        return Err(Error::Validation(format!(
            "An account for {email} already exists: log in to accept the invitation."
        )));
    };
    sqlx::query("update invitations set accepted_by = $2 where id = $1")
        .bind(invitation)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    bind_invited(&mut tx, tenant, user, &role, invited_by).await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("user.sign_up", Outcome::Success)
            .tenant(tenant)
            .actor(user)
            .reason("by invitation"),
    )
    .await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("invitation.accept", Outcome::Success)
            .tenant(tenant)
            .actor(user)
            .target(format!("{email} as {role}")),
    )
    .await?;
    tx.commit().await?;
    Ok(crate::auth::LoggedIn {
        // A new account: nothing to add yet.
        second_factor: false,
        user: crate::auth::CurrentUser {
            id: user,
            email,
            display_name: name,
        },
        password_epoch: changed.timestamp_micros(),
    })
}
