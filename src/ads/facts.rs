//! Performance facts for API clients: the campaign × day rollup, exact (micros), cursor-paged.

use crate::Result;
use crate::db::Database;
use crate::tenancy::TenantScope;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One campaign's day on one platform, in one currency.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CampaignDay {
    pub day: NaiveDate,
    pub platform: String,
    pub campaign_id: String,
    pub campaign_name: String,
    pub currency: String,
    pub impressions: i64,
    pub clicks: i64,
    pub spend_micros: i64,
    pub conversions: Decimal,
    pub conversion_value_micros: i64,
}

/// The key a page ends on: (day, platform, campaign id, currency).
pub type FactCursor = (NaiveDate, String, String, String);

/// Up to `limit` campaign days between `from` and `to` (inclusive), ordered by day then platform,
/// campaign and currency, after `cursor`. Needs `analytics.read` (the caller checks).
pub async fn campaign_days(
    db: &Database,
    scope: &TenantScope,
    from: NaiveDate,
    to: NaiveDate,
    platform: Option<&str>,
    cursor: Option<&FactCursor>,
    limit: i64,
) -> Result<Vec<CampaignDay>> {
    let mut tx = db.tenant_tx(scope).await?;
    let rows = sqlx::query_as(
        "select day, platform, campaign_id, campaign_name, currency, impressions, clicks,
                spend_micros, conversions, conversion_value_micros
           from rollup_campaign_day
          where tenant_id = app_current_tenant() and day between $1 and $2
            and ($3::text is null or platform = $3)
            and ($4::date is null or (day, platform, campaign_id, currency) > ($4, $5, $6, $7))
          order by day, platform, campaign_id, currency
          limit $8",
    )
    .bind(from)
    .bind(to)
    .bind(platform)
    .bind(cursor.map(|c| c.0))
    .bind(cursor.map(|c| c.1.clone()))
    .bind(cursor.map(|c| c.2.clone()))
    .bind(cursor.map(|c| c.3.clone()))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}
