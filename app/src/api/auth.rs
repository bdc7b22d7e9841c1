//! Account server functions: sign-up, verification, log-in/out, password reset and change, and
//! the signed-in user. Sessions live in PostgreSQL (tower-sessions).

use crate::error::AppError;
use cadence::auth::CurrentUser;
use leptos::prelude::*;

/// The signed-in user, if any.
#[server]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    ssr::current_user().await
}

/// Creates an account and sends the verification email, then shows "check your inbox".
#[server]
pub async fn sign_up(
    display_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    let email = cadence::auth::Email::parse(&email).map_err(AppError::invalid)?;
    let password = cadence::auth::NewPassword::parse(&password).map_err(AppError::invalid)?;
    let db = super::ssr::db()?;
    let app_url = super::ssr::app_url()?;
    cadence::auth::sign_up(
        &db,
        &email,
        &display_name,
        &password,
        &super::ssr::request_meta(),
        &app_url,
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/check-email?to={}",
        crate::url::encode(email.as_str())
    ));
    Ok(())
}

/// Redeems an email-verification link.
#[server]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let db = super::ssr::db()?;
    Ok(cadence::auth::verify_email(&db, &token, &super::ssr::request_meta()).await?)
}

/// Logs in: a new session id, the user and password epoch in the session, and a device cookie
/// that lets this browser keep trying this account while unknown browsers are locked out.
#[server]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use cadence::auth::LoginError;
    let email = cadence::auth::Email::parse(&email).map_err(AppError::invalid)?;
    let db = super::ssr::db()?;
    let app_url = super::ssr::app_url()?;
    let meta = super::ssr::request_meta();
    let keys = super::mfa::ssr::keys()?;
    let devices = ssr::device_cookies();
    let logged_in =
        match cadence::auth::log_in(&db, &keys, &email, &password, &devices, &meta, &app_url).await
        {
            Ok(l) => l,
            Err(LoginError::Other(e)) => return Err(e.into()),
            Err(e) => {
                if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                    match &e {
                        LoginError::Locked(minutes) | LoginError::AddressLocked(minutes) => {
                            res.set_status(http::StatusCode::TOO_MANY_REQUESTS);
                            res.insert_header(http::header::RETRY_AFTER, (minutes * 60).into());
                        }
                        _ => res.set_status(http::StatusCode::UNAUTHORIZED),
                    }
                }
                return Err(AppError::Validation(e.to_string()));
            }
        };
    if logged_in.second_factor {
        // The password was right; the session signs in only after the code.
        ssr::start_pending(&logged_in).await?;
        leptos_axum::redirect(&format!(
            "/login/code?next={}",
            crate::url::encode(&ssr::safe_next(next.as_deref()))
        ));
        return Ok(());
    }
    ssr::start_session(&logged_in).await?;
    ssr::remember_device(&db, &keys, logged_in.user.id).await?;
    leptos_axum::redirect(&ssr::landing(&db, logged_in.user.id, next.as_deref()).await?);
    Ok(())
}

/// The second step of a log-in with two-factor on: a code from the app, or a recovery code.
#[server]
pub async fn log_in_code(code: String, next: Option<String>) -> Result<(), AppError> {
    let db = super::ssr::db()?;
    let keys = super::mfa::ssr::keys()?;
    let Some(pending) = ssr::pending().await? else {
        return Err(AppError::invalid(
            "Your log-in took too long. Enter your email and password again.",
        ));
    };
    cadence::auth::mfa::log_in_second_factor(
        &db,
        &keys,
        pending.user.id,
        &code,
        &super::ssr::request_meta(),
    )
    .await?;
    ssr::start_session(&pending).await?;
    ssr::mark_second_factor().await?;
    ssr::remember_device(&db, &keys, pending.user.id).await?;
    leptos_axum::redirect(&ssr::landing(&db, pending.user.id, next.as_deref()).await?);
    Ok(())
}

/// Logs out: the session is deleted.
#[server]
pub async fn log_out() -> Result<(), AppError> {
    let db = super::ssr::db()?;
    // Logging out of an impersonated session ends the impersonation first.
    if let Some(a) = super::ssr::impersonation() {
        cadence::admin::impersonation::end(
            &db,
            a.staff_user_id,
            a.grant_id,
            &super::ssr::request_meta(),
        )
        .await?;
    } else if let Some(user) = ssr::current_user().await? {
        cadence::auth::log_out(&db, user.id, &super::ssr::request_meta()).await?;
    }
    ssr::end_session().await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Sends a reset link if the account exists; the answer is the same either way.
#[server]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let email = cadence::auth::Email::parse(&email).map_err(AppError::invalid)?;
    let db = super::ssr::db()?;
    let app_url = super::ssr::app_url()?;
    cadence::auth::request_password_reset(&db, &email, &super::ssr::request_meta(), &app_url)
        .await?;
    leptos_axum::redirect(&format!(
        "/check-email?to={}&reason=reset",
        crate::url::encode(email.as_str())
    ));
    Ok(())
}

/// Sets a new password from a reset link.
#[server]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    if password != confirm {
        return Err(AppError::invalid("The two passwords do not match."));
    }
    let password = cadence::auth::NewPassword::parse(&password).map_err(AppError::invalid)?;
    let db = super::ssr::db()?;
    cadence::auth::reset_password(&db, &token, &password, &super::ssr::request_meta()).await?;
    ssr::end_session().await?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// Changes the signed-in user's password; their other sessions end.
#[server]
pub async fn change_password(
    current: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    if password != confirm {
        return Err(AppError::invalid("The two new passwords do not match."));
    }
    let new = cadence::auth::NewPassword::parse(&password).map_err(AppError::invalid)?;
    let user = ssr::require_user().await?;
    let meta = super::ssr::request_meta();
    meta.forbid_when_impersonating("change passwords")?;
    let db = super::ssr::db()?;
    let epoch = cadence::auth::change_password(&db, user.id, &current, &new, &meta).await?;
    ssr::keep_session_after_password_change(epoch).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! Session handling for server functions.
    use crate::error::AppError;
    use cadence::auth::{CurrentUser, LoggedIn};
    use tower_sessions::Session;

    const USER: &str = crate::USER_SESSION_KEY;
    const EPOCH: &str = "pw_epoch";
    const STARTED: &str = "started_at";
    /// Sessions end this long after log-in, however active (idle expiry is the session layer's).
    pub const ABSOLUTE_SECS: i64 = 14 * 24 * 3600;
    /// When the session was last marked as in use.
    const SEEN: &str = "seen_at";
    /// The session layer saves (and so moves the idle expiry forward) only a session that
    /// changed: marking it at most this often keeps an active session alive without a store
    /// write on every request.
    const TOUCH_SECS: i64 = 3600;

    async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>().await.map_err(|e| {
            tracing::error!(error = %e, "no session layer");
            AppError::Internal
        })
    }

    fn internal(e: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %e, "session store failed");
        AppError::Internal
    }

    /// A fresh session for a log-in: nothing of the session before it (another account's
    /// current tenant or second-factor time) carries over, so the user lands by their own rule.
    pub async fn start_session(l: &LoggedIn) -> Result<(), AppError> {
        let s = session().await?;
        s.clear().await;
        s.cycle_id().await.map_err(internal)?;
        s.insert(USER, l.user.id).await.map_err(internal)?;
        s.insert(EPOCH, l.password_epoch).await.map_err(internal)?;
        s.insert(STARTED, chrono::Utc::now().timestamp())
            .await
            .map_err(internal)?;
        Ok(())
    }

    const PENDING: &str = "mfa_pending";
    const PENDING_EPOCH: &str = "mfa_pending_epoch";
    const PENDING_AT: &str = "mfa_pending_at";
    const SECOND_FACTOR_AT: &str = "mfa_at";

    /// Remembers a log-in whose password was right until its code arrives (not signed in yet).
    pub async fn start_pending(l: &LoggedIn) -> Result<(), AppError> {
        let s = session().await?;
        s.clear().await;
        s.cycle_id().await.map_err(internal)?;
        s.insert(PENDING, l.user.id).await.map_err(internal)?;
        s.insert(PENDING_EPOCH, l.password_epoch)
            .await
            .map_err(internal)?;
        s.insert(PENDING_AT, chrono::Utc::now().timestamp())
            .await
            .map_err(internal)
    }

    /// The log-in waiting for its code, if it is recent and the password has not changed since.
    pub async fn pending() -> Result<Option<LoggedIn>, AppError> {
        let s = session().await?;
        let Some(user) = s.get::<cadence::Uuid>(PENDING).await.map_err(internal)? else {
            return Ok(None);
        };
        let epoch: i64 = s
            .get(PENDING_EPOCH)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        let at: i64 = s
            .get(PENDING_AT)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        if chrono::Utc::now().timestamp() - at > cadence::auth::mfa::PENDING_LOGIN_SECS {
            s.remove_value(PENDING).await.map_err(internal)?;
            return Ok(None);
        }
        let db = super::super::ssr::db()?;
        Ok(cadence::auth::session_user(&db, user, epoch)
            .await?
            .map(|user| LoggedIn {
                user,
                password_epoch: epoch,
                second_factor: true,
            }))
    }

    /// Records that the session's user has just given a correct code (log-in or step-up).
    pub async fn mark_second_factor() -> Result<(), AppError> {
        let s = session().await?;
        s.remove_value(PENDING).await.map_err(internal)?;
        s.insert(SECOND_FACTOR_AT, chrono::Utc::now().timestamp())
            .await
            .map_err(internal)
    }

    /// The signed-in account of the session itself (staff, not the user, during impersonation).
    pub async fn session_account() -> Result<cadence::Uuid, AppError> {
        let s = session().await?;
        match s.get::<cadence::Uuid>(USER).await.map_err(internal)? {
            Some(u) if current_user().await?.is_some() => Ok(u),
            _ => Err(AppError::Unauthenticated),
        }
    }

    /// Step-up: sensitive actions need a code given in the last few minutes. Without two-factor on,
    /// the answer says to turn it on first.
    pub async fn require_step_up() -> Result<(), AppError> {
        let account = session_account().await?;
        let s = session().await?;
        let at: i64 = s
            .get(SECOND_FACTOR_AT)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        if chrono::Utc::now().timestamp() - at <= cadence::auth::mfa::STEP_UP_SECS {
            return Ok(());
        }
        let db = super::super::ssr::db()?;
        let enrolled = cadence::auth::mfa::is_enabled(&db, account).await?;
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(http::StatusCode::FORBIDDEN);
        }
        Err(if enrolled {
            AppError::StepUp
        } else {
            AppError::MfaRequired
        })
    }

    /// Where a fresh log-in lands: the asked-for page, or onboarding for someone with nothing yet.
    pub async fn landing(
        db: &cadence::db::Database,
        user: cadence::Uuid,
        next: Option<&str>,
    ) -> Result<String, AppError> {
        let to = safe_next(next);
        if to == "/app" {
            let status = cadence::onboarding::status(db, user).await?;
            if !status.finished
                && cadence::access::principal(db, user)
                    .await?
                    .bindings
                    .is_empty()
            {
                return Ok("/onboarding".into());
            }
        }
        Ok(to)
    }

    /// Device cookies are named per account, so one browser can be known to several.
    const DEVICE_COOKIE: &str = "cadence_device_";
    /// More than this many device cookies in one request are ignored (each costs an HMAC).
    const MAX_DEVICE_COOKIES: usize = 20;

    /// The device cookies the browser sent.
    pub fn device_cookies() -> Vec<String> {
        use tower_sessions::cookie::Cookie;
        let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
            return Vec::new();
        };
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| Cookie::parse(c.trim()).ok())
            .filter(|c| c.name().starts_with(DEVICE_COOKIE))
            .map(|c| c.value().to_string())
            .take(MAX_DEVICE_COOKIES)
            .collect()
    }

    /// Gives the browser that has just logged in a new device cookie for the account: sent back
    /// only to the password log-in, never readable by scripts.
    pub async fn remember_device(
        db: &cadence::db::Database,
        keys: &cadence::admin::keys::Keyring,
        user: cadence::Uuid,
    ) -> Result<(), AppError> {
        use leptos::server_fn::ServerFn;
        use tower_sessions::cookie::{Cookie, SameSite, time::Duration};
        let token = cadence::auth::issue_device_cookie(db, keys, user).await?;
        let cookie = Cookie::build((format!("{DEVICE_COOKIE}{}", user.simple()), token))
            .path(<super::LogIn as ServerFn>::PATH)
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(Duration::days(cadence::auth::device::DEVICE_COOKIE_DAYS))
            .build();
        let value = http::HeaderValue::from_str(&cookie.to_string()).map_err(internal)?;
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            .ok_or(AppError::Internal)?
            .append_header(http::header::SET_COOKIE, value);
        Ok(())
    }

    pub async fn end_session() -> Result<(), AppError> {
        session().await?.flush().await.map_err(internal)
    }

    pub async fn keep_session_after_password_change(epoch: i64) -> Result<(), AppError> {
        let s = session().await?;
        s.cycle_id().await.map_err(internal)?;
        s.insert(EPOCH, epoch).await.map_err(internal)
    }

    /// The session's user, if the session is valid (not past its absolute lifetime, password unchanged).
    pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
        let s = session().await?;
        let Some(user) = s.get::<cadence::Uuid>(USER).await.map_err(internal)? else {
            return Ok(None);
        };
        let epoch: i64 = s.get(EPOCH).await.map_err(internal)?.unwrap_or_default();
        let started: i64 = s.get(STARTED).await.map_err(internal)?.unwrap_or_default();
        let now = chrono::Utc::now().timestamp();
        if now - started > ABSOLUTE_SECS {
            s.flush().await.map_err(internal)?;
            return Ok(None);
        }
        let db = super::super::ssr::db()?;
        match cadence::auth::session_user(&db, user, epoch).await? {
            // Staff acting in a user's account (with that user's consent) are that user here.
            Some(u) => {
                let seen: i64 = s.get(SEEN).await.map_err(internal)?.unwrap_or(started);
                if now - seen >= TOUCH_SECS {
                    s.insert(SEEN, now).await.map_err(internal)?;
                }
                Ok(match super::super::ssr::impersonation() {
                    Some(a) if a.staff_user_id == u.id => {
                        cadence::auth::user_by_id(&db, a.user_id).await?
                    }
                    _ => Some(u),
                })
            }
            None => {
                s.flush().await.map_err(internal)?;
                Ok(None)
            }
        }
    }

    pub async fn require_user() -> Result<CurrentUser, AppError> {
        current_user().await?.ok_or_else(|| {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(http::StatusCode::UNAUTHORIZED);
            }
            AppError::Unauthenticated
        })
    }

    /// Only same-site paths may be a redirect target after log-in.
    pub fn safe_next(next: Option<&str>) -> String {
        match next {
            Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => {
                n.to_string()
            }
            _ => "/app".to_string(),
        }
    }
}
