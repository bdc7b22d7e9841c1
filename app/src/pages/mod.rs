//! Pages, grouped by the app they belong to.

pub mod account;
pub mod platform;
pub mod storefront;
pub mod team;
