//! Media types shared with the UI: where an uploaded image is served from.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The largest upload accepted, in bytes (10 MB).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// An uploaded image as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaView {
    pub id: Uuid,
    pub width: i32,
    pub height: i32,
}

impl MediaView {
    /// Its address in the signed-in app (the current tenant's media).
    pub fn app_url(&self) -> String {
        app_media_url(self.id, false)
    }

    pub fn app_thumb_url(&self) -> String {
        app_media_url(self.id, true)
    }
}

/// Where the app serves one of the current tenant's images (`thumb`: its thumbnail).
pub fn app_media_url(id: Uuid, thumb: bool) -> String {
    if thumb {
        format!("/app/media/{id}/thumb")
    } else {
        format!("/app/media/{id}")
    }
}

/// Where a storefront serves one of its images (relative to the storefront's host).
pub fn storefront_media_url(id: Uuid, thumb: bool) -> String {
    if thumb {
        format!("/media/{id}/thumb")
    } else {
        format!("/media/{id}")
    }
}
