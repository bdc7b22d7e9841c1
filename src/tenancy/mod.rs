//! Tenancy: tenant slugs and ids (shared with the UI), the tenant directory and the tenant scope.

mod model;
pub use model::*;

#[cfg(feature = "ssr")]
mod directory;
#[cfg(feature = "ssr")]
mod scope;
#[cfg(feature = "ssr")]
pub use directory::*;
#[cfg(feature = "ssr")]
pub use scope::*;
