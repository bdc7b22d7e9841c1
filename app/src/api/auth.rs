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

/// Logs in: a new session id, the user and password epoch in the session.
#[server]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use cadence::auth::LoginError;
    let email = cadence::auth::Email::parse(&email).map_err(AppError::invalid)?;
    let db = super::ssr::db()?;
    let app_url = super::ssr::app_url()?;
    let meta = super::ssr::request_meta();
    let logged_in = match cadence::auth::log_in(&db, &email, &password, &meta, &app_url).await {
        Ok(l) => l,
        Err(LoginError::Other(e)) => return Err(e.into()),
        Err(e) => {
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(http::StatusCode::UNAUTHORIZED);
            }
            return Err(AppError::Validation(e.to_string()));
        }
    };
    ssr::start_session(&logged_in).await?;
    let mut to = ssr::safe_next(next.as_deref());
    // Someone with no workspace yet and no finished wizard goes straight to onboarding.
    if to == "/app" {
        let user = logged_in.user.id;
        let status = cadence::onboarding::status(&db, user).await?;
        if !status.finished
            && cadence::access::principal(&db, user)
                .await?
                .bindings
                .is_empty()
        {
            to = "/onboarding".into();
        }
    }
    leptos_axum::redirect(&to);
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

    pub async fn start_session(l: &LoggedIn) -> Result<(), AppError> {
        let s = session().await?;
        s.cycle_id().await.map_err(internal)?;
        s.insert(USER, l.user.id).await.map_err(internal)?;
        s.insert(EPOCH, l.password_epoch).await.map_err(internal)?;
        s.insert(STARTED, chrono::Utc::now().timestamp())
            .await
            .map_err(internal)?;
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
        if chrono::Utc::now().timestamp() - started > ABSOLUTE_SECS {
            s.flush().await.map_err(internal)?;
            return Ok(None);
        }
        let db = super::super::ssr::db()?;
        match cadence::auth::session_user(&db, user, epoch).await? {
            // Staff acting in a user's account (with that user's consent) are that user here.
            Some(u) => match super::super::ssr::impersonation() {
                Some(a) if a.staff_user_id == u.id => {
                    Ok(cadence::auth::user_by_id(&db, a.user_id).await?)
                }
                _ => Ok(Some(u)),
            },
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
