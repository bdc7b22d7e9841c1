//! Envelope encryption: a per-tenant data key (AES-256-GCM) wrapped by a master key that a key
//! provider holds. The provider is a small interface, so a cloud KMS or Vault can replace the
//! local key file; rotation re-wraps data keys one tenant at a time, with no downtime.

use crate::tenancy::TenantScope;
use crate::{Error, Result};
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use futures_util::future::BoxFuture;
use rand::RngCore;
use sqlx::PgConnection;
use std::collections::BTreeMap;
use std::sync::Arc;

const NONCE_LEN: usize = 12;

/// Holds master keys and wraps / unwraps data keys with them. `context` is bound into the wrapping
/// (authenticated, not secret), so a wrapped key moved to another tenant fails to unwrap.
pub trait KeyProvider: Send + Sync {
    /// The key new data keys are wrapped with.
    fn current_key_id(&self) -> String;
    fn wrap<'a>(
        &'a self,
        data_key: &'a [u8; 32],
        context: &'a [u8],
    ) -> BoxFuture<'a, Result<(String, Vec<u8>)>>;
    fn unwrap<'a>(
        &'a self,
        key_id: &'a str,
        wrapped: &'a [u8],
        context: &'a [u8],
    ) -> BoxFuture<'a, Result<[u8; 32]>>;
}

/// Master keys held in process, from configuration or a key file: `id:base64` entries, the first
/// being current. Older entries stay until no data key is wrapped with them.
pub struct LocalKeys {
    current: String,
    keys: BTreeMap<String, [u8; 32]>,
}

impl LocalKeys {
    /// Parses `id:base64key` entries separated by commas or new lines (`#` starts a comment).
    pub fn parse(text: &str) -> Result<Self> {
        let mut current = None;
        let mut keys = BTreeMap::new();
        for entry in text
            .split([',', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty() && !e.starts_with('#'))
        {
            let (id, b64) = entry
                .split_once(':')
                .ok_or_else(|| Error::Internal("a master key entry needs `id:base64`".into()))?;
            let bytes = B64
                .decode(b64.trim())
                .map_err(|_| Error::Internal(format!("master key {id} is not base64")))?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| Error::Internal(format!("master key {id} is not 32 bytes")))?;
            let id = id.trim().to_string();
            current.get_or_insert_with(|| id.clone());
            keys.insert(id, key);
        }
        let current = current.ok_or_else(|| Error::Internal("no master key given".into()))?;
        Ok(Self { current, keys })
    }

    /// A new random entry (`id:base64`), for a first key file or a rotation.
    pub fn generate_entry() -> String {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        let id = format!("mk-{}", chrono::Utc::now().format("%Y%m%d%H%M%S"));
        format!("{id}:{}", B64.encode(key))
    }

    pub fn key_ids(&self) -> Vec<String> {
        self.keys.keys().cloned().collect()
    }
}

impl KeyProvider for LocalKeys {
    fn current_key_id(&self) -> String {
        self.current.clone()
    }

    fn wrap<'a>(
        &'a self,
        data_key: &'a [u8; 32],
        context: &'a [u8],
    ) -> BoxFuture<'a, Result<(String, Vec<u8>)>> {
        Box::pin(async move {
            let master = self
                .keys
                .get(&self.current)
                .expect("the current key is held");
            Ok((self.current.clone(), seal(master, data_key, context)?))
        })
    }

    fn unwrap<'a>(
        &'a self,
        key_id: &'a str,
        wrapped: &'a [u8],
        context: &'a [u8],
    ) -> BoxFuture<'a, Result<[u8; 32]>> {
        Box::pin(async move {
            let master = self
                .keys
                .get(key_id)
                .ok_or_else(|| Error::Internal(format!("master key {key_id} is not configured")))?;
            open(master, wrapped, context)?
                .try_into()
                .map_err(|_| Error::Internal("a data key is not 32 bytes".into()))
        })
    }
}

/// The server's key provider, shared by every request.
#[derive(Clone)]
pub struct Keyring(Arc<dyn KeyProvider>);

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring(current: {})", self.0.current_key_id())
    }
}

impl Keyring {
    pub fn new(provider: impl KeyProvider + 'static) -> Self {
        Self(Arc::new(provider))
    }

    pub fn current_key_id(&self) -> String {
        self.0.current_key_id()
    }

    /// Wraps a key that is not a tenant's (a user's second-factor key) under the current master key.
    pub(crate) async fn wrap(&self, key: &[u8; 32], context: &[u8]) -> Result<(String, Vec<u8>)> {
        self.0.wrap(key, context).await
    }

    pub(crate) async fn unwrap(
        &self,
        id: &str,
        wrapped: &[u8],
        context: &[u8],
    ) -> Result<[u8; 32]> {
        self.0.unwrap(id, wrapped, context).await
    }
}

/// AES-256-GCM with a random nonce: nonce ‖ ciphertext ‖ tag.
pub(crate) fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| Error::Internal("encryption failed".into()))?,
    );
    Ok(out)
}

pub(crate) fn open(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
    if sealed.len() < NONCE_LEN + 16 {
        return Err(Error::Internal("a sealed value is too short".into()));
    }
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
        .map_err(|_| Error::Internal("a sealed value failed authentication".into()))
}

fn key_context(tenant: uuid::Uuid) -> Vec<u8> {
    format!("cadence:data-key:{tenant}").into_bytes()
}

/// The scoped tenant's data key, made (and wrapped) on first use. Runs inside the caller's tenant
/// transaction; the row is locked so two first uses agree on one key.
pub(crate) async fn data_key(
    conn: &mut PgConnection,
    keys: &Keyring,
    scope: &TenantScope,
) -> Result<[u8; 32]> {
    let tenant = scope.tenant_id().0;
    let ctx = key_context(tenant);
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "select master_key_id, wrapped_key from tenant_data_keys where tenant_id = $1 for update",
    )
    .bind(tenant)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, wrapped)) = row {
        return keys.0.unwrap(&id, &wrapped, &ctx).await;
    }
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    let (id, wrapped) = keys.0.wrap(&key, &ctx).await?;
    let inserted = sqlx::query(
        "insert into tenant_data_keys (tenant_id, master_key_id, wrapped_key) values ($1, $2, $3)
         on conflict (tenant_id) do nothing",
    )
    .bind(tenant)
    .bind(&id)
    .bind(&wrapped)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        // Another request made it first: use theirs.
        return Box::pin(data_key(conn, keys, scope)).await;
    }
    Ok(key)
}

/// Re-wraps one tenant's data key with the current master key; true when it changed.
pub(crate) async fn rewrap(
    conn: &mut PgConnection,
    keys: &Keyring,
    tenant: uuid::Uuid,
) -> Result<bool> {
    let ctx = key_context(tenant);
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "select master_key_id, wrapped_key from tenant_data_keys where tenant_id = $1 for update",
    )
    .bind(tenant)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, wrapped)) = row else {
        return Ok(false);
    };
    if id == keys.current_key_id() {
        return Ok(false);
    }
    let key = keys.0.unwrap(&id, &wrapped, &ctx).await?;
    let (new_id, new_wrapped) = keys.0.wrap(&key, &ctx).await?;
    sqlx::query(
        "update tenant_data_keys set master_key_id = $2, wrapped_key = $3, rewrapped_at = now()
          where tenant_id = $1",
    )
    .bind(tenant)
    .bind(new_id)
    .bind(new_wrapped)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let key = [7u8; 32];
        let sealed = seal(&key, b"EAAB-secret", b"tenant-a").unwrap();
        assert!(!sealed.windows(11).any(|w| w == b"EAAB-secret"));
        assert_eq!(open(&key, &sealed, b"tenant-a").unwrap(), b"EAAB-secret");
        assert!(open(&key, &sealed, b"tenant-b").is_err());
        assert!(open(&[8u8; 32], &sealed, b"tenant-a").is_err());
        assert!(open(&key, &sealed[..10], b"tenant-a").is_err());
    }

    #[test]
    fn key_files_name_their_keys_and_the_first_is_current() {
        let a = LocalKeys::generate_entry().replace("mk-", "a-");
        let b = LocalKeys::generate_entry().replace("mk-", "b-");
        let keys = LocalKeys::parse(&format!("# keys\n{b}\n{a}\n")).unwrap();
        assert!(keys.current_key_id().starts_with("b-"));
        assert_eq!(keys.key_ids().len(), 2);
        assert!(LocalKeys::parse("k1:not-base64!").is_err());
        assert!(LocalKeys::parse("k1:AAAA").is_err());
        assert!(LocalKeys::parse("").is_err());
    }

    #[tokio::test]
    async fn a_wrapped_key_unwraps_with_the_same_context_only() {
        let keys = LocalKeys::parse(&LocalKeys::generate_entry()).unwrap();
        let dk = [3u8; 32];
        let (id, wrapped) = keys.wrap(&dk, b"t1").await.unwrap();
        assert_eq!(keys.unwrap(&id, &wrapped, b"t1").await.unwrap(), dk);
        assert!(keys.unwrap(&id, &wrapped, b"t2").await.is_err());
        assert!(keys.unwrap("other", &wrapped, b"t1").await.is_err());
    }
}
