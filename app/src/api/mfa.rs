//! Two-factor server functions: the account's state, enrolment with a QR code, recovery codes,
//! turning it off, and step-up (a fresh code before a sensitive action).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The Security panel's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaView {
    pub enabled_since: Option<String>,
    pub recovery_left: i64,
}

/// What the set-up shows once: the QR code (SVG) and the secret for typing in by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    pub qr_svg: String,
    pub secret: String,
}

#[server]
pub async fn load_mfa() -> Result<MfaView, AppError> {
    let user = super::auth::ssr::require_user().await?;
    let db = super::ssr::db()?;
    let s = cadence::auth::mfa::status(&db, user.id).await?;
    Ok(MfaView {
        enabled_since: s.enabled_at.map(|t| t.format("%-d %B %Y").to_string()),
        recovery_left: s.recovery_left,
    })
}

/// Starts set-up: a new secret, in force only once a code from it is confirmed.
#[server]
pub async fn begin_mfa() -> Result<EnrolmentView, AppError> {
    let user = super::auth::ssr::require_user().await?;
    super::ssr::request_meta().forbid_when_impersonating("set up two-factor authentication")?;
    let db = super::ssr::db()?;
    let e = cadence::auth::mfa::begin(&db, &ssr::keys()?, user.id, &user.email).await?;
    Ok(EnrolmentView {
        qr_svg: e.qr_svg,
        secret: e.secret_base32,
    })
}

/// Confirms set-up with the first code; answers the recovery codes, shown once.
#[server]
pub async fn confirm_mfa(code: String) -> Result<Vec<String>, AppError> {
    let user = super::auth::ssr::require_user().await?;
    let meta = super::ssr::request_meta();
    meta.forbid_when_impersonating("set up two-factor authentication")?;
    let db = super::ssr::db()?;
    let codes = cadence::auth::mfa::confirm(&db, &ssr::keys()?, user.id, &code, &meta).await?;
    super::auth::ssr::mark_second_factor().await?;
    Ok(codes)
}

/// New recovery codes for a fresh code; the old ones stop working.
#[server]
pub async fn new_recovery_codes(code: String) -> Result<Vec<String>, AppError> {
    let user = super::auth::ssr::require_user().await?;
    let meta = super::ssr::request_meta();
    meta.forbid_when_impersonating("change recovery codes")?;
    let db = super::ssr::db()?;
    Ok(cadence::auth::mfa::new_recovery_codes(&db, &ssr::keys()?, user.id, &code, &meta).await?)
}

/// Turns two-factor off for a fresh code.
#[server]
pub async fn disable_mfa(code: String) -> Result<(), AppError> {
    let user = super::auth::ssr::require_user().await?;
    let meta = super::ssr::request_meta();
    meta.forbid_when_impersonating("turn off two-factor authentication")?;
    let db = super::ssr::db()?;
    Ok(cadence::auth::mfa::disable(&db, &ssr::keys()?, user.id, &code, &meta).await?)
}

/// Step-up: a fresh code lets sensitive actions through for the next ten minutes.
#[server]
pub async fn step_up(code: String) -> Result<(), AppError> {
    let account = super::auth::ssr::session_account().await?;
    let db = super::ssr::db()?;
    cadence::auth::mfa::step_up(
        &db,
        &ssr::keys()?,
        account,
        &code,
        &super::ssr::request_meta(),
    )
    .await?;
    super::auth::ssr::mark_second_factor().await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;

    pub fn keys() -> Result<cadence::admin::keys::Keyring, AppError> {
        leptos::prelude::use_context::<cadence::admin::keys::Keyring>().ok_or_else(|| {
            tracing::error!("the keyring is missing from the server function context");
            AppError::Internal
        })
    }
}
