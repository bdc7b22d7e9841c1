//! Team server functions: the member list, invitations (send, resend, revoke, accept), and role
//! changes. Each asks the policy decision point through the core.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: cadence::Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub is_you: bool,
    /// Agency staff, listed in their agency's workspace; their role is changed at agency level.
    pub agency_staff: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: cadence::Uuid,
    pub email: String,
    pub role: String,
    pub expires: String,
}

/// The team page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub tenant: String,
    pub members: Vec<MemberView>,
    pub invitations: Vec<InvitationView>,
    /// Why the viewer cannot manage the team, if they cannot.
    pub manage_denied: Option<String>,
    /// Tenant roles the viewer may hand out (none above their own).
    pub assignable: Vec<String>,
    /// Roles the viewer may invite with: the assignable ones, plus agency roles in an agency's
    /// own workspace.
    pub invite_roles: Vec<String>,
}

#[server]
pub async fn load_team() -> Result<TeamView, AppError> {
    use cadence::access::{Decision, Target, decide};
    let (principal, scope) = ssr::scope().await?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    cadence::access::authorize(
        &db,
        &catalog,
        &principal,
        &scope,
        "team.read",
        &super::ssr::request_meta(),
    )
    .await?;
    let manage_denied = match decide(
        &catalog,
        &principal,
        "team.manage",
        Target::Tenant(scope.tenant_id().0),
    ) {
        Decision::Allow { .. } => None,
        Decision::Deny(d) => Some(d.explain()),
        Decision::NotFound => return Err(AppError::NotFound),
    };
    let own_rank = cadence::access::own_rank(&catalog, &principal, scope.tenant_id());
    let ranked = |kind: &str| {
        let mut roles: Vec<(i32, String)> = catalog
            .roles
            .iter()
            .filter(|(_, d)| d.scope_kind == kind && d.rank <= own_rank)
            .map(|(n, d)| (d.rank, n.clone()))
            .collect();
        roles.sort();
        roles.into_iter().rev().map(|(_, n)| n).collect::<Vec<_>>()
    };
    let assignable = ranked("tenant");
    // An agency's own workspace also invites agency staff, who reach every client.
    let agency_manager = matches!(
        decide(
            &catalog,
            &principal,
            "agency.manage",
            Target::Tenant(scope.tenant_id().0)
        ),
        Decision::Allow { .. }
    );
    let mut invite_roles = assignable.clone();
    if agency_manager
        && cadence::agency::agency_of_home(&db, &scope)
            .await?
            .is_some()
    {
        invite_roles.extend(ranked("agency"));
    }
    let tenant = cadence::tenancy::scoped_tenant(&db, &scope).await?;
    let members = cadence::team::members(&db, &scope).await?;
    let invitations = if manage_denied.is_none() {
        cadence::team::pending_invitations(&db, &scope).await?
    } else {
        Vec::new()
    };
    Ok(TeamView {
        tenant: tenant.name,
        members: members
            .into_iter()
            .map(|m| MemberView {
                is_you: m.user_id == principal.user_id,
                user_id: m.user_id,
                name: m.display_name,
                email: m.email,
                role: m.role,
                agency_staff: m.scope_kind == "agency",
            })
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|i| InvitationView {
                id: i.id,
                email: i.email,
                role: i.role,
                expires: i.expires_at.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        manage_denied,
        assignable,
        invite_roles,
    })
}

#[server]
pub async fn invite_member(email: String, role: String) -> Result<(), AppError> {
    let email = cadence::auth::Email::parse(&email).map_err(AppError::invalid)?;
    let p = ssr::Parts::current().await?;
    cadence::team::invite(&p.db, &p.who(), &email, &role).await?;
    Ok(())
}

#[server]
pub async fn resend_invitation(id: cadence::Uuid) -> Result<(), AppError> {
    let p = ssr::Parts::current().await?;
    Ok(cadence::team::resend(&p.db, &p.who(), id).await?)
}

#[server]
pub async fn revoke_invitation(id: cadence::Uuid) -> Result<(), AppError> {
    let p = ssr::Parts::current().await?;
    Ok(cadence::team::revoke(&p.db, &p.who(), id).await?)
}

#[server]
pub async fn change_member_role(user_id: cadence::Uuid, role: String) -> Result<(), AppError> {
    let (principal, scope) = ssr::scope().await?;
    super::auth::ssr::require_step_up().await?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    Ok(cadence::access::grant_role(
        &db,
        &catalog,
        &principal,
        &scope,
        user_id,
        &role,
        &super::ssr::request_meta(),
    )
    .await?)
}

#[server]
pub async fn remove_member(user_id: cadence::Uuid) -> Result<(), AppError> {
    let (principal, scope) = ssr::scope().await?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    Ok(cadence::access::revoke_role(
        &db,
        &catalog,
        &principal,
        &scope,
        user_id,
        &super::ssr::request_meta(),
    )
    .await?)
}

/// What an invitation link shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub tenant: String,
    pub email: String,
    pub role: String,
    /// The signed-in user's email, if any.
    pub signed_in_as: Option<String>,
}

#[server]
pub async fn load_invitation(t: cadence::Uuid, token: String) -> Result<InvitationPage, AppError> {
    let db = super::ssr::db()?;
    let p = cadence::team::preview(&db, t, &token).await?;
    let user = super::auth::ssr::current_user().await?;
    Ok(InvitationPage {
        tenant: p.tenant_name,
        email: p.email,
        role: p.role,
        signed_in_as: user.map(|u| u.email),
    })
}

#[server]
pub async fn accept_invitation(t: cadence::Uuid, token: String) -> Result<(), AppError> {
    let user = super::auth::ssr::require_user().await?;
    let db = super::ssr::db()?;
    cadence::team::accept(
        &db,
        t,
        &token,
        user.id,
        &user.email,
        &super::ssr::request_meta(),
    )
    .await?;
    super::tenant::ssr::set_current_tenant(t).await?;
    leptos_axum::redirect("/app");
    Ok(())
}

/// A new person creates their account from the invitation link and joins in one step.
#[server]
pub async fn join_with_invitation(
    t: cadence::Uuid,
    token: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    let password = cadence::auth::NewPassword::parse(&password).map_err(AppError::invalid)?;
    let db = super::ssr::db()?;
    let logged_in = cadence::team::join_as_new_user(
        &db,
        t,
        &token,
        &display_name,
        &password,
        &super::ssr::request_meta(),
    )
    .await?;
    super::auth::ssr::start_session(&logged_in).await?;
    super::tenant::ssr::set_current_tenant(t).await?;
    leptos_axum::redirect("/app");
    Ok(())
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! The signed-in member's scope in the current tenant, and running an inviter action.
    use crate::error::AppError;
    use cadence::access::Principal;
    use cadence::tenancy::TenantScope;

    pub async fn scope() -> Result<(Principal, TenantScope), AppError> {
        crate::api::tenant::ssr::current_scope()
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Everything a team action needs, owned.
    pub struct Parts {
        pub db: cadence::db::Database,
        principal: Principal,
        scope: TenantScope,
        catalog: std::sync::Arc<cadence::access::RoleCatalog>,
        meta: cadence::audit::RequestMeta,
        app_url: String,
    }

    impl Parts {
        pub async fn current() -> Result<Self, AppError> {
            let (principal, scope) = scope().await?;
            Ok(Self {
                db: crate::api::ssr::db()?,
                principal,
                scope,
                catalog: crate::api::tenant::ssr::catalog()?,
                meta: crate::api::ssr::request_meta(),
                app_url: crate::api::ssr::app_url()?,
            })
        }

        pub fn who(&self) -> cadence::team::Inviter<'_> {
            cadence::team::Inviter {
                catalog: &self.catalog,
                principal: &self.principal,
                scope: &self.scope,
                meta: &self.meta,
                app_url: &self.app_url,
            }
        }
    }
}
