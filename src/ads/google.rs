//! Google Ads performance records as Airbyte delivers them (ad, ad group, campaign and geo
//! performance streams): bare, raw-table or RECORD-message lines, with dotted, underscored or
//! nested field names. Parsed into exact fact rows: cost from `cost_micros`, ids kept as text.

use super::FactRow;
use super::row::{
    account_key, count, decimal, fallback_ad_key, field, known_currency, record, text, to_micros,
    whole,
};
use chrono::NaiveDate;
use rust_decimal::RoundingStrategy;
use serde_json::Value;

/// The fields that may hold a geo performance row's region, most precise name first.
const REGION_FIELDS: &[&str] = &[
    "segments.geo_target_region",
    "segments.geo_target_most_specific_location",
];

/// Fields that mark a geo row at country level (not a region).
const COUNTRY_FIELDS: &[&str] = &[
    "geographic_view.country_criterion_id",
    "user_location_view.country_criterion_id",
];

/// Where a geo row says whether it counts people in a place or people interested in it.
const LOCATION_TYPE_FIELDS: &[&str] = &["geographic_view.location_type", "location_type"];

/// Parses one line (JSON) of Google Ads performance into a fact row, or the reason it cannot be
/// loaded. Ad rows are keyed by their ad id; rows above ad level (ad group or campaign rows) have
/// `""` for what they lack and are keyed by their campaign (and ad group) id instead, so that the
/// fact's natural key, which has the ad but not the campaign, keeps them apart.
pub fn parse_google_ads_row(line: &str) -> Result<FactRow, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let r = record(&v);
    if !r.is_object() {
        return Err("the record is not a JSON object".into());
    }
    let need = |key: &str| text(r, key).ok_or_else(|| format!("{key} is missing"));

    let day_text = need("segments.date")?;
    let day = NaiveDate::parse_from_str(&day_text, "%Y-%m-%d")
        .ok()
        .filter(|_| day_text.len() == 10)
        .ok_or_else(|| format!("segments.date is not a date (YYYY-MM-DD): {day_text:?}"))?;
    let customer = need("customer.id")?;
    let account_id = account_key(&customer);
    if account_id.is_empty() || !account_id.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "customer.id is not a Google Ads customer id: {customer:?}"
        ));
    }
    let currency = known_currency(&need("customer.currency_code")?, "customer.currency_code")?;
    let campaign_id = need("campaign.id")?;
    let adset_id = text(r, "ad_group.id").unwrap_or_default();
    let ad_name = text(r, "ad_group_ad.ad.name").unwrap_or_default();
    let ad_id = text(r, "ad_group_ad.ad.id")
        .unwrap_or_else(|| fallback_ad_key(&[(&campaign_id, ""), (&adset_id, "")], ""));

    if let Some(kind) = LOCATION_TYPE_FIELDS.iter().find_map(|k| text(r, k))
        && !kind.eq_ignore_ascii_case("LOCATION_OF_PRESENCE")
    {
        return Err(
            "area-of-interest rows are not loaded: regions count people who were there".into(),
        );
    }
    let geo_key = match REGION_FIELDS
        .iter()
        .find_map(|k| text(r, k).map(|t| (*k, t)))
    {
        Some((key, value)) => Some(
            criteria_id(&value)
                .ok_or_else(|| format!("{key} is not a geo target constant: {value:?}"))?,
        ),
        // A country is not a region: country rows would add to the ad's own totals.
        None if COUNTRY_FIELDS.iter().any(|k| field(r, k).is_some()) => {
            return Err(
                "country rows are not loaded: only rows with a region (segments.geo_target_region) are"
                    .into(),
            );
        }
        None => None,
    };

    let conversions = decimal(r, "metrics.conversions")?.unwrap_or_default();
    if conversions.is_sign_negative() && !conversions.is_zero() {
        return Err(format!("metrics.conversions is negative: {conversions}"));
    }
    let value = decimal(r, "metrics.conversions_value")?.unwrap_or_default();
    // Google reports conversion value as a double (data-driven attribution gives fractional
    // credit, such as 33.333333333333336): kept to the micro, half to even.
    let value = value.round_dp_with_strategy(6, RoundingStrategy::MidpointNearestEven);
    let cost = decimal(r, "metrics.cost_micros")?.unwrap_or_default();
    if !cost.fract().is_zero() {
        return Err(format!(
            "metrics.cost_micros is not a whole number of micros: {cost}"
        ));
    }
    Ok(FactRow {
        day,
        account_id,
        campaign_name: text(r, "campaign.name").unwrap_or_default(),
        adset_name: text(r, "ad_group.name").unwrap_or_default(),
        campaign_id,
        adset_id,
        ad_id,
        ad_name,
        currency,
        breakdown: if geo_key.is_some() { "region" } else { "none" },
        geo_key: geo_key.unwrap_or_default(),
        impressions: count(r, "metrics.impressions")?,
        clicks: count(r, "metrics.clicks")?,
        spend_micros: whole(cost, "metrics.cost_micros")?,
        conversions,
        conversion_value_micros: to_micros(value, "metrics.conversions_value")?,
        reach: None,
    })
}

/// The bare criteria id of `geoTargetConstants/9070379` (or of a bare id).
fn criteria_id(value: &str) -> Option<String> {
    let id = value.strip_prefix("geoTargetConstants/").unwrap_or(value);
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_digit())).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    const DOTTED: &str = r#"{"segments.date":"2026-11-02","customer.id":"123-456-7890","customer.currency_code":"JMD","campaign.id":"20000000001","campaign.name":"Holiday","ad_group.id":"150000000002","ad_group.name":"Kingston","ad_group_ad.ad.id":"700000000003","ad_group_ad.ad.name":"Video A","metrics.impressions":"1200","metrics.clicks":34,"metrics.cost_micros":"12730000","metrics.conversions":1.5,"metrics.conversions_value":"89.90"}"#;
    const UNDERSCORED: &str = r#"{"segments_date":"2026-11-02","customer_id":1234567890,"customer_currency_code":"JMD","campaign_id":20000000001,"campaign_name":"Holiday","ad_group_id":150000000002,"ad_group_name":"Kingston","ad_group_ad_ad_id":700000000003,"ad_group_ad_ad_name":"Video A","metrics_impressions":1200,"metrics_clicks":34,"metrics_cost_micros":12730000,"metrics_conversions":"1.5","metrics_conversions_value":89.9}"#;
    const NESTED: &str = r#"{"segments":{"date":"2026-11-02"},"customer":{"id":"1234567890","currency_code":"JMD"},"campaign":{"id":"20000000001","name":"Holiday"},"ad_group":{"id":"150000000002","name":"Kingston"},"ad_group_ad":{"ad":{"id":"700000000003","name":"Video A"}},"metrics":{"impressions":"1200","clicks":"34","cost_micros":"12730000","conversions":"1.5","conversions_value":"89.9"}}"#;
    const GEO: &str = r#"{"segments.date":"2026-11-02","customer.id":"1234567890","customer.currency_code":"USD","campaign.id":"20000000001","ad_group.id":"150000000002","geographic_view.location_type":"LOCATION_OF_PRESENCE","geographic_view.country_criterion_id":"2388","segments.geo_target_region":"geoTargetConstants/9070379","metrics.impressions":"500","metrics.clicks":"9","metrics.cost_micros":"4000000"}"#;

    #[test]
    fn a_google_record_becomes_an_exact_fact_row() {
        let row = parse_google_ads_row(DOTTED).unwrap();
        assert_eq!(row.day, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        assert_eq!(row.account_id, "1234567890", "customer id dashes stripped");
        assert_eq!(row.currency, "JMD");
        assert_eq!(
            (row.campaign_id.as_str(), row.adset_id.as_str()),
            ("20000000001", "150000000002")
        );
        assert_eq!(
            (row.ad_id.as_str(), row.ad_name.as_str()),
            ("700000000003", "Video A")
        );
        assert_eq!((row.impressions, row.clicks), (1200, 34));
        assert_eq!(row.spend_micros, 12_730_000);
        assert_eq!(row.conversions, "1.5".parse::<Decimal>().unwrap());
        assert_eq!(row.conversion_value_micros, 89_900_000);
        assert_eq!((row.breakdown, row.reach), ("none", None));
    }

    #[test]
    fn every_key_style_and_wrapping_reads_the_same() {
        let bare = parse_google_ads_row(DOTTED).unwrap();
        assert_eq!(parse_google_ads_row(UNDERSCORED).unwrap(), bare);
        assert_eq!(parse_google_ads_row(NESTED).unwrap(), bare);
        let raw = format!(r#"{{"_airbyte_raw_id":"x","_airbyte_data":{DOTTED}}}"#);
        let msg =
            format!(r#"{{"type":"RECORD","record":{{"stream":"ad_group_ad","data":{DOTTED}}}}}"#);
        assert_eq!(parse_google_ads_row(&raw).unwrap(), bare);
        assert_eq!(parse_google_ads_row(&msg).unwrap(), bare);
    }

    #[test]
    fn campaign_rows_have_no_ad_group_or_ad_and_are_keyed_by_campaign() {
        let line = r#"{"segments.date":"2026-11-02","customer.id":"1234567890","customer.currency_code":"USD","campaign.id":"20000000001","campaign.name":"Holiday","metrics.impressions":"10","metrics.clicks":"1","metrics.cost_micros":250000}"#;
        let row = parse_google_ads_row(line).unwrap();
        assert_eq!(row.adset_id, "");
        assert_eq!(row.ad_id, "20000000001");
        assert_eq!(row.spend_micros, 250_000);
        assert_eq!(row.conversions, Decimal::ZERO);
    }

    #[test]
    fn geo_rows_become_region_rows_with_the_bare_criteria_id() {
        let row = parse_google_ads_row(GEO).unwrap();
        assert_eq!((row.breakdown, row.geo_key.as_str()), ("region", "9070379"));
        assert_eq!(row.ad_id, "20000000001 / 150000000002");
        assert_eq!(row.spend_micros, 4_000_000);
        let specific = GEO.replace(
            "segments.geo_target_region",
            "segments.geo_target_most_specific_location",
        );
        assert_eq!(parse_google_ads_row(&specific).unwrap().geo_key, "9070379");
    }

    #[test]
    fn fractional_conversion_value_is_kept_to_the_micro() {
        let line = DOTTED.replace(r#""89.90""#, "33.333333333333336");
        assert_eq!(
            parse_google_ads_row(&line).unwrap().conversion_value_micros,
            33_333_333
        );
    }

    #[test]
    fn bad_rows_say_why() {
        let cases = [
            (
                GEO.replace("LOCATION_OF_PRESENCE", "AREA_OF_INTEREST"),
                "area-of-interest rows are not loaded",
            ),
            (
                GEO.replace(r#""geographic_view.location_type""#, r#""location_type""#)
                    .replace("LOCATION_OF_PRESENCE", "AREA_OF_INTEREST"),
                "area-of-interest",
            ),
            (
                GEO.replace(
                    r#","segments.geo_target_region":"geoTargetConstants/9070379""#,
                    "",
                ),
                "country rows are not loaded",
            ),
            (
                GEO.replace("geoTargetConstants/9070379", "Kingston"),
                "not a geo target constant",
            ),
            (
                DOTTED.replace(r#""12730000""#, r#""-5""#),
                "metrics.cost_micros is negative",
            ),
            (
                DOTTED.replace(r#""12730000""#, "12.5"),
                "not a whole number of micros",
            ),
            (
                DOTTED.replace(r#""1200""#, r#""12.5""#),
                "metrics.impressions is not a whole number",
            ),
            (
                DOTTED.replace(r#""metrics.clicks":34"#, r#""metrics.clicks":-1"#),
                "metrics.clicks is negative",
            ),
            (
                DOTTED.replace("1.5", "-1"),
                "metrics.conversions is negative",
            ),
            (
                DOTTED.replace(r#""89.90""#, r#""-2""#),
                "metrics.conversions_value is negative",
            ),
            (
                DOTTED.replace("2026-11-02", "11/02/2026"),
                "segments.date is not a date",
            ),
            (
                DOTTED.replace("2026-11-02", "2026-11-2"),
                "segments.date is not a date",
            ),
            (
                DOTTED.replace("2026-11-02", "2026-02-30"),
                "segments.date is not a date",
            ),
            (
                DOTTED.replace(r#""segments.date":"2026-11-02","#, ""),
                "segments.date is missing",
            ),
            (
                DOTTED.replace(r#""customer.id":"123-456-7890","#, ""),
                "customer.id is missing",
            ),
            (
                DOTTED.replace("123-456-7890", "acme"),
                "not a Google Ads customer id",
            ),
            (
                DOTTED.replace(r#""campaign.id":"20000000001","#, ""),
                "campaign.id is missing",
            ),
            (
                DOTTED.replace("JMD", "XYZ"),
                "customer.currency_code is not a currency we know",
            ),
            (
                DOTTED.replace(r#""customer.currency_code":"JMD","#, ""),
                "customer.currency_code is missing",
            ),
            (
                DOTTED.replace(r#""1200""#, r#""lots""#),
                "metrics.impressions is not a number",
            ),
            ("[1,2]".to_string(), "not a JSON object"),
            ("{not json".to_string(), "not JSON"),
        ];
        for (line, reason) in cases {
            let err = parse_google_ads_row(&line).unwrap_err();
            assert!(err.contains(reason), "{err:?} should say {reason:?}");
        }
    }
}
