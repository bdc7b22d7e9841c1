//! Keeping the dashboard rollups consistent with the fact: a lock per tenant and platform that
//! serialises the transactions writing either, and the rebuild of every rollup for loaded days.

use super::Platform;
use crate::Result;

/// Waits until no other transaction writes this tenant's data of `platform`, and keeps others
/// waiting until this one ends: two loads of the same days would otherwise both rebuild (and
/// both insert) the same rollup rows.
pub(crate) async fn lock_platform(tx: &mut sqlx::PgConnection, platform: Platform) -> Result<()> {
    sqlx::query(
        "select pg_advisory_xact_lock(hashtextextended(app_current_tenant()::text || $1, 0))",
    )
    .bind(platform.as_str())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Rebuilds the dashboard rollups of `platform` for the days `from..=to` from the fact, in the
/// load's transaction (so readers never see a fact and rollups that disagree).
pub(crate) async fn rebuild(
    tx: &mut sqlx::PgConnection,
    platform: Platform,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<()> {
    for table in [
        "rollup_campaign_day",
        "rollup_region_day",
        "rollup_day",
        "rollup_parish_day",
    ] {
        sqlx::query(&format!(
            "delete from {table} where platform = $1 and day between $2 and $3"
        ))
        .bind(platform.as_str())
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    }
    let statements = [
        "insert into rollup_campaign_day (tenant_id, day, platform, campaign_id, campaign_name,
                currency, impressions, clicks, spend_micros, conversions, conversion_value_micros)
         select app_current_tenant(), day, platform, campaign_id, max(campaign_name), currency,
                sum(impressions), sum(clicks), sum(spend_micros), sum(conversions),
                sum(conversion_value_micros)
           from fact_performance
          where platform = $1 and breakdown = 'none' and day between $2 and $3
          group by day, platform, campaign_id, currency",
        "insert into rollup_region_day (tenant_id, day, platform, campaign_id, region_code,
                currency, impressions, clicks, spend_micros, conversions, conversion_value_micros)
         select app_current_tenant(), day, platform, campaign_id, region_code, currency,
                sum(impressions), sum(clicks), sum(spend_micros), sum(conversions),
                sum(conversion_value_micros)
           from fact_performance
          where platform = $1 and breakdown = 'region' and day between $2 and $3
          group by day, platform, campaign_id, region_code, currency",
        // The two small ones, from the campaign and region rollups just rebuilt.
        "insert into rollup_day (tenant_id, day, platform, currency, impressions, clicks,
                spend_micros, conversions, conversion_value_micros)
         select app_current_tenant(), day, platform, currency, sum(impressions), sum(clicks),
                sum(spend_micros), sum(conversions), sum(conversion_value_micros)
           from rollup_campaign_day
          where platform = $1 and day between $2 and $3
          group by day, platform, currency",
        "insert into rollup_parish_day (tenant_id, day, platform, region_code, currency,
                impressions, clicks, spend_micros, conversions, conversion_value_micros)
         select app_current_tenant(), day, platform, coalesce(region_code, ''), currency,
                sum(impressions), sum(clicks), sum(spend_micros), sum(conversions),
                sum(conversion_value_micros)
           from rollup_region_day
          where platform = $1 and day between $2 and $3
          group by day, platform, coalesce(region_code, ''), currency",
        // The months the loaded days touch, whole, from the campaign day rollup just rebuilt.
        "delete from rollup_campaign_month
          where platform = $1 and month between date_trunc('month', $2::date) and $3",
        "insert into rollup_campaign_month (tenant_id, month, platform, campaign_id, currency,
                impressions, clicks, spend_micros, conversions, conversion_value_micros)
         select app_current_tenant(), date_trunc('month', day)::date, platform, campaign_id,
                currency, sum(impressions), sum(clicks), sum(spend_micros), sum(conversions),
                sum(conversion_value_micros)
           from rollup_campaign_day
          where platform = $1 and day >= date_trunc('month', $2::date)
            and day < date_trunc('month', $3::date) + interval '1 month'
          group by 2, platform, campaign_id, currency",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(platform.as_str())
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
