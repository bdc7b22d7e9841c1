//! The fact row every platform parser produces, and the small readers they share: unwrapping an
//! Airbyte line, looking a field up under any of Airbyte's key styles, exact numbers and micros.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

/// One row for the fact, before the region is mapped.
#[derive(Clone, Debug, PartialEq)]
pub struct FactRow {
    pub day: NaiveDate,
    pub account_id: String,
    pub campaign_id: String,
    pub adset_id: String,
    pub ad_id: String,
    pub campaign_name: String,
    pub adset_name: String,
    pub ad_name: String,
    pub currency: String,
    /// "none" or "region".
    pub breakdown: &'static str,
    pub geo_key: String,
    pub impressions: i64,
    pub clicks: i64,
    pub spend_micros: i64,
    pub conversions: Decimal,
    pub conversion_value_micros: i64,
    pub reach: Option<i64>,
}

/// The record inside an Airbyte line, whatever the wrapping: bare, a raw-table row
/// (`_airbyte_data`) or a protocol RECORD message.
pub(super) fn record(v: &Value) -> &Value {
    if let Some(data) = v.get("_airbyte_data") {
        return data;
    }
    if v.get("type").and_then(Value::as_str) == Some("RECORD")
        && let Some(data) = v.get("record").and_then(|r| r.get("data"))
    {
        return data;
    }
    v
}

/// A field by its query path (`metrics.cost_micros`), whichever way Airbyte wrote the key: dotted
/// (JSON lines, raw tables), underscored (typed tables read with `to_jsonb(row)`) or as nested
/// objects (`{"metrics":{"cost_micros":..}}`). Nulls count as absent.
pub(super) fn field<'a>(r: &'a Value, path: &str) -> Option<&'a Value> {
    let present = |v: &'a Value| (!v.is_null()).then_some(v);
    if let Some(v) = r.get(path).and_then(present) {
        return Some(v);
    }
    if path.contains('.') {
        if let Some(v) = r.get(path.replace('.', "_")).and_then(present) {
            return Some(v);
        }
        let mut from = 0;
        while let Some(dot) = path[from..].find('.') {
            let (head, rest) = (&path[..from + dot], &path[from + dot + 1..]);
            if let Some(v) = r.get(head).filter(|v| v.is_object())
                && let Some(v) = field(v, rest)
            {
                return Some(v);
            }
            from += dot + 1;
        }
    }
    None
}

/// A field as trimmed text (numbers as written); absent, null or blank is `None`.
pub(super) fn text(r: &Value, key: &str) -> Option<String> {
    match field(r, key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A field as an exact decimal, from a JSON number or a numeric string.
pub(super) fn decimal(r: &Value, key: &str) -> Result<Option<Decimal>, String> {
    match field(r, key) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(s.trim()))
            .map(Some)
            .map_err(|_| format!("{key} is not a number: {s:?}")),
        Some(Value::Number(n)) => n
            .to_string()
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .map(Some)
            .map_err(|_| format!("{key} is not a number: {n}")),
        Some(other) => Err(format!("{key} is not a number: {other}")),
    }
}

/// A whole, non-negative number; absent is 0.
pub(super) fn count(r: &Value, key: &str) -> Result<i64, String> {
    whole(decimal(r, key)?.unwrap_or_default(), key)
}

/// `d` as a whole, non-negative `i64`, or why not (`what` names it in the reason).
pub(super) fn whole(d: Decimal, what: &str) -> Result<i64, String> {
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("{what} is negative: {d}"));
    }
    if !d.fract().is_zero() {
        return Err(format!("{what} is not a whole number: {d}"));
    }
    let d = d.trunc();
    i64::try_from(d.mantissa() / 10i128.pow(d.scale())).map_err(|_| format!("{what} is too large"))
}

/// An amount in major units as exact micros (refused when negative or finer than a micro).
pub fn to_micros(amount: Decimal, what: &str) -> Result<i64, String> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(format!("{what} is negative: {amount}"));
    }
    let micros = amount * Decimal::from(1_000_000);
    if !micros.fract().is_zero() {
        return Err(format!("{what} has more than 6 decimal places: {amount}"));
    }
    let micros = micros.trunc();
    i64::try_from(micros.mantissa() / 10i128.pow(micros.scale()))
        .map_err(|_| format!("{what} is too large: {amount}"))
}

/// `code` as a currency we know, upper-cased, or why not (`what` names where it came from).
pub(super) fn known_currency(code: &str, what: &str) -> Result<String, String> {
    let code = code.trim().to_ascii_uppercase();
    match crate::money::Currency::parse(&code) {
        Ok(c) => Ok(c.code().to_string()),
        Err(_) => Err(format!("{what} is not a currency we know: {code}")),
    }
}

/// Account ids as the fact keeps them: Meta's `act_` prefix dropped, and ids written with dashes
/// (Google's `123-456-7890`) as their digits.
pub(super) fn account_key(id: &str) -> String {
    let id = id.trim();
    let id = id.strip_prefix("act_").unwrap_or(id);
    if id.contains('-') && id.chars().all(|c| c.is_ascii_digit() || c == '-') {
        id.chars().filter(char::is_ascii_digit).collect()
    } else {
        id.to_string()
    }
}

/// The fact's ad key for a row above ad level (campaign, ad set or ad-group rows, or exports
/// without an ad id): the path of the levels it has, each by id or else by name, joined with
/// " / " (a campaign row is keyed by its campaign id alone). The fact's natural key has the ad but
/// not the campaign, so an empty ad key would make every campaign of a day overwrite the others.
pub(super) fn fallback_ad_key(levels: &[(&str, &str)], ad_name: &str) -> String {
    levels
        .iter()
        .map(|(id, name)| if id.is_empty() { *name } else { *id })
        .chain(std::iter::once(ad_name))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_is_found_under_every_key_style() {
        for r in [
            json!({"metrics.cost_micros": "5"}),
            json!({"metrics_cost_micros": 5}),
            json!({"metrics": {"cost_micros": "5"}}),
        ] {
            assert_eq!(
                decimal(&r, "metrics.cost_micros"),
                Ok(Some(Decimal::from(5)))
            );
        }
        let deep = json!({"ad_group_ad": {"ad": {"id": "77"}}});
        assert_eq!(text(&deep, "ad_group_ad.ad.id").as_deref(), Some("77"));
        let half = json!({"ad_group_ad": {"ad.id": "78"}});
        assert_eq!(text(&half, "ad_group_ad.ad.id").as_deref(), Some("78"));
        assert_eq!(
            text(&json!({"a.b": null, "a_b": "x"}), "a.b").as_deref(),
            Some("x")
        );
        assert_eq!(text(&json!({"a": {"c": 1}}), "a.b"), None);
    }

    #[test]
    fn micros_are_exact_and_refusals_say_why() {
        assert_eq!(to_micros("0.000001".parse().unwrap(), "spend"), Ok(1));
        assert_eq!(
            to_micros("1234.5".parse().unwrap(), "spend"),
            Ok(1_234_500_000)
        );
        assert!(
            to_micros("0.0000001".parse().unwrap(), "spend")
                .unwrap_err()
                .contains("6 decimal")
        );
        assert!(
            whole("1.5".parse().unwrap(), "clicks")
                .unwrap_err()
                .contains("whole")
        );
        assert_eq!(whole("7.00".parse().unwrap(), "clicks"), Ok(7));
    }

    #[test]
    fn keys_are_normalised() {
        assert_eq!(account_key("123-456-7890"), "1234567890");
        assert_eq!(account_key("act_998877"), "998877");
        assert_eq!(account_key("abc-1"), "abc-1");
        assert_eq!(fallback_ad_key(&[("11", "Holiday"), ("", "")], ""), "11");
        assert_eq!(
            fallback_ad_key(&[("", "Holiday"), ("", "Kingston")], "Video A"),
            "Holiday / Kingston / Video A"
        );
    }
}
