//! Staff's side of the records: lists of orders, donations and pledges with filters, moving a
//! record through its workflow (audited; invalid moves refused), CSV export and the storefront
//! summary by channel.

use super::{RecordKind, Staff};
use crate::audit::{self, AuditEvent, Outcome};
use crate::db::Database;
use crate::money::{Currency, Money};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// One record in a staff list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecordRow {
    pub id: Uuid,
    pub number: i32,
    pub status: String,
    pub currency: String,
    pub amount: Decimal,
    pub fulfilled: Option<Decimal>,
    pub name: String,
    pub email: String,
    pub detail: Option<String>,
    /// utm_source of the last-touch visit ("direct" when none).
    pub channel: String,
    pub created_at: DateTime<Utc>,
}

impl RecordRow {
    pub fn money(&self, amount: Decimal) -> String {
        match Currency::parse(&self.currency) {
            Ok(currency) => Money { amount, currency }.to_string(),
            Err(_) => format!("{amount} {}", self.currency),
        }
    }
}

/// Which records to list.
#[derive(Clone, Debug, Default)]
pub struct RecordFilter {
    pub status: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub channel: Option<String>,
    pub limit: i64,
    /// Start after this record (its creation time and id): the REST API's cursor.
    pub after: Option<(DateTime<Utc>, Uuid)>,
}

fn select_for(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Order => {
            "select r.id, r.number, r.status, r.currency, r.total as amount, null::numeric as fulfilled,
                    r.customer_name as name, r.customer_email as email,
                    (select string_agg(l.quantity || ' × ' || l.title, ', ' order by l.line)
                       from order_lines l where l.order_id = r.id) as detail,
                    coalesce(v.utm_source, 'direct') as channel, r.created_at
               from orders r left join visits v on v.id = r.last_visit_id"
        }
        RecordKind::Donation => {
            "select r.id, r.number, r.status, r.currency, r.amount, null::numeric as fulfilled,
                    r.donor_name as name, r.donor_email as email,
                    (select title from catalog_items c where c.id = r.campaign_id) as detail,
                    coalesce(v.utm_source, 'direct') as channel, r.created_at
               from donations r left join visits v on v.id = r.last_visit_id"
        }
        RecordKind::Pledge => {
            "select r.id, r.number, r.status, r.currency, r.amount, r.fulfilled_amount as fulfilled,
                    r.pledger_name as name, r.pledger_email as email,
                    (select title from catalog_items c where c.id = r.campaign_id) || ' by ' || r.target_date as detail,
                    coalesce(v.utm_source, 'direct') as channel, r.created_at
               from pledges r left join visits v on v.id = r.last_visit_id"
        }
    }
}

/// Lists records of a kind, newest first. Needs `orders.read`.
pub async fn list_records(
    db: &Database,
    who: &Staff<'_>,
    kind: RecordKind,
    f: &RecordFilter,
) -> Result<Vec<RecordRow>> {
    who.authorize(db, "orders.read").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let rows = sqlx::query_as(&format!(
        "select * from ({}) x
          where ($1::text is null or x.status = $1)
            and ($2::date is null or x.created_at >= $2::date)
            and ($3::date is null or x.created_at < $3::date + 1)
            and ($4::text is null or x.channel = $4)
            and ($6::timestamptz is null or (x.created_at, x.id) < ($6, $7))
          order by x.created_at desc, x.id desc limit $5",
        select_for(kind)
    ))
    .bind(&f.status)
    .bind(f.from)
    .bind(f.to)
    .bind(&f.channel)
    .bind(if f.limit <= 0 { 500 } else { f.limit })
    .bind(f.after.map(|a| a.0))
    .bind(f.after.map(|a| a.1))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Moves a record to `to` if its workflow allows it from where it is. For pledges, `fulfilled`
/// (the amount fulfilled so far) comes with "partially_fulfilled". Needs `orders.write`.
#[tracing::instrument(name = "Change a record's status", skip(db, who), fields(tenant_id = %who.scope.tenant_id()))]
pub async fn change_status(
    db: &Database,
    who: &Staff<'_>,
    kind: RecordKind,
    id: Uuid,
    to: &str,
    fulfilled: Option<&str>,
) -> Result<()> {
    who.authorize(db, "orders.write").await?;
    let table = match kind {
        RecordKind::Order => "orders",
        RecordKind::Donation => "donations",
        RecordKind::Pledge => "pledges",
    };
    let mut tx = db.tenant_tx(who.scope).await?;
    let row: Option<(String, i32, Decimal, String)> = sqlx::query_as(&format!(
        "select status, number, {}, currency from {table} where id = $1 for update",
        if kind == RecordKind::Order {
            "total"
        } else {
            "amount"
        }
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((from, number, amount, code)) = row else {
        return Err(Error::NotFound);
    };
    if !kind.next_statuses(&from).contains(&to) {
        return Err(Error::Validation(format!(
            "{} is {}: it cannot become {}.",
            kind.number(number),
            from.replace('_', " "),
            to.replace('_', " ")
        )));
    }
    if kind == RecordKind::Pledge && to != "cancelled" {
        let currency = Currency::parse(&code).map_err(|e| Error::Internal(e.to_string()))?;
        let done = if to == "fulfilled" {
            amount
        } else {
            let raw = fulfilled.unwrap_or("");
            let m = Money::parse(raw, currency).map_err(|e| Error::Validation(e.to_string()))?;
            if m.amount <= Decimal::ZERO || m.amount >= amount {
                return Err(Error::Validation(format!(
                    "A partial fulfilment is above zero and below the pledged {}.",
                    Money { amount, currency }
                )));
            }
            m.amount
        };
        sqlx::query("update pledges set status = $2, fulfilled_amount = $3, updated_at = now() where id = $1")
            .bind(id)
            .bind(to)
            .bind(done)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(&format!(
            "update {table} set status = $2, updated_at = now() where id = $1"
        ))
        .bind(id)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("record.status", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(format!("{} {from} → {to}", kind.number(number))),
    )
    .await?;
    tx.commit().await?;
    super::forget_storefront(db, who.scope.tenant_id());
    Ok(())
}

pub(crate) fn csv_field(s: &str) -> String {
    // Spreadsheet formula injection: a leading = + - @ is neutralised with a quote.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The filtered list as CSV (audited as an export). Needs `exports.create`.
pub async fn export_csv(
    db: &Database,
    who: &Staff<'_>,
    kind: RecordKind,
    f: &RecordFilter,
) -> Result<String> {
    who.authorize(db, "exports.create").await?;
    crate::admin::plans::require_feature(db, who.scope, "csv_export").await?;
    let rows = list_records(
        db,
        who,
        kind,
        &RecordFilter {
            limit: 100_000,
            ..f.clone()
        },
    )
    .await?;
    let mut out =
        String::from("number,status,date,name,email,amount,currency,fulfilled,channel,detail\n");
    for r in &rows {
        let line = [
            kind.number(r.number),
            r.status.clone(),
            r.created_at.to_rfc3339(),
            r.name.clone(),
            r.email.clone(),
            r.amount.normalize().to_string(),
            r.currency.clone(),
            r.fulfilled
                .map(|d| d.normalize().to_string())
                .unwrap_or_default(),
            r.channel.clone(),
            r.detail.clone().unwrap_or_default(),
        ]
        .iter()
        .map(|s| csv_field(s))
        .collect::<Vec<_>>()
        .join(",");
        out.push_str(&line);
        out.push('\n');
    }
    let mut tx = db.tenant_tx(who.scope).await?;
    audit::record(
        &mut tx,
        who.meta,
        AuditEvent::new("export.csv", Outcome::Success)
            .tenant(who.scope.tenant_id().0)
            .actor(who.principal.user_id)
            .target(format!("{} rows of {}s", rows.len(), kind.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Conversions and money by channel (last-touch utm_source) and currency, for a date range.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChannelRow {
    pub channel: String,
    pub kind: String,
    pub currency: String,
    pub count: i64,
    pub amount: Decimal,
}

/// The storefront summary: visits, and conversions by channel. Needs `orders.read`.
pub async fn channel_summary(
    db: &Database,
    who: &Staff<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, Vec<ChannelRow>)> {
    who.authorize(db, "orders.read").await?;
    let mut tx = db.tenant_tx(who.scope).await?;
    let visits: i64 = sqlx::query_scalar(
        "select count(*) from visits where created_at >= $1::date and created_at < $2::date + 1",
    )
    .bind(from)
    .bind(to)
    .fetch_one(&mut *tx)
    .await?;
    let rows = sqlx::query_as(
        "select coalesce(v.utm_source, 'direct') as channel, x.kind, x.currency, count(*) as count,
                sum(x.amount) as amount
           from (select 'order' as kind, currency, total as amount, last_visit_id, created_at from orders where status <> 'cancelled'
                 union all
                 select 'donation', currency, amount, last_visit_id, created_at from donations where status <> 'refunded'
                 union all
                 select 'pledge', currency, amount, last_visit_id, created_at from pledges where status <> 'cancelled') x
           left join visits v on v.id = x.last_visit_id
          where x.created_at >= $1::date and x.created_at < $2::date + 1
          group by 1, 2, 3 order by 1, 2, 3",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((visits, rows))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
