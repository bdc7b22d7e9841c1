//! Tenant identity types shared by the server and the wasm UI: ids, slugs and the slug rules.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A tenant's id (UUID v7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantId(pub Uuid);

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Subdomains that no tenant may take.
pub const RESERVED_SLUGS: &[&str] = &[
    "www",
    "app",
    "admin",
    "api",
    "static",
    "assets",
    "pkg",
    "mail",
    "smtp",
    "ftp",
    "help",
    "support",
    "status",
    "docs",
    "blog",
    "billing",
    "login",
    "signup",
    "auth",
    "dashboard",
    "cadence",
    "root",
    "system",
    "test",
    "dev",
    "staging",
    "cdn",
    "media",
    "files",
    "localhost",
];

/// A tenant's slug: its storefront subdomain. 3–40 characters of `a-z`, `0-9` and inner hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantSlug(String);

/// Why a slug was refused; the message is written for the person typing it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SlugError {
    #[error("Use at least 3 characters.")]
    TooShort,
    #[error("Use at most 40 characters.")]
    TooLong,
    #[error("Use only lowercase letters, digits and hyphens.")]
    BadCharacter,
    #[error("A slug cannot start or end with a hyphen, or contain two in a row.")]
    BadHyphen,
    #[error("That name is reserved. Please choose another.")]
    Reserved,
}

impl TenantSlug {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 40;

    /// Parses a slug as typed: surrounding spaces are trimmed and letters lowercased.
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        let s = input.trim().to_ascii_lowercase();
        if s.len() < Self::MIN_LEN {
            return Err(SlugError::TooShort);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(SlugError::BadCharacter);
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::BadHyphen);
        }
        if RESERVED_SLUGS.contains(&s.as_str()) {
            return Err(SlugError::Reserved);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TenantSlug {
    type Error = SlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TenantSlug> for String {
    fn from(value: TenantSlug) -> Self {
        value.0
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a tenant serves its storefront and API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    Suspended,
}

/// The answer to "can I have this slug?", as the onboarding and landing pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlugAvailability {
    Available { slug: String },
    Taken { slug: String },
    Invalid { reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_slug_is_accepted_and_lowercased() {
        assert_eq!(
            TenantSlug::parse(" My-Brand2 ").unwrap().as_str(),
            "my-brand2"
        );
    }

    #[test]
    fn slugs_outside_the_rules_are_refused_with_a_reason() {
        assert_eq!(TenantSlug::parse("ab"), Err(SlugError::TooShort));
        assert_eq!(TenantSlug::parse(&"a".repeat(41)), Err(SlugError::TooLong));
        assert_eq!(TenantSlug::parse("my_brand"), Err(SlugError::BadCharacter));
        assert_eq!(TenantSlug::parse("brand.com"), Err(SlugError::BadCharacter));
        assert_eq!(TenantSlug::parse("-brand"), Err(SlugError::BadHyphen));
        assert_eq!(TenantSlug::parse("brand-"), Err(SlugError::BadHyphen));
        assert_eq!(TenantSlug::parse("my--brand"), Err(SlugError::BadHyphen));
        assert_eq!(TenantSlug::parse("www"), Err(SlugError::Reserved));
        assert_eq!(TenantSlug::parse("API"), Err(SlugError::Reserved));
    }

    #[test]
    fn the_boundaries_of_length_are_inclusive() {
        assert!(TenantSlug::parse("abc").is_ok());
        assert!(TenantSlug::parse(&"a".repeat(40)).is_ok());
    }

    #[test]
    fn a_slug_deserialises_only_when_valid() {
        assert!(serde_json::from_str::<TenantSlug>("\"demo\"").is_ok());
        assert!(serde_json::from_str::<TenantSlug>("\"www\"").is_err());
    }
}
