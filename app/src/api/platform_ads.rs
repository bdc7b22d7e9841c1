//! Platform staff assign ad accounts to tenants (which tenant receives an account's synced data):
//! the list, assign and unassign. Anyone without a platform role gets "not found".

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An assignment in the platform list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdAssignmentView {
    /// `meta`, `google_ads`, … (for the unassign form).
    pub platform: String,
    pub platform_label: String,
    pub account_id: String,
    pub tenant_name: String,
    pub tenant_slug: String,
    pub verified_via: String,
    pub assigned_by: String,
    pub assigned_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdAssignmentsPage {
    pub rows: Vec<AdAssignmentView>,
    pub can_manage: bool,
}

#[server]
pub async fn load_ad_assignments(query: String) -> Result<AdAssignmentsPage, AppError> {
    let staff = super::platform_admin::staff("platform.tenants.read").await?;
    let db = super::ssr::db()?;
    let query: String = query.chars().take(100).collect();
    let rows = cadence::ads::list_assignments(&db, &staff, &query).await?;
    Ok(AdAssignmentsPage {
        rows: rows
            .into_iter()
            .map(|a| AdAssignmentView {
                platform_label: cadence::ads::Platform::parse(&a.platform)
                    .map_or("Other", |p| p.label())
                    .to_string(),
                platform: a.platform,
                account_id: a.account_id,
                tenant_name: a.tenant_name,
                tenant_slug: a.tenant_slug,
                verified_via: a.verified_via,
                assigned_by: a.assigned_by.unwrap_or_else(|| "the command line".into()),
                assigned_at: a.assigned_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            })
            .collect(),
        can_manage: staff.can_manage(),
    })
}

#[cfg(feature = "ssr")]
fn parse_platform(text: &str) -> Result<cadence::ads::Platform, AppError> {
    cadence::ads::Platform::parse(text).ok_or_else(|| AppError::invalid("Choose the platform."))
}

/// Assigns an ad account to the tenant with address `tenant` (its slug).
#[server]
pub async fn assign_ad_account(
    platform: String,
    account_id: String,
    tenant: String,
) -> Result<(), AppError> {
    let staff = super::platform_admin::staff("platform.tenants.manage").await?;
    let platform = parse_platform(&platform)?;
    let db = super::ssr::db()?;
    let slug = tenant.trim().to_ascii_lowercase();
    let t = cadence::tenancy::resolve_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::invalid(format!("No tenant has the address “{slug}”.")))?;
    cadence::ads::assign(
        &db,
        &staff,
        platform,
        &account_id,
        t.scope.tenant_id().0,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}

#[server]
pub async fn unassign_ad_account(platform: String, account_id: String) -> Result<(), AppError> {
    let staff = super::platform_admin::staff("platform.tenants.manage").await?;
    let platform = parse_platform(&platform)?;
    let db = super::ssr::db()?;
    cadence::ads::unassign(
        &db,
        &staff,
        platform,
        &account_id,
        &super::ssr::request_meta(),
    )
    .await?;
    Ok(())
}
