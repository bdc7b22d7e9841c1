//! Media rules and SQL: uploading an image for the storefront logo or a catalog item (checked,
//! stored with its thumbnail, recorded and audited), reading it back, and removing it.

use super::{CheckedImage, MediaStore, MediaView, check_image};
use crate::audit::{self, AuditEvent, Outcome};
use crate::commerce::Staff;
use crate::db::Database;
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use uuid::Uuid;

/// What an upload is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The storefront's logo (replaces the previous one).
    Logo,
    /// One more image of a catalog item.
    Item(Uuid),
}

impl Purpose {
    fn privilege(self) -> &'static str {
        match self {
            Purpose::Logo => "storefront.manage",
            Purpose::Item(_) => "catalog.write",
        }
    }
}

/// An item has at most this many images.
pub const MAX_ITEM_IMAGES: i64 = 8;

/// Checks, stores and records an uploaded image. Nothing is kept when any step fails.
#[tracing::instrument(name = "Upload an image", skip_all, fields(tenant_id = %who.scope.tenant_id(), bytes = bytes.len()))]
pub async fn upload(
    db: &Database,
    store: &MediaStore,
    who: &Staff<'_>,
    purpose: Purpose,
    original_name: &str,
    bytes: Vec<u8>,
) -> Result<MediaView> {
    who.authorize(db, purpose.privilege()).await?;
    if let Purpose::Item(item) = purpose {
        let mut tx = db.tenant_tx(who.scope).await?;
        let count: Option<i64> = sqlx::query_scalar(
            "select (select count(*) from catalog_item_images where item_id = $1)
               from catalog_items where id = $1",
        )
        .bind(item)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        match count {
            None => return Err(Error::NotFound),
            Some(n) if n >= MAX_ITEM_IMAGES => {
                return Err(Error::Validation(format!(
                    "An item can have {MAX_ITEM_IMAGES} images at most; remove one first."
                )));
            }
            Some(_) => {}
        }
    }
    let size = bytes.len();
    let (checked, bytes) = tokio::task::spawn_blocking(move || (check_image(&bytes), bytes))
        .await
        .map_err(|e| Error::Internal(format!("checking an image: {e}")))?;
    let CheckedImage {
        content_type,
        width,
        height,
        thumb,
        thumb_content_type,
    } = checked?;
    let tenant = who.scope.tenant_id();
    let id = Uuid::now_v7();
    let (key, thumb_key) = (
        MediaStore::key(tenant, id, false),
        MediaStore::key(tenant, id, true),
    );
    store.put(&key, bytes).await?;
    store.put(&thumb_key, thumb).await?;
    let recorded = record(
        db,
        who,
        purpose,
        id,
        (content_type, thumb_content_type),
        size,
        (width, height),
        original_name,
    )
    .await;
    if let Err(e) = recorded {
        let _ = store.delete(&key).await;
        let _ = store.delete(&thumb_key).await;
        return Err(e);
    }
    crate::commerce::forget_storefront(db, tenant);
    Ok(MediaView {
        id,
        width: width as i32,
        height: height as i32,
    })
}

#[allow(clippy::too_many_arguments)]
async fn record(
    db: &Database,
    who: &Staff<'_>,
    purpose: Purpose,
    id: Uuid,
    (content_type, thumb_content_type): (&str, &str),
    size: usize,
    (width, height): (u32, u32),
    original_name: &str,
) -> Result<()> {
    let name: String = original_name
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect();
    let mut tx = db.tenant_tx(who.scope).await?;
    sqlx::query(
        "insert into media (tenant_id, id, content_type, byte_size, width, height,
                            thumb_content_type, original_name, uploaded_by)
         values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(content_type)
    .bind(size as i32)
    .bind(width as i32)
    .bind(height as i32)
    .bind(thumb_content_type)
    .bind(&name)
    .bind(who.principal.user_id)
    .execute(&mut *tx)
    .await?;
    let target = match purpose {
        Purpose::Logo => {
            sqlx::query(
                "insert into storefront_settings (tenant_id, display_name, logo_media_id)
                 select id, name, $1 from tenants where id = app_current_tenant()
                 on conflict (tenant_id) do update
                   set logo_media_id = excluded.logo_media_id, updated_at = now()",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            format!("logo {id}")
        }
        Purpose::Item(item) => {
            sqlx::query(
                "insert into catalog_item_images (tenant_id, item_id, media_id, position)
                 select app_current_tenant(), $1, $2,
                        coalesce((select max(position) + 1 from catalog_item_images where item_id = $1), 0)",
            )
            .bind(item)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            format!("item {item} image {id}")
        }
    };
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("media.upload", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(target),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An image's bytes and content type, read through the tenant door (`thumb`: its thumbnail).
pub async fn read(
    db: &Database,
    store: &MediaStore,
    scope: &TenantScope,
    id: Uuid,
    thumb: bool,
) -> Result<(String, Vec<u8>)> {
    let mut tx = db.tenant_tx(scope).await?;
    let row: Option<(String, String)> =
        sqlx::query_as("select content_type, thumb_content_type from media where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    let (content_type, thumb_type) = row.ok_or(Error::NotFound)?;
    let bytes = store
        .get(&MediaStore::key(scope.tenant_id(), id, thumb))
        .await?;
    Ok((if thumb { thumb_type } else { content_type }, bytes))
}

/// Removes an image (from its item, or as the logo) and its stored bytes. Audited.
#[tracing::instrument(name = "Remove an image", skip_all, fields(tenant_id = %who.scope.tenant_id()))]
pub async fn remove(db: &Database, store: &MediaStore, who: &Staff<'_>, id: Uuid) -> Result<()> {
    let mut tx = db.tenant_tx(who.scope).await?;
    let is_logo: Option<bool> = sqlx::query_scalar(
        "select exists (select 1 from storefront_settings where logo_media_id = $1)
           from media where id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(is_logo) = is_logo else {
        return Err(Error::NotFound);
    };
    let privilege = if is_logo {
        "storefront.manage"
    } else {
        "catalog.write"
    };
    who.authorize(db, privilege).await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    sqlx::query("delete from media where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("media.remove", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(id.to_string()),
    )
    .await?;
    tx.commit().await?;
    let tenant = who.scope.tenant_id();
    store.delete(&MediaStore::key(tenant, id, false)).await?;
    store.delete(&MediaStore::key(tenant, id, true)).await?;
    crate::commerce::forget_storefront(db, tenant);
    Ok(())
}
