//! Tenant server functions: the tenants a user can enter, switching between them, the current
//! tenant's overview and its security events. Each asks the policy decision point.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A tenant in the switcher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantChoice {
    pub id: cadence::Uuid,
    pub name: String,
    pub slug: String,
    pub role: String,
    pub via_agency: Option<String>,
    pub current: bool,
}

/// Every tenant the signed-in user can enter.
#[server]
pub async fn my_tenants() -> Result<Vec<TenantChoice>, AppError> {
    // The same current tenant the overview shows (without one: the last used, or the first).
    let Some((principal, scope)) = ssr::current_scope().await? else {
        return Ok(Vec::new());
    };
    let current = Some(scope.tenant_id().0);
    let db = super::ssr::db()?;
    Ok(cadence::access::memberships(&db, &principal)
        .await?
        .into_iter()
        .map(|m| TenantChoice {
            current: Some(m.tenant_id) == current,
            id: m.tenant_id,
            name: m.name,
            slug: m.slug,
            role: m.role,
            via_agency: m.via_agency,
        })
        .collect())
}

/// The signed-in user's tenants matching a search (name or slug), at most 20, for the switcher.
#[server]
pub async fn search_tenants(query: String) -> Result<Vec<TenantChoice>, AppError> {
    let Some((principal, scope)) = ssr::current_scope().await? else {
        return Ok(Vec::new());
    };
    let db = super::ssr::db()?;
    Ok(
        cadence::access::search_memberships(&db, &principal, &query, 20)
            .await?
            .into_iter()
            .map(|m| TenantChoice {
                current: m.tenant_id == scope.tenant_id().0,
                id: m.tenant_id,
                name: m.name,
                slug: m.slug,
                role: m.role,
                via_agency: m.via_agency,
            })
            .collect(),
    )
}

/// What the header's switcher shows: the current tenant, the user's role there, and whether there
/// is anything to switch to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitcherState {
    pub current: String,
    pub role: String,
    pub has_others: bool,
}

#[server]
pub async fn load_switcher() -> Result<Option<SwitcherState>, AppError> {
    if super::auth::ssr::current_user().await?.is_none() {
        return Ok(None);
    }
    let Some((principal, scope)) = ssr::current_scope().await? else {
        return Ok(None);
    };
    let db = super::ssr::db()?;
    // Runs on every navigation: two rows tell whether there is anything to switch to, and the
    // current tenant's name and role come from the scope and the principal, not the whole list.
    let two = cadence::access::search_memberships(&db, &principal, "", 2).await?;
    let tenant = cadence::tenancy::scoped_tenant(&db, &scope).await?;
    let catalog = ssr::catalog()?;
    let (role, _) = cadence::access::strongest_role(&catalog, &principal, scope.tenant_id())
        .ok_or(AppError::NotFound)?;
    Ok(Some(SwitcherState {
        current: tenant.name,
        role: role.to_string(),
        has_others: two.len() > 1,
    }))
}

/// Makes a tenant the session's current one (audited) and the user's last used, where their next
/// log-in lands. Another tenant's id is "not found".
#[server]
pub async fn switch_tenant(tenant_id: cadence::Uuid) -> Result<(), AppError> {
    let (_, principal) = ssr::signed_in().await?;
    let catalog = ssr::catalog()?;
    let scope =
        cadence::access::enter_tenant(&catalog, &principal, cadence::tenancy::TenantId(tenant_id))?;
    let db = super::ssr::db()?;
    cadence::access::record_switch(&db, &scope, &super::ssr::request_meta()).await?;
    ssr::use_tenant(&db, &scope).await?;
    Ok(())
}

/// The current tenant as its members see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOverview {
    pub name: String,
    pub slug: String,
    pub storefront: String,
    pub access: String,
    /// The agency's own workspace: it has a client list.
    pub is_agency: bool,
    /// Why Cadence suspended the tenant, when it is suspended.
    pub suspended: Option<String>,
}

#[server]
pub async fn load_tenant_overview() -> Result<Option<TenantOverview>, AppError> {
    let Some((principal, scope)) = ssr::current_scope().await? else {
        return Ok(None);
    };
    let catalog = ssr::catalog()?;
    let db = super::ssr::db()?;
    let tenant = cadence::tenancy::scoped_tenant(&db, &scope).await?;
    let access = match cadence::access::decide(
        &catalog,
        &principal,
        "tenant.read",
        cadence::access::Target::Tenant(scope.tenant_id().0),
    ) {
        cadence::access::Decision::Allow { via } => via,
        _ => return Err(AppError::NotFound),
    };
    let config = super::ssr::site_config()?;
    let is_agency = cadence::agency::agency_of_home(&db, &scope)
        .await?
        .is_some();
    let suspended = cadence::admin::platform::suspension(&db, &scope).await?;
    Ok(Some(TenantOverview {
        suspended,
        is_agency,
        storefront: config.storefront_host(&tenant.slug),
        name: tenant.name,
        slug: tenant.slug,
        access,
    }))
}

/// A security event as the audit panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub at: String,
    pub action: String,
    pub outcome: String,
    pub actor: String,
    pub detail: String,
}

/// The current tenant's recent security events; needs `audit.read`.
#[server]
pub async fn load_security_events() -> Result<Vec<SecurityEvent>, AppError> {
    let Some((principal, scope)) = ssr::current_scope().await? else {
        return Ok(Vec::new());
    };
    let db = super::ssr::db()?;
    let catalog = ssr::catalog()?;
    cadence::access::authorize(
        &db,
        &catalog,
        &principal,
        &scope,
        "audit.read",
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(cadence::audit::recent_for_tenant(&db, &scope, 20)
        .await?
        .into_iter()
        .map(|r| SecurityEvent {
            at: r.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            action: r.action,
            outcome: r.outcome,
            actor: r.actor.unwrap_or_else(|| "—".into()),
            detail: r.reason.or(r.target).unwrap_or_default(),
        })
        .collect())
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! The signed-in principal and the session's current tenant.
    use crate::error::AppError;
    use cadence::access::{Principal, RoleCatalog};
    use cadence::auth::CurrentUser;
    use cadence::tenancy::{TenantId, TenantScope};
    use std::sync::Arc;
    use tower_sessions::Session;

    const TENANT: &str = "tenant";

    pub fn catalog() -> Result<Arc<RoleCatalog>, AppError> {
        leptos::prelude::use_context::<Arc<RoleCatalog>>().ok_or(AppError::Internal)
    }

    async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>()
            .await
            .map_err(|_| AppError::Internal)
    }

    pub async fn signed_in() -> Result<(CurrentUser, Principal), AppError> {
        let user = crate::api::auth::ssr::require_user().await?;
        let db = crate::api::ssr::db()?;
        let principal = cadence::access::principal(&db, user.id).await?;
        Ok((user, principal))
    }

    pub async fn current_tenant_id() -> Result<Option<cadence::Uuid>, AppError> {
        session()
            .await?
            .get(TENANT)
            .await
            .map_err(|_| AppError::Internal)
    }

    async fn set_session_tenant(id: cadence::Uuid) -> Result<(), AppError> {
        session()
            .await?
            .insert(TENANT, id)
            .await
            .map_err(|_| AppError::Internal)
    }

    /// Makes an entered tenant the session's current one and remembers it as the user's last
    /// used (not while staff act in the user's account: their visit is not the user's choice).
    pub async fn use_tenant(
        db: &cadence::db::Database,
        scope: &TenantScope,
    ) -> Result<(), AppError> {
        set_session_tenant(scope.tenant_id().0).await?;
        if crate::api::ssr::impersonation().is_none() {
            cadence::access::remember_tenant(db, scope).await?;
        }
        Ok(())
    }

    /// Makes a tenant the signed-in user has just joined or made the current one (and their last
    /// used, when they can enter it).
    pub async fn set_current_tenant(id: cadence::Uuid) -> Result<(), AppError> {
        let db = crate::api::ssr::db()?;
        match crate::api::auth::ssr::current_user().await? {
            Some(user) => {
                let principal = cadence::access::principal(&db, user.id).await?;
                let catalog = catalog()?;
                match cadence::access::enter_tenant(&catalog, &principal, TenantId(id)) {
                    Ok(scope) => use_tenant(&db, &scope).await,
                    Err(_) => set_session_tenant(id).await,
                }
            }
            None => set_session_tenant(id).await,
        }
    }

    /// The principal and their scope in the session's current tenant; without one, the tenant
    /// they used last, or their first; `None` when they belong to no tenant.
    pub async fn current_scope() -> Result<Option<(Principal, TenantScope)>, AppError> {
        let found = find_scope().await?;
        if let Some((_, scope)) = &found {
            // The request's log lines name the tenant from here on.
            crate::api::ssr::record_tenant(scope.tenant_id());
        }
        Ok(found)
    }

    async fn find_scope() -> Result<Option<(Principal, TenantScope)>, AppError> {
        let (_, principal) = signed_in().await?;
        let catalog = catalog()?;
        // An impersonated session stays in the tenant the user consented for.
        if let Some(a) = crate::api::ssr::impersonation() {
            let scope = cadence::access::enter_tenant(&catalog, &principal, TenantId(a.tenant_id))?;
            return Ok(Some((principal, scope)));
        }
        if let Some(id) = current_tenant_id().await?
            && let Ok(scope) = cadence::access::enter_tenant(&catalog, &principal, TenantId(id))
        {
            return Ok(Some((principal, scope)));
        }
        let db = crate::api::ssr::db()?;
        match cadence::access::landing_tenant(&db, &catalog, &principal).await? {
            Some(scope) => {
                set_session_tenant(scope.tenant_id().0).await?;
                Ok(Some((principal, scope)))
            }
            None => Ok(None),
        }
    }
}
