//! Log-in throttling that never locks out an office: per account, per account from one address,
//! per address only at a much higher threshold, and device cookies (a browser that logged in to an
//! account before keeps trying it while unknown browsers are held off).

use super::*;

/// A random client address, so runs and tests never share an address's counts.
fn address() -> std::net::SocketAddr {
    let b = uuid::Uuid::now_v7().into_bytes();
    std::net::SocketAddr::from(([10, b[13], b[14], b[15]], 40000))
}

/// A password log-in from an address, with the cookies given (`name=value; ...`).
async fn log_in_from(
    app: &TestApp,
    from: std::net::SocketAddr,
    email: &str,
    password: &str,
    cookies: Option<&str>,
) -> Answer {
    app.call_from(
        Some(from),
        BASE_DOMAIN,
        path::<LogIn>(),
        &[("email", email), ("password", password)],
        cookies,
    )
    .await
}

/// The device cookie an answer set (`name=value`), with its attributes.
fn device_cookie(a: &Answer) -> Option<(String, String)> {
    a.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("cadence_device_"))
        .map(|c| {
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            (pair.to_string(), attrs.to_lowercase())
        })
}

fn logged_in(a: &Answer) -> bool {
    a.session_cookie().is_some() && (a.status.is_success() || a.status.is_redirection())
}

fn locked(a: &Answer) -> bool {
    a.status == StatusCode::TOO_MANY_REQUESTS && a.body.contains("Too many failed attempts")
}

/// Fails `n` times at `email` from each of `addresses`.
async fn fail_from(app: &TestApp, addresses: &[std::net::SocketAddr], email: &str, n: usize) {
    for from in addresses {
        for _ in 0..n {
            let a = log_in_from(app, *from, email, "not the password at all", None).await;
            assert!(
                a.status == StatusCode::UNAUTHORIZED || locked(&a),
                "{} {}",
                a.status,
                a.body
            );
        }
    }
}

/// Ends every lock of a throttling key that contains `part` (as if its time had passed).
async fn let_locks_expire(app: &TestApp, part: &str) {
    sqlx::query(
        "update login_throttle set locked_until = now() - interval '1 second'
          where strpos(key, $1) > 0",
    )
    .bind(part)
    .execute(&mut app.owner_conn().await)
    .await
    .unwrap();
}

#[tokio::test]
async fn wrong_passwords_for_one_account_never_block_another_accounts_log_in_from_that_address() {
    let app = TestApp::spawn().await;
    let forgetful = verified_account(&app).await;
    let colleague = verified_account(&app).await;
    let office = address();
    fail_from(&app, &[office], &forgetful, 12).await;
    // The forgetful account is held at that address, with an honest message and status…
    let held = log_in_from(&app, office, &forgetful, PASSWORD, None).await;
    assert!(locked(&held), "{} {}", held.status, held.body);
    assert!(held.body.contains("minute"), "{}", held.body);
    assert!(held.headers.get("retry-after").is_some());
    // …and everyone else in the office logs in.
    let a = log_in_from(&app, office, &colleague, PASSWORD, None).await;
    assert!(logged_in(&a), "{} {}", a.status, a.body);
}

#[tokio::test]
async fn one_address_alone_never_locks_the_account_for_other_addresses() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let attacker = address();
    // The attacker waits out every lock and keeps going, far past the account's own threshold.
    for _ in 0..4 {
        fail_from(&app, &[attacker], &email, 5).await;
        let_locks_expire(&app, &attacker.ip().to_string()).await;
    }
    let a = log_in_from(&app, address(), &email, PASSWORD, None).await;
    assert!(logged_in(&a), "{} {}", a.status, a.body);
}

#[tokio::test]
async fn the_per_address_limit_still_holds_at_its_higher_threshold() {
    let app = TestApp::spawn().await;
    // A hundred-odd log-ins from one address: the request rate limit (60 in 5 minutes per address)
    // is not what this test is about.
    cadence::ratelimit::set_scale(10.0);
    let email = verified_account(&app).await;
    let sprayer = address();
    // Guesses at many accounts, a few each: 99 failures leave the address open.
    let mut failures = 0;
    while failures < 99 {
        let target = random_email();
        let n = (99 - failures).min(5);
        fail_from(&app, &[sprayer], &target, n).await;
        failures += n;
    }
    let a = log_in_from(&app, sprayer, &email, PASSWORD, None).await;
    assert!(logged_in(&a), "{} {}", a.status, a.body);
    // The hundredth locks the address for every account…
    fail_from(&app, &[sprayer], &random_email(), 1).await;
    let a = log_in_from(&app, sprayer, &email, PASSWORD, None).await;
    assert!(locked(&a), "{} {}", a.status, a.body);
    assert!(a.body.contains("from your network"), "{}", a.body);
    // …and no other address.
    let a = log_in_from(&app, address(), &email, PASSWORD, None).await;
    assert!(logged_in(&a), "{} {}", a.status, a.body);
}

#[tokio::test]
async fn a_locked_account_holds_off_unknown_browsers_but_not_a_browser_that_logged_in_before() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let home = address();
    let first = log_in_from(&app, home, &email, PASSWORD, None).await;
    assert!(logged_in(&first), "{} {}", first.status, first.body);
    let (device, attrs) = device_cookie(&first).expect("a device cookie after log-in");
    assert!(attrs.contains("httponly"), "{attrs}");
    assert!(attrs.contains("samesite=strict"), "{attrs}");
    assert!(
        attrs.contains(&format!("path={}", path::<LogIn>().to_lowercase())),
        "{attrs}"
    );
    assert!(attrs.contains("max-age=31536000"), "{attrs}");

    // Guesses from two addresses lock the account for browsers it does not know.
    fail_from(&app, &[address(), address()], &email, 5).await;
    let stranger = log_in_from(&app, address(), &email, PASSWORD, None).await;
    assert!(locked(&stranger), "{} {}", stranger.status, stranger.body);
    let at_home = log_in_from(&app, home, &email, PASSWORD, None).await;
    assert!(locked(&at_home), "the address alone is no pass");

    // The browser with the device cookie still gets in, wherever it is, and gets a new cookie.
    let known = log_in_from(&app, address(), &email, PASSWORD, Some(&device)).await;
    assert!(logged_in(&known), "{} {}", known.status, known.body);
    let (renewed, _) = device_cookie(&known).expect("a fresh device cookie");
    assert_ne!(renewed, device);
    // The owner's log-in does not lift the lock the guessers earned.
    let stranger = log_in_from(&app, address(), &email, PASSWORD, None).await;
    assert!(locked(&stranger), "{} {}", stranger.status, stranger.body);
}

#[tokio::test]
async fn a_forged_tampered_or_other_accounts_device_cookie_gives_no_exemption() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let other = verified_account(&app).await;
    let from = address();
    let genuine = device_cookie(&log_in_from(&app, from, &email, PASSWORD, None).await)
        .expect("a device cookie")
        .0;
    let others = device_cookie(&log_in_from(&app, from, &other, PASSWORD, None).await)
        .expect("a device cookie")
        .0;
    fail_from(&app, &[address(), address()], &email, 5).await;

    let (name, value) = genuine.split_once('=').unwrap();
    let user: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind(&email)
        .fetch_one(&mut app.owner_conn().await)
        .await
        .unwrap();
    // Signed with a key that is not the server's.
    let forged = cadence::auth::device::DeviceKey::from_bytes([7u8; 32]).issue(user);
    // The genuine token with its signature changed, or with another account's id in it.
    let last = value.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &value[..value.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let (other_name, other_value) = others.split_once('=').unwrap();
    let other_user = other_name.trim_start_matches("cadence_device_");
    let relabelled = other_value.replace(other_user, &user.simple().to_string());
    for cookie in [
        format!("{name}={forged}"),
        format!("{name}={flipped}"),
        format!("{name}={relabelled}"),
        others.clone(),
        format!("{name}={other_value}"),
    ] {
        let a = log_in_from(&app, address(), &email, PASSWORD, Some(&cookie)).await;
        assert!(locked(&a), "{cookie}: {} {}", a.status, a.body);
    }
    // The genuine one still works.
    let a = log_in_from(&app, address(), &email, PASSWORD, Some(&genuine)).await;
    assert!(logged_in(&a), "{} {}", a.status, a.body);
}

#[tokio::test]
async fn a_device_cookie_that_fails_too_often_is_locked_itself() {
    let app = TestApp::spawn().await;
    let email = verified_account(&app).await;
    let from = address();
    let device = device_cookie(&log_in_from(&app, from, &email, PASSWORD, None).await)
        .expect("a device cookie")
        .0;
    fail_from(&app, &[address(), address()], &email, 5).await;
    // The known browser's wrong passwords are answered (not held by the account's lock)…
    for _ in 0..5 {
        let a = log_in_from(&app, from, &email, "still not it", Some(&device)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
        assert!(a.body.contains("do not match"), "{}", a.body);
    }
    // …until its own count runs out: then it is an unknown browser, and the account is locked.
    let a = log_in_from(&app, from, &email, PASSWORD, Some(&device)).await;
    assert!(locked(&a), "{} {}", a.status, a.body);
}
