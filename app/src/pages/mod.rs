//! Pages, grouped by the app they belong to.

pub mod platform;
pub mod storefront;
