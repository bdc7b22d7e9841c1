//! The built site's file names the pages link to: the stylesheet under its hashed name when the
//! build hashed file names. The server publishes them once for the site it serves.

use std::sync::RwLock;

/// Addresses of built files that pages name in their HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltFiles {
    /// The stylesheet, e.g. `/pkg/cadence.{hash}.css`.
    pub stylesheet: String,
}

static STYLESHEET: RwLock<Option<String>> = RwLock::new(None);

/// Sets the addresses pages link to (the server, once it knows the site it serves).
pub fn publish(files: BuiltFiles) {
    *STYLESHEET.write().unwrap_or_else(|e| e.into_inner()) = Some(files.stylesheet);
}

/// The stylesheet's address: the published one, else the unhashed name.
pub fn stylesheet() -> String {
    STYLESHEET
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| "/pkg/cadence.css".to_string())
}
