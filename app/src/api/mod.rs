//! Server functions: thin wrappers that take the request's scope, call the core and map to UI types.

pub mod admin;
pub mod ads;
pub mod audit;
pub mod auth;
pub mod commerce;
pub mod media;
pub mod mfa;
pub mod onboarding;
pub mod performance;
pub mod platform_admin;
pub mod platform_ads;
pub mod record;
pub mod storefront;
pub mod team;
pub mod tenant;

use crate::error::AppError;
use cadence::storefront::StorefrontProfile;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How the slug checker shows its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlugState {
    Available,
    Taken,
    Invalid,
}

/// The slug checker's answer, worded for the person typing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlugCheck {
    pub state: SlugState,
    pub message: String,
}

/// Says whether a storefront address can still be claimed.
#[server]
pub async fn check_slug(slug: String) -> Result<SlugCheck, AppError> {
    use cadence::tenancy::SlugAvailability;
    let db = ssr::db()?;
    let config = ssr::site_config()?;
    Ok(
        match cadence::tenancy::slug_availability(&db, &slug).await? {
            SlugAvailability::Available { slug } => SlugCheck {
                state: SlugState::Available,
                message: format!("{} is available.", config.storefront_host(&slug)),
            },
            SlugAvailability::Taken { slug } => SlugCheck {
                state: SlugState::Taken,
                message: format!("{} is already taken.", config.storefront_host(&slug)),
            },
            SlugAvailability::Invalid { reason } => SlugCheck {
                state: SlugState::Invalid,
                message: reason,
            },
        },
    )
}

/// The visited storefront's public profile.
#[server]
pub async fn load_storefront_profile() -> Result<StorefrontProfile, AppError> {
    let db = ssr::db()?;
    let tenant = ssr::storefront_tenant()?;
    Ok(cadence::storefront::profile(&db, &tenant).await?)
}

/// What the status page shows about the running system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub database_version: String,
    pub migrations_applied: i64,
    pub latest_migration: Option<i64>,
    pub checked_at: String,
}

/// Checks the database and reports its version and migration state.
#[server]
pub async fn load_system_status() -> Result<SystemStatus, AppError> {
    let db = ssr::db()?;
    let info = db.info().await?;
    Ok(SystemStatus {
        database_version: info.server_version,
        migrations_applied: info.migrations_applied,
        latest_migration: info.latest_migration,
        checked_at: ssr::now_utc(),
    })
}

/// A message in the development mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailView {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub at: String,
}

/// The development mailbox: outgoing mail kept because no SMTP server is configured. Open only
/// when the server runs for local development (see `SiteConfig::dev_mailbox`).
#[server]
pub async fn dev_mailbox(to: Option<String>) -> Result<Vec<MailView>, AppError> {
    let config = ssr::site_config()?;
    if !config.dev_mailbox {
        return Err(AppError::NotFound);
    }
    let db = ssr::db()?;
    let list = cadence::notify::recent(&db, to.as_deref().filter(|t| !t.is_empty()), 50).await?;
    Ok(list
        .into_iter()
        .map(|m| MailView {
            to: m.to_address,
            subject: m.subject,
            body: m.body_text,
            at: m.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        })
        .collect())
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! Reaching the request's context from server functions.
    use crate::SiteConfig;
    use crate::error::AppError;
    use cadence::db::Database;
    use cadence::tenancy::ResolvedTenant;
    use leptos::prelude::use_context;

    pub fn db() -> Result<Database, AppError> {
        use_context::<Database>().ok_or_else(|| {
            tracing::error!("the database is missing from the server function context");
            AppError::Internal
        })
    }

    pub fn site_config() -> Result<SiteConfig, AppError> {
        use_context::<SiteConfig>().ok_or(AppError::Internal)
    }

    /// The storefront tenant the middleware resolved from the Host header.
    pub fn storefront_tenant() -> Result<ResolvedTenant, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<ResolvedTenant>().cloned())
            .ok_or(AppError::NotFound)
    }

    /// Where a request came from: client address, user agent and request id.
    pub fn request_meta() -> cadence::audit::RequestMeta {
        let parts = use_context::<http::request::Parts>();
        let header = |name: &str| {
            parts
                .as_ref()
                .and_then(|p| p.headers.get(name))
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let ip = parts
            .as_ref()
            .and_then(|p| {
                p.extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            })
            .map(|c| c.0.ip().to_string());
        cadence::audit::RequestMeta {
            ip,
            user_agent: header("user-agent"),
            request_id: header("x-request-id"),
            impersonator: impersonation().map(|a| a.staff_user_id),
        }
    }

    /// The live impersonation the server's middleware found for this request's session, if any.
    pub fn impersonation() -> Option<cadence::admin::impersonation::Active> {
        use_context::<http::request::Parts>().and_then(|p| {
            p.extensions
                .get::<cadence::admin::impersonation::Active>()
                .cloned()
        })
    }

    /// Names the tenant on the request's log lines once a server function knows it.
    pub fn record_tenant(tenant: impl std::fmt::Display) {
        if let Some(s) = use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<crate::RequestSpan>().cloned())
        {
            s.0.record("tenant_id", tracing::field::display(tenant));
        }
    }

    /// The platform's own address, for links in emails.
    pub fn app_url() -> Result<String, AppError> {
        let c = site_config()?;
        Ok(match c.public_port {
            Some(p) => format!("http://{}:{p}", c.base_domain),
            None => format!("https://{}", c.base_domain),
        })
    }

    pub fn now_utc() -> String {
        chrono::Utc::now()
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string()
    }
}
