//! Catalog SQL: the public listing of active items, the staff list, and saving or archiving an
//! item (`catalog.write`, audited). Prices are exact in the tenant's currency.

use super::ItemKind;
use crate::access::{Principal, RoleCatalog, authorize};
use crate::audit::{self, AuditEvent, Outcome, RequestMeta};
use crate::db::Database;
use crate::money::{Currency, Money};
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A catalog item as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CatalogItem {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub currency: String,
    pub price: Option<Decimal>,
    pub suggested_amounts: Vec<Decimal>,
    pub min_amount: Option<Decimal>,
    pub goal: Option<Decimal>,
    pub active: bool,
    pub sort_order: i32,
    pub archived: bool,
    /// For donation campaigns: donations received or pending, in the item's currency.
    pub raised: Decimal,
    /// Its images in display order (the first is the cover).
    pub image_ids: Vec<Uuid>,
}

impl CatalogItem {
    pub fn kind(&self) -> ItemKind {
        ItemKind::parse(&self.kind).unwrap_or(ItemKind::Product)
    }

    /// An amount of this item's currency, formatted with its exact decimals.
    pub fn money(&self, amount: Decimal) -> String {
        match Currency::parse(&self.currency) {
            Ok(currency) => Money { amount, currency }.to_string(),
            Err(_) => format!("{amount} {}", self.currency),
        }
    }
}

const COLUMNS: &str =
    "i.id, i.kind, i.title, i.description, i.currency, i.price, i.suggested_amounts,
    i.min_amount, i.goal, i.active, i.sort_order, i.archived_at is not null as archived,
    coalesce((select sum(d.amount) from donations d
               where d.campaign_id = i.id and d.status <> 'refunded'), 0) as raised,
    array(select im.media_id from catalog_item_images im
           where im.item_id = i.id order by im.position, im.media_id) as image_ids";

/// What visitors see: active, not archived, in the staff's order.
pub async fn public_items(db: &Database, scope: &TenantScope) -> Result<Vec<CatalogItem>> {
    let mut tx = db.tenant_tx(scope).await?;
    let items = sqlx::query_as(&format!(
        "select {COLUMNS} from catalog_items i
          where i.active and i.archived_at is null order by i.sort_order, i.created_at"
    ))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(items)
}

/// One item by id (archived ones too: staff see them; the storefront checks `active`).
pub async fn item(db: &Database, scope: &TenantScope, id: Uuid) -> Result<CatalogItem> {
    items(db, scope, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)
}

/// Items by id, in no particular order (unknown ids are left out), in one round trip: the read
/// function `storefront_items` sets the tenant transaction-locally and reads, as one statement
/// that is its own transaction (row-level security applies as in the tenant door).
#[tracing::instrument(name = "Read catalog items", skip_all, fields(tenant_id = %scope.tenant_id(), items = ids.len()))]
pub async fn items(db: &Database, scope: &TenantScope, ids: &[Uuid]) -> Result<Vec<CatalogItem>> {
    Ok(sqlx::query_as(
        "select id, kind, title, description, currency, price, suggested_amounts, min_amount,
                goal, active, sort_order, archived, raised, image_ids
           from storefront_items($1, $2)",
    )
    .bind(scope.tenant_id().0)
    .bind(ids)
    .fetch_all(db.pool())
    .await?)
}

/// Every item for the staff list, archived last.
pub async fn all_items(db: &Database, scope: &TenantScope) -> Result<Vec<CatalogItem>> {
    let mut tx = db.tenant_tx(scope).await?;
    let items = sqlx::query_as(&format!(
        "select {COLUMNS} from catalog_items i
          order by i.archived_at is not null, i.sort_order, i.created_at"
    ))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(items)
}

/// An item as staff typed it.
#[derive(Clone, Debug, Default)]
pub struct ItemInput {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub price: String,
    /// Comma-separated, for donation campaigns.
    pub suggested_amounts: String,
    pub min_amount: String,
    pub goal: String,
    pub active: bool,
    pub sort_order: i32,
}

/// The staff member acting, for the checks and the audit.
pub struct Staff<'a> {
    pub catalog: &'a RoleCatalog,
    pub principal: &'a Principal,
    pub scope: &'a TenantScope,
    pub meta: &'a RequestMeta,
}

impl Staff<'_> {
    /// Checks `privilege` for this staff member in their tenant (a refusal is audited).
    pub async fn authorize(&self, db: &Database, privilege: &str) -> Result<()> {
        authorize(
            db,
            self.catalog,
            self.principal,
            self.scope,
            privilege,
            self.meta,
        )
        .await
    }
}

fn amount(label: &str, raw: &str, currency: Currency) -> Result<Option<Decimal>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Money::parse(raw, currency)
        .map(|m| Some(m.amount))
        .map_err(|e| Error::Validation(format!("{label}: {e}")))
}

/// Creates (`id` none) or updates an item. Needs `catalog.write`.
#[tracing::instrument(name = "Save a catalog item", skip_all, fields(tenant_id = %who.scope.tenant_id()))]
pub async fn save_item(
    db: &Database,
    who: &Staff<'_>,
    id: Option<Uuid>,
    input: &ItemInput,
) -> Result<Uuid> {
    who.authorize(db, "catalog.write").await?;
    let kind = ItemKind::parse(&input.kind)
        .ok_or_else(|| Error::Validation("Choose product, service or donation campaign.".into()))?;
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 160 {
        return Err(Error::Validation(
            "A title needs 1 to 160 characters.".into(),
        ));
    }
    if title.chars().any(char::is_control) {
        return Err(Error::Validation(
            "A title is one line of plain text.".into(),
        ));
    }
    let description = input.description.trim();
    if description.contains('\0') {
        return Err(Error::Validation(
            "The description contains a NUL character.".into(),
        ));
    }
    if description.chars().count() > 5000 {
        return Err(Error::Validation(
            "The description is longer than 5,000 characters.".into(),
        ));
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    let code: String =
        sqlx::query_scalar("select currency from tenants where id = app_current_tenant()")
            .fetch_one(&mut *tx)
            .await?;
    let currency = Currency::parse(&code).map_err(|e| Error::Internal(e.to_string()))?;
    let (price, suggested, min, goal) = if kind == ItemKind::Donation {
        let mut suggested = Vec::new();
        for part in input
            .suggested_amounts
            .split(',')
            .filter(|p| !p.trim().is_empty())
        {
            let a = amount("Suggested amounts", part, currency)?.unwrap_or_default();
            if a <= Decimal::ZERO {
                return Err(Error::Validation(
                    "Suggested amounts must be above zero.".into(),
                ));
            }
            suggested.push(a);
        }
        (
            None,
            suggested,
            amount("Minimum donation", &input.min_amount, currency)?,
            amount("Goal", &input.goal, currency)?.filter(|g| *g > Decimal::ZERO),
        )
    } else {
        let price = amount("Price", &input.price, currency)?
            .ok_or_else(|| Error::Validation("Enter a price.".into()))?;
        (Some(price), Vec::new(), None, None)
    };
    let id = match id {
        None => {
            let id = Uuid::now_v7();
            sqlx::query(
                "insert into catalog_items (tenant_id, id, kind, title, description, currency, price,
                    suggested_amounts, min_amount, goal, active, sort_order)
                 values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(kind.as_str())
            .bind(title)
            .bind(description)
            .bind(currency.code())
            .bind(price)
            .bind(&suggested)
            .bind(min)
            .bind(goal)
            .bind(input.active)
            .bind(input.sort_order)
            .execute(&mut *tx)
            .await?;
            id
        }
        Some(id) => {
            let done = sqlx::query(
                "update catalog_items set kind = $2, title = $3, description = $4, price = $5,
                    suggested_amounts = $6, min_amount = $7, goal = $8, active = $9, sort_order = $10,
                    currency = $11, updated_at = now()
                  where id = $1",
            )
            .bind(id)
            .bind(kind.as_str())
            .bind(title)
            .bind(description)
            .bind(price)
            .bind(&suggested)
            .bind(min)
            .bind(goal)
            .bind(input.active)
            .bind(input.sort_order)
            .bind(currency.code())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound);
            }
            id
        }
    };
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("catalog.save", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(format!("{} {title}", kind.as_str())),
    )
    .await?;
    tx.commit().await?;
    forget_storefront(db, who.scope.tenant_id());
    Ok(id)
}

/// Archives (hides from the storefront, keeps for the records) or restores an item.
pub async fn set_archived(db: &Database, who: &Staff<'_>, id: Uuid, archived: bool) -> Result<()> {
    who.authorize(db, "catalog.write").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let done = sqlx::query(
        "update catalog_items set archived_at = case when $2 then now() end, updated_at = now() where id = $1",
    )
    .bind(id)
    .bind(archived)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new(
            if archived {
                "catalog.archive"
            } else {
                "catalog.restore"
            },
            Outcome::Success,
        )
        .tenant(who.scope.tenant_id().0)
        .actor(who.principal.user_id)
        .target(id.to_string()),
    )
    .await?;
    tx.commit().await?;
    forget_storefront(db, who.scope.tenant_id());
    Ok(())
}

/// The storefront home's data: its profile and its active items.
pub type HomeData = std::sync::Arc<(crate::storefront::StorefrontProfile, Vec<CatalogItem>)>;

/// Drops what this server remembers of a tenant's storefront (directory entry, home data, pages);
/// every write that changes what visitors see calls it after committing. Other servers hear of
/// the write from the database (`storefront::spawn_listener`).
pub fn forget_storefront(db: &Database, tenant: crate::tenancy::TenantId) {
    db.storefront_cache().forget(tenant);
}

/// The storefront home's data in one transaction: the storefront's name, tagline and about text
/// (the tenant's name when none is saved) and its items. Remembered per tenant until a write
/// changes it (the hottest page of the product).
pub async fn storefront_home(
    db: &Database,
    tenant: &crate::tenancy::ResolvedTenant,
) -> Result<HomeData> {
    let key = tenant.scope.tenant_id();
    let cache = db.storefront_cache();
    if let Some(hit) = cache.home(key) {
        return Ok(hit);
    }
    let generation = cache.homes_generation();
    let mut tx = db.tenant_tx(&tenant.scope).await?;
    let profile = crate::storefront::load_profile(&mut tx, tenant).await?;
    let items = sqlx::query_as(&format!(
        "select {COLUMNS} from catalog_items i
          where i.active and i.archived_at is null order by i.sort_order, i.created_at"
    ))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let data: HomeData = std::sync::Arc::new((profile, items));
    cache.keep_home(generation, key, data.clone());
    Ok(data)
}
