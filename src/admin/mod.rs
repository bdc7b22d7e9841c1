//! The admin panel's core: tenant administration (credentials under envelope encryption, API keys,
//! plans and entitlements) and platform administration (tenants, suspension, impersonation).

mod model;
pub use model::*;

#[cfg(feature = "ssr")]
pub mod api_keys;
#[cfg(feature = "ssr")]
pub mod credentials;
#[cfg(feature = "ssr")]
pub mod impersonation;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod plans;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod settings;
