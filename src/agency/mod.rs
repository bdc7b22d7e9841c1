//! Agencies and their clients: listing the client tenants an agency manages and creating new ones
//! (optionally inviting the client's owner). Agency staff reach clients through their agency
//! role; nobody gets a copied membership in the client.

#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::*;
