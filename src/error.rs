//! The core's error type: what callers may show a user, and internal causes that are only logged.

/// Everything a core operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; the message is safe to show.
    #[error("{0}")]
    Validation(String),
    /// The thing does not exist, or belongs to another tenant (never "forbidden" across tenants).
    #[error("not found")]
    NotFound,
    /// The principal may not do this; the reason explains why.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The tenant exists but is suspended or unpublished.
    #[error("unavailable")]
    Unavailable,
    /// A database failure; logged, never sent to a client.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// Any other internal failure; logged, never sent to a client.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True when the cause is ours, not the caller's: these are logged and hidden.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Error::Database(_) | Error::Migration(_) | Error::Internal(_)
        )
    }
}
