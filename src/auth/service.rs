//! Account rules and SQL: sign-up, verification, log-out, password reset and change, sessions'
//! user (log-in itself is in `login`).

use super::{CurrentUser, Email, NewPassword, parse_display_name, password, tokens};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::notify;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How long emailed links stay valid.
pub const VERIFY_LINK_MINUTES: i64 = 24 * 60;
pub const RESET_LINK_MINUTES: i64 = 60;

/// Creates an account and emails a verification link. An email that already has an account gets a
/// notice instead, and the caller sees the same answer (no account enumeration).
#[tracing::instrument(name = "Sign up", skip(db, password, meta, app_url), fields(email = %email.as_str()))]
pub async fn sign_up(
    db: &Database,
    email: &Email,
    display_name: &str,
    password: &NewPassword,
    meta: &RequestMeta,
    app_url: &str,
) -> Result<()> {
    let name = parse_display_name(display_name).map_err(Error::Validation)?;
    let hash = password::hash(password.expose().to_string()).await?;
    let mut tx = db.pool().begin().await?;
    let id = Uuid::now_v7();
    let inserted = sqlx::query(
        "insert into users (id, email, display_name, password_hash) values ($1, $2, $3, $4)
         on conflict (lower(email)) do nothing",
    )
    .bind(id)
    .bind(email.as_str())
    .bind(&name)
    .bind(&hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        let token = tokens::issue(&mut tx, id, tokens::VERIFY_EMAIL, VERIFY_LINK_MINUTES).await?;
        notify::enqueue(
            &mut tx,
            email.as_str(),
            "Verify your email for Cadence",
            &format!(
                "Hello {name},\n\nWelcome to Cadence. Confirm your email address by opening this link:\n\n{app_url}/verify?token={token}\n\nThe link works once and expires in 24 hours. If you did not sign up, ignore this message."
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            meta,
            AuditEvent::new("user.sign_up", Outcome::Success).actor(id),
        )
        .await?;
    } else {
        notify::enqueue(
            &mut tx,
            email.as_str(),
            "Someone tried to sign up with your email",
            &format!(
                "Hello,\n\nSomeone (perhaps you) tried to create a Cadence account with this email address, which already has one.\n\nLog in at {app_url}/login, or reset your password at {app_url}/forgot.\n"
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            meta,
            AuditEvent::new("user.sign_up", Outcome::Failure).reason("email already registered"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Redeems an email-verification link.
#[tracing::instrument(name = "Verify an email address", skip_all)]
pub async fn verify_email(db: &Database, token: &str, meta: &RequestMeta) -> Result<()> {
    let mut tx = db.pool().begin().await?;
    let Some(user) = tokens::redeem(&mut tx, token, tokens::VERIFY_EMAIL).await? else {
        return Err(Error::Validation(
            "This verification link is invalid, already used or expired. Log in to get a new one."
                .into(),
        ));
    };
    sqlx::query(
        "update users set email_verified_at = coalesce(email_verified_at, now()) where id = $1",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("user.verify_email", Outcome::Success).actor(user),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a log-out.
pub async fn log_out(db: &Database, user: Uuid, meta: &RequestMeta) -> Result<()> {
    let mut conn = db.pool().acquire().await?;
    audit::record(
        &mut conn,
        meta,
        AuditEvent::new("user.log_out", Outcome::Success).actor(user),
    )
    .await
}

/// The user of a session, if the account still exists and its password has not changed since the
/// session began (a password change ends every other session).
pub async fn session_user(
    db: &Database,
    user: Uuid,
    password_epoch: i64,
) -> Result<Option<CurrentUser>> {
    let row: Option<(Uuid, String, String, DateTime<Utc>)> = sqlx::query_as(
        "select id, email, display_name, password_changed_at from users where id = $1",
    )
    .bind(user)
    .fetch_optional(db.pool())
    .await?;
    Ok(row
        .filter(|r| r.3.timestamp_micros() == password_epoch)
        .map(|(id, email, display_name, _)| CurrentUser {
            id,
            email,
            display_name,
        }))
}

/// A user by id, for an impersonated session (the staff member's own session was checked first).
pub async fn user_by_id(db: &Database, user: Uuid) -> Result<Option<CurrentUser>> {
    let row: Option<(Uuid, String, String)> =
        sqlx::query_as("select id, email, display_name from users where id = $1")
            .bind(user)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|(id, email, display_name)| CurrentUser {
        id,
        email,
        display_name,
    }))
}

/// Emails a reset link when the account exists; the caller answers the same either way.
#[tracing::instrument(name = "Request a password reset", skip(db, meta, app_url), fields(email = %email.as_str()))]
pub async fn request_password_reset(
    db: &Database,
    email: &Email,
    meta: &RequestMeta,
    app_url: &str,
) -> Result<()> {
    let mut tx = db.pool().begin().await?;
    let user: Option<(Uuid, String)> =
        sqlx::query_as("select id, display_name from users where lower(email) = lower($1)")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((id, name)) = user {
        let token = tokens::issue(&mut tx, id, tokens::RESET_PASSWORD, RESET_LINK_MINUTES).await?;
        notify::enqueue(
            &mut tx,
            email.as_str(),
            "Reset your Cadence password",
            &format!(
                "Hello {name},\n\nSomeone asked to reset the password of your Cadence account. Choose a new one here:\n\n{app_url}/reset?token={token}\n\nThe link works once and expires in one hour. If you did not ask, ignore this message: your password stays as it is."
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            meta,
            AuditEvent::new("user.password_reset_requested", Outcome::Success).actor(id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link; every existing session of the user ends.
#[tracing::instrument(name = "Reset a password", skip_all)]
pub async fn reset_password(
    db: &Database,
    token: &str,
    new: &NewPassword,
    meta: &RequestMeta,
) -> Result<()> {
    let hash = password::hash(new.expose().to_string()).await?;
    let mut tx = db.pool().begin().await?;
    let Some(user) = tokens::redeem(&mut tx, token, tokens::RESET_PASSWORD).await? else {
        return Err(Error::Validation(
            "This reset link is invalid, already used or expired. Ask for a new one.".into(),
        ));
    };
    // Following the emailed link proves the address too.
    sqlx::query(
        "update users set password_hash = $2, password_changed_at = clock_timestamp(),
                email_verified_at = coalesce(email_verified_at, now()) where id = $1",
    )
    .bind(user)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("user.password_reset", Outcome::Success).actor(user),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a signed-in user's password after checking the current one. Returns the new password
/// epoch: the caller's session keeps it, every other session of the user ends.
#[tracing::instrument(name = "Change a password", skip_all, fields(user_id = %user))]
pub async fn change_password(
    db: &Database,
    user: Uuid,
    current: &str,
    new: &NewPassword,
    meta: &RequestMeta,
) -> Result<i64> {
    let stored: String = sqlx::query_scalar("select password_hash from users where id = $1")
        .bind(user)
        .fetch_optional(db.pool())
        .await?
        .ok_or(Error::NotFound)?;
    if !password::verify(current.to_string(), stored).await {
        let mut conn = db.pool().acquire().await?;
        audit::record(
            &mut conn,
            meta,
            AuditEvent::new("user.password_change", Outcome::Failure)
                .actor(user)
                .reason("wrong current password"),
        )
        .await?;
        return Err(Error::Validation(
            "Your current password is not correct.".into(),
        ));
    }
    let hash = password::hash(new.expose().to_string()).await?;
    let mut tx = db.pool().begin().await?;
    let changed: DateTime<Utc> = sqlx::query_scalar(
        "update users set password_hash = $2, password_changed_at = clock_timestamp() where id = $1
         returning password_changed_at",
    )
    .bind(user)
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("user.password_change", Outcome::Success).actor(user),
    )
    .await?;
    tx.commit().await?;
    Ok(changed.timestamp_micros())
}

/// The id of the account with this email, if any.
pub async fn user_id_by_email(db: &Database, email: &Email) -> Result<Option<Uuid>> {
    Ok(
        sqlx::query_scalar("select id from users where lower(email) = lower($1)")
            .bind(email.as_str())
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Marks an address verified without a link (demo seeding and platform tooling only).
pub async fn mark_verified(db: &Database, user: Uuid) -> Result<()> {
    sqlx::query(
        "update users set email_verified_at = coalesce(email_verified_at, now()) where id = $1",
    )
    .bind(user)
    .execute(db.pool())
    .await?;
    Ok(())
}
