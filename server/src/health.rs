//! Liveness and readiness endpoints for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cadence::db::Database;
use serde_json::{Value, json};

/// `/healthz`: the process is alive (no dependencies checked).
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `/readyz`: the database answers and is migrated; 503 otherwise.
pub async fn readyz(State(db): State<Database>) -> (StatusCode, Json<Value>) {
    match db.info().await {
        Ok(info) => (
            StatusCode::OK,
            Json(json!({
                "status": "ready",
                "database": "ok",
                "postgres_version": info.server_version,
                "migrations_applied": info.migrations_applied,
            })),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}
