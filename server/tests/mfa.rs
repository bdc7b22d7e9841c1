//! Two-factor authentication through the real router: enrolment, the code step of a log-in, codes
//! never accepted twice, recovery codes, throttling, step-up before sensitive actions, turning it
//! off, and the secret sealed at rest.

mod common;
use app::api::auth::{LogIn, LogInCode, WhoAmI};
use app::api::mfa::{BeginMfa, ConfirmMfa, DisableMfa, LoadMfa, NewRecoveryCodes, StepUp};
use app::api::team::ChangeMemberRole;
use axum::http::StatusCode;
use cadence::auth::mfa::code_at;
use common::*;
use leptos::server_fn::ServerFn;

fn path<T: ServerFn>() -> &'static str {
    T::PATH
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

fn json(a: &Answer) -> serde_json::Value {
    serde_json::from_str(&a.body).unwrap_or_else(|_| panic!("{} {}", a.status, a.body))
}

async fn log_in(app: &TestApp, email: &str) -> Answer {
    app.call(
        path::<LogIn>(),
        &[("email", email), ("password", PASSWORD)],
        None,
    )
    .await
}

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    !json(&app.call(path::<WhoAmI>(), &[], Some(cookie)).await).is_null()
}

/// Enrols `m` through the server functions; returns the secret, the recovery codes and the moment
/// of the confirming code (whose step is then used up).
async fn enrol(app: &TestApp, m: &Member) -> (String, Vec<String>, u64) {
    let begun = app.call(path::<BeginMfa>(), &[], Some(&m.cookie)).await;
    assert_eq!(begun.status, StatusCode::OK, "{}", begun.body);
    let e = json(&begun);
    assert!(e["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let secret = e["secret"].as_str().unwrap().to_string();

    // Not in force until confirmed: a password still signs in alone.
    assert!(signed_in(app, &log_in(app, &m.email).await.session_cookie().unwrap()).await);

    // A wrong code is refused and changes nothing.
    let wrong = code_at(&secret, now() + 3600).unwrap();
    let r = app
        .call(path::<ConfirmMfa>(), &[("code", &wrong)], Some(&m.cookie))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        json(&app.call(path::<LoadMfa>(), &[], Some(&m.cookie)).await)["enabled_since"].is_null()
    );

    let t0 = now();
    let code = code_at(&secret, t0).unwrap();
    let r = app
        .call(path::<ConfirmMfa>(), &[("code", &code)], Some(&m.cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let codes: Vec<String> = serde_json::from_value(json(&r)).unwrap();
    (secret, codes, t0)
}

#[tokio::test]
async fn a_log_in_with_two_factor_needs_a_fresh_code_or_a_recovery_code() {
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Second Factor Co").await;
    let (secret, codes, t0) = enrol(&app, &m).await;
    assert_eq!(codes.len(), 10);
    assert_eq!(
        codes.iter().collect::<std::collections::HashSet<_>>().len(),
        10
    );
    let state = json(&app.call(path::<LoadMfa>(), &[], Some(&m.cookie)).await);
    assert_eq!(state["recovery_left"], 10);

    // The secret is sealed: neither it nor its bytes are in the row; recovery codes are hashes.
    let mut c = app.owner_conn().await;
    let (sealed, wrapped): (Vec<u8>, Vec<u8>) = sqlx::query_as(
        "select sealed_secret, wrapped_key from user_mfa where user_id = $1 and enabled_at is not null",
    )
    .bind(m.user_id)
    .fetch_one(&mut c)
    .await
    .unwrap();
    let raw = totp_secret_bytes(&secret);
    assert!(!sealed.windows(raw.len()).any(|w| w == raw.as_slice()));
    assert!(!String::from_utf8_lossy(&sealed).contains(&secret));
    assert_eq!(wrapped.len(), 60);
    let hashes: Vec<Vec<u8>> =
        sqlx::query_scalar("select code_hash from user_recovery_codes where user_id = $1")
            .bind(m.user_id)
            .fetch_all(&mut c)
            .await
            .unwrap();
    assert_eq!(hashes.len(), 10);
    assert!(hashes.iter().all(|h| h.len() == 32));

    // The password alone no longer signs in: the answer sends the browser to the code page.
    let first = log_in(&app, &m.email).await;
    let location = first.headers[axum::http::header::LOCATION]
        .to_str()
        .unwrap();
    assert_eq!(location, "/login/code?next=%2Fapp");
    let pending = first.session_cookie().unwrap();
    assert!(!signed_in(&app, &pending).await);
    // The browser is known to the account (device cookie) only once the code is right too.
    let device_cookie = |a: &Answer| {
        a.headers
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap_or("").starts_with("cadence_device_"))
    };
    assert!(!device_cookie(&first));
    let step = |c: String| {
        let (app, pending) = (&app, pending.clone());
        async move {
            app.call(
                path::<LogInCode>(),
                &[("code", &c), ("next", "/app/team")],
                Some(&pending),
            )
            .await
        }
    };

    // The code used to confirm the set-up is used up; an old one is refused.
    let used = code_at(&secret, t0).unwrap();
    assert_eq!(step(used).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let old = code_at(&secret, t0 - 300).unwrap();
    assert_eq!(step(old).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!signed_in(&app, &pending).await);
    // The next one (a phone a little ahead) signs in, once.
    let next = code_at(&secret, t0 + 30).unwrap();
    let ok = step(next.clone()).await;
    assert!(
        ok.status.is_redirection() || ok.status == StatusCode::OK,
        "{}",
        ok.body
    );
    let session = ok.session_cookie().unwrap_or(pending.clone());
    assert!(signed_in(&app, &session).await);
    assert!(device_cookie(&ok));
    assert_eq!(
        ok.headers[axum::http::header::LOCATION].to_str().unwrap(),
        "/app/team"
    );

    // A code alone (no password first) signs nobody in.
    let stray = app
        .call(path::<LogInCode>(), &[("code", &next)], None)
        .await;
    assert_eq!(stray.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A recovery code works once, in any case and spacing.
    let again = log_in(&app, &m.email).await.session_cookie().unwrap();
    let typed = codes[3].to_uppercase().replace('-', " ");
    let r = app
        .call(path::<LogInCode>(), &[("code", &typed)], Some(&again))
        .await;
    assert!(
        r.status.is_redirection() || r.status == StatusCode::OK,
        "{}",
        r.body
    );
    let third = log_in(&app, &m.email).await.session_cookie().unwrap();
    let r = app
        .call(path::<LogInCode>(), &[("code", &codes[3])], Some(&third))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let state = json(&app.call(path::<LoadMfa>(), &[], Some(&session)).await);
    assert_eq!(state["recovery_left"], 9);

    // Wrong codes are throttled: after five, even a right one waits.
    for _ in 0..5 {
        let r = app
            .call(path::<LogInCode>(), &[("code", "000001")], Some(&third))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let right = code_at(&secret, now() + 30).unwrap();
    let r = app
        .call(path::<LogInCode>(), &[("code", &right)], Some(&third))
        .await;
    assert!(r.body.contains("Too many wrong codes"), "{}", r.body);
    assert!(!signed_in(&app, &third).await);

    // The audit log tells the two steps apart.
    let actions: Vec<String> = {
        let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
        sqlx::query("select set_config('app.platform', 'on', true)")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query_scalar(
            "select action || ':' || outcome from audit_log where actor_user_id = $1 order by at, id",
        )
        .bind(m.user_id)
        .fetch_all(&mut *tx)
        .await
        .unwrap()
    };
    for a in [
        "mfa.enabled:success",
        "user.log_in.password:success",
        "user.log_in:success",
        "mfa.code:failure",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

fn totp_secret_bytes(base32: &str) -> Vec<u8> {
    // RFC 4648 base32 without padding, as authenticator apps read it.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = vec![];
    for c in base32.bytes().filter(|c| *c != b'=') {
        bits = (bits << 5) | alphabet.iter().position(|a| *a == c).unwrap() as u64;
        n += 5;
        if n >= 8 {
            out.push((bits >> (n - 8)) as u8);
            n -= 8;
        }
    }
    out
}

#[tokio::test]
async fn sensitive_actions_need_a_fresh_code_and_two_factor_on() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Step Up Co").await;
    let (colleague, colleague_email) = app.verified_user("Colleague").await;
    let p = StaffParts::of(&app, &owner).await;
    admit(
        &app,
        &p.catalog,
        &p.principal,
        &p.scope,
        colleague,
        "analyst",
    )
    .await;
    let change = |cookie: String, role: &'static str| {
        let app = &app;
        async move {
            app.call(
                path::<ChangeMemberRole>(),
                &[("user_id", &colleague.to_string()), ("role", role)],
                Some(&cookie),
            )
            .await
        }
    };
    let role_now = || async {
        let mut c = app.owner_conn().await;
        sqlx::query_scalar::<_, String>(
            "select role from role_bindings where user_id = $1 and tenant_id = $2",
        )
        .bind(colleague)
        .bind(owner.tenant.scope.tenant_id().0)
        .fetch_one(&mut c)
        .await
        .unwrap()
    };

    // Without two-factor on: refused, with the way to turn it on; nothing changes.
    let r = change(owner.cookie.clone(), "manager").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("MfaRequired"), "{}", r.body);
    assert_eq!(role_now().await, "analyst");

    // On, set up in another session: this older session has no fresh code yet.
    let other = app.session_for(&owner.email).await;
    let me_elsewhere = Member {
        cookie: other,
        ..owner.clone()
    };
    let (secret, codes, t0) = enrol(&app, &me_elsewhere).await;
    let r = change(owner.cookie.clone(), "manager").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("StepUp"), "{}", r.body);
    assert_eq!(role_now().await, "analyst");
    // A wrong code does not let it through.
    let r = app
        .call(path::<StepUp>(), &[("code", "123456")], Some(&owner.cookie))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        change(owner.cookie.clone(), "manager").await.status,
        StatusCode::FORBIDDEN
    );
    // A fresh code does, for this session only.
    let code = code_at(&secret, t0 + 30).unwrap();
    let r = app
        .call(path::<StepUp>(), &[("code", &code)], Some(&owner.cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = change(owner.cookie.clone(), "manager").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(role_now().await, "manager");
    // The colleague's own session is not stepped up by the owner's code.
    let theirs = app.session_for(&colleague_email).await;
    let r = app
        .call(path::<StepUp>(), &[("code", &code)], Some(&theirs))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The access review now says the owner has two-factor on.
    let review = cadence::audit::review::access_review(&app.db, &owner.tenant.scope)
        .await
        .unwrap();
    assert!(review.iter().any(|e| e.user_id == owner.user_id && e.mfa));
    assert!(review.iter().any(|e| e.user_id == colleague && !e.mfa));

    // New recovery codes and turning it off both need a right code.
    let r = app
        .call(
            path::<NewRecoveryCodes>(),
            &[("code", "999999")],
            Some(&owner.cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // (Within one 30-second step the app has no newer code: a recovery code does.)
    let r = app
        .call(
            path::<DisableMfa>(),
            &[("code", &codes[0])],
            Some(&owner.cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Off: the password alone signs in again.
    assert!(
        signed_in(
            &app,
            &log_in(&app, &owner.email).await.session_cookie().unwrap()
        )
        .await
    );
}
