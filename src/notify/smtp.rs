//! Delivering the outbox over SMTP (lettre): claim a batch with SKIP LOCKED, send, mark each sent
//! or count the failure with its error; several servers can run the mailer at once.

use crate::db::Database;
use crate::{Error, Result};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

/// Messages that failed this many times stop being retried (they stay visible in the outbox).
pub const MAX_ATTEMPTS: i32 = 8;

/// An SMTP connection pool and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// From a URL such as `smtp://user:pass@host:587?tls=required` or `smtps://host`, and a sender
    /// such as `Cadence <no-reply@cadence.example>`.
    pub fn from_url(url: &str, from: &str) -> Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| Error::Validation(format!("SMTP_URL is not usable: {e}")))?
            .build();
        let from = from.parse().map_err(|e| {
            Error::Validation(format!("the sender address `{from}` is not valid: {e}"))
        })?;
        Ok(Self { transport, from })
    }
}

/// Sends up to `batch` pending messages; returns how many were sent.
#[tracing::instrument(name = "Deliver outgoing mail", skip_all)]
pub async fn deliver_pending(db: &Database, mailer: &Mailer, batch: i64) -> Result<usize> {
    let mut tx = db.pool().begin().await?;
    let pending: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "select id, to_address, subject, body_text from mail_outbox
          where sent_at is null and attempts < $1
            and (last_attempt_at is null or last_attempt_at < now() - make_interval(secs => 30 * attempts))
          order by created_at limit $2 for update skip locked",
    )
    .bind(MAX_ATTEMPTS)
    .bind(batch)
    .fetch_all(&mut *tx)
    .await?;
    let mut sent = 0;
    for (id, to, subject, body) in pending {
        let outcome = match build(mailer, &to, &subject, body) {
            Ok(message) => mailer
                .transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => {
                sqlx::query("update mail_outbox set sent_at = now(), attempts = attempts + 1, last_attempt_at = now(), last_error = null where id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(message_id = %id, error = %e, "sending a message failed; it will be retried");
                sqlx::query("update mail_outbox set attempts = attempts + 1, last_attempt_at = now(), last_error = $2 where id = $1")
                    .bind(id)
                    .bind(e)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(sent)
}

fn build(
    mailer: &Mailer,
    to: &str,
    subject: &str,
    body: String,
) -> std::result::Result<Message, String> {
    let to: Mailbox = to.parse().map_err(|e| format!("bad recipient {to}: {e}"))?;
    Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())
}
