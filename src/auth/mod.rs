//! Accounts: sign-up, email verification, log-in with throttling, device cookies and two-factor,
//! password reset and change.

mod model;
pub use model::*;

#[cfg(feature = "ssr")]
pub mod device;
#[cfg(feature = "ssr")]
mod login;
#[cfg(feature = "ssr")]
pub use login::*;
#[cfg(feature = "ssr")]
pub mod mfa;
#[cfg(feature = "ssr")]
pub(crate) mod password;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod throttle;
#[cfg(feature = "ssr")]
mod tokens;
#[cfg(feature = "ssr")]
pub use service::*;
