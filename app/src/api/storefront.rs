//! Storefront server functions for visitors: the catalog, an item, the cart (from its cookie) and
//! a receipt. Prices are formatted exactly on the server; the pages need no script to order.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
}

#[cfg(feature = "ssr")]
fn public(i: &cadence::commerce::CatalogItem) -> PublicItem {
    use cadence::commerce::ItemKind;
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
        price: i.price.map(|p| i.money(p)),
        suggested: i
            .suggested_amounts
            .iter()
            .map(|a| (a.normalize().to_string(), i.money(*a)))
            .collect(),
        minimum: i.min_amount.map(|m| i.money(m)),
        goal: i.goal.map(|g| i.money(g)),
        raised: (kind == ItemKind::Donation).then(|| i.money(i.raised)),
        progress,
    }
}

#[server]
pub async fn load_catalog() -> Result<Vec<PublicItem>, AppError> {
    let tenant = super::ssr::storefront_tenant()?;
    let db = super::ssr::db()?;
    Ok(cadence::commerce::public_items(&db, &tenant.scope)
        .await?
        .iter()
        .map(public)
        .collect())
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

#[server]
pub async fn load_item(id: cadence::Uuid) -> Result<Option<ItemPage>, AppError> {
    let tenant = super::ssr::storefront_tenant()?;
    let db = super::ssr::db()?;
    let item = match cadence::commerce::item(&db, &tenant.scope, id).await {
        Ok(i) if i.active && !i.archived => i,
        Ok(_) | Err(cadence::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let earliest = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    Ok(Some(ItemPage {
        item: public(&item),
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

#[server]
pub async fn load_cart() -> Result<CartView, AppError> {
    use cadence::money::{Currency, Money};
    let tenant = super::ssr::storefront_tenant()?;
    let db = super::ssr::db()?;
    let raw = use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .find_map(|c| c.trim().strip_prefix("cadence_cart=").map(str::to_string))
        })
        .unwrap_or_default();
    let cart = cadence::commerce::Cart::parse(&raw);
    let mut lines = Vec::new();
    let mut total = rust_decimal::Decimal::ZERO;
    let mut currency = None;
    for (id, qty) in &cart.lines {
        let Ok(item) = cadence::commerce::item(&db, &tenant.scope, *id).await else {
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
            unit_price: item.money(price),
            quantity: *qty,
            line_total: item.money(line),
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
                .to_string()
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

#[server]
pub async fn load_receipt(kind: String, reference: cadence::Uuid) -> Result<ReceiptView, AppError> {
    let tenant = super::ssr::storefront_tenant()?;
    let db = super::ssr::db()?;
    let kind = cadence::commerce::RecordKind::parse(&kind).ok_or(AppError::NotFound)?;
    let r = cadence::commerce::receipt(&db, &tenant.scope, kind, reference).await?;
    Ok(ReceiptView {
        kind: kind.as_str().into(),
        number: r.number,
        total: r.total,
    })
}
