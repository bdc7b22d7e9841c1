//! The metric rules, in one place: ratios are computed from sums (never averaged), a zero
//! denominator gives no value (shown as "—", never 0, NaN or infinity), and amounts of different
//! currencies are never added together (totals are kept per currency).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Additive sums for one currency. Money is in micros of `currency`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub currency: String,
    pub impressions: i64,
    pub clicks: i64,
    pub spend_micros: i64,
    pub conversions: Decimal,
    pub value_micros: i64,
}

fn micros(m: i64) -> Decimal {
    Decimal::new(m, 6)
}

/// `num / den`, or nothing when `den` is zero.
fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    (!den.is_zero()).then(|| num / den)
}

impl Totals {
    pub fn new(currency: &str) -> Self {
        Totals {
            currency: currency.to_string(),
            ..Default::default()
        }
    }

    /// Adds `other` (same currency only: the caller keeps currencies apart).
    pub fn add(&mut self, other: &Totals) {
        debug_assert_eq!(self.currency, other.currency);
        self.impressions += other.impressions;
        self.clicks += other.clicks;
        self.spend_micros += other.spend_micros;
        self.conversions += other.conversions;
        self.value_micros += other.value_micros;
    }

    pub fn spend(&self) -> Decimal {
        micros(self.spend_micros)
    }

    pub fn value(&self) -> Decimal {
        micros(self.value_micros)
    }

    /// Click-through rate, as a fraction (0.0123 = 1.23 %).
    pub fn ctr(&self) -> Option<Decimal> {
        ratio(self.clicks.into(), self.impressions.into())
    }

    /// Cost per click, in the currency's major units.
    pub fn cpc(&self) -> Option<Decimal> {
        ratio(self.spend(), self.clicks.into())
    }

    /// Cost per thousand impressions.
    pub fn cpm(&self) -> Option<Decimal> {
        ratio(self.spend() * Decimal::from(1000), self.impressions.into())
    }

    /// Cost per conversion.
    pub fn cpa(&self) -> Option<Decimal> {
        ratio(self.spend(), self.conversions)
    }

    /// Return on ad spend: conversion value per unit of spend.
    pub fn roas(&self) -> Option<Decimal> {
        ratio(self.value(), self.spend())
    }

    /// Conversions per click, as a fraction.
    pub fn conversion_rate(&self) -> Option<Decimal> {
        ratio(self.conversions, self.clicks.into())
    }
}

/// The metrics a dashboard can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Spend,
    Impressions,
    Clicks,
    Ctr,
    Cpc,
    Cpm,
    Conversions,
    Cpa,
    Value,
    Roas,
    ConversionRate,
}

/// How a metric's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Money,
    Count,
    Percent,
    Times,
}

impl Metric {
    pub const ALL: [Metric; 11] = [
        Metric::Spend,
        Metric::Impressions,
        Metric::Clicks,
        Metric::Ctr,
        Metric::Cpc,
        Metric::Cpm,
        Metric::Conversions,
        Metric::Cpa,
        Metric::Value,
        Metric::Roas,
        Metric::ConversionRate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Spend => "spend",
            Metric::Impressions => "impressions",
            Metric::Clicks => "clicks",
            Metric::Ctr => "ctr",
            Metric::Cpc => "cpc",
            Metric::Cpm => "cpm",
            Metric::Conversions => "conversions",
            Metric::Cpa => "cpa",
            Metric::Value => "value",
            Metric::Roas => "roas",
            Metric::ConversionRate => "conversion_rate",
        }
    }

    pub fn parse(s: &str) -> Option<Metric> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::Spend => "Spend",
            Metric::Impressions => "Impressions",
            Metric::Clicks => "Clicks",
            Metric::Ctr => "CTR",
            Metric::Cpc => "CPC",
            Metric::Cpm => "CPM",
            Metric::Conversions => "Conversions",
            Metric::Cpa => "CPA",
            Metric::Value => "Conv. value",
            Metric::Roas => "ROAS",
            Metric::ConversionRate => "Conv. rate",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Spend | Metric::Cpc | Metric::Cpm | Metric::Cpa | Metric::Value => Unit::Money,
            Metric::Impressions | Metric::Clicks | Metric::Conversions => Unit::Count,
            Metric::Ctr | Metric::ConversionRate => Unit::Percent,
            Metric::Roas => Unit::Times,
        }
    }

    /// True when a lower value is better (costs).
    pub fn lower_is_better(self) -> bool {
        matches!(self, Metric::Cpc | Metric::Cpm | Metric::Cpa)
    }

    /// The metric's value for `t`, or nothing (a ratio over zero).
    pub fn of(self, t: &Totals) -> Option<Decimal> {
        match self {
            Metric::Spend => Some(t.spend()),
            Metric::Impressions => Some(t.impressions.into()),
            Metric::Clicks => Some(t.clicks.into()),
            Metric::Ctr => t.ctr(),
            Metric::Cpc => t.cpc(),
            Metric::Cpm => t.cpm(),
            Metric::Conversions => Some(t.conversions),
            Metric::Cpa => t.cpa(),
            Metric::Value => Some(t.value()),
            Metric::Roas => t.roas(),
            Metric::ConversionRate => t.conversion_rate(),
        }
    }

    /// The value for display: "—" for no value; money with two decimals and the currency.
    pub fn format(self, value: Option<Decimal>, currency: &str) -> String {
        let Some(v) = value else {
            return "—".into();
        };
        match self.unit() {
            Unit::Money => format!("{} {currency}", group(v.round_dp(2), 2)),
            Unit::Count => group(v.round_dp(if v.fract().is_zero() { 0 } else { 2 }), 0),
            Unit::Percent => format!("{}%", (v * Decimal::from(100)).round_dp(2)),
            Unit::Times => format!("{}×", v.round_dp(2)),
        }
    }
}

/// The change from `before` to `now` as a fraction, or nothing when there is no base.
pub fn change(now: Option<Decimal>, before: Option<Decimal>) -> Option<Decimal> {
    let (now, before) = (now?, before?);
    ratio(now - before, before.abs())
}

/// `v` with thousands separators and at least `min_dp` decimals.
fn group(v: Decimal, min_dp: u32) -> String {
    let mut v = v;
    if v.scale() < min_dp {
        v.rescale(min_dp);
    }
    let text = v.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if v.is_sign_negative() && !v.is_zero() {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(imp: i64, clicks: i64, spend: i64, conv: i64, value: i64) -> Totals {
        Totals {
            currency: "USD".into(),
            impressions: imp,
            clicks,
            spend_micros: spend,
            conversions: conv.into(),
            value_micros: value,
        }
    }

    #[test]
    fn ratios_come_from_sums() {
        let x = t(2000, 50, 125_000_000, 5, 500_000_000);
        assert_eq!(x.ctr(), Some(Decimal::new(25, 3)));
        assert_eq!(x.cpc(), Some(Decimal::new(25, 1)));
        assert_eq!(x.cpm(), Some(Decimal::new(625, 1)));
        assert_eq!(x.cpa(), Some(Decimal::from(25)));
        assert_eq!(x.roas(), Some(Decimal::from(4)));
        assert_eq!(x.conversion_rate(), Some(Decimal::new(1, 1)));
        // Two days summed, not their ratios averaged.
        let mut a = t(100, 10, 1_000_000, 0, 0);
        a.add(&t(900, 10, 1_000_000, 0, 0));
        assert_eq!(a.ctr(), Some(Decimal::new(2, 2)));
    }

    #[test]
    fn a_zero_denominator_gives_no_value_never_zero_or_infinity() {
        let none = t(0, 0, 0, 0, 0);
        for m in [
            Metric::Ctr,
            Metric::Cpc,
            Metric::Cpm,
            Metric::Cpa,
            Metric::Roas,
            Metric::ConversionRate,
        ] {
            assert_eq!(m.of(&none), None, "{m:?}");
            assert_eq!(m.format(m.of(&none), "USD"), "—");
        }
        let spend_no_clicks = t(1000, 0, 5_000_000, 0, 0);
        assert_eq!(spend_no_clicks.cpc(), None);
        assert_eq!(spend_no_clicks.cpa(), None);
        assert_eq!(
            spend_no_clicks.roas(),
            Some(Decimal::ZERO),
            "value 0 over spend is 0×"
        );
        assert_eq!(
            Metric::Spend.of(&none),
            Some(Decimal::ZERO),
            "sums are 0, not none"
        );
        assert_eq!(change(Some(Decimal::ONE), Some(Decimal::ZERO)), None);
        assert_eq!(change(None, Some(Decimal::ONE)), None);
        assert_eq!(
            change(Some(Decimal::from(3)), Some(Decimal::from(2))),
            Some(Decimal::new(5, 1))
        );
    }

    #[test]
    fn values_read_as_people_expect() {
        let x = t(1_234_567, 50, 1_234_567_890, 3, 0);
        assert_eq!(
            Metric::Spend.format(Metric::Spend.of(&x), "USD"),
            "1,234.57 USD"
        );
        assert_eq!(
            Metric::Impressions.format(Metric::Impressions.of(&x), "USD"),
            "1,234,567"
        );
        assert_eq!(
            Metric::Ctr.format(Some(Decimal::new(25, 3)), "USD"),
            "2.50%"
        );
        assert_eq!(Metric::Roas.format(Some(Decimal::new(4, 0)), "USD"), "4×");
        assert_eq!(Metric::parse("cpa"), Some(Metric::Cpa));
    }
}
