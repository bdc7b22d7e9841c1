//! The dashboard's ledger: ad spend per platform and currency beside the storefront's own revenue
//! (orders and donations) credited to each platform by last-touch UTM source.

use super::{Filters, Row};
use crate::Result;
use crate::ads::Platform;
use rust_decimal::Decimal;

/// Ad spend and the storefront's revenue credited to a platform (last-touch UTM source), per
/// currency.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerRow {
    pub platform: Platform,
    pub currency: String,
    pub spend_micros: i64,
    pub revenue: Decimal,
    pub conversions: i64,
}

impl LedgerRow {
    /// Revenue per unit of spend (same currency by construction), or nothing without spend.
    pub fn roas(&self) -> Option<Decimal> {
        (self.spend_micros != 0).then(|| self.revenue / Decimal::new(self.spend_micros, 6))
    }
}

/// The UTM sources that mean each platform.
fn platform_of_source(source: &str) -> Option<Platform> {
    match source {
        "facebook" | "fb" | "instagram" | "ig" | "meta" | "messenger" => Some(Platform::Meta),
        "google" | "google_ads" | "adwords" | "youtube" => Some(Platform::GoogleAds),
        "linkedin" | "li" => Some(Platform::Linkedin),
        "tiktok" => Some(Platform::Tiktok),
        _ => None,
    }
}

/// The ledger: spend per platform and currency (from `campaigns` when they cover the whole platform
/// filter, otherwise from the day rollup, without the campaign and parish filters) beside
/// storefront revenue.
pub(super) async fn ledger(
    tx: &mut sqlx::PgConnection,
    f: &Filters,
    campaigns: &[Row],
) -> Result<Vec<LedgerRow>> {
    let spend: Vec<(String, String, i64)> = if f.campaign.is_none() && f.region.is_none() {
        campaigns
            .iter()
            .map(|c| {
                (
                    c.platform.as_str().to_string(),
                    c.totals.currency.clone(),
                    c.totals.spend_micros,
                )
            })
            .collect()
    } else {
        sqlx::query_as(
            "select platform, currency, sum(spend_micros)::int8 from rollup_day
              where day between $1 and $2 and ($3::text is null or platform = $3)
              group by platform, currency",
        )
        .bind(f.from)
        .bind(f.to)
        .bind(f.platform.map(Platform::as_str))
        .fetch_all(&mut *tx)
        .await?
    };
    // Orders confirmed or fulfilled, and donations received, by last-touch source.
    let revenue: Vec<(String, String, i64, Decimal)> = sqlx::query_as(
        "select coalesce(v.utm_source, ''), x.currency, count(*), sum(x.amount)
           from (select currency, total as amount, last_visit_id, created_at from orders
                  where status in ('confirmed', 'fulfilled')
                 union all
                 select currency, amount, last_visit_id, created_at from donations
                  where status = 'received') x
           join visits v on v.id = x.last_visit_id
          where x.created_at >= $1::date and x.created_at < $2::date + 1
          group by 1, 2",
    )
    .bind(f.from)
    .bind(f.to)
    .fetch_all(&mut *tx)
    .await?;
    let mut rows: Vec<LedgerRow> = Vec::new();
    let mut entry = |platform: Platform, currency: &str| -> usize {
        match rows
            .iter()
            .position(|r| r.platform == platform && r.currency == currency)
        {
            Some(i) => i,
            None => {
                rows.push(LedgerRow {
                    platform,
                    currency: currency.to_string(),
                    spend_micros: 0,
                    revenue: Decimal::ZERO,
                    conversions: 0,
                });
                rows.len() - 1
            }
        }
    };
    let mut at = Vec::new();
    for (p, currency, micros) in spend {
        if let Some(platform) = Platform::parse(&p) {
            at.push((entry(platform, &currency), micros, Decimal::ZERO, 0));
        }
    }
    for (source, currency, count, amount) in revenue {
        if let Some(platform) = platform_of_source(&source)
            && f.platform.is_none_or(|p| p == platform)
        {
            at.push((entry(platform, &currency), 0, amount, count));
        }
    }
    for (i, micros, amount, count) in at {
        rows[i].spend_micros += micros;
        rows[i].revenue += amount;
        rows[i].conversions += count;
    }
    rows.sort_by(|a, b| {
        (a.platform.as_str(), &a.currency).cmp(&(b.platform.as_str(), &b.currency))
    });
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm_sources_name_platforms() {
        assert_eq!(platform_of_source("instagram"), Some(Platform::Meta));
        assert_eq!(platform_of_source("google"), Some(Platform::GoogleAds));
        assert_eq!(platform_of_source("newsletter"), None);
    }
}
