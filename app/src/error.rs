//! The one error type on the wire: what a browser may learn when a server function fails.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A server function's failure, safe to show; internal causes stay in the server's logs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Validation(String),
    #[error("We could not find that.")]
    NotFound,
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("You are not allowed to do that: {0}")]
    Forbidden(String),
    #[error("This storefront is currently unavailable.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("Could not reach Cadence: {0}")]
    Transport(String),
    /// A sensitive action needs a fresh code from the authenticator app (step-up).
    #[error("Confirm it is you: enter a code from your authenticator app.")]
    StepUp,
    /// A sensitive action needs two-factor authentication, which this account has not turned on.
    #[error(
        "This needs two-factor authentication. Turn it on under Security on your home page first."
    )]
    MfaRequired,
}

impl AppError {
    /// The HTTP status of this kind of failure: every kind carries its own, wherever it is built
    /// (the server's answer takes it from the error on the wire).
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::NotFound => 404,
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_)
            | AppError::Unavailable
            | AppError::StepUp
            | AppError::MfaRequired => 403,
            AppError::Transport(_) => 502,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => AppError::Transport(m),
            // The request's fields could not be read (malformed body, wrong content type, a
            // missing or mistyped field): the caller's mistake, answered with 400.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => {
                #[cfg(feature = "ssr")]
                if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                    res.set_status(http::StatusCode::BAD_REQUEST);
                }
                AppError::Validation(
                    "The form's fields could not be read; reload the page and try again.".into(),
                )
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Bad input, answered with 422 (not the 500 a bare error would get).
    pub fn invalid(message: impl Into<String>) -> Self {
        cadence::Error::Validation(message.into()).into()
    }
}

#[cfg(feature = "ssr")]
impl From<cadence::Error> for AppError {
    /// Maps a core error to the wire, logging internal causes and setting the HTTP status.
    fn from(e: cadence::Error) -> Self {
        use http::StatusCode;
        let wire = match e {
            cadence::Error::Validation(m) => AppError::Validation(m),
            cadence::Error::NotFound => AppError::NotFound,
            cadence::Error::Forbidden(r) => AppError::Forbidden(r),
            cadence::Error::Unavailable => AppError::Unavailable,
            internal => {
                tracing::error!(error = %internal, "a server function failed");
                AppError::Internal
            }
        };
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(
                StatusCode::from_u16(wire.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        wire
    }
}
