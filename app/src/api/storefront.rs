//! What the storefront's pages show, and (on the server) loading it: the home with the catalog, an
//! item, the cart from its cookie, and a receipt. Prices are formatted exactly on the server. The
//! storefront is rendered from this data directly, without resources or server functions.

#[cfg(feature = "ssr")]
use cadence::db::Database;
#[cfg(feature = "ssr")]
use cadence::tenancy::ResolvedTenant;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
type Result<T> = cadence::Result<T>;

/// A catalog item as a visitor sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicItem {
    pub id: cadence::Uuid,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub description: String,
    /// "12.500 KWD" for products and services.
    pub price: Option<String>,
    /// (value to submit, how it reads) for donation campaigns.
    pub suggested: Vec<(String, String)>,
    pub minimum: Option<String>,
    pub goal: Option<String>,
    pub raised: Option<String>,
    /// Raised against goal, 0–100.
    pub progress: Option<u32>,
    /// Its images in display order (served at `/media/{id}` on the storefront).
    pub images: Vec<cadence::Uuid>,
}

#[cfg(feature = "ssr")]
fn public(i: &cadence::commerce::CatalogItem, lang: &str) -> PublicItem {
    use cadence::commerce::ItemKind;
    let money = |a| cadence::money::localize_digits(&i.money(a), lang);
    let kind = i.kind();
    let progress = i.goal.map(|g| {
        let pct = (i.raised * rust_decimal::Decimal::from(100) / g)
            .round()
            .to_string()
            .parse::<u32>()
            .unwrap_or(0);
        pct.min(100)
    });
    PublicItem {
        id: i.id,
        kind: kind.as_str().into(),
        kind_label: kind.label().into(),
        title: i.title.clone(),
        description: i.description.clone(),
        price: i.price.map(money),
        suggested: i
            .suggested_amounts
            .iter()
            .map(|a| (a.normalize().to_string(), money(*a)))
            .collect(),
        minimum: i.min_amount.map(money),
        goal: i.goal.map(money),
        raised: (kind == ItemKind::Donation).then(|| money(i.raised)),
        progress,
        images: i.image_ids.clone(),
    }
}

/// The storefront home: its profile and its catalog, in one round trip (one resource).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorefrontHome {
    pub profile: cadence::storefront::StorefrontProfile,
    pub items: Vec<PublicItem>,
}

#[cfg(feature = "ssr")]
pub async fn home(db: &Database, tenant: &ResolvedTenant) -> Result<StorefrontHome> {
    let data = cadence::commerce::storefront_home(db, tenant).await?;
    Ok(home_from(&data))
}

/// The home page's view of the (cached) storefront data.
#[cfg(feature = "ssr")]
pub fn home_from(data: &cadence::commerce::HomeData) -> StorefrontHome {
    let (profile, items) = &**data;
    StorefrontHome {
        profile: profile.clone(),
        items: items.iter().map(|i| public(i, &profile.language)).collect(),
    }
}

/// An item page: the item, and a fresh idempotency token for its forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPage {
    pub item: PublicItem,
    pub token: cadence::Uuid,
    /// The pledge form's own token: each form is its own submission.
    pub pledge_token: cadence::Uuid,
    /// Tomorrow in the tenant's time zone: the earliest pledge date.
    pub earliest_pledge: String,
}

#[cfg(feature = "ssr")]
pub async fn item(
    db: &Database,
    tenant: &ResolvedTenant,
    id: cadence::Uuid,
    lang: &str,
) -> Result<Option<ItemPage>> {
    let item = match cadence::commerce::item(db, &tenant.scope, id).await {
        Ok(i) if i.active && !i.archived => i,
        Ok(_) | Err(cadence::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let earliest = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    Ok(Some(ItemPage {
        item: public(&item, lang),
        token: cadence::Uuid::now_v7(),
        pledge_token: cadence::Uuid::now_v7(),
        earliest_pledge: earliest,
    }))
}

/// A cart line, priced from the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub item_id: cadence::Uuid,
    pub title: String,
    pub unit_price: String,
    pub quantity: i32,
    pub line_total: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLine>,
    pub total: String,
    pub token: cadence::Uuid,
}

/// The cart from its cookie value, priced from the catalog (unknown or archived lines are left out).
/// One round trip for all its lines.
#[cfg(feature = "ssr")]
pub async fn cart(
    db: &Database,
    tenant: &ResolvedTenant,
    raw: &str,
    lang: &str,
) -> Result<CartView> {
    let loc = |s: String| cadence::money::localize_digits(&s, lang);
    use cadence::money::{Currency, Money};
    let cart = cadence::commerce::Cart::parse(raw);
    let mut lines = Vec::new();
    let mut total = rust_decimal::Decimal::ZERO;
    let mut currency = None;
    // Every line's item in one round trip, shown in the cart's own order.
    let ids: Vec<cadence::Uuid> = cart.lines.iter().map(|(id, _)| *id).collect();
    let items = if ids.is_empty() {
        Vec::new()
    } else {
        cadence::commerce::items(db, &tenant.scope, &ids).await?
    };
    for (id, qty) in &cart.lines {
        let Some(item) = items.iter().find(|i| i.id == *id) else {
            continue;
        };
        let Some(price) = item.price.filter(|_| item.active && !item.archived) else {
            continue;
        };
        let line = price * rust_decimal::Decimal::from(*qty);
        total += line;
        currency = Currency::parse(&item.currency).ok();
        lines.push(CartLine {
            item_id: item.id,
            title: item.title.clone(),
            unit_price: loc(item.money(price)),
            quantity: *qty,
            line_total: loc(item.money(line)),
        });
    }
    Ok(CartView {
        lines,
        total: currency
            .map(|currency| {
                Money {
                    amount: total,
                    currency,
                }
                .localized(lang)
            })
            .unwrap_or_default(),
        token: cadence::Uuid::now_v7(),
    })
}

/// The confirmation after a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    pub kind: String,
    pub number: String,
    pub total: String,
}

#[cfg(feature = "ssr")]
pub async fn receipt(
    db: &Database,
    tenant: &ResolvedTenant,
    kind: &str,
    reference: cadence::Uuid,
    lang: &str,
) -> Result<Option<ReceiptView>> {
    let Some(kind) = cadence::commerce::RecordKind::parse(kind) else {
        return Ok(None);
    };
    let r = match cadence::commerce::receipt(db, &tenant.scope, kind, reference).await {
        Ok(r) => r,
        Err(cadence::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(ReceiptView {
        kind: kind.as_str().into(),
        number: r.number,
        total: cadence::money::localize_digits(&r.total, lang),
    }))
}
