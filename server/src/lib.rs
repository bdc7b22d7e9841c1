//! The Cadence server: configuration, telemetry, database start-up, router and middleware.
//! `main.rs` is the CLI on top; integration tests use [`router::build_router`] directly.

pub mod admin_export;
pub mod api_v1;
pub mod assets;
pub mod config;
pub mod database;
pub mod fn_status;
pub mod health;
pub mod impersonation;
pub mod ingest;
pub mod jobs;
pub mod keys;
pub mod media;
pub mod metrics;
pub mod precompress;
pub mod ratelimit;
pub mod router;
pub mod security;
pub mod seed;
pub mod seed_ads;
pub mod serve;
pub mod site;
pub mod storefront;
pub mod telemetry;
