//! Ad performance: ad accounts mapped to tenants, ingest of the platforms' rows (Airbyte records
//! for now) into the exact daily fact, with runs, rejects and region mapping.

mod model;
pub use model::*;

#[cfg(feature = "ssr")]
mod accounts;
#[cfg(feature = "ssr")]
mod dims;
#[cfg(feature = "ssr")]
mod entities;
#[cfg(feature = "ssr")]
mod entity_load;
#[cfg(feature = "ssr")]
mod load;
#[cfg(feature = "ssr")]
mod meta;
#[cfg(feature = "ssr")]
mod pipeline;
#[cfg(feature = "ssr")]
mod runs;
#[cfg(feature = "ssr")]
pub use accounts::*;
#[cfg(feature = "ssr")]
pub use entities::{EntityRow, Level, parse_entity};
#[cfg(feature = "ssr")]
pub use load::*;
#[cfg(feature = "ssr")]
pub use meta::*;
#[cfg(feature = "ssr")]
pub use runs::*;
