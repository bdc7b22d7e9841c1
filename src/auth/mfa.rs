//! Two-factor authentication with TOTP (RFC 6238): enrolment with a QR code, single-use recovery
//! codes, checking a code at log-in and for step-up (never the same code twice), turning it off.

use super::throttle;
use crate::admin::keys::{Keyring, open, seal};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;

/// The name authenticator apps show above the code.
pub const ISSUER: &str = "Cadence";
const STEP_SECS: u64 = 30;
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;
/// How long a confirmed second factor counts as fresh for sensitive actions (step-up).
pub const STEP_UP_SECS: i64 = 10 * 60;
/// How long the code page waits after a correct password.
pub const PENDING_LOGIN_SECS: i64 = 5 * 60;

/// What the enrolment page shows: the QR code, and the secret for typing in by hand.
#[derive(Clone, Debug)]
pub struct Enrolment {
    pub secret_base32: String,
    pub uri: String,
    pub qr_svg: String,
}

/// A user's two-factor state.
#[derive(Clone, Debug, Default)]
pub struct MfaStatus {
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_left: i64,
}

/// How a code was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Authenticator,
    RecoveryCode,
}

impl Method {
    fn label(self) -> &'static str {
        match self {
            Method::Authenticator => "authenticator app",
            Method::RecoveryCode => "recovery code",
        }
    }
}

fn context(user: Uuid) -> Vec<u8> {
    format!("cadence:mfa:{user}").into_bytes()
}

fn totp(secret: Vec<u8>, account: &str) -> Result<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP_SECS,
        secret,
        Some(ISSUER.to_string()),
        account.replace(':', " "),
    )
    .map_err(|e| Error::Internal(format!("a TOTP could not be set up: {e:?}")))
}

fn now_step() -> u64 {
    Utc::now().timestamp().max(0) as u64 / STEP_SECS
}

/// Recovery codes as people type them: letters and digits without look-alikes, `xxxxx-xxxxx`.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let mut s: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    s.insert(5, '-');
    s
}

fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn recovery_hash(code: &str) -> Vec<u8> {
    Sha256::digest(normalise(code).as_bytes()).to_vec()
}

struct Row {
    secret: Vec<u8>,
    enabled: bool,
    last_step: i64,
}

/// A `user_mfa` row: master key id, wrapped key, sealed secret, enabled at, last step.
type StoredRow = (String, Vec<u8>, Vec<u8>, Option<DateTime<Utc>>, i64);

async fn load(conn: &mut PgConnection, keys: &Keyring, user: Uuid) -> Result<Option<Row>> {
    let row: Option<StoredRow> = sqlx::query_as(
        "select master_key_id, wrapped_key, sealed_secret, enabled_at, last_step
           from user_mfa where user_id = $1 for update",
    )
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((key_id, wrapped, sealed, enabled_at, last_step)) = row else {
        return Ok(None);
    };
    let ctx = context(user);
    let key = keys.unwrap(&key_id, &wrapped, &ctx).await?;
    Ok(Some(Row {
        secret: open(&key, &sealed, &ctx)?,
        enabled: enabled_at.is_some(),
        last_step,
    }))
}

async fn store_codes(conn: &mut PgConnection, user: Uuid) -> Result<Vec<String>> {
    sqlx::query("delete from user_recovery_codes where user_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| recovery_hash(c)).collect();
    sqlx::query(
        "insert into user_recovery_codes (user_id, code_hash) select $1, h from unnest($2::bytea[]) h",
    )
    .bind(user)
    .bind(&hashes)
    .execute(&mut *conn)
    .await?;
    Ok(codes)
}

/// Checks a code against the user's secret (or, when `recovery` is allowed, a recovery code),
/// throttled per user. The row is locked, so two requests with one code cannot both pass.
async fn check(
    conn: &mut PgConnection,
    user: Uuid,
    row: &Row,
    code: &str,
    recovery: bool,
    meta: &RequestMeta,
) -> Result<Method> {
    let throttle_key = format!("mfa:{user}");
    if let Some(until) = throttle::locked_until(conn, &throttle_key).await? {
        let minutes = throttle::minutes_until(until);
        return Err(Error::Validation(format!(
            "Too many wrong codes. Try again in {minutes} minute(s)."
        )));
    }
    let code = normalise(code);
    let mut accepted = None;
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        let t = totp(row.secret.clone(), "")?;
        let now = now_step();
        for step in [now.saturating_sub(1), now, now + 1] {
            if step as i64 > row.last_step && t.check(&code, step * STEP_SECS) {
                sqlx::query("update user_mfa set last_step = $2 where user_id = $1")
                    .bind(user)
                    .bind(step as i64)
                    .execute(&mut *conn)
                    .await?;
                accepted = Some(Method::Authenticator);
                break;
            }
        }
    } else if recovery && code.len() == 10 {
        let used = sqlx::query(
            "update user_recovery_codes set used_at = now()
              where user_id = $1 and code_hash = $2 and used_at is null",
        )
        .bind(user)
        .bind(recovery_hash(&code))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if used == 1 {
            accepted = Some(Method::RecoveryCode);
        }
    }
    match accepted {
        Some(m) => {
            throttle::clear(conn, std::slice::from_ref(&throttle_key)).await?;
            Ok(m)
        }
        None => {
            throttle::fail(conn, &throttle_key, throttle::MFA_CODES).await?;
            audit::record(
                conn,
                meta,
                AuditEvent::new("mfa.code", Outcome::Failure)
                    .actor(user)
                    .reason("wrong or used code"),
            )
            .await?;
            Err(Error::Validation(
                "That code is not right, or it was already used. Enter the newest code from your authenticator app.".into(),
            ))
        }
    }
}

/// Starts (or restarts) enrolment: a new secret, not yet in force.
#[tracing::instrument(name = "Start two-factor enrolment", skip(db, keys))]
pub async fn begin(db: &Database, keys: &Keyring, user: Uuid, email: &str) -> Result<Enrolment> {
    let mut tx = db.pool().begin().await?;
    if let Some(r) = load(&mut tx, keys, user).await?
        && r.enabled
    {
        return Err(Error::Validation(
            "Two-factor authentication is already on. Turn it off first to move it to another device.".into(),
        ));
    }
    let mut secret = vec![0u8; SECRET_BYTES];
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    rand::thread_rng().fill_bytes(&mut key);
    let ctx = context(user);
    let (key_id, wrapped) = keys.wrap(&key, &ctx).await?;
    let sealed = seal(&key, &secret, &ctx)?;
    sqlx::query(
        "insert into user_mfa (user_id, master_key_id, wrapped_key, sealed_secret) values ($1, $2, $3, $4)
         on conflict (user_id) do update set master_key_id = $2, wrapped_key = $3, sealed_secret = $4,
                enabled_at = null, last_step = 0, created_at = now()",
    )
    .bind(user)
    .bind(&key_id)
    .bind(&wrapped)
    .bind(&sealed)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let t = totp(secret, email)?;
    let uri = t.get_url();
    let svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| Error::Internal(format!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#111827"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    let qr_svg = svg
        .find("<svg")
        .map(|i| svg[i..].to_string())
        .unwrap_or(svg);
    Ok(Enrolment {
        secret_base32: t.get_secret_base32(),
        uri,
        qr_svg,
    })
}

/// Finishes enrolment with the first code from the app; returns the recovery codes (shown once).
#[tracing::instrument(name = "Turn on two-factor authentication", skip(db, keys, code, meta))]
pub async fn confirm(
    db: &Database,
    keys: &Keyring,
    user: Uuid,
    code: &str,
    meta: &RequestMeta,
) -> Result<Vec<String>> {
    let mut tx = db.pool().begin().await?;
    let row = match load(&mut tx, keys, user).await? {
        Some(r) if !r.enabled => r,
        Some(_) => {
            return Err(Error::Validation(
                "Two-factor authentication is already on.".into(),
            ));
        }
        None => {
            return Err(Error::Validation(
                "Start the set-up first: the QR code comes with it.".into(),
            ));
        }
    };
    if let Err(e) = check(&mut tx, user, &row, code, false, meta).await {
        tx.commit().await?;
        return Err(e);
    }
    sqlx::query("update user_mfa set enabled_at = now() where user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let codes = store_codes(&mut tx, user).await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("mfa.enabled", Outcome::Success).actor(user),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Checks a code from a user with two-factor on; `action` names the audit event of a success.
async fn verify(
    db: &Database,
    keys: &Keyring,
    user: Uuid,
    code: &str,
    action: &str,
    meta: &RequestMeta,
) -> Result<Method> {
    let mut tx = db.pool().begin().await?;
    let Some(row) = load(&mut tx, keys, user).await?.filter(|r| r.enabled) else {
        return Err(Error::Validation(
            "Two-factor authentication is not on for this account.".into(),
        ));
    };
    let method = match check(&mut tx, user, &row, code, true, meta).await {
        Ok(m) => m,
        Err(e) => {
            // The failure count and its audit event stay.
            tx.commit().await?;
            return Err(e);
        }
    };
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new(action, Outcome::Success)
            .actor(user)
            .reason(method.label()),
    )
    .await?;
    tx.commit().await?;
    Ok(method)
}

/// The second step of a log-in: the code (or a recovery code) after the password.
pub async fn log_in_second_factor(
    db: &Database,
    keys: &Keyring,
    user: Uuid,
    code: &str,
    meta: &RequestMeta,
) -> Result<Method> {
    let m = verify(db, keys, user, code, "user.log_in", meta).await?;
    sqlx::query("update users set last_login_at = now() where id = $1")
        .bind(user)
        .execute(db.pool())
        .await?;
    Ok(m)
}

/// A fresh code before a sensitive action (role and credential changes, exports, approvals).
pub async fn step_up(
    db: &Database,
    keys: &Keyring,
    user: Uuid,
    code: &str,
    meta: &RequestMeta,
) -> Result<Method> {
    verify(db, keys, user, code, "mfa.step_up", meta).await
}

/// New recovery codes (the old ones stop working), after a fresh code.
pub async fn new_recovery_codes(
    db: &Database,
    keys: &Keyring,
    user: Uuid,
    code: &str,
    meta: &RequestMeta,
) -> Result<Vec<String>> {
    verify(db, keys, user, code, "mfa.recovery_codes", meta).await?;
    let mut tx = db.pool().begin().await?;
    let codes = store_codes(&mut tx, user).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Turns two-factor off, after a fresh code.
pub async fn disable(
    db: &Database,
    keys: &Keyring,
    user: Uuid,
    code: &str,
    meta: &RequestMeta,
) -> Result<()> {
    verify(db, keys, user, code, "mfa.disabled", meta).await?;
    let mut tx = db.pool().begin().await?;
    forget(&mut tx, user).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the user's secret and recovery codes; true when there was a secret.
async fn forget(conn: &mut PgConnection, user: Uuid) -> Result<bool> {
    sqlx::query("delete from user_recovery_codes where user_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    let gone = sqlx::query("delete from user_mfa where user_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(gone == 1)
}

/// Turns two-factor off for someone who lost their device and codes (an operator's command,
/// after checking who they are out of band).
pub async fn reset_by_operator(db: &Database, email: &str) -> Result<bool> {
    let mut tx = db.pool().begin().await?;
    let user: Option<Uuid> =
        sqlx::query_scalar("select id from users where lower(email) = lower($1)")
            .bind(email)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(user) = user else {
        return Err(Error::NotFound);
    };
    let had = forget(&mut tx, user).await?;
    audit::record(
        &mut tx,
        &RequestMeta::default(),
        AuditEvent::new("mfa.reset_by_operator", Outcome::Success).target(email),
    )
    .await?;
    tx.commit().await?;
    Ok(had)
}

/// Whether the user must give a code at log-in and for step-up.
pub async fn is_enabled(db: &Database, user: Uuid) -> Result<bool> {
    is_enabled_on(db.pool(), user).await
}

/// [`is_enabled`] on a connection the caller already holds.
pub(crate) async fn is_enabled_on(conn: impl sqlx::PgExecutor<'_>, user: Uuid) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select exists (select 1 from user_mfa where user_id = $1 and enabled_at is not null)",
    )
    .bind(user)
    .fetch_one(conn)
    .await?)
}

pub async fn status(db: &Database, user: Uuid) -> Result<MfaStatus> {
    let (enabled_at, left): (Option<DateTime<Utc>>, i64) = sqlx::query_as(
        "select (select enabled_at from user_mfa where user_id = $1),
                (select count(*) from user_recovery_codes where user_id = $1 and used_at is null)",
    )
    .bind(user)
    .fetch_one(db.pool())
    .await?;
    Ok(MfaStatus {
        enabled_at,
        recovery_left: if enabled_at.is_some() { left } else { 0 },
    })
}

/// Re-wraps every user's second-factor key with the current master key; returns how many changed.
pub async fn rewrap_all(db: &Database, keys: &Keyring) -> Result<usize> {
    let current = keys.current_key_id();
    let users: Vec<(Uuid, String, Vec<u8>)> = sqlx::query_as(
        "select user_id, master_key_id, wrapped_key from user_mfa where master_key_id <> $1",
    )
    .bind(&current)
    .fetch_all(db.pool())
    .await?;
    for (user, id, wrapped) in &users {
        let ctx = context(*user);
        let key = keys.unwrap(id, wrapped, &ctx).await?;
        let (new_id, new_wrapped) = keys.wrap(&key, &ctx).await?;
        sqlx::query(
            "update user_mfa set master_key_id = $3, wrapped_key = $4
              where user_id = $1 and master_key_id = $2",
        )
        .bind(user)
        .bind(id)
        .bind(new_id)
        .bind(new_wrapped)
        .execute(db.pool())
        .await?;
    }
    Ok(users.len())
}

/// Master keys that wrap a user's second-factor key.
pub async fn master_keys_in_use(db: &Database) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("select distinct master_key_id from user_mfa")
            .fetch_all(db.pool())
            .await?,
    )
}

/// The code an authenticator app shows at a moment (Unix seconds) for a base32 secret: what the
/// tests and the demo use in place of a phone.
pub fn code_at(secret_base32: &str, unix_secs: u64) -> Result<String> {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .map_err(|e| Error::Validation(format!("not a base32 secret: {e:?}")))?;
    Ok(totp(secret, "")?.generate(unix_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_typed_loosely_and_hash_alike() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 11);
        assert_eq!(&c[5..6], "-");
        assert_eq!(
            recovery_hash(&c),
            recovery_hash(&format!(" {} ", c.to_uppercase().replace('-', " ")))
        );
        assert_ne!(recovery_hash(&c), recovery_hash(&new_recovery_code()));
    }

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s → 94287082 (8 digits):
        // the 6-digit code is its last six digits.
        let t = totp(b"12345678901234567890".to_vec(), "test").unwrap();
        assert_eq!(t.generate(59), "287082");
        assert_eq!(t.generate(1111111109), "081804");
        assert!(t.check("287082", 59));
        assert!(!t.check("287082", 89));
    }
}
