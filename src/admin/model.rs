//! The admin panel's shared types: credential kinds, API-key states, plans and impersonation states.

use serde::{Deserialize, Serialize};

/// A platform secret a tenant can store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CredentialKind {
    Meta,
    GoogleAds,
    LinkedIn,
    TikTok,
    Smtp,
    Telegram,
}

impl CredentialKind {
    pub const ALL: [CredentialKind; 6] = [
        CredentialKind::Meta,
        CredentialKind::GoogleAds,
        CredentialKind::LinkedIn,
        CredentialKind::TikTok,
        CredentialKind::Smtp,
        CredentialKind::Telegram,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Meta => "meta",
            CredentialKind::GoogleAds => "google_ads",
            CredentialKind::LinkedIn => "linkedin",
            CredentialKind::TikTok => "tiktok",
            CredentialKind::Smtp => "smtp",
            CredentialKind::Telegram => "telegram",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::Meta => "Meta Marketing API access token",
            CredentialKind::GoogleAds => "Google Ads developer token",
            CredentialKind::LinkedIn => "LinkedIn Marketing access token",
            CredentialKind::TikTok => "TikTok Business access token",
            CredentialKind::Smtp => "SMTP password",
            CredentialKind::Telegram => "Telegram bot token",
        }
    }
}

/// A secret as it arrives from a form: trimmed, 8 to 4,096 characters, no control characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if s.chars().count() < 8 {
            return Err("A secret has at least 8 characters.".into());
        }
        if s.len() > 4096 {
            return Err("A secret has at most 4,096 characters.".into());
        }
        if s.chars().any(char::is_control) {
            return Err("A secret cannot contain line breaks or control characters.".into());
        }
        Ok(Self(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, the only part ever shown again.
    pub fn last_four(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

/// An API key's name: 1 to 80 characters.
pub fn parse_key_name(input: &str) -> Result<String, String> {
    let s = input.trim();
    match s.chars().count() {
        0 => Err("Give the key a name, such as the integration that will use it.".into()),
        n if n > 80 => Err("A key's name has at most 80 characters.".into()),
        _ => Ok(s.to_string()),
    }
}

/// How long a new API key lives: 1 to 730 days, or never expiring.
pub fn parse_expiry_days(input: &str) -> Result<Option<u32>, String> {
    let s = input.trim();
    if s.is_empty() || s == "never" {
        return Ok(None);
    }
    match s.parse::<u32>() {
        Ok(d) if (1..=730).contains(&d) => Ok(Some(d)),
        _ => Err("Choose an expiry between 1 and 730 days, or never.".into()),
    }
}

/// A suspension or impersonation reason: 10 to 500 characters.
pub fn parse_reason(input: &str) -> Result<String, String> {
    let s = input.trim();
    match s.chars().count() {
        n if n < 10 => Err("Give a reason of at least 10 characters.".into()),
        n if n > 500 => Err("A reason has at most 500 characters.".into()),
        _ => Ok(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_trimmed_checked_and_never_printed() {
        let s = Secret::parse("  EAABsbCS1iHgBAKZC1234  ").unwrap();
        assert_eq!(s.last_four(), "1234");
        assert_eq!(format!("{s:?}"), "Secret(…)");
        assert!(Secret::parse("short").is_err());
        assert!(Secret::parse("abc\ndefghij").is_err());
        assert!(Secret::parse(&"x".repeat(4097)).is_err());
        assert_eq!(Secret::parse("ééééééééü").unwrap().last_four(), "éééü");
    }

    #[test]
    fn key_names_expiries_and_reasons_are_parsed_at_the_edge() {
        assert!(parse_key_name(" ").is_err());
        assert_eq!(parse_key_name(" Zapier ").unwrap(), "Zapier");
        assert_eq!(parse_expiry_days("never"), Ok(None));
        assert_eq!(parse_expiry_days("90"), Ok(Some(90)));
        assert!(parse_expiry_days("0").is_err());
        assert!(parse_expiry_days("731").is_err());
        assert!(parse_reason("too short").is_err());
        assert!(parse_reason("Customer asked for help with their Meta import").is_ok());
    }

    #[test]
    fn credential_kinds_round_trip() {
        for k in CredentialKind::ALL {
            assert_eq!(CredentialKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(CredentialKind::parse("aws"), None);
    }
}

/// What a tenant may use: its plan's flags and limits, overridden per tenant, never below the
/// server's environment defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlements {
    pub plan: String,
    pub plan_label: String,
    pub features: std::collections::BTreeMap<String, bool>,
    pub limits: std::collections::BTreeMap<String, i64>,
}

impl Entitlements {
    pub fn allows(&self, feature: &str) -> bool {
        self.features.get(feature).copied().unwrap_or(false)
    }

    pub fn limit(&self, name: &str) -> i64 {
        self.limits.get(name).copied().unwrap_or(0)
    }
}

/// The words for a feature flag.
pub fn feature_label(name: &str) -> &str {
    match name {
        "csv_export" => "CSV and JSON exports",
        "api_access" => "REST API keys",
        "portfolio" => "Agency portfolio",
        "seats" => "Team seats",
        "api_keys" => "Active API keys",
        other => other,
    }
}
