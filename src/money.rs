//! Exact money: ISO 4217 currencies with their minor-unit exponent, and amounts parsed from what
//! people type ("1,250.5") into decimals that never carry more places than the currency has.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The currencies Cadence offers, with their exponent (decimal places) and name.
pub const CURRENCIES: &[(&str, u32, &str)] = &[
    ("AED", 2, "UAE dirham"),
    ("AUD", 2, "Australian dollar"),
    ("BBD", 2, "Barbadian dollar"),
    ("BHD", 3, "Bahraini dinar"),
    ("BSD", 2, "Bahamian dollar"),
    ("CAD", 2, "Canadian dollar"),
    ("CHF", 2, "Swiss franc"),
    ("EGP", 2, "Egyptian pound"),
    ("EUR", 2, "Euro"),
    ("GBP", 2, "Pound sterling"),
    ("INR", 2, "Indian rupee"),
    ("JMD", 2, "Jamaican dollar"),
    ("JOD", 3, "Jordanian dinar"),
    ("JPY", 0, "Japanese yen"),
    ("KRW", 0, "South Korean won"),
    ("KWD", 3, "Kuwaiti dinar"),
    ("MXN", 2, "Mexican peso"),
    ("NGN", 2, "Nigerian naira"),
    ("OMR", 3, "Omani rial"),
    ("QAR", 2, "Qatari riyal"),
    ("SAR", 2, "Saudi riyal"),
    ("TND", 3, "Tunisian dinar"),
    ("TTD", 2, "Trinidad and Tobago dollar"),
    ("USD", 2, "US dollar"),
    ("XCD", 2, "East Caribbean dollar"),
    ("ZAR", 2, "South African rand"),
];

/// A currency Cadence knows, by its ISO 4217 code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u32,
}

impl Currency {
    /// Looks a code up (case-insensitive).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let code = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(c, e, _)| Currency {
                code: c,
                exponent: *e,
            })
            .ok_or(MoneyError::UnknownCurrency(code))
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Decimal places of the minor unit: 3 for KWD (fils), 2 for USD (cents), 0 for JPY.
    pub fn exponent(&self) -> u32 {
        self.exponent
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An exact amount in a currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0} is not a currency Cadence supports.")]
    UnknownCurrency(String),
    #[error("Enter an amount such as 12.50.")]
    NotANumber,
    #[error("{currency} amounts have at most {places} decimal places.")]
    TooPrecise { currency: &'static str, places: u32 },
    #[error("The amount cannot be negative.")]
    Negative,
}

impl Money {
    /// Parses what a person typed: digits, an optional decimal point, thousands separators
    /// (commas or spaces). More decimals than the currency has is an error, never rounded.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, MoneyError> {
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != ' ' && *c != '\u{a0}')
            .collect();
        if cleaned.is_empty()
            || !cleaned
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        {
            return Err(MoneyError::NotANumber);
        }
        let amount = Decimal::from_str(&cleaned).map_err(|_| MoneyError::NotANumber)?;
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative);
        }
        let amount = amount.normalize();
        if amount.scale() > currency.exponent {
            return Err(MoneyError::TooPrecise {
                currency: currency.code,
                places: currency.exponent,
            });
        }
        let mut amount = amount;
        amount.rescale(currency.exponent);
        Ok(Money { amount, currency })
    }

    /// The amount in minor units (fils, cents): exact, as stored in integer columns.
    pub fn minor_units(&self) -> i64 {
        let mut a = self.amount;
        a.rescale(self.currency.exponent);
        i64::try_from(a.mantissa()).unwrap_or(i64::MAX)
    }
}

impl Money {
    /// As a storefront in `language` writes it: `1,250.500 KWD` in English; in Arabic with
    /// Arabic-Indic digits and separators (`١٬٢٥٠٫٥٠٠ KWD`).
    pub fn localized(&self, language: &str) -> String {
        localize_digits(&self.to_string(), language)
    }
}

/// Rewrites the digits and separators of a formatted number for `language` (unchanged but for
/// Arabic).
pub fn localize_digits(text: &str, language: &str) -> String {
    if language != "ar" {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap_or(c),
            ',' => '\u{066C}',
            '.' => '\u{066B}',
            c => c,
        })
        .collect()
}

impl fmt::Display for Money {
    /// `1,250.500 KWD`: grouped thousands and exactly the currency's decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut a = self.amount;
        a.rescale(self.currency.exponent);
        let text = a.abs().to_string();
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if a.is_sign_negative() && !a.is_zero() {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            write!(f, "{sign}{grouped} {}", self.currency.code)
        } else {
            write!(f, "{sign}{grouped}.{frac} {}", self.currency.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kwd() -> Currency {
        Currency::parse("kwd").unwrap()
    }

    #[test]
    fn kwd_keeps_three_decimals_exactly() {
        let m = Money::parse("1.25", kwd()).unwrap();
        assert_eq!(m.minor_units(), 1250);
        assert_eq!(m.to_string(), "1.250 KWD");
        assert_eq!(
            Money::parse("1,234,567.891", kwd()).unwrap().to_string(),
            "1,234,567.891 KWD"
        );
    }

    #[test]
    fn arabic_uses_arabic_indic_digits_and_separators() {
        let m = Money::parse("1250.5", kwd()).unwrap();
        assert_eq!(m.localized("en"), "1,250.500 KWD");
        assert_eq!(m.localized("ar"), "١٬٢٥٠٫٥٠٠ KWD");
    }

    #[test]
    fn more_decimals_than_the_currency_has_is_refused() {
        let usd = Currency::parse("USD").unwrap();
        assert!(matches!(
            Money::parse("1.005", usd),
            Err(MoneyError::TooPrecise { places: 2, .. })
        ));
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::parse("1500", jpy).unwrap().to_string(), "1,500 JPY");
        assert!(Money::parse("1500.5", jpy).is_err());
        // Trailing zeros are not extra precision.
        assert_eq!(Money::parse("2.50", usd).unwrap().minor_units(), 250);
        assert_eq!(Money::parse("2.500", usd).unwrap().minor_units(), 250);
    }

    #[test]
    fn junk_and_negative_amounts_are_refused() {
        let usd = Currency::parse("USD").unwrap();
        for bad in ["", "abc", "1e5", "12$", "1.2.3"] {
            assert_eq!(Money::parse(bad, usd), Err(MoneyError::NotANumber), "{bad}");
        }
        assert_eq!(Money::parse("-3", usd), Err(MoneyError::Negative));
        assert!(Currency::parse("XYZ").is_err());
    }
}
