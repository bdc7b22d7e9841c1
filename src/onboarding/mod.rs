//! Onboarding: the wizard's steps and validation (shared with the browser), saved progress, and
//! finishing (creating the tenant, or the agency with its first client, in one transaction).

mod lists;
mod model;
mod steps;
pub use lists::*;
pub use model::*;
pub use steps::*;

#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::*;
