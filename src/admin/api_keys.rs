//! API keys for integrations: shown once, stored as a SHA-256 hash, listed with last use, revoked
//! at once. A key acts as a service principal holding one tenant role, so requests made with it
//! go through the same policy decision point as people.

use super::plans;
use crate::access::{Binding, BindingScope, Principal, RoleCatalog};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::tenancy::{TenantId, TenantScope};
use crate::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const PREFIX: &str = "cad_";

/// A key as the admin panel lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKeyInfo {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: Option<String>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl ApiKeyInfo {
    pub fn state(&self) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if self.expires_at.is_some_and(|e| e <= chrono::Utc::now()) {
            "expired"
        } else {
            "active"
        }
    }
}

fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// A new key and its secret, which exists in clear only in this answer.
pub struct CreatedKey {
    pub info: ApiKeyInfo,
    pub secret: String,
}

/// What a new key is called, the role it holds and how many days it lives (None: no expiry).
#[derive(Clone, Copy, Debug)]
pub struct NewKey<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub expires_in_days: Option<u32>,
}

/// Creates a key. The role must be a tenant role no stronger than the creator's own strongest role
/// here; the plan must include API access and leave room under its key limit.
#[tracing::instrument(name = "Create an API key", skip(db, catalog, principal, meta), fields(tenant_id = %scope.tenant_id().0))]
pub async fn create(
    db: &Database,
    catalog: &RoleCatalog,
    principal: &Principal,
    scope: &TenantScope,
    key: &NewKey<'_>,
    meta: &RequestMeta,
) -> Result<CreatedKey> {
    let NewKey {
        name,
        role,
        expires_in_days,
    } = *key;
    let def = catalog
        .roles
        .get(role)
        .filter(|d| d.scope_kind == "tenant")
        .ok_or_else(|| Error::Validation(format!("{role} is not a tenant role.")))?;
    let own = crate::access::strongest_role(catalog, principal, scope.tenant_id())
        .map(|(_, rank)| rank)
        .unwrap_or(0);
    if def.rank > own {
        return Err(Error::Validation(format!(
            "A key cannot hold a stronger role than yours; choose {role} or a lesser role only if you hold it."
        )));
    }
    plans::require_feature(db, scope, "api_access").await?;
    let limit = plans::entitlements(db, scope).await?.limit("api_keys");
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let secret = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
    let shown = format!("{}…", &secret[..12]);
    let id = Uuid::now_v7();
    let mut tx = db.tenant_tx(scope).await?;
    // One key created at a time per tenant, so the limit holds under concurrent requests.
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('api_keys:' || $1::text, 0))")
        .bind(scope.tenant_id().0)
        .execute(&mut *tx)
        .await?;
    let active: i64 = sqlx::query_scalar(
        "select count(*) from api_keys where revoked_at is null and (expires_at is null or expires_at > now())",
    )
    .fetch_one(&mut *tx)
    .await?;
    if active >= limit {
        return Err(Error::Validation(format!(
            "The plan allows {limit} active API keys; revoke one first."
        )));
    }
    sqlx::query(
        "insert into api_keys (id, tenant_id, name, role, prefix, secret_hash, created_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7,
                 case when $8::int is null then null else now() + make_interval(days => $8::int) end)",
    )
    .bind(id)
    .bind(scope.tenant_id().0)
    .bind(name)
    .bind(role)
    .bind(&shown)
    .bind(digest(&secret))
    .bind(scope.user_id())
    .bind(expires_in_days.map(|d| d as i32))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        meta,
        AuditEvent::new("api_key.created", Outcome::Success)
            .tenant(scope.tenant_id().0)
            .actor(principal.user_id)
            .target(format!("{name} ({role})")),
    )
    .await?;
    tx.commit().await?;
    let info = list(db, scope)
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or(Error::NotFound)?;
    Ok(CreatedKey { info, secret })
}

/// The scoped tenant's keys, newest first.
pub async fn list(db: &Database, scope: &TenantScope) -> Result<Vec<ApiKeyInfo>> {
    let mut tx = db.tenant_tx(scope).await?;
    let rows = sqlx::query_as(
        "select k.id, k.name, k.role, k.prefix, k.created_at, u.display_name as created_by,
                k.expires_at, k.last_used_at, k.revoked_at
           from api_keys k left join users u on u.id = k.created_by
          order by k.created_at desc",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Revokes a key at once (the next request with it fails).
pub async fn revoke(
    db: &Database,
    scope: &TenantScope,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<()> {
    let mut tx = db.tenant_tx(scope).await?;
    let name: Option<String> = sqlx::query_scalar(
        "update api_keys set revoked_at = now(), revoked_by = $2
          where id = $1 and revoked_at is null returning name",
    )
    .bind(id)
    .bind(scope.user_id())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(name) = name else {
        return Err(Error::NotFound);
    };
    let mut e = AuditEvent::new("api_key.revoked", Outcome::Success)
        .tenant(scope.tenant_id().0)
        .target(name);
    if let Some(u) = scope.user_id() {
        e = e.actor(u);
    }
    audit::record(&mut tx, meta, e).await?;
    tx.commit().await?;
    Ok(())
}

/// A request's key, resolved: the service principal, its tenant scope and the key's role.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub key_id: Uuid,
    pub principal: Principal,
    pub scope: TenantScope,
}

/// Why a key was not accepted (each a clear 401 or 403 to the client).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRefusal {
    Unknown,
    Revoked,
    Expired,
    Suspended,
}

impl KeyRefusal {
    pub fn message(&self) -> &'static str {
        match self {
            KeyRefusal::Unknown => "The API key is not valid.",
            KeyRefusal::Revoked => "The API key has been revoked.",
            KeyRefusal::Expired => "The API key has expired.",
            KeyRefusal::Suspended => "This tenant is suspended; its API is unavailable.",
        }
    }
}

/// Resolves a presented key. Revocation takes effect at once (no cache).
pub async fn authenticate(
    db: &Database,
    presented: &str,
) -> Result<std::result::Result<ApiClient, KeyRefusal>> {
    if !presented.starts_with(PREFIX) || presented.len() > 100 {
        return Ok(Err(KeyRefusal::Unknown));
    }
    type Row = (
        Uuid,
        Uuid,
        String,
        Option<chrono::DateTime<chrono::Utc>>,
        Option<chrono::DateTime<chrono::Utc>>,
        String,
        String,
    );
    let row: Option<Row> = sqlx::query_as(
        "select id, tenant_id, role, expires_at, revoked_at, tenant_name, tenant_status
           from api_key_lookup($1)",
    )
    .bind(digest(presented))
    .fetch_optional(db.pool())
    .await?;
    let Some((key_id, tenant, role, expires_at, revoked_at, tenant_name, status)) = row else {
        return Ok(Err(KeyRefusal::Unknown));
    };
    if revoked_at.is_some() {
        return Ok(Err(KeyRefusal::Revoked));
    }
    if expires_at.is_some_and(|e| e <= chrono::Utc::now()) {
        return Ok(Err(KeyRefusal::Expired));
    }
    if status == "suspended" {
        return Ok(Err(KeyRefusal::Suspended));
    }
    let scope = TenantScope::new(TenantId(tenant), None);
    // Last use, at most once a minute per key (not a write per request).
    let mut tx = db.tenant_tx(&scope).await?;
    sqlx::query(
        "update api_keys set last_used_at = now()
          where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')",
    )
    .bind(key_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(ApiClient {
        key_id,
        principal: Principal {
            user_id: key_id,
            bindings: vec![Binding {
                scope: BindingScope::Tenant {
                    id: tenant,
                    name: tenant_name,
                },
                role,
            }],
            agency_clients: vec![],
        },
        scope,
    }))
}

/// Creates a key from the command line (`cadence api-key`), acting as the platform's operator:
/// any tenant role may be given; the audit row names no person.
pub async fn create_by_operator(
    db: &Database,
    catalog: &RoleCatalog,
    tenant: &TenantScope,
    key: &NewKey<'_>,
) -> Result<CreatedKey> {
    let operator = Principal {
        user_id: Uuid::nil(),
        bindings: vec![Binding {
            scope: BindingScope::Tenant {
                id: tenant.tenant_id().0,
                name: "the command line".into(),
            },
            role: "owner".into(),
        }],
        agency_clients: vec![],
    };
    let meta = RequestMeta {
        user_agent: Some("cadence api-key (command line)".into()),
        ..Default::default()
    };
    create(db, catalog, &operator, tenant, key, &meta).await
}
