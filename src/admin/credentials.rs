//! Platform credentials (ad-platform tokens, SMTP and Telegram secrets): sealed with the tenant's
//! data key, shown back only as "set on … by …, ending in …", never logged.

use super::keys::{self, Keyring};
use super::model::{CredentialKind, Secret};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};

/// A stored credential as the admin panel lists it: never the secret itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialInfo {
    pub kind: CredentialKind,
    pub last_four: String,
    pub set_at: chrono::DateTime<chrono::Utc>,
    pub set_by: Option<String>,
}

fn aad(scope: &TenantScope, kind: CredentialKind) -> Vec<u8> {
    format!(
        "cadence:credential:{}:{}",
        scope.tenant_id().0,
        kind.as_str()
    )
    .into_bytes()
}

/// Stores (or replaces) a credential, sealed; audited without its value. Callers check
/// `credentials.manage` first; an impersonated session is refused.
#[tracing::instrument(name = "Store a platform credential", skip(db, keys, secret, meta), fields(tenant_id = %scope.tenant_id().0))]
pub async fn set(
    db: &Database,
    keys: &Keyring,
    scope: &TenantScope,
    kind: CredentialKind,
    secret: &Secret,
    meta: &RequestMeta,
) -> Result<CredentialInfo> {
    meta.forbid_when_impersonating("change credentials")?;
    let mut tx = db.tenant_tx(scope).await?;
    let key = keys::data_key(&mut tx, keys, scope).await?;
    let sealed = keys::seal(&key, secret.expose().as_bytes(), &aad(scope, kind))?;
    sqlx::query(
        "insert into tenant_credentials (tenant_id, kind, sealed, last_four, set_by)
         values ($1, $2, $3, $4, $5)
         on conflict (tenant_id, kind) do update
            set sealed = excluded.sealed, last_four = excluded.last_four,
                set_by = excluded.set_by, set_at = now()",
    )
    .bind(scope.tenant_id().0)
    .bind(kind.as_str())
    .bind(sealed)
    .bind(secret.last_four())
    .bind(scope.user_id())
    .execute(&mut *tx)
    .await?;
    let mut e = AuditEvent::new("credential.set", Outcome::Success)
        .tenant(scope.tenant_id().0)
        .target(kind.as_str());
    if let Some(u) = scope.user_id() {
        e = e.actor(u);
    }
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    list(db, scope)
        .await?
        .into_iter()
        .find(|c| c.kind == kind)
        .ok_or(Error::NotFound)
}

/// Removes a credential (audited).
pub async fn remove(
    db: &Database,
    scope: &TenantScope,
    kind: CredentialKind,
    meta: &RequestMeta,
) -> Result<()> {
    meta.forbid_when_impersonating("change credentials")?;
    let mut tx = db.tenant_tx(scope).await?;
    let gone = sqlx::query("delete from tenant_credentials where kind = $1")
        .bind(kind.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if gone == 0 {
        return Err(Error::NotFound);
    }
    let mut e = AuditEvent::new("credential.remove", Outcome::Success)
        .tenant(scope.tenant_id().0)
        .target(kind.as_str());
    if let Some(u) = scope.user_id() {
        e = e.actor(u);
    }
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    Ok(())
}

/// The scoped tenant's credentials, masked.
pub async fn list(db: &Database, scope: &TenantScope) -> Result<Vec<CredentialInfo>> {
    let mut tx = db.tenant_tx(scope).await?;
    let rows: Vec<(
        String,
        String,
        chrono::DateTime<chrono::Utc>,
        Option<String>,
    )> = sqlx::query_as(
        "select c.kind, c.last_four, c.set_at, u.display_name
               from tenant_credentials c left join users u on u.id = c.set_by
              order by c.kind",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, last_four, set_at, set_by)| {
            Some(CredentialInfo {
                kind: CredentialKind::parse(&kind)?,
                last_four,
                set_at,
                set_by,
            })
        })
        .collect())
}

/// The secret in clear, for the connector that uses it (never for a browser).
pub async fn reveal(
    db: &Database,
    keys: &Keyring,
    scope: &TenantScope,
    kind: CredentialKind,
) -> Result<Option<String>> {
    let mut tx = db.tenant_tx(scope).await?;
    let sealed: Option<Vec<u8>> =
        sqlx::query_scalar("select sealed from tenant_credentials where kind = $1")
            .bind(kind.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let Some(sealed) = sealed else {
        tx.commit().await?;
        return Ok(None);
    };
    let key = keys::data_key(&mut tx, keys, scope).await?;
    tx.commit().await?;
    let clear = keys::open(&key, &sealed, &aad(scope, kind))?;
    String::from_utf8(clear)
        .map(Some)
        .map_err(|_| Error::Internal("a credential is not text".into()))
}

/// Re-wraps every tenant's data key with the current master key, one tenant per transaction (the
/// old key keeps working meanwhile). Returns (tenants looked at, keys re-wrapped).
#[tracing::instrument(
    name = "Re-wrap tenant data keys with the current master key",
    skip_all
)]
pub async fn rewrap_all(db: &Database, keys: &Keyring) -> Result<(usize, usize)> {
    let tenants = super::platform::all_tenant_ids(db).await?;
    let mut changed = 0;
    for t in &tenants {
        let scope = TenantScope::new(crate::tenancy::TenantId(*t), None);
        let mut tx = db.tenant_tx(&scope).await?;
        if keys::rewrap(&mut tx, keys, *t).await? {
            audit::record(
                &mut tx,
                &RequestMeta::default(),
                AuditEvent::new("credential.key_rewrapped", Outcome::Success)
                    .tenant(*t)
                    .target(keys.current_key_id()),
            )
            .await?;
            changed += 1;
        }
        tx.commit().await?;
    }
    // Users' second-factor keys are wrapped by the same master keys.
    crate::auth::mfa::rewrap_all(db, keys).await?;
    Ok((tenants.len(), changed))
}

/// Which master keys still wrap a data key (a key not listed may be removed from the key file).
pub async fn master_keys_in_use(db: &Database) -> Result<Vec<String>> {
    let mut used = std::collections::BTreeSet::new();
    for t in super::platform::all_tenant_ids(db).await? {
        let scope = TenantScope::new(crate::tenancy::TenantId(t), None);
        let mut tx = db.tenant_tx(&scope).await?;
        let id: Option<String> = sqlx::query_scalar("select master_key_id from tenant_data_keys")
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        used.extend(id);
    }
    used.extend(crate::auth::mfa::master_keys_in_use(db).await?);
    Ok(used.into_iter().collect())
}
