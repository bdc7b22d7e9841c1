//! Visitors' submissions: an order from a cart, a donation, a pledge. Prices and totals come from
//! the catalog; each submission carries an idempotency token (the same token returns the same
//! record), takes the tenant's next gapless number in its own transaction, and links to the
//! visitor's first and last visit.

use super::RecordKind;
use crate::auth::Email;
use crate::db::Database;
use crate::money::{Currency, Money};
use crate::tenancy::TenantScope;
use crate::{Error, Result};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// Who is submitting, as the form gave it.
#[derive(Clone, Debug, Default)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub note: String,
}

/// The stored record a submission made (or found, for a repeated token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub kind: RecordKind,
    pub id: Uuid,
    pub number: String,
    pub total: String,
    /// False when the token had been used: this is the earlier submission's record.
    pub created: bool,
}

/// The visitor's attribution, looked up from their id.
#[derive(Clone, Copy, Debug, Default)]
pub struct Touch {
    pub visitor: Option<Uuid>,
}

struct Clean {
    name: String,
    email: String,
    phone: Option<String>,
    note: Option<String>,
}

fn clean_contact(c: &Contact) -> Result<Clean> {
    let name = c.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::Validation(
            "Please give your name (up to 120 characters).".into(),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::Validation(
            "Your name contains characters we cannot store.".into(),
        ));
    }
    let email = Email::parse(&c.email).map_err(Error::Validation)?;
    let phone = c.phone.trim();
    if !super::valid_phone(phone) {
        return Err(Error::Validation(
            "Enter a phone number with digits, spaces, + - ( ) only.".into(),
        ));
    }
    let note = c.note.trim();
    if note.chars().count() > 2000 {
        return Err(Error::Validation(
            "The note is longer than 2,000 characters.".into(),
        ));
    }
    Ok(Clean {
        name: name.to_string(),
        email: email.as_str().to_string(),
        phone: (!phone.is_empty()).then(|| phone.to_string()),
        note: (!note.is_empty()).then(|| note.to_string()),
    })
}

async fn currency(tx: &mut PgConnection) -> Result<Currency> {
    let code: String =
        sqlx::query_scalar("select currency from tenants where id = app_current_tenant()")
            .fetch_one(&mut *tx)
            .await?;
    Currency::parse(&code).map_err(|e| Error::Internal(e.to_string()))
}

/// The record a token already made, if any.
async fn existing(tx: &mut PgConnection, kind: RecordKind, token: Uuid) -> Result<Option<Receipt>> {
    let (table, total) = match kind {
        RecordKind::Order => ("orders", "total"),
        RecordKind::Donation => ("donations", "amount"),
        RecordKind::Pledge => ("pledges", "amount"),
    };
    let row: Option<(Uuid, i32, Decimal, String)> = sqlx::query_as(&format!(
        "select id, number, {total}, currency from {table} where idempotency_token = $1"
    ))
    .bind(token)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|(id, n, amount, code)| Receipt {
        kind,
        id,
        number: kind.number(n),
        total: show(amount, &code),
        created: false,
    }))
}

fn show(amount: Decimal, code: &str) -> String {
    match Currency::parse(code) {
        Ok(currency) => Money { amount, currency }.to_string(),
        Err(_) => format!("{amount} {code}"),
    }
}

/// The next gapless number of a kind for the transaction's tenant: the counter row stays locked
/// until the transaction ends, so concurrent submissions queue and a rollback returns the number.
async fn next_number(tx: &mut PgConnection, kind: RecordKind) -> Result<i32> {
    Ok(sqlx::query_scalar(
        "insert into tenant_counters (tenant_id, kind, last_value) values (app_current_tenant(), $1, 1)
         on conflict (tenant_id, kind) do update set last_value = tenant_counters.last_value + 1
         returning last_value",
    )
    .bind(kind.as_str())
    .fetch_one(&mut *tx)
    .await?)
}

/// The visitor's first and latest visit in this tenant.
async fn touches(tx: &mut PgConnection, touch: Touch) -> Result<(Option<Uuid>, Option<Uuid>)> {
    let Some(visitor) = touch.visitor else {
        return Ok((None, None));
    };
    let row: Option<(Option<Uuid>, Option<Uuid>)> = sqlx::query_as(
        "select (array_agg(id order by created_at, id))[1], (array_agg(id order by created_at desc, id desc))[1]
           from visits where visitor_id = $1",
    )
    .bind(visitor)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.unwrap_or((None, None)))
}

/// Runs a submission: a repeated token answers with the first record; a token raced by a
/// concurrent submission (unique violation) is looked up again after that one commits.
async fn idempotent<F>(
    db: &Database,
    scope: &TenantScope,
    kind: RecordKind,
    token: Uuid,
    make: F,
) -> Result<Receipt>
where
    F: for<'c> FnOnce(
        &'c mut PgConnection,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Receipt>> + Send + 'c>,
    >,
{
    let mut tx = db.tenant_tx(scope).await?;
    if let Some(r) = existing(&mut tx, kind, token).await? {
        return Ok(r);
    }
    match make(&mut tx).await {
        Ok(r) => {
            tx.commit().await?;
            if kind == RecordKind::Donation {
                // The campaign's amount raised changed.
                super::forget_storefront(db, scope.tenant_id());
            }
            Ok(r)
        }
        Err(Error::Database(sqlx::Error::Database(e)))
            if e.constraint()
                .is_some_and(|c| c.ends_with("idempotency_token_key")) =>
        {
            drop(tx);
            let mut tx = db.tenant_tx(scope).await?;
            let r = existing(&mut tx, kind, token)
                .await?
                .ok_or(Error::NotFound)?;
            tx.commit().await?;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

/// Places an order for the cart's lines: every item must be an active product or service of this
/// storefront; unit prices and the total come from the catalog.
#[tracing::instrument(name = "Place a storefront order", skip_all, fields(tenant_id = %scope.tenant_id()))]
pub async fn place_order(
    db: &Database,
    scope: &TenantScope,
    lines: &[(Uuid, i32)],
    contact: &Contact,
    token: Uuid,
    touch: Touch,
) -> Result<Receipt> {
    let c = clean_contact(contact)?;
    let lines = lines.to_vec();
    // A retried submission finds its order before these checks (its cart is already empty).
    idempotent(db, scope, RecordKind::Order, token, move |tx| {
        Box::pin(async move {
            if lines.is_empty() {
                return Err(Error::Validation("Your cart is empty.".into()));
            }
            if lines.iter().any(|(_, q)| !(1..=1000).contains(q)) {
                return Err(Error::Validation("Quantities must be between 1 and 1,000.".into()));
            }
            let currency = currency(tx).await?;
            let mut priced = Vec::new();
            let mut total = Decimal::ZERO;
            for (id, qty) in &lines {
                let item: Option<(String, Option<Decimal>, String)> = sqlx::query_as(
                    "select title, price, kind from catalog_items
                      where id = $1 and active and archived_at is null",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((title, Some(price), kind)) = item.filter(|i| i.2 != "donation") else {
                    return Err(Error::Validation(
                        "An item in your cart is no longer available. Remove it and try again.".into(),
                    ));
                };
                let _ = kind;
                let line_total = price * Decimal::from(*qty);
                total += line_total;
                priced.push((*id, title, price, *qty, line_total));
            }
            let number = next_number(tx, RecordKind::Order).await?;
            let (first, last) = touches(tx, touch).await?;
            let id = Uuid::now_v7();
            sqlx::query(
                "insert into orders (tenant_id, id, number, idempotency_token, currency, total, customer_name,
                    customer_email, customer_phone, note, first_visit_id, last_visit_id)
                 values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(number)
            .bind(token)
            .bind(currency.code())
            .bind(total)
            .bind(&c.name)
            .bind(&c.email)
            .bind(&c.phone)
            .bind(&c.note)
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await?;
            for (i, (item, title, price, qty, line_total)) in priced.iter().enumerate() {
                sqlx::query(
                    "insert into order_lines (tenant_id, order_id, line, item_id, title, unit_price, quantity, line_total)
                     values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(i as i32 + 1)
                .bind(item)
                .bind(title)
                .bind(price)
                .bind(qty)
                .bind(line_total)
                .execute(&mut *tx)
                .await?;
            }
            Ok(Receipt {
                kind: RecordKind::Order,
                id,
                number: RecordKind::Order.number(number),
                total: Money { amount: total, currency }.to_string(),
                created: true,
            })
        })
    })
    .await
}

/// The campaign a donation or pledge is for: an active donation campaign of this storefront.
async fn campaign(tx: &mut PgConnection, id: Uuid) -> Result<Option<Decimal>> {
    let row: Option<(Option<Decimal>,)> = sqlx::query_as(
        "select min_amount from catalog_items
          where id = $1 and kind = 'donation' and active and archived_at is null",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    row.map(|(m,)| m)
        .ok_or_else(|| Error::Validation("This campaign is not accepting donations.".into()))
}

/// Gives to a donation campaign: the amount is exact in the storefront's currency and at least
/// the campaign's minimum (one whole unit when it sets none).
#[tracing::instrument(name = "Record a storefront donation", skip_all, fields(tenant_id = %scope.tenant_id()))]
pub async fn donate(
    db: &Database,
    scope: &TenantScope,
    campaign_id: Uuid,
    amount: &str,
    contact: &Contact,
    token: Uuid,
    touch: Touch,
) -> Result<Receipt> {
    let c = clean_contact(contact)?;
    let amount = amount.to_string();
    idempotent(db, scope, RecordKind::Donation, token, move |tx| {
        Box::pin(async move {
            let currency = currency(tx).await?;
            let min = campaign(tx, campaign_id).await?.unwrap_or(Decimal::ONE);
            let money = Money::parse(&amount, currency).map_err(|e| Error::Validation(e.to_string()))?;
            if money.amount < min || money.amount <= Decimal::ZERO {
                return Err(Error::Validation(format!(
                    "The smallest donation is {}.",
                    Money { amount: min, currency }
                )));
            }
            let number = next_number(tx, RecordKind::Donation).await?;
            let (first, last) = touches(tx, touch).await?;
            let id = Uuid::now_v7();
            sqlx::query(
                "insert into donations (tenant_id, id, number, idempotency_token, campaign_id, currency, amount,
                    donor_name, donor_email, note, first_visit_id, last_visit_id)
                 values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(number)
            .bind(token)
            .bind(campaign_id)
            .bind(currency.code())
            .bind(money.amount)
            .bind(&c.name)
            .bind(&c.email)
            .bind(&c.note)
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await?;
            Ok(Receipt {
                kind: RecordKind::Donation,
                id,
                number: RecordKind::Donation.number(number),
                total: money.to_string(),
                created: true,
            })
        })
    })
    .await
}

/// Pledges an amount to a campaign by a future date.
#[tracing::instrument(name = "Record a storefront pledge", skip_all, fields(tenant_id = %scope.tenant_id()))]
#[allow(clippy::too_many_arguments)]
pub async fn pledge(
    db: &Database,
    scope: &TenantScope,
    campaign_id: Uuid,
    amount: &str,
    target_date: &str,
    contact: &Contact,
    token: Uuid,
    touch: Touch,
) -> Result<Receipt> {
    let c = clean_contact(contact)?;
    let date = chrono::NaiveDate::parse_from_str(target_date.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Validation("Choose the date you will fulfil the pledge by.".into()))?;
    let amount = amount.to_string();
    idempotent(db, scope, RecordKind::Pledge, token, move |tx| {
        Box::pin(async move {
            let currency = currency(tx).await?;
            campaign(tx, campaign_id).await?;
            let today: chrono::NaiveDate = sqlx::query_scalar(
                "select (now() at time zone (select time_zone from tenants where id = app_current_tenant()))::date",
            )
            .fetch_one(&mut *tx)
            .await?;
            if date <= today {
                return Err(Error::Validation("The pledge date must be in the future.".into()));
            }
            let money = Money::parse(&amount, currency).map_err(|e| Error::Validation(e.to_string()))?;
            if money.amount <= Decimal::ZERO {
                return Err(Error::Validation("Pledge an amount above zero.".into()));
            }
            let number = next_number(tx, RecordKind::Pledge).await?;
            let (first, last) = touches(tx, touch).await?;
            let id = Uuid::now_v7();
            sqlx::query(
                "insert into pledges (tenant_id, id, number, idempotency_token, campaign_id, currency, amount,
                    target_date, pledger_name, pledger_email, note, first_visit_id, last_visit_id)
                 values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(id)
            .bind(number)
            .bind(token)
            .bind(campaign_id)
            .bind(currency.code())
            .bind(money.amount)
            .bind(date)
            .bind(&c.name)
            .bind(&c.email)
            .bind(&c.note)
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await?;
            Ok(Receipt {
                kind: RecordKind::Pledge,
                id,
                number: RecordKind::Pledge.number(number),
                total: money.to_string(),
                created: true,
            })
        })
    })
    .await
}

/// A receipt by the token that made it (the confirmation page after a redirect), in one round
/// trip: the read function `storefront_receipt` sets the tenant and reads as one statement.
#[tracing::instrument(name = "Read a storefront receipt", skip_all, fields(tenant_id = %scope.tenant_id()))]
pub async fn receipt(
    db: &Database,
    scope: &TenantScope,
    kind: RecordKind,
    token: Uuid,
) -> Result<Receipt> {
    let row: Option<(Uuid, i32, Decimal, String)> =
        sqlx::query_as("select id, number, total, currency from storefront_receipt($1, $2, $3)")
            .bind(scope.tenant_id().0)
            .bind(kind.as_str())
            .bind(token)
            .fetch_optional(db.pool())
            .await?;
    let (id, n, amount, code) = row.ok_or(Error::NotFound)?;
    Ok(Receipt {
        kind,
        id,
        number: kind.number(n),
        total: show(amount, &code),
        created: false,
    })
}
