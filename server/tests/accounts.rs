//! Accounts and sessions through the real router: sign-up, verification, log-in with throttling,
//! sessions, password reset and change, and the audit rows they leave.

mod common;
#[path = "accounts/landing.rs"]
mod landing;
#[path = "accounts/sessions.rs"]
mod sessions;
#[path = "accounts/throttle.rs"]
mod throttle;
use app::api::auth::{
    ChangePassword, ForgotPassword, LogIn, LogOut, ResetPassword, SignUp, VerifyEmail, WhoAmI,
};
use axum::http::StatusCode;
use common::*;
use leptos::server_fn::ServerFn;

fn path<T: ServerFn>() -> &'static str {
    T::PATH
}

/// Signs up and verifies a new account; returns its email.
async fn verified_account(app: &TestApp) -> String {
    let email = random_email();
    let a = sign_up(app, "Ann Lee", &email, PASSWORD).await;
    assert!(
        a.status.is_success() || a.status.is_redirection(),
        "{} {}",
        a.status,
        a.body
    );
    let mail = app.last_mail(&email).await;
    assert_eq!(mail.subject, "Verify your email for Cadence");
    let v = app
        .call(
            path::<VerifyEmail>(),
            &[("token", &token_in(&mail.body_text))],
            None,
        )
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    email
}

async fn sign_up(app: &TestApp, name: &str, email: &str, password: &str) -> Answer {
    app.call(
        path::<SignUp>(),
        &[
            ("display_name", name),
            ("email", email),
            ("password", password),
        ],
        None,
    )
    .await
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> Answer {
    app.call(
        path::<LogIn>(),
        &[("email", email), ("password", password)],
        None,
    )
    .await
}

async fn who(app: &TestApp, cookie: &str) -> serde_json::Value {
    let a = app.call(path::<WhoAmI>(), &[], Some(cookie)).await;
    serde_json::from_str(&a.body).unwrap_or_else(|_| panic!("{}", a.body))
}

async fn audit_actions(app: &TestApp, target_or_actor: &str) -> Vec<(String, String)> {
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.platform', 'on', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query_as(
        "select a.action, a.outcome from audit_log a left join users u on u.id = a.actor_user_id
          where a.target = $1 or u.email = $1 order by a.at, a.id",
    )
    .bind(target_or_actor)
    .fetch_all(&mut *tx)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_person_signs_up_verifies_logs_in_and_out() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let login = log_in(&app, &email, PASSWORD).await;
    assert!(
        login.status.is_success() || login.status.is_redirection(),
        "{} {}",
        login.status,
        login.body
    );
    let cookie = login.session_cookie().expect("a session cookie");
    let set_cookie = login
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("cadence_session="))
        .expect("the session cookie is set")
        .to_lowercase();
    assert!(
        set_cookie.contains("httponly") && set_cookie.contains("samesite=lax"),
        "{set_cookie}"
    );
    assert_eq!(who(&app, &cookie).await["email"], email.as_str());

    app.call(path::<LogOut>(), &[], Some(&cookie)).await;
    assert!(
        who(&app, &cookie).await.is_null(),
        "the session is gone after log-out"
    );

    let actions = audit_actions(&app, &email).await;
    for expected in [
        "user.sign_up",
        "user.verify_email",
        "user.log_in",
        "user.log_out",
    ] {
        assert!(
            actions.iter().any(|(a, o)| a == expected && o == "success"),
            "{expected} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_verification_link_works_once() {
    let app = TestApp::spawn().await;
    let email = random_email();
    sign_up(&app, "Bo", &email, PASSWORD).await;
    let token = token_in(&app.last_mail(&email).await.body_text);
    assert_eq!(
        app.call(path::<VerifyEmail>(), &[("token", &token)], None)
            .await
            .status,
        StatusCode::OK
    );
    let again = app
        .call(path::<VerifyEmail>(), &[("token", &token)], None)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("already used or expired"),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn log_in_before_verification_is_refused_and_sends_a_new_link() {
    let app = TestApp::spawn().await;
    let email = random_email();
    sign_up(&app, "Cy", &email, PASSWORD).await;
    let first = app.last_mail(&email).await;
    let a = log_in(&app, &email, PASSWORD).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.body.contains("verify your email"), "{}", a.body);
    assert!(a.session_cookie().is_none());
    assert_ne!(
        app.last_mail(&email).await.id,
        first.id,
        "a fresh link was sent"
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let wrong = log_in(&app, &email, "not the password at all").await;
    let unknown = log_in(&app, &random_email(), PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert!(
        audit_actions(&app, &email)
            .await
            .contains(&("user.log_in".into(), "failure".into()))
    );
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_old_sessions() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let old_session = log_in(&app, &email, PASSWORD)
        .await
        .session_cookie()
        .unwrap();

    app.call(path::<ForgotPassword>(), &[("email", &email)], None)
        .await;
    let mail = app.last_mail(&email).await;
    assert_eq!(mail.subject, "Reset your Cadence password");
    let token = token_in(&mail.body_text);
    let new = "another long passphrase";
    let r = app
        .call(
            path::<ResetPassword>(),
            &[("token", &token), ("password", new), ("confirm", new)],
            None,
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{} {}",
        r.status,
        r.body
    );
    let again = app
        .call(
            path::<ResetPassword>(),
            &[("token", &token), ("password", new), ("confirm", new)],
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert!(
        who(&app, &old_session).await.is_null(),
        "sessions from before the reset end"
    );
    assert_eq!(
        log_in(&app, &email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(log_in(&app, &email, new).await.session_cookie().is_some());
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    app.call(path::<ForgotPassword>(), &[("email", &email)], None)
        .await;
    let token = token_in(&app.last_mail(&email).await.body_text);
    let mut owner = app.owner_conn().await;
    sqlx::query("update auth_tokens set expires_at = now() - interval '1 minute' where purpose = 'reset_password' and user_id = (select id from users where email = $1)")
        .bind(&email)
        .execute(&mut owner)
        .await
        .unwrap();
    let new = "another long passphrase";
    let r = app
        .call(
            path::<ResetPassword>(),
            &[("token", &token), ("password", new), ("confirm", new)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_reset_request_for_an_unknown_email_looks_the_same_and_sends_nothing() {
    let app = TestApp::spawn().await;
    let email = random_email();
    let a = app
        .call(path::<ForgotPassword>(), &[("email", &email)], None)
        .await;
    assert!(a.status.is_success() || a.status.is_redirection());
    assert!(
        cadence::notify::recent(&app.db, Some(&email), 1)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let here = log_in(&app, &email, PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let elsewhere = log_in(&app, &email, PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let new = "a brand new passphrase";
    let wrong = app
        .call(
            path::<ChangePassword>(),
            &[
                ("current", "wrong wrong wrong"),
                ("password", new),
                ("confirm", new),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .call(
            path::<ChangePassword>(),
            &[("current", PASSWORD), ("password", new), ("confirm", new)],
            Some(&here),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let here = ok.session_cookie().unwrap_or(here);
    assert_eq!(who(&app, &here).await["email"], email.as_str());
    assert!(who(&app, &elsewhere).await.is_null());
}

#[tokio::test]
async fn weak_passwords_and_bad_emails_are_refused_with_a_reason_and_change_nothing() {
    let app = TestApp::spawn().await;
    let email = random_email();
    let a = sign_up(&app, "Di", &email, "password1234").await;
    assert!(a.body.contains("too common"), "{}", a.body);
    let a = sign_up(&app, "Di", "not-an-email", PASSWORD).await;
    assert!(a.body.contains("Enter an email address"), "{}", a.body);
    assert!(
        cadence::notify::recent(&app.db, Some(&email), 1)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn signing_up_twice_answers_the_same_and_warns_the_owner() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let a = app
        .call(
            path::<SignUp>(),
            &[
                ("display_name", "Other"),
                ("email", &email.to_uppercase()),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;
    assert!(a.status.is_success() || a.status.is_redirection());
    assert_eq!(
        app.last_mail(&email.to_uppercase()).await.subject,
        "Someone tried to sign up with your email"
    );
}

#[tokio::test]
async fn pages_and_server_functions_are_never_cached_by_shared_caches() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let cookie = log_in(&app, &email, PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let a = app.call(path::<WhoAmI>(), &[], Some(&cookie)).await;
    assert_eq!(a.headers["cache-control"], "private, no-store");
    let res = app
        .send(
            axum::http::Request::get("/app")
                .header("host", BASE_DOMAIN)
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.headers()["cache-control"], "private, no-store");
}

#[tokio::test]
async fn the_audit_log_is_append_only_for_the_application_role() {
    let app = TestApp::spawn().await;
    verified_account(&app).await;
    let mut c = app.app_conn().await;
    let upd = sqlx::query("update audit_log set outcome = 'success'")
        .execute(&mut c)
        .await;
    assert!(upd.unwrap_err().to_string().contains("permission denied"));
    let del = sqlx::query("delete from audit_log").execute(&mut c).await;
    assert!(del.unwrap_err().to_string().contains("permission denied"));
}
