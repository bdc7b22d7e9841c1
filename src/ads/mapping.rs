//! Column mappings for uploaded ad-report CSV exports: which header holds which fact field, with
//! each platform's default English export headers as presets. Shared with the browser, which edits
//! mappings, so it uses nothing server-only.

use super::Platform;
use serde::{Deserialize, Serialize};

/// A fact field a CSV column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvField {
    Day,
    AccountId,
    CampaignId,
    CampaignName,
    AdsetId,
    AdsetName,
    AdId,
    AdName,
    Currency,
    Impressions,
    Clicks,
    Spend,
    Conversions,
    ConversionValue,
    Region,
    Reach,
}

impl CsvField {
    /// Every field, in the order a mapping form shows them.
    pub const ALL: [CsvField; 16] = [
        CsvField::Day,
        CsvField::AccountId,
        CsvField::CampaignId,
        CsvField::CampaignName,
        CsvField::AdsetId,
        CsvField::AdsetName,
        CsvField::AdId,
        CsvField::AdName,
        CsvField::Currency,
        CsvField::Impressions,
        CsvField::Clicks,
        CsvField::Spend,
        CsvField::Conversions,
        CsvField::ConversionValue,
        CsvField::Region,
        CsvField::Reach,
    ];

    /// The field's name in plain English.
    pub fn label(self) -> &'static str {
        match self {
            CsvField::Day => "Day",
            CsvField::AccountId => "Account ID",
            CsvField::CampaignId => "Campaign ID",
            CsvField::CampaignName => "Campaign name",
            CsvField::AdsetId => "Ad set ID",
            CsvField::AdsetName => "Ad set name",
            CsvField::AdId => "Ad ID",
            CsvField::AdName => "Ad name",
            CsvField::Currency => "Currency",
            CsvField::Impressions => "Impressions",
            CsvField::Clicks => "Clicks",
            CsvField::Spend => "Amount spent",
            CsvField::Conversions => "Conversions",
            CsvField::ConversionValue => "Conversion value",
            CsvField::Region => "Region",
            CsvField::Reach => "Reach",
        }
    }

    /// Whether every file needs this column. A row also needs a campaign (Campaign ID or Campaign
    /// name, either one), an account id and a currency, but those may come from elsewhere: the
    /// campaign from either column, the account and currency from the mapping's defaults.
    pub fn required(self) -> bool {
        matches!(
            self,
            CsvField::Day | CsvField::Impressions | CsvField::Clicks | CsvField::Spend
        )
    }
}

/// How to read one platform's CSV export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CsvMapping {
    pub platform: Platform,
    /// The header text to read for each field (empty = not mapped). Matching ignores case and
    /// surrounding spaces, and a header may carry a suffix in parentheses ("Amount spent" reads
    /// "Amount spent (USD)"). A field may be listed more than once: the first header the file
    /// has wins.
    pub columns: Vec<(CsvField, String)>,
    /// The account id for rows without one (no Account ID column, or an empty cell).
    pub default_account_id: String,
    /// The currency for rows without one (no Currency column and none in the spend header).
    pub default_currency: String,
}

impl CsvMapping {
    /// The headers mapped to `field`, in the order they are tried (empty entries skipped).
    pub fn headers(&self, field: CsvField) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .filter(move |(f, h)| *f == field && !h.trim().is_empty())
            .map(|(_, h)| h.as_str())
    }

    /// Whether any header is mapped to `field`.
    pub fn is_mapped(&self, field: CsvField) -> bool {
        self.headers(field).next().is_some()
    }

    /// Maps `field` to `header` alone (empty to unmap it), keeping the field's place.
    pub fn set(&mut self, field: CsvField, header: &str) {
        match self.columns.iter().position(|(f, _)| *f == field) {
            Some(at) => {
                self.columns[at].1 = header.trim().to_string();
                let mut i = 0;
                self.columns.retain(|(f, _)| {
                    i += 1;
                    *f != field || i - 1 == at
                });
            }
            None => self.columns.push((field, header.trim().to_string())),
        }
    }

    /// What the mapping lacks before any file can load, in plain English (empty when complete).
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = CsvField::ALL
            .into_iter()
            .filter(|f| f.required() && !self.is_mapped(*f))
            .map(|f| format!("{} is not mapped to a column", f.label()))
            .collect();
        if !self.is_mapped(CsvField::CampaignId) && !self.is_mapped(CsvField::CampaignName) {
            out.push("map the Campaign ID or the Campaign name column".into());
        }
        if !self.is_mapped(CsvField::AccountId) && self.default_account_id.trim().is_empty() {
            out.push("no account id: map the Account ID column or type the account id".into());
        }
        if !self.is_mapped(CsvField::Currency) && self.default_currency.trim().is_empty() {
            out.push(
                "no currency: map the Currency column or choose the account's currency".into(),
            );
        }
        out
    }
}

/// The mapping for a platform's CSV export as it comes by default in English.
pub fn preset(platform: Platform) -> CsvMapping {
    use CsvField::*;
    let columns: &[(CsvField, &str)] = match platform {
        Platform::Meta => &[
            (Day, "Day"),
            (Day, "Reporting starts"),
            (AccountId, "Account ID"),
            (CampaignId, "Campaign ID"),
            (CampaignName, "Campaign name"),
            (AdsetId, "Ad set ID"),
            (AdsetName, "Ad set name"),
            (AdId, "Ad ID"),
            (AdName, "Ad name"),
            (Currency, "Currency"),
            (Impressions, "Impressions"),
            (Clicks, "Link clicks"),
            // Meta writes the currency in the header: "Amount spent (USD)".
            (Spend, "Amount spent"),
            (Conversions, "Purchases"),
            (Conversions, "Results"),
            (ConversionValue, "Purchases conversion value"),
            (Region, "Region"),
            (Reach, "Reach"),
        ],
        Platform::GoogleAds => &[
            (Day, "Day"),
            (AccountId, "Customer ID"),
            (CampaignId, "Campaign ID"),
            (CampaignName, "Campaign"),
            (AdsetId, "Ad group ID"),
            (AdsetName, "Ad group"),
            (AdId, "Ad ID"),
            (AdName, ""),
            (Currency, "Currency code"),
            (Impressions, "Impr."),
            (Clicks, "Clicks"),
            (Spend, "Cost"),
            (Conversions, "Conversions"),
            (ConversionValue, "Conv. value"),
            (Region, "Region (User location)"),
            (Reach, ""),
        ],
        Platform::Linkedin => &[
            (Day, "Start Date (in UTC)"),
            (AccountId, "Account ID"),
            (CampaignId, "Campaign ID"),
            (CampaignName, "Campaign Name"),
            // LinkedIn has no ad set (its campaign groups sit above campaigns).
            (AdsetId, ""),
            (AdsetName, ""),
            (AdId, "Creative ID"),
            (AdName, ""),
            (Currency, "Currency"),
            (Impressions, "Impressions"),
            (Clicks, "Clicks"),
            (Spend, "Total Spent"),
            (Conversions, "Conversions"),
            (ConversionValue, "Total Conversion Value"),
            (Region, ""),
            (Reach, ""),
        ],
        Platform::Tiktok => &[
            (Day, "Date"),
            (AccountId, "Advertiser ID"),
            (CampaignId, "Campaign ID"),
            (CampaignName, "Campaign name"),
            (AdsetId, "Ad group ID"),
            (AdsetName, "Ad group name"),
            (AdId, "Ad ID"),
            (AdName, "Ad name"),
            (Currency, "Currency"),
            (Impressions, "Impressions"),
            (Clicks, "Clicks (destination)"),
            (Spend, "Cost"),
            (Conversions, "Conversions"),
            (ConversionValue, "Total purchase value"),
            (Region, ""),
            (Reach, "Reach"),
        ],
    };
    CsvMapping {
        platform,
        columns: columns
            .iter()
            .map(|(f, h)| (*f, (*h).to_string()))
            .collect(),
        default_account_id: String::new(),
        default_currency: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_map_every_field_and_need_nothing_more() {
        for platform in [
            Platform::Meta,
            Platform::GoogleAds,
            Platform::Linkedin,
            Platform::Tiktok,
        ] {
            let m = preset(platform);
            for f in CsvField::ALL {
                assert!(
                    m.columns.iter().any(|(g, _)| *g == f),
                    "{platform:?} lists {f:?}"
                );
            }
            assert_eq!(m.problems(), Vec::<String>::new(), "{platform:?}");
        }
        let meta = preset(Platform::Meta);
        assert_eq!(
            meta.headers(CsvField::Day).collect::<Vec<_>>(),
            ["Day", "Reporting starts"]
        );
    }

    #[test]
    fn an_edited_mapping_says_what_it_lacks() {
        let mut m = preset(Platform::Meta);
        m.set(CsvField::Day, "Date");
        assert_eq!(m.headers(CsvField::Day).collect::<Vec<_>>(), ["Date"]);
        assert_eq!(m.columns[0], (CsvField::Day, "Date".to_string()));
        m.set(CsvField::Clicks, "");
        m.set(CsvField::AccountId, "");
        m.set(CsvField::CampaignId, "");
        m.set(CsvField::CampaignName, " ");
        let problems = m.problems();
        assert!(
            problems
                .iter()
                .any(|p| p == "Clicks is not mapped to a column")
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("Campaign ID or the Campaign name"))
        );
        assert!(problems.iter().any(|p| p.starts_with("no account id")));
        m.default_account_id = "998877".into();
        assert_eq!(m.problems().len(), 2);
    }

    #[test]
    fn fields_have_plain_labels_and_serialise_by_name() {
        assert_eq!(CsvField::AdsetId.label(), "Ad set ID");
        assert!(CsvField::Spend.required() && !CsvField::AccountId.required());
        let text = serde_json::to_string(&CsvField::ConversionValue).unwrap();
        assert_eq!(text, "\"conversion_value\"");
    }
}
