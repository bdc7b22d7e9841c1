//! Impersonation on the wire: a staff session that carries an approved grant acts as the user (the
//! app reads the grant from the request); every state-changing request in it is audited with both
//! identities; a grant that ended or ran out is dropped from the session at once.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cadence::admin::impersonation;
use cadence::db::Database;
use tower_sessions::Session;

/// The session key holding the grant being used (set when staff start, removed when it ends).
pub const SESSION_KEY: &str = app::IMPERSONATION_SESSION_KEY;

pub async fn resolve(State(db): State<Database>, mut req: Request, next: Next) -> Response {
    // Built files need no user: do not load the session (a database read) for them.
    if crate::site::is_static_asset(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    let grant = session.get::<uuid::Uuid>(SESSION_KEY).await.ok().flatten();
    let staff = session
        .get::<uuid::Uuid>(app::USER_SESSION_KEY)
        .await
        .ok()
        .flatten();
    if let (Some(grant), Some(staff)) = (grant, staff) {
        match impersonation::active(&db, staff, grant).await {
            Ok(Some(active)) => {
                let method = req.method().clone();
                if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
                    let what = format!("{method} {}", req.uri().path());
                    let meta = cadence::audit::RequestMeta {
                        request_id: req
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string),
                        ..Default::default()
                    };
                    if let Err(e) = impersonation::record_action(&db, &active, &what, &meta).await {
                        tracing::error!(error = %e, "could not audit an impersonated request");
                        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
                    }
                }
                req.extensions_mut().insert(active);
            }
            Ok(None) => {
                let _ = session.remove::<uuid::Uuid>(SESSION_KEY).await;
            }
            Err(e) => tracing::error!(error = %e, "could not check an impersonation grant"),
        }
    }
    next.run(req).await
}
