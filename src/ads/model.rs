//! Ad-performance types shared with the UI: platforms and the report of an ingest run.

use serde::{Deserialize, Serialize};

/// The ad platforms Cadence reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Meta,
    GoogleAds,
    Linkedin,
    Tiktok,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Meta => "meta",
            Platform::GoogleAds => "google_ads",
            Platform::Linkedin => "linkedin",
            Platform::Tiktok => "tiktok",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "meta" => Some(Platform::Meta),
            "google_ads" => Some(Platform::GoogleAds),
            "linkedin" => Some(Platform::Linkedin),
            "tiktok" => Some(Platform::Tiktok),
            _ => None,
        }
    }
}

/// A rejected row: where it was and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    pub line: i32,
    pub reason: String,
}

/// What an ingest run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub run_id: Option<uuid::Uuid>,
    pub rows_read: i32,
    pub rows_loaded: i32,
    pub rows_rejected: i32,
    /// Rows of accounts not mapped to this tenant: loaded into no one's data.
    pub rows_unmapped: i32,
    /// Account ids seen but not mapped here.
    pub unmapped_accounts: Vec<String>,
    /// Region keys no lookup knows, with their spend in micros (kept, never dropped).
    pub unmapped_regions: Vec<(String, i64)>,
    pub rejects: Vec<Reject>,
    /// The same file was loaded before: nothing changed.
    pub duplicate: bool,
}

/// Region names as platforms write them, compared loosely: case-insensitive, "St." = "Saint",
/// a trailing " Parish" optional.
pub fn normalize_region_name(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let lower = lower
        .strip_suffix(" parish")
        .unwrap_or(&lower)
        .trim()
        .to_string();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == 0 && (*w == "st." || *w == "st") {
                "saint"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_match_loosely() {
        for variant in [
            "St. Andrew Parish",
            "saint andrew",
            "St Andrew",
            "SAINT ANDREW PARISH",
        ] {
            assert_eq!(normalize_region_name(variant), "saint andrew", "{variant}");
        }
        assert_eq!(normalize_region_name("Kingston Parish"), "kingston");
        assert_eq!(normalize_region_name("Trelawny"), "trelawny");
    }
}
