//! Cadence's domain core: tenancy, the one door to tenant data, and each feature's rules and SQL.
//!
//! Model types compile everywhere (the wasm UI shares them); everything that touches the database
//! sits behind the `ssr` feature.

pub mod access;
pub mod admin;
pub mod ads;
pub mod agency;
pub mod auth;
pub mod commerce;
pub mod media;
pub mod money;
pub mod onboarding;
pub mod storefront;
pub mod team;
pub mod tenancy;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod idempotency;
#[cfg(feature = "ssr")]
pub mod notify;
#[cfg(feature = "ssr")]
pub mod ratelimit;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod error;

#[cfg(feature = "ssr")]
pub use error::{Error, Result};
/// Ids are UUIDs (v7 when made on the server); re-exported so the UI needs no uuid dependency.
pub use uuid::Uuid;
