//! Log-in with a password: throttled per account, per account from one address and per address,
//! with device cookies letting a browser that logged in before keep trying its own account.

use super::device::{Device, device_key};
use super::service::VERIFY_LINK_MINUTES;
use super::{CurrentUser, Email, password, throttle, tokens};
use crate::admin::keys::Keyring;
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::notify;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Why a log-in was refused; each message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown email or wrong password: deliberately the same message.
    #[error("That email and password do not match an account.")]
    BadCredentials,
    /// The account (from this browser, or from this address) failed too often.
    #[error("Too many failed attempts for this account. Try again in {0} minute(s).")]
    Locked(i64),
    /// The address failed too often across accounts (password spraying).
    #[error("Too many failed attempts from your network. Try again in {0} minute(s).")]
    AddressLocked(i64),
    #[error("Please verify your email address first: we have sent you a new link.")]
    Unverified,
    #[error(transparent)]
    Other(#[from] Error),
}

/// A successful log-in: who, and the password epoch the session must match.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub user: CurrentUser,
    pub password_epoch: i64,
    /// The password was right and the account has two-factor on: a code must follow before the
    /// session is signed in (see `mfa::log_in_second_factor`).
    pub second_factor: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    password_hash: String,
    email_verified_at: Option<DateTime<Utc>>,
    password_changed_at: DateTime<Utc>,
}

/// The throttling keys one attempt is checked and counted under.
struct Keys {
    account: String,
    account_from_address: Option<String>,
    address: Option<String>,
}

impl Keys {
    fn new(email: &Email, ip: Option<&str>) -> Self {
        let email = email.as_str().to_lowercase();
        Self {
            account_from_address: ip.map(|ip| format!("email-ip:{email}|{ip}")),
            address: ip.map(|ip| format!("ip:{ip}")),
            account: format!("email:{email}"),
        }
    }
}

fn device_key_name(d: &Device) -> String {
    format!("device:{}", d.nonce)
}

/// Checks credentials; audits success and failure. A browser showing a valid device cookie for
/// the account (one of `device_cookies`) is held only by that cookie's own failures; any other is
/// held by the account's, the account-from-this-address and the address's.
#[tracing::instrument(name = "Log in", skip_all, fields(email = %email.as_str()))]
pub async fn log_in(
    db: &Database,
    keys: &Keyring,
    email: &Email,
    password: &str,
    device_cookies: &[String],
    meta: &RequestMeta,
    app_url: &str,
) -> Result<LoggedIn, LoginError> {
    let throttle_keys = Keys::new(email, meta.ip.as_deref());
    let mut conn = db.pool().acquire().await.map_err(Error::from)?;
    let row: Option<UserRow> = sqlx::query_as(
        "select id, email, display_name, password_hash, email_verified_at, password_changed_at
           from users where lower(email) = lower($1)",
    )
    .bind(email.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(Error::from)?;
    // The key is loaded whenever cookies come, known account or not: no timing tells them apart.
    let device = if device_cookies.is_empty() {
        None
    } else {
        let key = device_key(db, keys).await?;
        row.as_ref()
            .and_then(|r| key.device_for(device_cookies, r.id))
    };
    let mut candidates: Vec<String> = device.iter().map(device_key_name).collect();
    candidates.push(throttle_keys.account.clone());
    candidates.extend(throttle_keys.account_from_address.clone());
    candidates.extend(throttle_keys.address.clone());
    let locks = throttle::locked(&mut conn, &candidates).await?;
    let locked = |key: &str| locks.iter().find(|(k, _)| k == key).map(|(_, u)| *u);
    // A device cookie that failed too often is ignored until its lock ends (OWASP: the cookie is on
    // the lockout list), so the browser counts as unknown again.
    let device = device.filter(|d| locked(&device_key_name(d)).is_none());
    if device.is_none() {
        let refused = if let Some(until) = throttle_keys.address.as_deref().and_then(locked) {
            Some((
                "address locked",
                LoginError::AddressLocked(throttle::minutes_until(until)),
            ))
        } else {
            [
                Some(throttle_keys.account.as_str()),
                throttle_keys.account_from_address.as_deref(),
            ]
            .into_iter()
            .flatten()
            .filter_map(locked)
            .max()
            .map(|until| ("locked", LoginError::Locked(throttle::minutes_until(until))))
        };
        if let Some((reason, error)) = refused {
            audit::record(
                &mut conn,
                meta,
                AuditEvent::new("user.log_in", Outcome::Denied)
                    .target(email.as_str())
                    .reason(reason),
            )
            .await?;
            return Err(error);
        }
    }
    let stored = row
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| password::decoy_hash().to_string());
    let matches = password::verify(password.to_string(), stored).await && row.is_some();
    let Some(user) = row.filter(|_| matches) else {
        let reason = match &device {
            Some(d) => {
                throttle::fail(&mut conn, &device_key_name(d), throttle::DEVICE).await?;
                "bad credentials from a known browser"
            }
            None => {
                let spill = match &throttle_keys.account_from_address {
                    Some(k) => throttle::counts_beyond_address(
                        throttle::fail(&mut conn, k, throttle::ACCOUNT_FROM_ADDRESS).await?,
                    ),
                    None => true,
                };
                if spill {
                    throttle::fail(&mut conn, &throttle_keys.account, throttle::ACCOUNT).await?;
                    if let Some(k) = &throttle_keys.address {
                        throttle::fail(&mut conn, k, throttle::ADDRESS).await?;
                    }
                }
                "bad credentials"
            }
        };
        audit::record(
            &mut conn,
            meta,
            AuditEvent::new("user.log_in", Outcome::Failure)
                .target(email.as_str())
                .reason(reason),
        )
        .await?;
        return Err(LoginError::BadCredentials);
    };
    // A success forgets this browser's and this address's own failures, never the account's
    // count against unknown browsers: the owner logging in must not reset a distributed guesser.
    let cleared: Vec<String> = match &device {
        Some(d) => vec![device_key_name(d)],
        None => throttle_keys.account_from_address.iter().cloned().collect(),
    };
    throttle::clear(&mut conn, &cleared).await?;
    if user.email_verified_at.is_none() {
        let mut tx = db.pool().begin().await.map_err(Error::from)?;
        let token =
            tokens::issue(&mut tx, user.id, tokens::VERIFY_EMAIL, VERIFY_LINK_MINUTES).await?;
        notify::enqueue(
            &mut tx,
            &user.email,
            "Verify your email for Cadence",
            &format!(
                "Hello {},\n\nConfirm your email address by opening this link:\n\n{app_url}/verify?token={token}\n\nThe link works once and expires in 24 hours.",
                user.display_name
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            meta,
            AuditEvent::new("user.log_in", Outcome::Denied)
                .actor(user.id)
                .reason("email not verified"),
        )
        .await?;
        tx.commit().await.map_err(Error::from)?;
        return Err(LoginError::Unverified);
    }
    let second_factor = super::mfa::is_enabled_on(&mut *conn, user.id).await?;
    if second_factor {
        audit::record(
            &mut conn,
            meta,
            AuditEvent::new("user.log_in.password", Outcome::Success)
                .actor(user.id)
                .reason("second factor required"),
        )
        .await?;
    } else {
        sqlx::query("update users set last_login_at = now() where id = $1")
            .bind(user.id)
            .execute(&mut *conn)
            .await
            .map_err(Error::from)?;
        audit::record(
            &mut conn,
            meta,
            AuditEvent::new("user.log_in", Outcome::Success).actor(user.id),
        )
        .await?;
    }
    Ok(LoggedIn {
        second_factor,
        password_epoch: user.password_changed_at.timestamp_micros(),
        user: CurrentUser {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
        },
    })
}

/// A new device cookie for a browser that has just logged in to `user` (password and, when on,
/// second factor): the value to set, valid for `device::DEVICE_COOKIE_DAYS`.
pub async fn issue_device_cookie(db: &Database, keys: &Keyring, user: Uuid) -> Result<String> {
    Ok(device_key(db, keys).await?.issue(user))
}
