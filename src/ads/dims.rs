//! The SCD2 dimensions (`dim_campaign`, `dim_adset`, `dim_ad`): a new version when name, status,
//! objective or budget changes (the previous one closed at the change time), nothing when a re-read
//! record says the same, and first versions for entities only seen in performance rows.

use super::Platform;
use super::entities::{Budget, EntityRow, Level};
use crate::Result;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

fn table(level: Level) -> (&'static str, &'static str) {
    match level {
        Level::Campaign => ("dim_campaign", "campaign_id"),
        Level::Adset => ("dim_adset", "adset_id"),
        Level::Ad => ("dim_ad", "ad_id"),
    }
}

/// A budget in micros of the account currency, or why it cannot be known.
fn budget_micros(
    budget: Option<Budget>,
    account: &str,
    currencies: &HashMap<String, String>,
) -> std::result::Result<Option<i64>, String> {
    match budget {
        None => Ok(None),
        Some(Budget::Micros(m)) => Ok(Some(m)),
        Some(Budget::Minor(minor)) => {
            let code = currencies.get(account).ok_or_else(|| {
                format!("the budget is in account {account}'s minor units and its currency is not known yet: load its insights first")
            })?;
            let exponent = crate::money::Currency::parse(code)
                .map_err(|_| format!("account {account} has an unknown currency {code}"))?
                .exponent();
            minor
                .checked_mul(10i64.pow(6 - exponent.min(6)))
                .map(Some)
                .ok_or_else(|| "the budget is too large".to_string())
        }
    }
}

/// The row a dimension version holds.
#[derive(Clone, Debug, sqlx::FromRow)]
struct Version {
    account_id: String,
    id: String,
    campaign_id: String,
    adset_id: String,
    name: String,
    status: Option<String>,
    objective: Option<String>,
    budget_micros: Option<i64>,
    at: DateTime<Utc>,
}

/// Merges entity rows into the dimensions; returns the rows that could not be used, with reasons
/// (by index into `rows`). Versions are stamped with the platform's change time, or `now`.
pub(crate) async fn merge(
    tx: &mut sqlx::PgConnection,
    platform: Platform,
    rows: &[EntityRow],
    now: DateTime<Utc>,
) -> Result<Vec<(usize, String)>> {
    let currencies: HashMap<String, String> = sqlx::query_as(
        "select account_id, currency from ad_accounts where platform = $1 and currency is not null",
    )
    .bind(platform.as_str())
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let mut refused = Vec::new();
    // The latest record per entity wins within one load.
    let mut latest: HashMap<(Level, &str), (usize, DateTime<Utc>)> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let at = r.changed_at.unwrap_or(now);
        match latest.get(&(r.level, r.id.as_str())) {
            Some((_, seen)) if *seen > at => {}
            _ => {
                latest.insert((r.level, r.id.as_str()), (i, at));
            }
        }
    }
    for level in [Level::Campaign, Level::Adset, Level::Ad] {
        let mut incoming = Vec::new();
        for (&(l, _), &(i, at)) in &latest {
            if l != level {
                continue;
            }
            let r = &rows[i];
            match budget_micros(r.budget, &r.account_id, &currencies) {
                Ok(budget) => incoming.push((r, budget, at)),
                Err(reason) => refused.push((i, reason)),
            }
        }
        if !incoming.is_empty() {
            merge_level(tx, platform, level, &incoming).await?;
        }
    }
    refused.sort();
    Ok(refused)
}

async fn merge_level(
    tx: &mut sqlx::PgConnection,
    platform: Platform,
    level: Level,
    incoming: &[(&EntityRow, Option<i64>, DateTime<Utc>)],
) -> Result<()> {
    let (table, id) = table(level);
    let col = |f: fn(&EntityRow) -> Option<String>| {
        incoming.iter().map(|(r, _, _)| f(r)).collect::<Vec<_>>()
    };
    // What differs from the current version (or has none); attributes a record leaves out keep
    // their current value.
    let changed: Vec<Version> = sqlx::query_as(&format!(
        "select i.account_id, i.id,
                coalesce(nullif(i.campaign_id, ''), {campaign}, '') as campaign_id,
                coalesce(nullif(i.adset_id, ''), {adset}, '') as adset_id,
                coalesce(i.name, d.name, '') as name, coalesce(i.status, d.status) as status,
                coalesce(i.objective, d.objective) as objective,
                coalesce(i.budget, d.budget_micros) as budget_micros, i.at
           from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::int8[], $10::timestamptz[])
                as i (account_id, id, campaign_id, adset_id, name, status, objective, budget, at)
           left join {table} d on d.platform = $1 and d.{id} = i.id and d.is_current
          where d.{id} is null
             or (i.at > d.valid_from
                 and (coalesce(i.name, d.name), coalesce(i.status, d.status),
                      coalesce(i.objective, d.objective), coalesce(i.budget, d.budget_micros))
                     is distinct from (d.name, d.status, d.objective, d.budget_micros))",
        campaign = if level == Level::Campaign {
            "null"
        } else {
            "d.campaign_id"
        },
        adset = if level == Level::Ad {
            "d.adset_id"
        } else {
            "null"
        },
    ))
    .bind(platform.as_str())
    .bind(col(|r| Some(r.account_id.clone())))
    .bind(col(|r| Some(r.id.clone())))
    .bind(col(|r| Some(r.campaign_id.clone())))
    .bind(col(|r| Some(r.adset_id.clone())))
    .bind(col(|r| r.name.clone()))
    .bind(col(|r| r.status.clone()))
    .bind(col(|r| r.objective.clone()))
    .bind(incoming.iter().map(|(_, b, _)| *b).collect::<Vec<_>>())
    .bind(incoming.iter().map(|(_, _, at)| *at).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    if changed.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = changed.iter().map(|v| v.id.clone()).collect();
    let ats: Vec<DateTime<Utc>> = changed.iter().map(|v| v.at).collect();
    sqlx::query(&format!(
        "update {table} d set valid_to = c.at, is_current = false
           from unnest($2::text[], $3::timestamptz[]) as c (id, at)
          where d.platform = $1 and d.{id} = c.id and d.is_current"
    ))
    .bind(platform.as_str())
    .bind(&ids)
    .bind(&ats)
    .execute(&mut *tx)
    .await?;
    let extra = match level {
        Level::Campaign => "",
        Level::Adset => ", campaign_id",
        Level::Ad => ", campaign_id, adset_id",
    };
    let extra_values = match level {
        Level::Campaign => "",
        Level::Adset => ", v.campaign_id",
        Level::Ad => ", v.campaign_id, v.adset_id",
    };
    let text = |f: fn(&Version) -> Option<String>| changed.iter().map(f).collect::<Vec<_>>();
    sqlx::query(&format!(
        "insert into {table} (tenant_id, platform, account_id, {id}, name, status, objective,
                budget_micros, valid_from{extra})
         select app_current_tenant(), $1, v.account_id, v.id, v.name, v.status, v.objective,
                v.budget, v.at{extra_values}
           from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::int8[], $10::timestamptz[])
                as v (account_id, id, campaign_id, adset_id, name, status, objective, budget, at)"
    ))
    .bind(platform.as_str())
    .bind(text(|v| Some(v.account_id.clone())))
    .bind(&ids)
    .bind(text(|v| Some(v.campaign_id.clone())))
    .bind(text(|v| Some(v.adset_id.clone())))
    .bind(text(|v| Some(v.name.clone())))
    .bind(text(|v| v.status.clone()))
    .bind(text(|v| v.objective.clone()))
    .bind(changed.iter().map(|v| v.budget_micros).collect::<Vec<_>>())
    .bind(&ats)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// First versions for campaigns, ad sets and ads seen only in the staged performance rows (their
/// names), so every fact row has its dimensions; existing versions are left alone.
pub(crate) async fn seed_from_stage(tx: &mut sqlx::PgConnection, platform: Platform) -> Result<()> {
    sqlx::query(
        "insert into dim_campaign (tenant_id, platform, account_id, campaign_id, name, valid_from)
         select distinct on (campaign_id) app_current_tenant(), $1, account_id, campaign_id,
                campaign_name, now()
           from fact_stage where campaign_id <> '' order by campaign_id, line desc
         on conflict do nothing",
    )
    .bind(platform.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into dim_adset (tenant_id, platform, account_id, adset_id, campaign_id, name,
                valid_from)
         select distinct on (adset_id) app_current_tenant(), $1, account_id, adset_id, campaign_id,
                adset_name, now()
           from fact_stage where adset_id <> '' order by adset_id, line desc
         on conflict do nothing",
    )
    .bind(platform.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into dim_ad (tenant_id, platform, account_id, ad_id, adset_id, campaign_id, name,
                valid_from)
         select distinct on (ad_id) app_current_tenant(), $1, account_id, ad_id, adset_id,
                campaign_id, ad_name, now()
           from fact_stage where ad_id <> '' order by ad_id, line desc
         on conflict do nothing",
    )
    .bind(platform.as_str())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_unit_budgets_need_the_account_currency() {
        let currencies = HashMap::from([
            ("1".to_string(), "USD".to_string()),
            ("2".to_string(), "KWD".to_string()),
        ]);
        assert_eq!(
            budget_micros(Some(Budget::Minor(5000)), "1", &currencies),
            Ok(Some(50_000_000))
        );
        assert_eq!(
            budget_micros(Some(Budget::Minor(5000)), "2", &currencies),
            Ok(Some(5_000_000)),
            "KWD has three decimals"
        );
        assert!(
            budget_micros(Some(Budget::Minor(1)), "3", &currencies)
                .unwrap_err()
                .contains("currency is not known")
        );
    }
}
