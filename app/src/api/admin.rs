//! Tenant administration server functions: platform credentials (masked), API keys (shown once),
//! access requests from Cadence support and the workspace settings (the audit log is in
//! `audit`). Each asks the policy first.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A credential slot: what it is for, and (when set) only its masked form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialView {
    pub kind: String,
    pub label: String,
    /// "set on 2026-12-01 14:02 UTC by Ana, ending in 1234".
    pub masked: Option<String>,
}

#[cfg(feature = "ssr")]
pub(super) async fn staff(
    privilege: &str,
) -> Result<(cadence::access::Principal, cadence::tenancy::TenantScope), AppError> {
    let (principal, scope) = super::tenant::ssr::current_scope()
        .await?
        .ok_or_else(|| AppError::from(cadence::Error::NotFound))?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    cadence::access::authorize(
        &db,
        &catalog,
        &principal,
        &scope,
        privilege,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok((principal, scope))
}

/// The tenant's credential slots; needs `credentials.manage`.
#[server]
pub async fn load_credentials() -> Result<Vec<CredentialView>, AppError> {
    use cadence::admin::CredentialKind;
    let (_, scope) = staff("credentials.manage").await?;
    let db = super::ssr::db()?;
    let set = cadence::admin::credentials::list(&db, &scope).await?;
    Ok(CredentialKind::ALL
        .into_iter()
        .map(|k| CredentialView {
            kind: k.as_str().to_string(),
            label: k.label().to_string(),
            masked: set.iter().find(|c| c.kind == k).map(|c| {
                format!(
                    "Set on {} by {}, ending in {}",
                    c.set_at.format("%Y-%m-%d %H:%M UTC"),
                    c.set_by
                        .clone()
                        .unwrap_or_else(|| "someone no longer here".into()),
                    c.last_four
                )
            }),
        })
        .collect())
}

/// Stores a credential, sealed with the tenant's key; the answer never contains it.
#[server]
pub async fn save_credential(kind: String, secret: String) -> Result<(), AppError> {
    let kind = cadence::admin::CredentialKind::parse(&kind)
        .ok_or_else(|| AppError::invalid("Choose which credential this is."))?;
    let secret = cadence::admin::Secret::parse(&secret).map_err(AppError::invalid)?;
    let (_, scope) = staff("credentials.manage").await?;
    // Support staff acting as a user are told no before being asked for a code.
    super::ssr::request_meta().forbid_when_impersonating("change credentials")?;
    super::auth::ssr::require_step_up().await?;
    let db = super::ssr::db()?;
    let keys = leptos::prelude::use_context::<cadence::admin::keys::Keyring>()
        .ok_or(AppError::Internal)?;
    cadence::admin::credentials::set(
        &db,
        &keys,
        &scope,
        kind,
        &secret,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}

#[server]
pub async fn remove_credential(kind: String) -> Result<(), AppError> {
    let kind = cadence::admin::CredentialKind::parse(&kind)
        .ok_or_else(|| AppError::invalid("Choose which credential this is."))?;
    let (_, scope) = staff("credentials.manage").await?;
    // Support staff acting as a user are told no before being asked for a code.
    super::ssr::request_meta().forbid_when_impersonating("change credentials")?;
    super::auth::ssr::require_step_up().await?;
    let db = super::ssr::db()?;
    cadence::admin::credentials::remove(&db, &scope, kind, &super::ssr::request_meta()).await?;
    Ok(())
}

/// An API key in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: cadence::Uuid,
    pub name: String,
    pub role: String,
    pub prefix: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub state: String,
}

/// The API keys page: the keys, the roles a new key may hold, and what the plan allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysPage {
    pub keys: Vec<ApiKeyView>,
    pub roles: Vec<String>,
    pub plan: String,
    /// None when the plan allows API access.
    pub not_in_plan: Option<String>,
    pub limit: i64,
    pub api_base: String,
}

#[server]
pub async fn load_api_keys() -> Result<ApiKeysPage, AppError> {
    let (principal, scope) = staff("credentials.manage").await?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    let own = cadence::access::strongest_role(&catalog, &principal, scope.tenant_id())
        .map(|(_, rank)| rank)
        .unwrap_or(0);
    let mut roles: Vec<(i32, String)> = catalog
        .roles
        .iter()
        .filter(|(_, d)| d.scope_kind == "tenant" && d.rank <= own)
        .map(|(n, d)| (d.rank, n.clone()))
        .collect();
    roles.sort();
    let ent = cadence::admin::plans::entitlements(&db, &scope).await?;
    let fmt = |t: Option<chrono::DateTime<chrono::Utc>>, none: &str| {
        t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| none.to_string())
    };
    let keys = cadence::admin::api_keys::list(&db, &scope)
        .await?
        .into_iter()
        .map(|k| ApiKeyView {
            id: k.id,
            state: k.state().to_string(),
            name: k.name,
            role: k.role,
            prefix: k.prefix,
            created: format!(
                "{} by {}",
                k.created_at.format("%Y-%m-%d"),
                k.created_by.unwrap_or_else(|| "—".into())
            ),
            expires: fmt(k.expires_at, "Never"),
            last_used: fmt(k.last_used_at, "Never used"),
        })
        .collect();
    Ok(ApiKeysPage {
        keys,
        roles: roles.into_iter().map(|(_, r)| r).collect(),
        not_in_plan: (!ent.allows("api_access"))
            .then(|| format!("REST API keys are not part of the {} plan.", ent.plan_label)),
        plan: ent.plan_label.clone(),
        limit: ent.limit("api_keys"),
        api_base: format!("{}/api/v1", super::ssr::app_url()?),
    })
}

/// A new key: the secret is in this answer only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub secret: String,
}

#[server]
pub async fn create_api_key(
    name: String,
    role: String,
    expires: String,
) -> Result<NewApiKey, AppError> {
    let name = cadence::admin::parse_key_name(&name).map_err(AppError::invalid)?;
    let days = cadence::admin::parse_expiry_days(&expires).map_err(AppError::invalid)?;
    let (principal, scope) = staff("credentials.manage").await?;
    super::ssr::request_meta().forbid_when_impersonating("create API keys")?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    let created = cadence::admin::api_keys::create(
        &db,
        &catalog,
        &principal,
        &scope,
        &cadence::admin::api_keys::NewKey {
            name: &name,
            role: &role,
            expires_in_days: days,
        },
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(NewApiKey {
        name: created.info.name,
        secret: created.secret,
    })
}

#[server]
pub async fn revoke_api_key(id: cadence::Uuid) -> Result<(), AppError> {
    let (_, scope) = staff("credentials.manage").await?;
    let db = super::ssr::db()?;
    cadence::admin::api_keys::revoke(&db, &scope, id, &super::ssr::request_meta()).await?;
    Ok(())
}

/// An access request from Cadence support, as the user (or an owner) sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestView {
    pub id: cadence::Uuid,
    pub staff: String,
    pub user: String,
    pub reason: String,
    pub state: String,
    pub requested: String,
    pub until: Option<String>,
    pub for_you: bool,
}

/// Access requests in the current tenant that the signed-in person may answer or end.
#[server]
pub async fn load_access_requests() -> Result<Vec<AccessRequestView>, AppError> {
    let Some((principal, scope)) = super::tenant::ssr::current_scope().await? else {
        return Ok(Vec::new());
    };
    if super::ssr::impersonation().is_some() {
        return Ok(Vec::new());
    }
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    Ok(
        cadence::admin::impersonation::for_tenant(&db, &catalog, &principal, &scope)
            .await?
            .into_iter()
            .map(|g| AccessRequestView {
                id: g.id,
                state: g.state().to_string(),
                until: g
                    .is_live()
                    .then(|| g.expires_at.map(|e| e.format("%H:%M UTC").to_string()))
                    .flatten(),
                staff: g.staff_name,
                for_you: g.user_id == principal.user_id,
                user: g.user_name,
                reason: g.reason,
                requested: g.requested_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            })
            .collect(),
    )
}

#[server]
pub async fn answer_access_request(id: cadence::Uuid, approve: bool) -> Result<(), AppError> {
    let (principal, scope) = super::tenant::ssr::current_scope()
        .await?
        .ok_or_else(|| AppError::from(cadence::Error::NotFound))?;
    let meta = super::ssr::request_meta();
    meta.forbid_when_impersonating("answer access requests")?;
    // Approving lets staff in: it needs a fresh code. Refusing never does.
    if approve {
        super::auth::ssr::require_step_up().await?;
    }
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    cadence::admin::impersonation::answer(
        &db,
        &catalog,
        &principal,
        &scope,
        id,
        approve,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}

/// Ends a live (or cancels a pending) access request from the user's side.
#[server]
pub async fn end_access_request(id: cadence::Uuid) -> Result<(), AppError> {
    let (principal, scope) = super::tenant::ssr::current_scope()
        .await?
        .ok_or_else(|| AppError::from(cadence::Error::NotFound))?;
    let db = super::ssr::db()?;
    let catalog = super::tenant::ssr::catalog()?;
    // Only grants this person may see here (their own, or all for owners) can be ended.
    let visible =
        cadence::admin::impersonation::for_tenant(&db, &catalog, &principal, &scope).await?;
    if !visible.iter().any(|g| g.id == id) {
        return Err(cadence::Error::NotFound.into());
    }
    cadence::admin::impersonation::end_in_tenant(&db, &scope, id, &super::ssr::request_meta())
        .await?;
    Ok(())
}

/// The workspace settings tab: name, time zone, and what the plan includes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceView {
    pub name: String,
    pub time_zone: String,
    pub zones: Vec<String>,
    pub plan: String,
    /// (what, included)
    pub features: Vec<(String, bool)>,
    /// (what, how many)
    pub limits: Vec<(String, i64)>,
}

#[server]
pub async fn load_workspace() -> Result<WorkspaceView, AppError> {
    let (_, scope) = staff("tenant.settings").await?;
    let db = super::ssr::db()?;
    let w = cadence::admin::settings::workspace(&db, &scope).await?;
    let e = cadence::admin::plans::entitlements(&db, &scope).await?;
    Ok(WorkspaceView {
        name: w.name,
        time_zone: w.time_zone,
        zones: cadence::onboarding::TIME_ZONES
            .iter()
            .map(|z| z.to_string())
            .collect(),
        plan: e.plan_label.clone(),
        features: e
            .features
            .iter()
            .map(|(k, v)| (cadence::admin::feature_label(k).to_string(), *v))
            .collect(),
        limits: e
            .limits
            .iter()
            .map(|(k, v)| (cadence::admin::feature_label(k).to_string(), *v))
            .collect(),
    })
}

#[server]
pub async fn save_workspace(name: String, time_zone: String) -> Result<(), AppError> {
    let (_, scope) = staff("tenant.settings").await?;
    let db = super::ssr::db()?;
    cadence::admin::settings::save_workspace(
        &db,
        &scope,
        &name,
        &time_zone,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}
