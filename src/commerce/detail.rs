//! One record in full for staff: who sent it, what it holds (order lines, campaign, pledge
//! progress), the visits it is attributed to (first and last touch), and its status history from
//! the audit log. Needs `orders.read`.

use super::{RecordKind, Staff};
use crate::db::Database;
use crate::money::{Currency, Money};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A visit a record is attributed to: how the visitor arrived, and when.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TouchVisit {
    #[sqlx(flatten)]
    pub arrival: super::Arrival,
    pub created_at: DateTime<Utc>,
}

/// A line of an order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DetailLine {
    pub title: String,
    pub unit_price: Decimal,
    pub quantity: i32,
    pub line_total: Decimal,
}

/// A status change, from the audit log.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub change: String,
    pub actor: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
struct Head {
    number: i32,
    status: String,
    currency: String,
    amount: Decimal,
    fulfilled: Option<Decimal>,
    target_date: Option<NaiveDate>,
    campaign: Option<String>,
    name: String,
    email: String,
    phone: Option<String>,
    note: Option<String>,
    first_visit_id: Option<Uuid>,
    last_visit_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

/// A record in full.
#[derive(Clone, Debug)]
pub struct RecordDetail {
    pub kind: RecordKind,
    pub id: Uuid,
    pub number: String,
    pub status: String,
    pub currency: Currency,
    pub amount: Decimal,
    pub fulfilled: Option<Decimal>,
    pub target_date: Option<NaiveDate>,
    pub campaign: Option<String>,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<DetailLine>,
    pub first_touch: Option<TouchVisit>,
    pub last_touch: Option<TouchVisit>,
    pub history: Vec<HistoryEntry>,
}

impl RecordDetail {
    pub fn money(&self, amount: Decimal) -> String {
        Money {
            amount,
            currency: self.currency,
        }
        .to_string()
    }
}

fn head_sql(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Order => {
            "select number, status, currency, total as amount, null::numeric as fulfilled,
                    null::date as target_date, null::text as campaign, customer_name as name,
                    customer_email as email, customer_phone as phone, note, first_visit_id,
                    last_visit_id, created_at
               from orders where id = $1"
        }
        RecordKind::Donation => {
            "select number, status, currency, amount, null::numeric as fulfilled,
                    null::date as target_date,
                    (select title from catalog_items c where c.id = r.campaign_id) as campaign,
                    donor_name as name, donor_email as email, null::text as phone, note,
                    first_visit_id, last_visit_id, created_at
               from donations r where id = $1"
        }
        RecordKind::Pledge => {
            "select number, status, currency, amount, fulfilled_amount as fulfilled, target_date,
                    (select title from catalog_items c where c.id = r.campaign_id) as campaign,
                    pledger_name as name, pledger_email as email, null::text as phone, note,
                    first_visit_id, last_visit_id, created_at
               from pledges r where id = $1"
        }
    }
}

const VISIT: &str = "select utm_source, utm_medium, utm_campaign, utm_term, utm_content, gclid,
        fbclid, referrer, landing_path, created_at from visits where id = $1";

/// The record of `kind` with `id` in the staff member's tenant, in full.
pub async fn record_detail(
    db: &Database,
    who: &Staff<'_>,
    kind: RecordKind,
    id: Uuid,
) -> Result<RecordDetail> {
    who.authorize(db, "orders.read").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let head: Head = sqlx::query_as(head_sql(kind))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    let lines = if kind == RecordKind::Order {
        sqlx::query_as(
            "select title, unit_price, quantity, line_total from order_lines
              where order_id = $1 order by line",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
    } else {
        Vec::new()
    };
    let mut visit = async |v: Option<Uuid>| -> Result<Option<TouchVisit>> {
        match v {
            Some(v) => Ok(sqlx::query_as(VISIT)
                .bind(v)
                .fetch_optional(&mut *tx)
                .await?),
            None => Ok(None),
        }
    };
    let first_touch = visit(head.first_visit_id).await?;
    let last_touch = visit(head.last_visit_id).await?;
    let number = kind.number(head.number);
    // Status moves are audited as "ORD-00001 pending → confirmed".
    let history = sqlx::query_as(
        "select a.at, substr(a.target, length($1) + 2) as change, u.display_name as actor
           from audit_log a left join users u on u.id = a.actor_user_id
          where a.action = 'record.status' and a.outcome = 'success'
            and a.target like $1 || ' %'
          order by a.at",
    )
    .bind(&number)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(RecordDetail {
        kind,
        id,
        number,
        status: head.status,
        currency: Currency::parse(&head.currency).map_err(|e| Error::Internal(e.to_string()))?,
        amount: head.amount,
        fulfilled: head.fulfilled,
        target_date: head.target_date,
        campaign: head.campaign,
        name: head.name,
        email: head.email,
        phone: head.phone,
        note: head.note,
        created_at: head.created_at,
        lines,
        first_touch,
        last_touch,
        history,
    })
}
