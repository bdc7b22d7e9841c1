//! Access: the one policy decision point. Principal (with role bindings) × privilege × target →
//! allow, or deny with a reason a person can act on. Roles and privileges are data, loaded from
//! the database; the decision itself is pure and compiles everywhere.

mod model;
pub use model::*;

#[cfg(feature = "ssr")]
mod landing;
#[cfg(feature = "ssr")]
pub use landing::*;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::*;
