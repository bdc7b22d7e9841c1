//! Pages, grouped by the app they belong to.

pub mod account;
pub mod ad_data;
pub mod ad_settings;
pub mod ad_upload;
pub mod admin;
pub mod audit;
pub mod catalog;
pub mod clients;
pub mod onboarding;
pub mod parish_map;
pub mod perf_table;
pub mod performance;
pub mod platform;
pub mod platform_admin;
pub mod platform_ads;
pub mod record;
pub mod sales;
pub mod security;
pub mod storefront;
pub mod storefront_settings;
pub mod storefront_text;
pub mod team;
