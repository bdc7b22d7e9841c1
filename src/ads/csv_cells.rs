//! Reading the cells of ad-report CSV exports: header matching, dates in the platforms' styles,
//! counts and amounts as people's spreadsheets write them ("1,234.50", "$12.50", "--"), ids.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A header as compared: trimmed, without a byte-order mark, lower case, single spaces.
pub(super) fn norm_header(h: &str) -> String {
    h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a file's header (normalised) answers to a mapped header (normalised): `Some(true)` exactly,
/// `Some(false)` with a suffix in parentheses ("amount spent (usd)" for "amount spent").
pub(super) fn header_matches(mapped: &str, header: &str) -> Option<bool> {
    if mapped == header {
        return Some(true);
    }
    let rest = header.strip_prefix(mapped)?.trim_start();
    (rest.starts_with('(') && rest.ends_with(')')).then_some(false)
}

/// The currency a header names in parentheses ("Amount spent (USD)"), when it is one we know.
pub(super) fn header_currency(header: &str) -> Option<String> {
    let inner = header.trim().strip_suffix(')')?.rsplit_once('(')?.1;
    super::row::known_currency(inner, "").ok()
}

/// Cells that mean "nothing": no number or a dash.
fn is_nothing(cell: &str) -> bool {
    matches!(cell.trim(), "" | "--" | "-" | "—")
}

/// A number as exports write it: optional thousands separators ("1,200.5"), "--" or empty as 0.
/// `what` names the column in the reason.
pub(super) fn number(cell: &str, what: &str) -> Result<Decimal, String> {
    let s = cell.trim();
    if is_nothing(s) {
        return Ok(Decimal::ZERO);
    }
    let (body, negative) = match s.strip_prefix('-') {
        Some(rest) => (rest.trim_start(), true),
        None => (s, false),
    };
    let d = plain_number(body).ok_or_else(|| format!("{what} is not a number: {cell:?}"))?;
    if negative && !d.is_zero() {
        return Err(format!("{what} is negative: {s}"));
    }
    Ok(d)
}

/// Digits with an optional fraction, thousands grouped by commas only in threes: "12,50" is
/// refused rather than read as 1250.
fn plain_number(s: &str) -> Option<Decimal> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if !grouped
        || !groups.iter().all(|g| digits(g))
        || !digits(frac)
        || (int.is_empty() && frac.is_empty())
    {
        return None;
    }
    let joined = format!(
        "{}.{}",
        groups.concat(),
        if frac.is_empty() { "0" } else { frac }
    );
    joined.parse().ok()
}

/// A whole, non-negative count ("1,200"; "--" or empty is 0).
pub(super) fn count(cell: &str, what: &str) -> Result<i64, String> {
    super::row::whole(number(cell, what)?, what)
}

/// Currency symbols an amount may start or end with.
const SYMBOLS: &str = "$€£¥₹₦₱₩₪₫฿₴₽₺";

/// An amount in major units as exports write it ("1,234.50", "$12.50", "USD 12.50", "J$5",
/// "--"): the number, and the currency code when the cell names one.
pub(super) fn amount(cell: &str, what: &str) -> Result<(Decimal, Option<String>), String> {
    let s = cell.trim();
    if is_nothing(s) {
        return Ok((Decimal::ZERO, None));
    }
    let (s, negative) = match s.strip_prefix('-') {
        Some(rest) => (rest.trim_start(), true),
        None => (s, false),
    };
    let numeric = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    let start = s.find(numeric).unwrap_or(s.len());
    let end = s.rfind(numeric).map_or(start, |i| i + 1);
    let (prefix, body, suffix) = (s[..start].trim(), &s[start..end], s[end..].trim());
    let bad = || format!("{what} is not an amount: {cell:?}");
    let (prefix, negative) = match prefix.strip_suffix('-') {
        Some(p) => (p.trim(), true),
        None => (prefix, negative),
    };
    let code = match (mark(prefix).ok_or_else(bad)?, mark(suffix).ok_or_else(bad)?) {
        (Some(_), Some(_)) => return Err(bad()),
        (a, b) => a.or(b),
    };
    let d = plain_number(body).ok_or_else(bad)?;
    if negative && !d.is_zero() {
        return Err(format!("{what} is negative: {}", cell.trim()));
    }
    let code = match code {
        Some(Mark::Code(c)) => Some(super::row::known_currency(&c, what).map_err(|_| bad())?),
        _ => None,
    };
    Ok((d, code))
}

enum Mark {
    Code(String),
    Symbol,
}

/// What surrounds an amount: nothing, a three-letter code, or a symbol with up to three letters
/// before it ("US$"); `None` when it is something else.
fn mark(m: &str) -> Option<Option<Mark>> {
    if m.is_empty() {
        return Some(None);
    }
    if m.len() == 3 && m.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(Some(Mark::Code(m.to_ascii_uppercase())));
    }
    let last = m.chars().last()?;
    let letters = &m[..m.len() - last.len_utf8()];
    (SYMBOLS.contains(last)
        && letters.len() <= 3
        && letters.chars().all(|c| c.is_ascii_alphabetic()))
    .then_some(Some(Mark::Symbol))
}

/// A day in the styles exports use: 2026-11-02, 2026/11/02, 11/02/2026 (US month first),
/// "Nov 2, 2026", "November 2, 2026", "2 Nov 2026".
pub(super) fn day(cell: &str) -> Option<NaiveDate> {
    let s = cell.trim();
    [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%m/%d/%Y",
        "%B %d, %Y",
        "%B %d %Y",
        "%d %B %Y",
        "%d-%b-%Y",
    ]
    .iter()
    .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
    .filter(|d| (2000..=2100).contains(&d.year()))
}

/// An id cell, refused when a spreadsheet has turned it into a rounded number ("1.23457E+17").
pub(super) fn id(cell: &str, what: &str) -> Result<String, String> {
    let s = cell.trim();
    let rounded = s.contains(['E', 'e'])
        && s.contains('+')
        && s.chars().all(|c| c.is_ascii_digit() || ".,Ee+".contains(c));
    if rounded {
        return Err(format!(
            "{what} was rounded by a spreadsheet ({s}): export the report again and upload it without opening it in a spreadsheet"
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_read_thousands_separators_and_dashes() {
        assert_eq!(number("1,200", "Clicks"), Ok(d("1200")));
        assert_eq!(number("1,234,567.25", "x"), Ok(d("1234567.25")));
        assert_eq!(number("--", "x"), Ok(Decimal::ZERO));
        assert_eq!(number("", "x"), Ok(Decimal::ZERO));
        assert!(number("12,50", "x").unwrap_err().contains("not a number"));
        assert!(number("1,2345", "x").is_err());
        assert!(
            number("-3", "Clicks")
                .unwrap_err()
                .contains("Clicks is negative")
        );
        assert!(count("1.5", "Clicks").unwrap_err().contains("whole"));
        assert_eq!(count("1,200", "Clicks"), Ok(1200));
    }

    #[test]
    fn amounts_read_symbols_and_codes() {
        assert_eq!(amount("1,234.50", "Cost"), Ok((d("1234.50"), None)));
        assert_eq!(amount("$12.50", "Cost"), Ok((d("12.50"), None)));
        assert_eq!(amount("J$ 1,000", "Cost"), Ok((d("1000"), None)));
        assert_eq!(
            amount("USD 12.50", "Cost"),
            Ok((d("12.50"), Some("USD".into())))
        );
        assert_eq!(
            amount("12.50 jmd", "Cost"),
            Ok((d("12.50"), Some("JMD".into())))
        );
        assert_eq!(amount("--", "Cost"), Ok((Decimal::ZERO, None)));
        assert!(
            amount("-$1.00", "Cost")
                .unwrap_err()
                .contains("Cost is negative")
        );
        assert!(
            amount("$-1.00", "Cost")
                .unwrap_err()
                .contains("Cost is negative")
        );
        for bad in ["12,50", "abc", "XYZ 1", "1.2.3", "USD 1 EUR", "about 5"] {
            assert!(
                amount(bad, "Cost")
                    .unwrap_err()
                    .contains("Cost is not an amount"),
                "{bad}"
            );
        }
    }

    #[test]
    fn days_read_in_every_export_style() {
        let want = NaiveDate::from_ymd_opt(2026, 11, 2);
        for s in [
            "2026-11-02",
            "2026/11/02",
            "11/02/2026",
            "11/2/2026",
            "Nov 2, 2026",
            "November 2, 2026",
            "2 Nov 2026",
        ] {
            assert_eq!(day(s), want, "{s}");
        }
        for s in ["13/02/2026", "11/2/26", "2026-02-30", "yesterday", ""] {
            assert_eq!(day(s), None, "{s}");
        }
    }

    #[test]
    fn headers_match_loosely() {
        assert_eq!(
            norm_header("\u{feff} Amount  Spent (USD) "),
            "amount spent (usd)"
        );
        assert_eq!(
            header_matches("amount spent", "amount spent (usd)"),
            Some(false)
        );
        assert_eq!(header_matches("cost", "cost"), Some(true));
        assert_eq!(header_matches("cost", "cost per click"), None);
        assert_eq!(
            header_currency("Amount spent (JMD)").as_deref(),
            Some("JMD")
        );
        assert_eq!(header_currency("Clicks (all)"), None);
        assert!(
            id("2.38501E+16", "Ad ID")
                .unwrap_err()
                .contains("rounded by a spreadsheet")
        );
        assert_eq!(
            id(" 23850000000000003 ", "Ad ID").unwrap(),
            "23850000000000003"
        );
    }
}
