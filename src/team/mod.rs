//! The team of a tenant: members and their roles, and invitations by email.

#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::*;
