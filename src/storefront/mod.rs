//! The public storefront: what a visitor sees of a tenant (model shared with the UI, SQL behind `ssr`).

mod branding;
mod model;
pub use branding::*;
pub use model::*;

#[cfg(feature = "ssr")]
mod cache;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use cache::*;
#[cfg(feature = "ssr")]
pub use service::*;
