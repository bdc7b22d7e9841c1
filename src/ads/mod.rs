//! Ad performance: each tenant's ad accounts and the operators' assignments of accounts to tenants
//! (which route synced data), ingest of the platforms' rows (Airbyte records
//! from Meta and Google Ads, CSV report exports through a column mapping) into the exact daily
//! fact, with runs, rejects and region mapping.

mod mapping;
mod metrics;
mod model;
pub use mapping::*;
pub use metrics::*;
pub use model::*;

#[cfg(feature = "ssr")]
mod accounts;
#[cfg(feature = "ssr")]
pub mod airbyte;
#[cfg(feature = "ssr")]
mod assignments;
#[cfg(feature = "ssr")]
pub mod chart;
#[cfg(feature = "ssr")]
mod csv_cells;
#[cfg(feature = "ssr")]
mod csv_export;
#[cfg(feature = "ssr")]
mod csv_lines;
#[cfg(feature = "ssr")]
pub mod dashboard;
#[cfg(feature = "ssr")]
mod dims;
#[cfg(feature = "ssr")]
mod entities;
#[cfg(feature = "ssr")]
mod entity_load;
#[cfg(feature = "ssr")]
pub mod facts;
#[cfg(feature = "ssr")]
mod google;
#[cfg(feature = "ssr")]
mod load;
#[cfg(feature = "ssr")]
mod meta;
#[cfg(feature = "ssr")]
mod pipeline;
#[cfg(feature = "ssr")]
mod rollups;
#[cfg(feature = "ssr")]
mod row;
#[cfg(feature = "ssr")]
mod run_log;
#[cfg(feature = "ssr")]
mod runs;
#[cfg(feature = "ssr")]
mod settings;
#[cfg(feature = "ssr")]
pub use accounts::*;
#[cfg(feature = "ssr")]
pub use assignments::*;
#[cfg(feature = "ssr")]
pub use csv_export::*;
#[cfg(feature = "ssr")]
pub use entities::{EntityRow, Level, parse_entity};
#[cfg(feature = "ssr")]
pub use google::*;
#[cfg(feature = "ssr")]
pub use load::*;
#[cfg(feature = "ssr")]
pub use meta::*;
#[cfg(feature = "ssr")]
pub use row::{FactRow, to_micros};
#[cfg(feature = "ssr")]
pub use runs::*;
#[cfg(feature = "ssr")]
pub use settings::*;
