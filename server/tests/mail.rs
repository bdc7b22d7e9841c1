//! Mail delivery over SMTP against a small fake SMTP server started by the test.

mod common;
use common::*;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server that accepts every message and keeps its DATA; `fail_first` refuses
/// the first DATA with a temporary error.
async fn fake_smtp(fail_first: bool) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        let mut refused = !fail_first;
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let (r, mut w) = socket.into_split();
            let mut lines = BufReader::new(r).lines();
            w.write_all(b"220 fake ESMTP\r\n").await.unwrap();
            let mut in_data = false;
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if in_data {
                    if line == "." {
                        in_data = false;
                        if refused {
                            store.lock().unwrap().push(std::mem::take(&mut data));
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            refused = true;
                            data.clear();
                            w.write_all(b"451 try again later\r\n").await.unwrap();
                        }
                    } else {
                        data.push_str(&line);
                        data.push('\n');
                    }
                    continue;
                }
                let verb = line
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250-fake\r\n250 OK\r\n",
                    "DATA" => {
                        in_data = true;
                        b"354 go ahead\r\n"
                    }
                    "QUIT" => {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    }
                    _ => b"250 OK\r\n",
                };
                w.write_all(reply).await.unwrap();
            }
        }
    });
    (port, received)
}

type OutboxState = (i32, Option<String>, Option<chrono::DateTime<chrono::Utc>>);

async fn outbox_state(app: &TestApp, email: &str) -> OutboxState {
    let mut c = app.owner_conn().await;
    sqlx::query_as("select attempts, last_error, sent_at from mail_outbox where to_address = $1")
        .bind(email)
        .fetch_one(&mut c)
        .await
        .unwrap()
}

/// One test, so nothing else in this binary touches the outbox while it runs.
#[tokio::test]
async fn outbox_mail_is_retried_after_a_refusal_then_delivered_and_marked_sent() {
    let app = TestApp::spawn().await;
    let (port, received) = fake_smtp(true).await;
    let mailer = cadence::notify::Mailer::from_url(
        &format!("smtp://127.0.0.1:{port}"),
        "Cadence <no-reply@cadence.test>",
    )
    .unwrap();
    let (_, email) = app.verified_user("Mail Reader").await;

    // The server refuses the first message with a temporary error: kept, with its error.
    assert_eq!(
        cadence::notify::deliver_pending(&app.db, &mailer, 50)
            .await
            .unwrap(),
        0
    );
    let (attempts, error, sent) = outbox_state(&app, &email).await;
    assert_eq!(attempts, 1);
    assert!(error.unwrap_or_default().contains("451"));
    assert!(sent.is_none());

    // Not retried before its back-off has passed.
    assert_eq!(
        cadence::notify::deliver_pending(&app.db, &mailer, 50)
            .await
            .unwrap(),
        0
    );
    assert!(received.lock().unwrap().is_empty());

    let mut c = app.owner_conn().await;
    sqlx::query("update mail_outbox set last_attempt_at = now() - interval '5 minutes'")
        .execute(&mut c)
        .await
        .unwrap();
    assert_eq!(
        cadence::notify::deliver_pending(&app.db, &mailer, 50)
            .await
            .unwrap(),
        1
    );
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].contains("Subject: Verify your email for Cadence"),
        "{}",
        got[0]
    );
    assert!(
        got[0].contains("From: Cadence <no-reply@cadence.test>"),
        "{}",
        got[0]
    );
    assert!(got[0].contains(&email));
    let (attempts, error, sent) = outbox_state(&app, &email).await;
    assert_eq!(attempts, 2);
    assert!(error.is_none() && sent.is_some());
}

#[test]
fn an_unusable_smtp_url_is_refused_with_the_setting_named() {
    let e = cadence::notify::Mailer::from_url("ftp://nope", "a@b.c")
        .err()
        .unwrap();
    assert!(e.to_string().contains("SMTP_URL"), "{e}");
}
