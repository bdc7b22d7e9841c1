//! Where media bytes live: an `object_store` (a local directory by default, S3-compatible storage
//! when configured), every key under the tenant's own prefix.

use crate::tenancy::TenantId;
use crate::{Error, Result};
use object_store::ObjectStore;
use object_store::path::Path;
use std::sync::Arc;
use uuid::Uuid;

/// S3-compatible storage settings (AWS, MinIO, R2, …).
#[derive(Clone, Debug)]
pub struct S3Settings {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// The media bucket.
#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaStore({})", self.inner)
    }
}

impl MediaStore {
    /// Files under `dir` (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(format!("creating the media directory: {e}")))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| Error::Internal(format!("opening the media directory: {e}")))?;
        Ok(Self {
            inner: Arc::new(store),
        })
    }

    /// An S3-compatible bucket (path-style requests, so local fakes and MinIO work).
    pub fn s3(s: &S3Settings) -> Result<Self> {
        let store = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&s.endpoint)
            .with_bucket_name(&s.bucket)
            .with_region(&s.region)
            .with_access_key_id(&s.access_key_id)
            .with_secret_access_key(&s.secret_access_key)
            .with_allow_http(s.endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .build()
            .map_err(|e| Error::Internal(format!("configuring S3 storage: {e}")))?;
        Ok(Self {
            inner: Arc::new(store),
        })
    }

    /// The key of a tenant's image (or its thumbnail): `tenants/{tenant}/media/{id}[-thumb]`.
    pub fn key(tenant: TenantId, id: Uuid, thumb: bool) -> Path {
        let name = if thumb {
            format!("{id}-thumb")
        } else {
            id.to_string()
        };
        Path::from_iter(["tenants", &tenant.0.to_string(), "media", &name])
    }

    pub async fn put(&self, key: &Path, bytes: Vec<u8>) -> Result<()> {
        self.inner
            .put(key, bytes.into())
            .await
            .map_err(|e| Error::Internal(format!("storing {key}: {e}")))?;
        Ok(())
    }

    pub async fn get(&self, key: &Path) -> Result<Vec<u8>> {
        match self.inner.get(key).await {
            Ok(r) => Ok(r
                .bytes()
                .await
                .map_err(|e| Error::Internal(format!("reading {key}: {e}")))?
                .to_vec()),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NotFound),
            Err(e) => Err(Error::Internal(format!("reading {key}: {e}"))),
        }
    }

    pub async fn delete(&self, key: &Path) -> Result<()> {
        match self.inner.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Error::Internal(format!("deleting {key}: {e}"))),
        }
    }
}
