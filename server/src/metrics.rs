//! `/metrics` in Prometheus' text format: requests by route and status, latency histograms, the
//! database pool and background jobs. Served to loopback clients, or with
//! `Authorization: Bearer $CADENCE_METRICS_TOKEN`.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder once (later calls reuse it).
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".into()),
                    &[
                        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
                    ],
                )
                .expect("valid buckets")
                .install_recorder()
                .expect("one metrics recorder per process")
        })
        .clone()
}

/// A bounded label for a path: server functions without their hash, ids as `:id`, files by folder.
pub fn route_label(path: &str, status: u16) -> String {
    if status == 404 {
        return "(not found)".into();
    }
    for prefix in ["/pkg/", "/media/", "/leaflet/", "/geo/"] {
        if path.starts_with(prefix) {
            return format!("{prefix}*");
        }
    }
    if let Some(name) = path.strip_prefix("/api/")
        && !name.starts_with("v1/")
    {
        return format!(
            "/api/{}",
            name.trim_end_matches(|c: char| c.is_ascii_digit())
        );
    }
    path.split('/')
        .map(|seg| {
            if uuid::Uuid::parse_str(seg).is_ok()
                || (seg.len() > 8 && seg.chars().all(|c| c.is_ascii_digit()))
            {
                ":id"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Counts and times every request.
pub async fn record(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let route = route_label(&path, status);
    let labels = [
        ("method", method),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2])
        .record(started.elapsed().as_secs_f64());
    res
}

/// What `/metrics` needs at scrape time.
#[derive(Clone)]
pub struct Scrape {
    pub db: cadence::db::Database,
    pub token: Option<String>,
}

pub async fn serve(State(s): State<Scrape>, req: Request) -> Response {
    let loopback = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let token_ok = matches!((&s.token, bearer), (Some(t), Some(b)) if t == b);
    if !loopback && !token_ok {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (size, idle) = s.db.pool_stats();
    metrics::gauge!("db_pool_connections").set(size as f64);
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::route_label;

    #[test]
    fn labels_stay_bounded() {
        assert_eq!(
            route_label("/api/load_team12725659645390112764", 200),
            "/api/load_team"
        );
        assert_eq!(route_label("/api/v1/orders", 200), "/api/v1/orders");
        assert_eq!(
            route_label("/app/sales/order/01a23258-ef62-74f6-b6dc-4202bb210e44", 200),
            "/app/sales/order/:id"
        );
        assert_eq!(route_label("/pkg/cadence.wasm", 200), "/pkg/*");
        assert_eq!(route_label("/random/junk", 404), "(not found)");
    }
}
