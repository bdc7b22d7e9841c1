//! Pages, grouped by the app they belong to.

pub mod account;
pub mod clients;
pub mod onboarding;
pub mod platform;
pub mod sales;
pub mod storefront;
pub mod team;
