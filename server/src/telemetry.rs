//! Logging: pretty for people, JSON for machines; every line inside a request carries its request
//! id, and its tenant once known, also from the tasks Leptos spawns for server functions.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Installs the global subscriber. `RUST_LOG` overrides the default filter.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // `CADENCE_LOG_SPANS=1`: a line when each span closes, with its busy and idle time (where a
        // request's time goes, step by step).
        .with_span_events(
            if std::env::var("CADENCE_LOG_SPANS").is_ok_and(|v| v == "1") {
                FmtSpan::CLOSE
            } else {
                FmtSpan::NONE
            },
        )
        .with_target(false)
        // Standard output is for what a command prints (an ingest report, a URL); logs go beside it.
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            // The whole list: the request's span (id, tenant) as well as the innermost one.
            .with_span_list(true)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// Tokio for Leptos' tasks, each carrying the span it was spawned in: a server function runs in a
/// task of its own, and so keeps the request's span (request id, tenant) on its log lines.
struct InSpan;

impl any_spawner::CustomExecutor for InSpan {
    fn spawn(&self, fut: any_spawner::PinnedFuture<()>) {
        tokio::spawn(tracing::Instrument::in_current_span(fut));
    }

    fn spawn_local(&self, fut: any_spawner::PinnedLocalFuture<()>) {
        tokio::task::spawn_local(tracing::Instrument::in_current_span(fut));
    }

    fn poll_local(&self) {}
}

/// Sets the executor before Leptos would set plain tokio (a second call does nothing).
pub fn init_executor() {
    let _ = any_spawner::Executor::init_custom_executor(InSpan);
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn spawned_tasks_keep_the_span_they_were_spawned_in() {
        super::init_executor();
        let _guard = tracing::subscriber::set_default(tracing_subscriber::registry());
        let span = tracing::info_span!("request", tenant_id = tracing::field::Empty);
        let expected = span.id();
        assert!(expected.is_some());
        let (tx, rx) = tokio::sync::oneshot::channel();
        {
            let _entered = span.enter();
            any_spawner::Executor::spawn(async move {
                let _ = tx.send(tracing::Span::current().id());
            });
        }
        assert_eq!(rx.await.unwrap(), expected);
        // Outside any span, a task carries none.
        let (tx, rx) = tokio::sync::oneshot::channel();
        any_spawner::Executor::spawn(async move {
            let _ = tx.send(tracing::Span::current().id());
        });
        assert_eq!(rx.await.unwrap(), None);
    }
}
