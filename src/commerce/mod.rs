//! The storefront's commerce: the catalog, visits and their UTM attribution, and the three kinds
//! of conversion (orders, donations, pledges) with exact money, server-side prices, idempotency
//! tokens, per-tenant gapless numbers and explicit status workflows.

mod model;
pub use model::*;

#[cfg(feature = "ssr")]
mod catalog;
#[cfg(feature = "ssr")]
mod detail;
#[cfg(feature = "ssr")]
mod records;
#[cfg(feature = "ssr")]
mod submit;
#[cfg(feature = "ssr")]
mod visits;
#[cfg(feature = "ssr")]
pub use catalog::*;
#[cfg(feature = "ssr")]
pub use detail::*;
#[cfg(feature = "ssr")]
pub use records::*;
#[cfg(feature = "ssr")]
pub use submit::*;
#[cfg(feature = "ssr")]
pub use visits::*;
