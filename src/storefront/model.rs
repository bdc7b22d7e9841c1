//! Storefront types shared by the server and the wasm UI.

use serde::{Deserialize, Serialize};

/// The storefront's public face: its name and how it introduces itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorefrontProfile {
    pub slug: String,
    pub display_name: String,
    pub tagline: Option<String>,
    pub about: Option<String>,
}
