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

    pub const ALL: [Platform; 4] = [
        Platform::Meta,
        Platform::GoogleAds,
        Platform::Linkedin,
        Platform::Tiktok,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Platform::Meta => "Meta",
            Platform::GoogleAds => "Google Ads",
            Platform::Linkedin => "LinkedIn",
            Platform::Tiktok => "TikTok",
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

/// What a loaded file or Airbyte table holds: a performance (fact) stream or an entity stream
/// (campaigns, ad sets, ads, budgets) that feeds the SCD2 dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// `ads_insights` and its region breakdown `ads_insights_region`.
    MetaInsights,
    MetaCampaigns,
    MetaAdSets,
    MetaAds,
    /// Ad, campaign or geo performance rows (`ad_group_ad_legacy`, `ad_performance`, a geo
    /// performance stream with `segments.geo_target_region`).
    GooglePerformance,
    GoogleCampaigns,
    GoogleAdGroups,
    GoogleBudgets,
}

impl Stream {
    pub const ALL: [Stream; 8] = [
        Stream::MetaInsights,
        Stream::MetaCampaigns,
        Stream::MetaAdSets,
        Stream::MetaAds,
        Stream::GooglePerformance,
        Stream::GoogleCampaigns,
        Stream::GoogleAdGroups,
        Stream::GoogleBudgets,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stream::MetaInsights => "meta.ads_insights",
            Stream::MetaCampaigns => "meta.campaigns",
            Stream::MetaAdSets => "meta.ad_sets",
            Stream::MetaAds => "meta.ads",
            Stream::GooglePerformance => "google_ads.performance",
            Stream::GoogleCampaigns => "google_ads.campaign",
            Stream::GoogleAdGroups => "google_ads.ad_group",
            Stream::GoogleBudgets => "google_ads.campaign_budget",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stream::MetaInsights => "Meta insights (ads_insights, ads_insights_region)",
            Stream::MetaCampaigns => "Meta campaigns",
            Stream::MetaAdSets => "Meta ad sets",
            Stream::MetaAds => "Meta ads",
            Stream::GooglePerformance => "Google Ads performance (ad, campaign or geo)",
            Stream::GoogleCampaigns => "Google Ads campaigns",
            Stream::GoogleAdGroups => "Google Ads ad groups",
            Stream::GoogleBudgets => "Google Ads campaign budgets",
        }
    }

    pub fn platform(self) -> Platform {
        match self {
            Stream::MetaInsights | Stream::MetaCampaigns | Stream::MetaAdSets | Stream::MetaAds => {
                Platform::Meta
            }
            _ => Platform::GoogleAds,
        }
    }

    /// True for the streams that describe campaigns, ad sets and ads rather than daily numbers.
    pub fn is_entity(self) -> bool {
        !matches!(self, Stream::MetaInsights | Stream::GooglePerformance)
    }

    /// The tables Airbyte's PostgreSQL destination writes this stream to (typed layout; the raw
    /// layout's tables end in `_raw__stream_` + the same name).
    pub fn airbyte_tables(self) -> &'static [&'static str] {
        match self {
            Stream::MetaInsights => &["ads_insights", "ads_insights_region"],
            Stream::MetaCampaigns => &["campaigns"],
            Stream::MetaAdSets => &["ad_sets"],
            Stream::MetaAds => &["ads"],
            Stream::GooglePerformance => &[
                "ad_group_ad_legacy",
                "ad_performance",
                "ad_group_ad",
                "geo_performance",
            ],
            Stream::GoogleCampaigns => &["campaign"],
            Stream::GoogleAdGroups => &["ad_group"],
            Stream::GoogleBudgets => &["campaign_budget"],
        }
    }
}

/// A data source's freshness: when it last loaded and whether that is too long ago.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFreshness {
    pub platform: Platform,
    /// When the last successful load finished (RFC 3339).
    pub loaded_at: String,
    /// The last day that load covered.
    pub through_day: Option<String>,
    pub stale: bool,
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
