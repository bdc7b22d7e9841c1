//! Meta insights as Airbyte delivers them (`ads_insights`, `ads_insights_region`): one JSON record
//! per ad per day, bare, wrapped as a raw-table row (`_airbyte_data`) or as a protocol RECORD
//! message. Parsed into exact fact rows: spend in micros, conversions from the `actions` arrays.

use super::FactRow;
use super::row::{account_key, count, decimal, field, known_currency, record, text, to_micros};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

/// The action types counted as conversions unless a tenant chooses others: purchases and leads.
pub const DEFAULT_CONVERSION_ACTIONS: &[&str] = &["purchase", "lead"];

/// The sum of `value` over the entries of an actions array whose type is counted.
fn actions_sum(r: &Value, key: &str, types: &[&str]) -> Result<Decimal, String> {
    let Some(list) = field(r, key) else {
        return Ok(Decimal::ZERO);
    };
    let list = match list {
        Value::Array(a) => a,
        // Raw tables may hold the array as a JSON string.
        Value::String(s) => {
            return match serde_json::from_str::<Value>(s) {
                Ok(v @ Value::Array(_)) => actions_sum(&serde_json::json!({ key: v }), key, types),
                _ => Err(format!("{key} is not a list of actions")),
            };
        }
        _ => return Err(format!("{key} is not a list of actions")),
    };
    let mut sum = Decimal::ZERO;
    for a in list {
        let kind = a.get("action_type").and_then(Value::as_str).unwrap_or("");
        if types.contains(&kind) {
            sum += decimal(a, "value")?.unwrap_or_default();
        }
    }
    Ok(sum)
}

/// Parses one line (JSON) of Meta insights into a fact row, or the reason it cannot be loaded.
pub fn parse_meta_insight(line: &str, conversion_actions: &[&str]) -> Result<FactRow, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let r = record(&v);
    if !r.is_object() {
        return Err("the record is not a JSON object".into());
    }
    let need = |key: &str| text(r, key).ok_or_else(|| format!("{key} is missing"));
    let day_text = need("date_start")?;
    let day = NaiveDate::parse_from_str(&day_text, "%Y-%m-%d")
        .map_err(|_| format!("date_start is not a date: {day_text:?}"))?;
    let currency = known_currency(&need("account_currency")?, "account_currency")?;
    let spend = decimal(r, "spend")?.unwrap_or_default();
    let conversion_value = actions_sum(r, "action_values", conversion_actions)?;
    let region = text(r, "region");
    let reach = match decimal(r, "reach")? {
        Some(_) => Some(count(r, "reach")?),
        None => None,
    };
    let conversions = actions_sum(r, "actions", conversion_actions)?;
    if conversions.is_sign_negative() && !conversions.is_zero() {
        return Err(format!("conversions are negative: {conversions}"));
    }
    Ok(FactRow {
        day,
        account_id: account_key(&need("account_id")?),
        campaign_id: need("campaign_id")?,
        adset_id: need("adset_id")?,
        ad_id: need("ad_id")?,
        campaign_name: text(r, "campaign_name").unwrap_or_default(),
        adset_name: text(r, "adset_name").unwrap_or_default(),
        ad_name: text(r, "ad_name").unwrap_or_default(),
        currency,
        breakdown: if region.is_some() { "region" } else { "none" },
        geo_key: region.unwrap_or_default(),
        impressions: count(r, "impressions")?,
        clicks: count(r, "clicks")?,
        spend_micros: to_micros(spend, "spend")?,
        conversions,
        conversion_value_micros: to_micros(conversion_value, "conversion value")?,
        reach,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"date_start":"2026-11-02","date_stop":"2026-11-02","account_id":"1234567890123456789","campaign_id":"23850000000000001","adset_id":"23850000000000002","ad_id":"23850000000000003","campaign_name":"Holiday","adset_name":"Kingston 25-44","ad_name":"Video A","account_currency":"USD","impressions":"1200","clicks":34,"spend":"12.73","reach":"900","actions":[{"action_type":"link_click","value":"30"},{"action_type":"purchase","value":"2"},{"action_type":"lead","value":"1"}],"action_values":[{"action_type":"purchase","value":"89.90"}]}"#;

    #[test]
    fn a_meta_record_becomes_an_exact_fact_row() {
        let row = parse_meta_insight(LINE, DEFAULT_CONVERSION_ACTIONS).unwrap();
        assert_eq!(row.spend_micros, 12_730_000);
        assert_eq!(row.impressions, 1200);
        assert_eq!(row.clicks, 34);
        assert_eq!(row.conversions, Decimal::from(3));
        assert_eq!(row.conversion_value_micros, 89_900_000);
        assert_eq!(row.reach, Some(900));
        assert_eq!(
            row.ad_id, "23850000000000003",
            "ids stay text: they exceed 2^53"
        );
        assert_eq!(row.breakdown, "none");
    }

    #[test]
    fn wrapped_records_read_the_same() {
        let raw = format!(r#"{{"_airbyte_raw_id":"x","_airbyte_data":{LINE}}}"#);
        let msg =
            format!(r#"{{"type":"RECORD","record":{{"stream":"ads_insights","data":{LINE}}}}}"#);
        let bare = parse_meta_insight(LINE, DEFAULT_CONVERSION_ACTIONS).unwrap();
        assert_eq!(
            parse_meta_insight(&raw, DEFAULT_CONVERSION_ACTIONS).unwrap(),
            bare
        );
        assert_eq!(
            parse_meta_insight(&msg, DEFAULT_CONVERSION_ACTIONS).unwrap(),
            bare
        );
    }

    #[test]
    fn bad_rows_say_why() {
        let cases = [
            (
                LINE.replace(
                    "\"2026-11-02\",\"date_stop\"",
                    "\"02/11/2026\",\"date_stop\"",
                ),
                "date_start is not a date",
            ),
            (
                LINE.replace("\"spend\":\"12.73\"", "\"spend\":\"-1\""),
                "spend is negative",
            ),
            (LINE.replace("\"USD\"", "\"XYZ\""), "not a currency"),
            (
                LINE.replace("\"ad_id\":\"23850000000000003\",", ""),
                "ad_id is missing",
            ),
            ("{not json".to_string(), "not JSON"),
        ];
        for (line, reason) in cases {
            let err = parse_meta_insight(&line, DEFAULT_CONVERSION_ACTIONS).unwrap_err();
            assert!(err.contains(reason), "{err} should say {reason}");
        }
    }
}
