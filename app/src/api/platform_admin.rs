//! Platform administration server functions (Cadence staff only): the tenants list with usage,
//! suspension, plans, and impersonation requests. Anyone without a platform role gets "not found".

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub(crate) async fn staff(
    privilege: &str,
) -> Result<cadence::admin::platform::PlatformStaff, AppError> {
    let (_, principal) = super::tenant::ssr::signed_in().await?;
    if super::ssr::impersonation().is_some() {
        return Err(cadence::Error::NotFound.into());
    }
    let catalog = super::tenant::ssr::catalog()?;
    Ok(cadence::admin::platform::PlatformStaff::authorize(
        &catalog, &principal, privilege,
    )?)
}

/// A tenant row in the platform list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRowView {
    pub id: cadence::Uuid,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub status: String,
    pub plan: String,
    /// Overrides as JSON ("" when none).
    pub overrides: String,
    pub members: i64,
    pub records: i64,
    pub storage: String,
    pub last_activity: String,
    pub created: String,
    pub suspended_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantsPage {
    pub rows: Vec<TenantRowView>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub can_manage: bool,
    pub can_impersonate: bool,
    pub plans: Vec<(String, String)>,
}

/// Rows per page of the tenants list.
pub const TENANTS_PER_PAGE: u32 = 25;

#[server]
pub async fn load_platform_tenants(
    query: String,
    status: String,
    page: u32,
) -> Result<TenantsPage, AppError> {
    let staff = staff("platform.tenants.read").await?;
    let db = super::ssr::db()?;
    let (rows, total) = cadence::admin::platform::list_tenants(
        &db,
        &staff,
        &cadence::admin::platform::TenantFilter {
            query: query.chars().take(100).collect(),
            status,
            page,
            per_page: TENANTS_PER_PAGE,
        },
    )
    .await?;
    let size = |b: i64| match b {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    };
    Ok(TenantsPage {
        rows: rows
            .into_iter()
            .map(|t| TenantRowView {
                id: t.id,
                name: t.name,
                slug: t.slug,
                kind: t.profile_type,
                status: t.status,
                plan: t.plan,
                overrides: match &t.overrides {
                    serde_json::Value::Object(m) if m.is_empty() => String::new(),
                    v => v.to_string(),
                },
                members: t.members,
                records: t.records,
                storage: size(t.storage_bytes),
                last_activity: t
                    .last_activity
                    .map(|a| a.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "—".into()),
                created: t.created_at.format("%Y-%m-%d").to_string(),
                suspended_reason: t.suspended_reason,
            })
            .collect(),
        total,
        page,
        pages: ((total as u32).div_ceil(TENANTS_PER_PAGE)).max(1),
        can_manage: staff.can_manage(),
        can_impersonate: staff.can_impersonate(),
        plans: cadence::admin::plans::plans(&db)
            .await?
            .into_iter()
            .map(|p| (p.name, p.label))
            .collect(),
    })
}

#[server]
pub async fn suspend_tenant(tenant_id: cadence::Uuid, reason: String) -> Result<(), AppError> {
    let reason = cadence::admin::parse_reason(&reason).map_err(AppError::invalid)?;
    let staff = staff("platform.tenants.manage").await?;
    let db = super::ssr::db()?;
    cadence::admin::platform::set_suspended(
        &db,
        &staff,
        tenant_id,
        Some(&reason),
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}

#[server]
pub async fn reactivate_tenant(tenant_id: cadence::Uuid) -> Result<(), AppError> {
    let staff = staff("platform.tenants.manage").await?;
    let db = super::ssr::db()?;
    cadence::admin::platform::set_suspended(
        &db,
        &staff,
        tenant_id,
        None,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}

/// Moves a tenant to a plan; `overrides` is a JSON object such as
/// `{"features": {"csv_export": true}, "limits": {"seats": 20}}` (empty for none).
#[server]
pub async fn set_tenant_plan(
    tenant_id: cadence::Uuid,
    plan: String,
    overrides: String,
) -> Result<(), AppError> {
    let overrides: serde_json::Value = if overrides.trim().is_empty() {
        serde_json::json!({})
    } else {
        serde_json::from_str(&overrides).map_err(|_| {
            AppError::invalid("Overrides must be JSON, such as {\"limits\": {\"seats\": 20}}.")
        })?
    };
    let staff = staff("platform.tenants.manage").await?;
    let db = super::ssr::db()?;
    cadence::admin::platform::set_plan(
        &db,
        &staff,
        tenant_id,
        &plan,
        &overrides,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}

/// A tenant's member, for an access request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub user_id: cadence::Uuid,
    pub label: String,
}

#[server]
pub async fn load_tenant_members(tenant_id: cadence::Uuid) -> Result<Vec<MemberChoice>, AppError> {
    let staff = staff("platform.impersonate").await?;
    let db = super::ssr::db()?;
    Ok(
        cadence::admin::platform::tenant_members(&db, &staff, tenant_id)
            .await?
            .into_iter()
            .map(|m| MemberChoice {
                user_id: m.user_id,
                label: format!("{} <{}> — {}", m.display_name, m.email, m.role),
            })
            .collect(),
    )
}

#[server]
pub async fn request_impersonation(
    tenant_id: cadence::Uuid,
    user_id: cadence::Uuid,
    reason: String,
) -> Result<(), AppError> {
    let staff = staff("platform.impersonate").await?;
    let db = super::ssr::db()?;
    cadence::admin::impersonation::request(
        &db,
        &staff,
        tenant_id,
        user_id,
        &reason,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}

/// A staff member's access request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    pub id: cadence::Uuid,
    pub tenant: String,
    pub user: String,
    pub reason: String,
    pub state: String,
    pub requested: String,
    pub until: Option<String>,
}

#[server]
pub async fn load_my_grants() -> Result<Vec<GrantView>, AppError> {
    let staff = staff("platform.impersonate").await?;
    let db = super::ssr::db()?;
    Ok(cadence::admin::impersonation::for_staff(&db, &staff)
        .await?
        .into_iter()
        .map(|g| GrantView {
            id: g.id,
            state: g.state().to_string(),
            until: g
                .is_live()
                .then(|| g.expires_at.map(|e| e.format("%H:%M UTC").to_string()))
                .flatten(),
            tenant: g.tenant_name,
            user: format!("{} <{}>", g.user_name, g.user_email),
            reason: g.reason,
            requested: g.requested_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect())
}

/// Starts acting in the account of an approved request: the session carries the grant until it
/// ends or runs out.
#[server]
pub async fn start_impersonation(id: cadence::Uuid) -> Result<(), AppError> {
    let staff = staff("platform.impersonate").await?;
    let db = super::ssr::db()?;
    cadence::admin::impersonation::start(&db, &staff, id, &super::ssr::request_meta()).await?;
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| AppError::Internal)?;
    session
        .insert(crate::IMPERSONATION_SESSION_KEY, id)
        .await
        .map_err(|_| AppError::Internal)?;
    leptos_axum::redirect("/app");
    Ok(())
}

/// What the banner on every page says while staff act in an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpersonationBanner {
    pub staff: String,
    pub user: String,
    pub until: String,
}

#[server]
pub async fn load_impersonation() -> Result<Option<ImpersonationBanner>, AppError> {
    Ok(super::ssr::impersonation().map(|a| ImpersonationBanner {
        staff: a.staff_name,
        user: a.user_name,
        until: a.expires_at.format("%H:%M UTC").to_string(),
    }))
}

/// Ends the impersonation this session is in (staff's side).
#[server]
pub async fn stop_impersonation() -> Result<(), AppError> {
    let Some(a) = super::ssr::impersonation() else {
        return Ok(());
    };
    let db = super::ssr::db()?;
    cadence::admin::impersonation::end(
        &db,
        a.staff_user_id,
        a.grant_id,
        &super::ssr::request_meta(),
    )
    .await?;
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| AppError::Internal)?;
    let _ = session
        .remove::<cadence::Uuid>(crate::IMPERSONATION_SESSION_KEY)
        .await;
    leptos_axum::redirect("/platform/access");
    Ok(())
}

/// Whether the signed-in person is Cadence staff (the header then links to the platform area).
#[server]
pub async fn is_platform_staff() -> Result<bool, AppError> {
    if super::auth::ssr::current_user().await?.is_none() || super::ssr::impersonation().is_some() {
        return Ok(false);
    }
    // Asked of everyone on every page: the policy's answer is read without turning a "no" into
    // an error (which would set this page's status to 404).
    let (_, principal) = super::tenant::ssr::signed_in().await?;
    let catalog = super::tenant::ssr::catalog()?;
    Ok(cadence::admin::platform::PlatformStaff::authorize(
        &catalog,
        &principal,
        "platform.tenants.read",
    )
    .is_ok())
}
