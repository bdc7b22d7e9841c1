//! Background work of a server: delivering the mail outbox (when SMTP is configured) and removing
//! expired sessions. Every server may run them: the outbox is claimed with SKIP LOCKED.

use cadence::db::Database;
use cadence::notify::{Mailer, deliver_pending};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Handles of the running jobs; dropping them does not stop them, `stop` does.
pub struct Jobs(Vec<JoinHandle<()>>);

impl Jobs {
    pub fn start(db: Database, mailer: Option<Mailer>) -> Self {
        let mut handles = Vec::new();
        if let Some(mailer) = mailer {
            let db = db.clone();
            handles.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(2));
                loop {
                    tick.tick().await;
                    match deliver_pending(&db, &mailer, 50).await {
                        Ok(0) => {}
                        Ok(n) => {
                            metrics::counter!("jobs_mail_sent_total").increment(n as u64);
                            tracing::info!(sent = n, "delivered outgoing mail")
                        }
                        Err(e) => {
                            metrics::counter!("jobs_failures_total", "job" => "mailer")
                                .increment(1);
                            tracing::error!(error = %e, "the mailer failed")
                        }
                    }
                }
            }));
        }
        handles.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(15 * 60));
            loop {
                tick.tick().await;
                metrics::counter!("jobs_runs_total", "job" => "cleanup").increment(1);
                match db.delete_expired_sessions().await {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "removed expired sessions"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "removing expired sessions failed"),
                }
                if let Err(e) = cadence::idempotency::forget_old(&db).await {
                    tracing::warn!(error = %e, "removing old idempotency keys failed");
                }
                if let Err(e) = cadence::ratelimit::forget_old(&db).await {
                    tracing::warn!(error = %e, "removing old rate-limit windows failed");
                }
            }
        }));
        Jobs(handles)
    }

    pub fn stop(self) {
        for h in self.0 {
            h.abort();
        }
    }
}
