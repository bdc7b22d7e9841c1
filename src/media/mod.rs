//! Uploaded images: recognised by their content, at most 10 MB, stored in object storage under the
//! tenant's prefix with a resized thumbnail, and served with long cache lifetimes.

mod model;
pub use model::*;

#[cfg(feature = "ssr")]
mod image_check;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use image_check::*;
#[cfg(feature = "ssr")]
pub use service::*;
#[cfg(feature = "ssr")]
pub use store::*;
