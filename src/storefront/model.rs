//! Storefront types shared by the server and the wasm UI.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The storefront's public face: its name, how it introduces itself, and its branding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorefrontProfile {
    pub slug: String,
    pub display_name: String,
    pub tagline: Option<String>,
    pub about: Option<String>,
    pub logo_id: Option<Uuid>,
    /// `#rrggbb` for buttons and links (checked for contrast on white).
    pub brand_color: Option<String>,
    /// `#rrggbb` for the top bar.
    pub header_color: Option<String>,
    /// (network key, address), in the order of [`super::SOCIAL_NETWORKS`].
    pub social_links: Vec<(String, String)>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// "en" or "ar".
    pub language: String,
}

impl StorefrontProfile {
    /// The profile of a storefront that saved none: the tenant's name, in English.
    pub fn fallback(slug: &str, name: &str) -> Self {
        Self {
            slug: slug.to_string(),
            display_name: name.to_string(),
            language: "en".into(),
            ..Self::default()
        }
    }
}

/// Social links from their stored map, in the networks' display order (unknown keys dropped).
pub fn ordered_links(map: &std::collections::BTreeMap<String, String>) -> Vec<(String, String)> {
    super::SOCIAL_NETWORKS
        .iter()
        .filter_map(|(k, _, _)| map.get(*k).map(|url| (k.to_string(), url.clone())))
        .collect()
}
