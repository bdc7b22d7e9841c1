//! Outgoing mail through an outbox table: written with the event, listed by the development
//! mailbox, and delivered by a mailer when SMTP is configured.

mod smtp;
pub use smtp::{MAX_ATTEMPTS, Mailer, deliver_pending};

use crate::Result;
use crate::db::Database;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// Queues a message inside the caller's transaction.
pub async fn enqueue(conn: &mut PgConnection, to: &str, subject: &str, body: &str) -> Result<()> {
    sqlx::query(
        "insert into mail_outbox (id, to_address, subject, body_text) values ($1, $2, $3, $4)",
    )
    .bind(Uuid::now_v7())
    .bind(to)
    .bind(subject)
    .bind(body)
    .execute(conn)
    .await?;
    Ok(())
}

/// A message as the development mailbox shows it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The newest messages, optionally for one recipient (development mailbox; never tenant data).
pub async fn recent(db: &Database, to: Option<&str>, limit: i64) -> Result<Vec<OutboxMessage>> {
    Ok(sqlx::query_as(
        "select id, to_address, subject, body_text, created_at, sent_at from mail_outbox
          where $1::text is null or lower(to_address) = lower($1)
          order by created_at desc, id desc limit $2",
    )
    .bind(to)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}
