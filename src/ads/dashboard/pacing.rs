//! Pacing: each campaign's month to date against its budget, projected to the month's end.

use super::{Filters, month_end};
use crate::Result;
use crate::ads::Platform;
use chrono::{Datelike, NaiveDate};

/// A campaign's month to date against its budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Pacing {
    pub platform: Platform,
    pub campaign_id: String,
    pub name: String,
    pub currency: String,
    pub month_budget_micros: i64,
    pub spend_micros: i64,
    pub projected_micros: i64,
    /// "on", "under" or "over" (within 10 % of the budget is on pace).
    pub pace: &'static str,
}

/// Month to date (the month of `today`) against budgets: a campaign's current daily budget times
/// the month's days. Campaigns without a known budget are left out.
pub(super) async fn pacing(
    tx: &mut sqlx::PgConnection,
    f: &Filters,
    today: NaiveDate,
) -> Result<Vec<Pacing>> {
    let first = today.with_day(1).unwrap_or(today);
    let days_in_month = i64::from(month_end(today).day());
    let elapsed = (today - first).num_days() + 1;
    let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "select d.platform, d.campaign_id, d.name, r.currency, d.budget_micros,
                coalesce(sum(r.spend_micros), 0)::int8
           from dim_campaign d
           join rollup_campaign_day r
             on r.platform = d.platform and r.campaign_id = d.campaign_id and r.day between $1 and $2
          where d.is_current and d.budget_micros > 0 and ($3::text is null or d.platform = $3)
            and ($4::text is null or d.campaign_id = $4)
          group by d.platform, d.campaign_id, d.name, r.currency, d.budget_micros
          order by d.name",
    )
    .bind(first)
    .bind(today)
    .bind(f.platform.map(Platform::as_str))
    .bind(&f.campaign)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, id, name, currency, daily, spend)| {
            let budget = daily * days_in_month;
            let projected = spend * days_in_month / elapsed.max(1);
            let pace = if projected > budget * 11 / 10 {
                "over"
            } else if projected < budget * 9 / 10 {
                "under"
            } else {
                "on"
            };
            Some(Pacing {
                platform: Platform::parse(&p)?,
                campaign_id: id,
                name,
                currency,
                month_budget_micros: budget,
                spend_micros: spend,
                projected_micros: projected,
                pace,
            })
        })
        .collect())
}
