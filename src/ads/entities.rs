//! Entity records (Meta `campaigns`, `ad_sets`, `ads`; Google Ads `campaign`, `ad_group`,
//! `campaign_budget`) parsed into the attributes the SCD2 dimensions track: name, status,
//! objective and budget, with the time the platform says the entity changed.

use super::Stream;
use super::row::{record, text};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Which dimension an entity row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Campaign,
    Adset,
    Ad,
}

/// A budget as the platform gives it: Google in micros, Meta in the currency's minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Micros(i64),
    Minor(i64),
}

/// One entity version.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityRow {
    pub level: Level,
    pub account_id: String,
    pub id: String,
    pub campaign_id: String,
    pub adset_id: String,
    /// None when the record does not carry it (a budget row): the current value is kept.
    pub name: Option<String>,
    pub status: Option<String>,
    pub objective: Option<String>,
    pub budget: Option<Budget>,
    /// When the platform says the entity last changed (else the load's time).
    pub changed_at: Option<DateTime<Utc>>,
}

/// The last path segment of a resource name (`customers/1/campaigns/22` → `22`), or the value.
fn id_of(r: &Value, paths: &[&str]) -> Option<String> {
    paths
        .iter()
        .find_map(|p| text(r, p))
        .map(|v| v.rsplit('/').next().unwrap_or(&v).to_string())
}

fn whole_at(r: &Value, path: &str) -> Result<Option<i64>, String> {
    match text(r, path) {
        None => Ok(None),
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Some(n)),
            _ => Err(format!("{path} is not a whole non-negative number: {t:?}")),
        },
    }
}

fn time(r: &Value, path: &str) -> Result<Option<DateTime<Utc>>, String> {
    let Some(t) = text(r, path) else {
        return Ok(None);
    };
    // Meta writes "2026-11-02T10:11:12+0000"; Airbyte and Google write RFC 3339.
    DateTime::parse_from_rfc3339(&t)
        .or_else(|_| DateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%z"))
        .map(|d| Some(d.with_timezone(&Utc)))
        .map_err(|_| format!("{path} is not a time: {t:?}"))
}

/// Parses one entity record of `stream`, or the reason it cannot be loaded.
pub fn parse_entity(stream: Stream, line: &str) -> Result<EntityRow, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let r = record(&v);
    if !r.is_object() {
        return Err("the record is not a JSON object".into());
    }
    let need =
        |what: &str, paths: &[&str]| id_of(r, paths).ok_or_else(|| format!("{what} is missing"));
    let meta_account =
        || need("account_id", &["account_id"]).map(|a| a.trim_start_matches("act_").to_string());
    let google_account = || need("customer.id", &["customer.id"]).map(|a| a.replace('-', ""));
    let meta_budget = || -> Result<Option<Budget>, String> {
        Ok(match whole_at(r, "daily_budget")? {
            Some(b) if b > 0 => Some(Budget::Minor(b)),
            _ => whole_at(r, "lifetime_budget")?
                .filter(|b| *b > 0)
                .map(Budget::Minor),
        })
    };
    let blank = EntityRow {
        level: Level::Campaign,
        account_id: String::new(),
        id: String::new(),
        campaign_id: String::new(),
        adset_id: String::new(),
        name: None,
        status: None,
        objective: None,
        budget: None,
        changed_at: None,
    };
    let row = match stream {
        Stream::MetaCampaigns => EntityRow {
            account_id: meta_account()?,
            id: need("id", &["id"])?,
            name: text(r, "name"),
            status: text(r, "effective_status").or_else(|| text(r, "status")),
            objective: text(r, "objective"),
            budget: meta_budget()?,
            changed_at: time(r, "updated_time")?,
            ..blank
        },
        Stream::MetaAdSets => {
            let id = need("id", &["id"])?;
            EntityRow {
                level: Level::Adset,
                account_id: meta_account()?,
                campaign_id: need("campaign_id", &["campaign_id"])?,
                adset_id: id.clone(),
                id,
                name: text(r, "name"),
                status: text(r, "effective_status").or_else(|| text(r, "status")),
                objective: text(r, "optimization_goal"),
                budget: meta_budget()?,
                changed_at: time(r, "updated_time")?,
            }
        }
        Stream::MetaAds => EntityRow {
            level: Level::Ad,
            account_id: meta_account()?,
            id: need("id", &["id"])?,
            campaign_id: need("campaign_id", &["campaign_id"])?,
            adset_id: need("adset_id", &["adset_id"])?,
            name: text(r, "name"),
            status: text(r, "effective_status").or_else(|| text(r, "status")),
            changed_at: time(r, "updated_time")?,
            ..blank
        },
        Stream::GoogleCampaigns => EntityRow {
            account_id: google_account()?,
            id: need("campaign.id", &["campaign.id"])?,
            name: text(r, "campaign.name"),
            status: text(r, "campaign.status"),
            objective: text(r, "campaign.advertising_channel_type"),
            budget: whole_at(r, "campaign_budget.amount_micros")?.map(Budget::Micros),
            ..blank
        },
        Stream::GoogleBudgets => EntityRow {
            account_id: google_account()?,
            id: need("campaign.id", &["campaign.id"])?,
            budget: Some(Budget::Micros(
                whole_at(r, "campaign_budget.amount_micros")?
                    .ok_or("campaign_budget.amount_micros is missing")?,
            )),
            ..blank
        },
        Stream::GoogleAdGroups => {
            let id = need("ad_group.id", &["ad_group.id"])?;
            EntityRow {
                level: Level::Adset,
                account_id: google_account()?,
                campaign_id: need("campaign.id", &["campaign.id", "ad_group.campaign"])?,
                adset_id: id.clone(),
                id,
                name: text(r, "ad_group.name"),
                status: text(r, "ad_group.status"),
                objective: text(r, "ad_group.type"),
                ..blank
            }
        }
        Stream::MetaInsights | Stream::GooglePerformance => {
            return Err("a performance record is not an entity".into());
        }
    };
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_campaigns_keep_their_attributes_and_change_time() {
        let r = parse_entity(
            Stream::MetaCampaigns,
            r#"{"id":"2385","account_id":"act_77","name":"Holiday","status":"ACTIVE","objective":"OUTCOME_SALES","daily_budget":"5000","updated_time":"2026-11-02T10:11:12+0000"}"#,
        )
        .unwrap();
        assert_eq!(r.account_id, "77");
        assert_eq!(r.name.as_deref(), Some("Holiday"));
        assert_eq!(r.budget, Some(Budget::Minor(5000)));
        assert_eq!(
            r.changed_at.unwrap().to_rfc3339(),
            "2026-11-02T10:11:12+00:00"
        );
    }

    #[test]
    fn google_rows_read_dotted_underscored_and_nested_keys_alike() {
        let dotted = r#"{"customer.id":"123-456-7890","campaign.id":"22","campaign.name":"Brand","campaign.status":"ENABLED","campaign_budget.amount_micros":"25000000"}"#;
        let typed = r#"{"customer_id":1234567890,"campaign_id":22,"campaign_name":"Brand","campaign_status":"ENABLED","campaign_budget_amount_micros":25000000}"#;
        let nested = r#"{"customer":{"id":"1234567890"},"campaign":{"id":"22","name":"Brand","status":"ENABLED"},"campaign_budget":{"amount_micros":25000000}}"#;
        let a = parse_entity(Stream::GoogleCampaigns, dotted).unwrap();
        assert_eq!(a.account_id, "1234567890");
        assert_eq!(a.budget, Some(Budget::Micros(25_000_000)));
        assert_eq!(parse_entity(Stream::GoogleCampaigns, typed).unwrap(), a);
        assert_eq!(parse_entity(Stream::GoogleCampaigns, nested).unwrap(), a);
    }

    #[test]
    fn ad_groups_take_the_campaign_from_its_resource_name() {
        let r = parse_entity(
            Stream::GoogleAdGroups,
            r#"{"customer.id":"1","ad_group.id":"5","ad_group.name":"Exact","ad_group.campaign":"customers/1/campaigns/22"}"#,
        )
        .unwrap();
        assert_eq!((r.level, r.campaign_id.as_str()), (Level::Adset, "22"));
    }

    #[test]
    fn bad_entities_say_why() {
        for (stream, line, reason) in [
            (
                Stream::MetaCampaigns,
                r#"{"account_id":"1"}"#,
                "id is missing",
            ),
            (
                Stream::MetaCampaigns,
                r#"{"id":"1","account_id":"1","daily_budget":"-5"}"#,
                "daily_budget is not a whole",
            ),
            (
                Stream::MetaAds,
                r#"{"id":"1","account_id":"1","campaign_id":"2","adset_id":"3","updated_time":"yesterday"}"#,
                "updated_time is not a time",
            ),
            (
                Stream::GoogleBudgets,
                r#"{"customer.id":"1","campaign.id":"2"}"#,
                "amount_micros is missing",
            ),
        ] {
            let e = parse_entity(stream, line).unwrap_err();
            assert!(e.contains(reason), "{e} should say {reason}");
        }
    }
}
