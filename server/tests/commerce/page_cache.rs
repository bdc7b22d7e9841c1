//! Storefront pages kept in each server's cache: a change through one server reaches another within
//! a moment (LISTEN/NOTIFY), a lost listener empties the cache, per-visitor pages (cart, receipt)
//! are never served to another visitor or tenant, and the one-round-trip reads keep row-level
//! security and leave no setting on the pooled connection.

use super::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::time::{Duration, Instant};

async fn get_with_cookie(
    app: &TestApp,
    host: &str,
    path: &str,
    cookie: &str,
) -> (StatusCode, String) {
    let res = app
        .send(
            Request::get(path)
                .header(header::HOST, host)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let status = res.status();
    (status, body_text(res).await)
}

/// Starts `app`'s change listener and waits until it listens.
async fn listening(app: &TestApp) -> tokio::task::JoinHandle<()> {
    let task = cadence::storefront::spawn_listener(app.db.clone());
    let cache = app.db.storefront_cache().clone();
    wait_until(Duration::from_secs(10), "the listener connects", || {
        let cache = cache.clone();
        async move { cache.is_enabled() }
    })
    .await;
    task
}

async fn wait_until<F, Fut>(bound: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < bound, "{what}: not within {bound:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A product of `tenant` written as the owner role (set-up with no product path: staff of that
/// tenant would be needed otherwise); row-level security is forced for the owner too.
async fn product_of(app: &TestApp, tenant: &cadence::tenancy::ResolvedTenant, title: &str) -> Uuid {
    let id = Uuid::now_v7();
    let mut owner = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut owner).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant.scope.tenant_id().to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "insert into catalog_items (tenant_id, id, kind, title, currency, price)
         values ($1, $2, 'product', $3, 'USD', 3)",
    )
    .bind(tenant.scope.tenant_id().0)
    .bind(id)
    .bind(title)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn hits(app: &TestApp) -> u64 {
    app.db.storefront_cache().stats().0
}

#[tokio::test]
async fn a_price_change_through_one_server_reaches_the_others_cached_pages_at_once() {
    let shop = Shop::new("USD").await;
    let item = shop.item("product", "Enamel mug", "10.00").await;
    // A second app server: its own pool and cache, the same database.
    let other = TestApp::spawn().await;
    let _listener = listening(&other).await;
    let host = storefront_host(&shop.owner.tenant.slug);
    let item_path = format!("/items/{item}");
    for path in ["/", item_path.as_str()] {
        let (status, body) = other.get(&host, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("10.00 USD"), "{path}");
        assert!(
            served_from_cache(&other, &host, path).await,
            "{path}: a later answer came from the cache"
        );
    }

    // The owner changes the price through the first server.
    let meta = Default::default();
    commerce::save_item(
        &shop.app.db,
        &shop.staff(&meta),
        Some(item),
        &ItemInput {
            kind: "product".into(),
            title: "Enamel mug".into(),
            price: "12.50".into(),
            active: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for path in ["/", item_path.as_str()] {
        wait_until(Duration::from_secs(2), path, || async {
            let (_, body) = other.get(&host, path).await;
            body.contains("12.50 USD") && !body.contains("10.00 USD")
        })
        .await;
    }

    // A lost listener connection empties the cache (notices sent meanwhile are lost), and the
    // cache is used again once the listener is back.
    let (_, page) = other.get(&host, &item_path).await;
    assert!(page.contains("12.50 USD"));
    assert!(
        served_from_cache(&other, &host, &item_path).await,
        "kept before the connection is lost"
    );
    let mut c = other.app_conn().await;
    let killed: i64 = sqlx::query_scalar(
        "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = 'cadence-listener' and datname = current_database()) k",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert!(killed >= 1);
    let cache = other.db.storefront_cache().clone();
    wait_until(Duration::from_secs(5), "the listener notices", || {
        let cache = cache.clone();
        async move { !cache.is_enabled() }
    })
    .await;
    wait_until(Duration::from_secs(10), "the listener reconnects", || {
        let cache = cache.clone();
        async move { cache.is_enabled() }
    })
    .await;
    let before = hits(&other);
    let (_, page) = other.get(&host, &item_path).await;
    assert!(page.contains("12.50 USD"));
    assert_eq!(
        hits(&other),
        before,
        "the page was read again after the reconnection"
    );
    assert!(
        served_from_cache(&other, &host, &item_path).await,
        "and kept again"
    );
}

/// Whether a page comes from the cache within a few reads. The other tests of this binary write
/// to other tenants on the same database at the same time, and a page read while any tenant's
/// entries are being dropped is not kept (it might predate the write), so one read may miss.
async fn served_from_cache(app: &TestApp, host: &str, path: &str) -> bool {
    for _ in 0..20 {
        let before = hits(app);
        let (_, _) = app.get(host, path).await;
        if hits(app) > before {
            return true;
        }
    }
    false
}

fn tokens(page: &str) -> Vec<String> {
    page.match_indices("name=\"token\" value=\"")
        .map(|(i, m)| page[i + m.len()..i + m.len() + 36].to_string())
        .collect()
}

#[tokio::test]
async fn a_cart_page_is_only_ever_the_visitors_own_cart_with_fresh_tokens() {
    let shop = Shop::new("USD").await;
    let mug = shop.item("product", "Blue mug", "8.00").await;
    let lamp = shop.item("product", "Brass lamp", "40.00").await;
    let host = storefront_host(&shop.owner.tenant.slug);
    let app = &shop.app;
    let a = format!("cadence_cart={mug}:2");
    let b = format!("cadence_cart={lamp}:1");
    let (_, first) = get_with_cookie(app, &host, "/cart", &a).await;
    let before = hits(app);
    let (status, again) = get_with_cookie(app, &host, "/cart", &a).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hits(app), before + 1, "the same cart is kept");
    assert!(again.contains("Blue mug") && again.contains("16.00 USD"));
    // Each answer carries its own checkout token, never a kept one.
    let (t1, t2) = (tokens(&first), tokens(&again));
    assert_eq!((t1.len(), t2.len()), (1, 1));
    assert_ne!(t1, t2);
    assert!(Uuid::parse_str(&t1[0]).is_ok());

    let (_, other) = get_with_cookie(app, &host, "/cart", &b).await;
    assert!(other.contains("Brass lamp") && !other.contains("Blue mug"));
    let (_, none) = app.get(&host, "/cart").await;
    assert!(!none.contains("Blue mug") && !none.contains("Brass lamp"));
    // Junk around the same lines is the same cart; a different quantity is not.
    let (_, junk) = get_with_cookie(app, &host, "/cart", &format!("{a},nonsense")).await;
    assert!(junk.contains("16.00 USD"));
    let (_, three) = get_with_cookie(app, &host, "/cart", &format!("cadence_cart={mug}:3")).await;
    assert!(three.contains("24.00 USD") && !three.contains("16.00 USD"));

    // A campaign page's two forms get two fresh tokens on every answer.
    let campaign = shop.item("donation", "Roof fund", "").await;
    let (_, d1) = app.get(&host, &format!("/items/{campaign}")).await;
    let (_, d2) = app.get(&host, &format!("/items/{campaign}")).await;
    let (k1, k2) = (tokens(&d1), tokens(&d2));
    assert_eq!(k1.len(), 2, "donation and pledge forms");
    assert_ne!(k1[0], k1[1]);
    assert!(k2.iter().all(|t| !k1.contains(t)));
}

#[tokio::test]
async fn a_receipt_is_served_only_for_its_own_reference_and_tenant() {
    let shop = Shop::new("USD").await;
    let mug = shop.item("product", "Clay mug", "7.00").await;
    let host = storefront_host(&shop.owner.tenant.slug);
    let app = &shop.app;
    let order = |qty: i32, token: Uuid| {
        let public = shop.public();
        async move {
            commerce::place_order(
                &app.db,
                &public,
                &[(mug, qty)],
                &visitor(),
                token,
                Touch::default(),
            )
            .await
            .unwrap()
        }
    };
    let (t1, t2, t3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let r1 = order(1, t1).await;
    let r2 = order(3, t2).await;
    let thanks = |t: Uuid| format!("/thanks?kind=order&ref={t}");
    for _ in 0..2 {
        let (status, page) = app.get(&host, &thanks(t1)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&r1.number) && page.contains("7.00 USD"));
    }
    let (_, page) = app.get(&host, &thanks(t2)).await;
    assert!(page.contains(&r2.number) && page.contains("21.00 USD") && !page.contains(&r1.number));
    // Asked before it exists: not found, and not remembered as such.
    assert_eq!(app.get(&host, &thanks(t3)).await.0, StatusCode::NOT_FOUND);
    let r3 = order(2, t3).await;
    let (status, page) = app.get(&host, &thanks(t3)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&r3.number));
    // Another kind with the same reference is another (missing) record.
    let (status, _) = app
        .get(&host, &format!("/thanks?kind=donation&ref={t1}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_kept_page_is_never_served_on_another_tenants_storefront() {
    let shop = Shop::new("USD").await;
    let mug = shop.item("product", "Secret mug", "9.00").await;
    let app = &shop.app;
    let other = app.new_tenant("Other Shop").await;
    product_of(app, &other, "Plain cup").await;
    let token = Uuid::now_v7();
    commerce::place_order(
        &app.db,
        &shop.public(),
        &[(mug, 1)],
        &visitor(),
        token,
        Touch::default(),
    )
    .await
    .unwrap();
    let mine = storefront_host(&shop.owner.tenant.slug);
    let theirs = storefront_host(&other.slug);
    let cart = format!("cadence_cart={mug}:1");
    let receipt = format!("/thanks?kind=order&ref={token}");
    let item_path = format!("/items/{mug}");
    // Kept on the first storefront...
    for _ in 0..2 {
        assert!(app.get(&mine, "/").await.1.contains("Secret mug"));
        assert!(app.get(&mine, &item_path).await.1.contains("Secret mug"));
        assert!(
            get_with_cookie(app, &mine, "/cart", &cart)
                .await
                .1
                .contains("Secret mug")
        );
        assert_eq!(app.get(&mine, &receipt).await.0, StatusCode::OK);
    }
    // ...and never on the other.
    let (_, home) = app.get(&theirs, "/").await;
    assert!(home.contains("Plain cup") && !home.contains("Secret mug"));
    assert_eq!(app.get(&theirs, &item_path).await.0, StatusCode::NOT_FOUND);
    let (_, cart_page) = get_with_cookie(app, &theirs, "/cart", &cart).await;
    assert!(!cart_page.contains("Secret mug") && !cart_page.contains("9.00"));
    assert_eq!(app.get(&theirs, &receipt).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_one_round_trip_reads_keep_row_level_security_and_leave_no_setting_behind() {
    let shop = Shop::new("USD").await;
    let mine = shop.item("product", "Own kettle", "20.00").await;
    let other = shop.app.new_tenant("Neighbour").await;
    let theirs = product_of(&shop.app, &other, "Their kettle").await;
    let token = Uuid::now_v7();
    commerce::place_order(
        &shop.app.db,
        &shop.public(),
        &[(mine, 1)],
        &visitor(),
        token,
        Touch::default(),
    )
    .await
    .unwrap();

    // One pooled connection: every read below and the probes after them share it.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&test_db().app_url)
        .await
        .unwrap();
    let pid: i32 = sqlx::query_scalar("select pg_backend_pid()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let db = cadence::db::Database::from_pool(pool.clone());
    let scope = shop.public();
    let found = commerce::items(&db, &scope, &[mine, theirs]).await.unwrap();
    assert_eq!(found.iter().map(|i| i.id).collect::<Vec<_>>(), vec![mine]);
    assert!(matches!(
        commerce::item(&db, &other.scope, mine).await,
        Err(cadence::Error::NotFound)
    ));
    assert_eq!(
        commerce::item(&db, &other.scope, theirs)
            .await
            .unwrap()
            .title,
        "Their kettle"
    );
    assert!(
        commerce::receipt(&db, &scope, RecordKind::Order, token)
            .await
            .is_ok()
    );
    assert!(matches!(
        commerce::receipt(&db, &other.scope, RecordKind::Order, token).await,
        Err(cadence::Error::NotFound)
    ));

    let mut conn = pool.acquire().await.unwrap();
    let (same_pid, setting, visible): (i32, String, i64) = sqlx::query_as(
        "select pg_backend_pid(), coalesce(current_setting('app.tenant_id', true), ''),
                (select count(*) from catalog_items)",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(
        same_pid, pid,
        "the probe ran on the connection the reads used"
    );
    assert_eq!(setting, "", "no tenant setting outlives its statement");
    assert_eq!(visible, 0, "without the door, no tenant's rows are visible");
    // A savepoint is refused outside a transaction block: none was left open.
    assert!(
        sqlx::query("savepoint probe")
            .execute(&mut *conn)
            .await
            .is_err(),
        "no transaction was left open"
    );
    // The read functions cannot be used to reach around the door: the app role cannot change
    // them, and they run with the caller's rights (security invoker).
    let definer: bool = sqlx::query_scalar(
        "select bool_or(prosecdef) from pg_proc where proname in ('storefront_items', 'storefront_receipt')",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert!(!definer);
}
