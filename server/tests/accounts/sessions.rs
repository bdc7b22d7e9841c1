//! Sessions: a new id at log-in, the idle limit moving forward while a session is in use, and
//! the end of an idle one.

use super::*;

/// The stored session behind `cookie` (the session store's own row and encoding).
async fn stored_session(app: &TestApp, cookie: &str) -> tower_sessions::session::Record {
    let id = cookie.split_once('=').expect("name=value").1;
    let data: Vec<u8> = sqlx::query_scalar("select data from tower_sessions.session where id = $1")
        .bind(id)
        .fetch_one(&mut app.owner_conn().await)
        .await
        .unwrap();
    rmp_serde::from_slice(&data).unwrap()
}

async fn store_session(app: &TestApp, r: &tower_sessions::session::Record) {
    sqlx::query("update tower_sessions.session set data = $2, expiry_date = $3 where id = $1")
        .bind(r.id.to_string())
        .bind(rmp_serde::to_vec(r).unwrap())
        .bind(r.expiry_date)
        .execute(&mut app.owner_conn().await)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_session_in_use_keeps_moving_its_idle_expiry_and_an_idle_one_ends() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let cookie = log_in(&app, &email, PASSWORD)
        .await
        .session_cookie()
        .expect("a session cookie");
    let at_log_in = stored_session(&app, &cookie).await;

    // Requests within the hour write nothing (no store write per request).
    assert_eq!(who(&app, &cookie).await["email"], email.as_str());
    assert_eq!(stored_session(&app, &cookie).await, at_log_in);

    // Last marked two hours ago, so ten hours of idle time left: the next request marks the
    // session and its expiry is twelve hours away again.
    let now = time::OffsetDateTime::now_utc();
    let mut earlier = at_log_in.clone();
    earlier
        .data
        .insert("seen_at".into(), (now.unix_timestamp() - 2 * 3600).into());
    earlier.expiry_date = now + time::Duration::hours(10);
    store_session(&app, &earlier).await;
    assert_eq!(who(&app, &cookie).await["email"], email.as_str());
    let touched = stored_session(&app, &cookie).await;
    assert!(
        touched.expiry_date > now + time::Duration::minutes(11 * 60 + 55),
        "{}",
        touched.expiry_date
    );
    let seen = touched.data["seen_at"].as_i64().unwrap();
    assert!((seen - now.unix_timestamp()).abs() < 60, "{seen}");

    // Twelve hours without a request: the session is over.
    let mut idle = touched.clone();
    idle.expiry_date = now - time::Duration::minutes(1);
    store_session(&app, &idle).await;
    assert!(who(&app, &cookie).await.is_null());
}

#[tokio::test]
async fn the_session_id_changes_at_log_in() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    // An anonymous session first (a failed log-in does not create one, so seed one by logging in
    // and out), then a new log-in must not reuse the id.
    let first = log_in(&app, &email, PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let login = app
        .call(
            path::<LogIn>(),
            &[("email", &email), ("password", PASSWORD)],
            Some(&first),
        )
        .await;
    let second = login.session_cookie().expect("a new cookie");
    assert_ne!(first, second);
}
