//! Storefront commerce through the core: gapless numbers under concurrency, idempotency tokens,
//! exact KWD totals, attribution to first and last visits, refusals that write nothing, and the
//! status workflows.

mod common;
use cadence::Uuid;
use cadence::commerce::{
    self, Arrival, Contact, ItemInput, RecordFilter, RecordKind, Staff, Touch,
};
use common::*;
use std::sync::Arc;

struct Shop {
    app: TestApp,
    owner: Member,
    catalog: cadence::access::RoleCatalog,
    principal: cadence::access::Principal,
    scope: cadence::tenancy::TenantScope,
}

impl Shop {
    async fn new(currency: &str) -> Shop {
        let app = TestApp::spawn().await;
        let owner = app.member_of_new_tenant("Souq Shop").await;
        let mut c = app.owner_conn().await;
        sqlx::query("update tenants set currency = $1 where id = $2")
            .bind(currency)
            .bind(owner.tenant.scope.tenant_id().0)
            .execute(&mut c)
            .await
            .unwrap();
        let catalog = cadence::access::load_catalog(&app.db).await.unwrap();
        let principal = cadence::access::principal(&app.db, owner.user_id)
            .await
            .unwrap();
        let scope =
            cadence::access::enter_tenant(&catalog, &principal, owner.tenant.scope.tenant_id())
                .unwrap();
        Shop {
            app,
            owner,
            catalog,
            principal,
            scope,
        }
    }

    fn staff<'a>(&'a self, meta: &'a cadence::audit::RequestMeta) -> Staff<'a> {
        Staff {
            catalog: &self.catalog,
            principal: &self.principal,
            scope: &self.scope,
            meta,
        }
    }

    async fn item(&self, kind: &str, title: &str, price: &str) -> Uuid {
        let meta = Default::default();
        commerce::save_item(
            &self.app.db,
            &self.staff(&meta),
            None,
            &ItemInput {
                kind: kind.into(),
                title: title.into(),
                price: price.into(),
                min_amount: if kind == "donation" {
                    "1".into()
                } else {
                    String::new()
                },
                active: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
    }

    /// The anonymous storefront scope (what visitors' requests use).
    fn public(&self) -> cadence::tenancy::TenantScope {
        self.owner.tenant.scope.clone()
    }
}

fn visitor() -> Contact {
    Contact {
        name: "Fatima Visitor".into(),
        email: "fatima@example.com".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn fifty_concurrent_orders_get_fifty_consecutive_numbers() {
    let shop = Arc::new(Shop::new("USD").await);
    let item = shop.item("product", "Mug", "12.00").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let shop = shop.clone();
        tasks.push(tokio::spawn(async move {
            commerce::place_order(
                &shop.app.db,
                &shop.public(),
                &[(item, 1)],
                &visitor(),
                Uuid::now_v7(),
                Touch::default(),
            )
            .await
            .unwrap()
            .number
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|n| RecordKind::Order.number(n)).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn a_repeated_token_makes_one_record_even_when_sent_at_once() {
    let shop = Arc::new(Shop::new("USD").await);
    let item = shop.item("product", "Tote", "5.00").await;
    let token = Uuid::now_v7();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let shop = shop.clone();
        tasks.push(tokio::spawn(async move {
            commerce::place_order(
                &shop.app.db,
                &shop.public(),
                &[(item, 2)],
                &visitor(),
                token,
                Touch::default(),
            )
            .await
            .unwrap()
        }));
    }
    let mut receipts = Vec::new();
    for t in tasks {
        receipts.push(t.await.unwrap());
    }
    assert!(
        receipts
            .iter()
            .all(|r| r.number == receipts[0].number && r.id == receipts[0].id)
    );
    assert_eq!(receipts.iter().filter(|r| r.created).count(), 1);
    let meta = Default::default();
    let list = commerce::list_records(
        &shop.app.db,
        &shop.staff(&meta),
        RecordKind::Order,
        &RecordFilter::default(),
    )
    .await
    .unwrap();
    assert_eq!(list.len(), 1);
    // The next order still gets the next number: nothing was skipped.
    let next = commerce::place_order(
        &shop.app.db,
        &shop.public(),
        &[(item, 1)],
        &visitor(),
        Uuid::now_v7(),
        Touch::default(),
    )
    .await
    .unwrap();
    assert_eq!(next.number, "ORD-00002");
}

#[tokio::test]
async fn kwd_totals_are_exact_to_the_fils_and_client_prices_are_never_used() {
    let shop = Shop::new("KWD").await;
    let a = shop.item("product", "Dates box", "1.250").await;
    let b = shop.item("service", "Gift wrap", "0.105").await;
    let r = commerce::place_order(
        &shop.app.db,
        &shop.public(),
        &[(a, 3), (b, 7)],
        &visitor(),
        Uuid::now_v7(),
        Touch::default(),
    )
    .await
    .unwrap();
    // 3 × 1.250 + 7 × 0.105 = 3.750 + 0.735 = 4.485, never 4.4849999.
    assert_eq!(r.total, "4.485 KWD");
    let mut c = shop.app.app_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(shop.public().tenant_id().to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let (total, lines): (String, String) = sqlx::query_as(
        "select o.total::text, string_agg(l.line_total::text, ' ' order by l.line)
           from orders o join order_lines l on l.order_id = o.id where o.id = $1 group by o.total",
    )
    .bind(r.id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(
        (total.as_str(), lines.as_str()),
        ("4.4850", "3.7500 0.7350")
    );
    // A price with more places than the currency has is refused when the item is saved.
    let meta = Default::default();
    let e = commerce::save_item(
        &shop.app.db,
        &shop.staff(&meta),
        None,
        &ItemInput {
            kind: "product".into(),
            title: "Too precise".into(),
            price: "1.2345".into(),
            active: true,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("3 decimal places"), "{e}");
}

#[tokio::test]
async fn bad_submissions_are_refused_and_write_nothing() {
    let shop = Shop::new("USD").await;
    let item = shop.item("product", "Cap", "10.00").await;
    let campaign = shop.item("donation", "Relief fund", "").await;
    let meta = Default::default();
    let db = &shop.app.db;
    let public = shop.public();
    let order = |lines: Vec<(Uuid, i32)>, contact: Contact| {
        let public = public.clone();
        async move {
            commerce::place_order(
                db,
                &public,
                &lines,
                &contact,
                Uuid::now_v7(),
                Touch::default(),
            )
            .await
            .unwrap_err()
            .to_string()
        }
    };
    assert!(order(vec![], visitor()).await.contains("empty"));
    assert!(
        order(vec![(item, 0)], visitor())
            .await
            .contains("between 1 and")
    );
    assert!(
        order(vec![(Uuid::now_v7(), 1)], visitor())
            .await
            .contains("no longer available")
    );
    // A donation campaign is not something to put in a cart.
    assert!(
        order(vec![(campaign, 1)], visitor())
            .await
            .contains("no longer available")
    );
    let bad_email = Contact {
        email: "nope".into(),
        ..visitor()
    };
    assert!(order(vec![(item, 1)], bad_email).await.contains("email"));
    commerce::set_archived(db, &shop.staff(&meta), item, true)
        .await
        .unwrap();
    assert!(
        order(vec![(item, 1)], visitor())
            .await
            .contains("no longer available")
    );

    let give = |amount: &'static str| {
        let public = public.clone();
        async move {
            commerce::donate(
                db,
                &public,
                campaign,
                amount,
                &visitor(),
                Uuid::now_v7(),
                Touch::default(),
            )
            .await
            .unwrap_err()
            .to_string()
        }
    };
    assert!(give("0.50").await.contains("smallest donation"));
    assert!(give("-5").await.contains("negative"));
    assert!(give("ten").await.contains("amount"));
    let past = commerce::pledge(
        db,
        &public,
        campaign,
        "10",
        "2020-01-01",
        &visitor(),
        Uuid::now_v7(),
        Touch::default(),
    )
    .await
    .unwrap_err();
    assert!(past.to_string().contains("future"), "{past}");

    for kind in [RecordKind::Order, RecordKind::Donation, RecordKind::Pledge] {
        let rows = commerce::list_records(db, &shop.staff(&meta), kind, &RecordFilter::default())
            .await
            .unwrap();
        assert!(rows.is_empty(), "{kind:?} has {} rows", rows.len());
    }
    // Script in a name is stored as text (pages escape it), not refused.
    let r = commerce::donate(
        db,
        &public,
        campaign,
        "5",
        &Contact {
            name: "<script>alert(1)</script>".into(),
            ..visitor()
        },
        Uuid::now_v7(),
        Touch::default(),
    )
    .await
    .unwrap();
    assert_eq!(r.number, "DON-00001");
}

#[tokio::test]
async fn conversions_link_to_first_and_last_touch_and_count_by_channel() {
    let shop = Shop::new("USD").await;
    let item = shop.item("product", "Hat", "20.00").await;
    let db = &shop.app.db;
    let public = shop.public();
    let visitor_id = Uuid::now_v7();
    let first = commerce::record_visit(
        db,
        &public,
        visitor_id,
        &Arrival::from_request(
            [("utm_source", "Google"), ("gclid", "abc")],
            None,
            "/?utm_source=Google",
        ),
    )
    .await
    .unwrap();
    let last = commerce::record_visit(
        db,
        &public,
        visitor_id,
        &Arrival::from_request([("utm_source", "facebook")], None, "/?utm_source=facebook"),
    )
    .await
    .unwrap();
    let r = commerce::place_order(
        db,
        &public,
        &[(item, 1)],
        &visitor(),
        Uuid::now_v7(),
        Touch {
            visitor: Some(visitor_id),
        },
    )
    .await
    .unwrap();
    let meta = Default::default();
    let rows = commerce::list_records(
        db,
        &shop.staff(&meta),
        RecordKind::Order,
        &RecordFilter::default(),
    )
    .await
    .unwrap();
    assert_eq!(rows[0].channel, "facebook");
    let mut c = shop.app.app_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(public.tenant_id().to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let (f, l): (Uuid, Uuid) =
        sqlx::query_as("select first_visit_id, last_visit_id from orders where id = $1")
            .bind(r.id)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!((f, l), (first, last));
    let today = chrono::Utc::now().date_naive();
    let (visits, by_channel) = commerce::channel_summary(db, &shop.staff(&meta), today, today)
        .await
        .unwrap();
    assert_eq!(visits, 2);
    assert_eq!(by_channel.len(), 1);
    assert_eq!(
        (
            by_channel[0].channel.as_str(),
            by_channel[0].kind.as_str(),
            by_channel[0].count
        ),
        ("facebook", "order", 1)
    );

    // The detail page's data: lines, both touches, and the history of status moves.
    let who = shop.staff(&meta);
    commerce::change_status(db, &who, RecordKind::Order, r.id, "confirmed", None)
        .await
        .unwrap();
    let d = commerce::record_detail(db, &who, RecordKind::Order, r.id)
        .await
        .unwrap();
    assert_eq!(d.number, "ORD-00001");
    assert_eq!(d.status, "confirmed");
    assert_eq!(d.lines.len(), 1);
    assert_eq!(d.money(d.amount), "20.00 USD");
    assert_eq!(
        d.first_touch
            .as_ref()
            .unwrap()
            .arrival
            .utm_source
            .as_deref(),
        Some("google")
    );
    assert_eq!(
        d.first_touch.as_ref().unwrap().arrival.gclid.as_deref(),
        Some("abc")
    );
    assert_eq!(
        d.last_touch.as_ref().unwrap().arrival.utm_source.as_deref(),
        Some("facebook")
    );
    assert_eq!(d.history.len(), 1);
    assert_eq!(d.history[0].change, "pending → confirmed");
    // Another tenant's staff cannot open it, even with its id.
    let other = Shop::new("USD").await;
    let err = commerce::record_detail(&other.app.db, &other.staff(&meta), RecordKind::Order, r.id)
        .await
        .unwrap_err();
    assert!(matches!(err, cadence::Error::NotFound), "{err:?}");
}

#[tokio::test]
async fn records_move_only_along_their_workflow_and_each_move_is_audited() {
    let shop = Shop::new("USD").await;
    let item = shop.item("product", "Scarf", "15.00").await;
    let campaign = shop.item("donation", "Fund", "").await;
    let db = &shop.app.db;
    let public = shop.public();
    let meta = Default::default();
    let who = shop.staff(&meta);
    let order = commerce::place_order(
        db,
        &public,
        &[(item, 1)],
        &visitor(),
        Uuid::now_v7(),
        Touch::default(),
    )
    .await
    .unwrap();
    let e = commerce::change_status(db, &who, RecordKind::Order, order.id, "fulfilled", None)
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("pending: it cannot become fulfilled"),
        "{e}"
    );
    commerce::change_status(db, &who, RecordKind::Order, order.id, "confirmed", None)
        .await
        .unwrap();
    commerce::change_status(db, &who, RecordKind::Order, order.id, "fulfilled", None)
        .await
        .unwrap();
    assert!(
        commerce::change_status(db, &who, RecordKind::Order, order.id, "cancelled", None)
            .await
            .is_err()
    );

    let future = (chrono::Utc::now().date_naive() + chrono::Days::new(20)).to_string();
    let p = commerce::pledge(
        db,
        &public,
        campaign,
        "100",
        &future,
        &visitor(),
        Uuid::now_v7(),
        Touch::default(),
    )
    .await
    .unwrap();
    let e = commerce::change_status(
        db,
        &who,
        RecordKind::Pledge,
        p.id,
        "partially_fulfilled",
        Some("150"),
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("below the pledged 100.00 USD"),
        "{e}"
    );
    commerce::change_status(
        db,
        &who,
        RecordKind::Pledge,
        p.id,
        "partially_fulfilled",
        Some("40"),
    )
    .await
    .unwrap();
    let rows = commerce::list_records(db, &who, RecordKind::Pledge, &RecordFilter::default())
        .await
        .unwrap();
    assert_eq!(rows[0].status, "partially_fulfilled");
    assert_eq!(rows[0].money(rows[0].fulfilled.unwrap()), "40.00 USD");

    let csv = commerce::export_csv(db, &who, RecordKind::Order, &RecordFilter::default())
        .await
        .unwrap();
    assert!(csv.starts_with("number,status,"));
    assert!(csv.contains("ORD-00001,fulfilled,"));
    let events = cadence::audit::recent_for_tenant(db, &shop.scope, 50)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .filter(|e| e.action == "record.status")
            .count()
            >= 3
    );
    assert!(events.iter().any(|e| e.action == "export.csv"));

    // An analyst reads the records but cannot move them.
    let (analyst, _) = shop.app.verified_user("Ana").await;
    cadence::access::grant_role(
        db,
        &shop.catalog,
        &shop.principal,
        &shop.scope,
        analyst,
        "analyst",
        &meta,
    )
    .await
    .unwrap();
    let ap = cadence::access::principal(db, analyst).await.unwrap();
    let ascope = cadence::access::enter_tenant(&shop.catalog, &ap, shop.scope.tenant_id()).unwrap();
    let awho = Staff {
        catalog: &shop.catalog,
        principal: &ap,
        scope: &ascope,
        meta: &meta,
    };
    assert_eq!(
        commerce::list_records(db, &awho, RecordKind::Order, &RecordFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    let e = commerce::change_status(db, &awho, RecordKind::Pledge, p.id, "fulfilled", None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("orders.write"), "{e}");
}

#[tokio::test]
async fn an_unpublished_storefront_shows_unavailable_and_no_data() {
    let shop = Shop::new("USD").await;
    shop.item("product", "Hidden lamp", "30.00").await;
    let host = storefront_host(&shop.owner.tenant.slug);
    let (status, body) = shop.app.get(&host, "/").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(body.contains("Hidden lamp"));
    let meta = Default::default();
    let mut s = cadence::storefront::settings(&shop.app.db, &shop.scope)
        .await
        .unwrap();
    s.published = false;
    cadence::storefront::save_settings(&shop.app.db, &shop.staff(&meta), &s)
        .await
        .unwrap();
    for path in ["/", "/cart"] {
        let (status, body) = shop.app.get(&host, path).await;
        assert_eq!(
            status,
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "{path}"
        );
        assert!(
            !body.contains("Hidden lamp") && !body.contains("Souq Shop"),
            "{path}"
        );
    }
    // A bad contact email is refused and changes nothing.
    s.published = true;
    s.contact_email = "nope".into();
    assert!(
        cadence::storefront::save_settings(&shop.app.db, &shop.staff(&meta), &s)
            .await
            .is_err()
    );
    assert!(
        !cadence::storefront::settings(&shop.app.db, &shop.scope)
            .await
            .unwrap()
            .published
    );
}

#[tokio::test]
async fn branding_is_checked_saved_and_shown_and_arabic_reads_right_to_left() {
    let shop = Shop::new("KWD").await;
    let item = shop.item("product", "Dates box", "1250.5").await;
    let host = storefront_host(&shop.owner.tenant.slug);
    // The home is cached per tenant: load it once so the test proves writes refresh it.
    let (_, before) = shop.app.get(&host, "/").await;
    assert!(before.contains("lang=\"en\" dir=\"ltr\"") && before.contains("1,250.500 KWD"));

    let meta = Default::default();
    let who = shop.staff(&meta);
    let db = &shop.app.db;
    let good = || async {
        cadence::storefront::settings(db, &shop.scope)
            .await
            .unwrap()
    };

    // Each bad value is refused with its reason, and nothing changes.
    let mut s = good().await;
    s.brand_color = "#ffee88".into();
    let err = cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("too light"), "{err}");
    let mut s = good().await;
    s.header_color = "blue".into();
    assert!(
        cadence::storefront::save_settings(db, &who, &s)
            .await
            .unwrap_err()
            .to_string()
            .contains("#1f6feb")
    );
    let mut s = good().await;
    s.social_links = vec![("instagram".into(), "https://evil.example/x".into())];
    assert!(
        cadence::storefront::save_settings(db, &who, &s)
            .await
            .unwrap_err()
            .to_string()
            .contains("instagram.com")
    );
    let mut s = good().await;
    s.language = "fr".into();
    assert!(
        cadence::storefront::save_settings(db, &who, &s)
            .await
            .is_err()
    );
    // The currency cannot change while live items are priced in another one.
    let mut s = good().await;
    s.currency = "USD".into();
    let err = cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1 catalog item is priced in another currency"),
        "{err}"
    );
    let unchanged = good().await;
    assert_eq!(
        (
            unchanged.currency.as_str(),
            unchanged.language.as_str(),
            unchanged.brand_color.as_str()
        ),
        ("KWD", "en", "")
    );

    // Good values are normalised, saved, and the storefront shows them at once.
    let mut s = good().await;
    s.brand_color = "#075".into();
    s.header_color = "#0b1f3a".into();
    s.social_links = vec![
        ("instagram".into(), "https://www.instagram.com/souq".into()),
        ("website".into(), "".into()),
    ];
    s.language = "ar".into();
    cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap();
    let saved = good().await;
    assert_eq!(saved.brand_color, "#007755");
    assert_eq!(
        saved.social_links,
        vec![(
            "instagram".to_string(),
            "https://www.instagram.com/souq".to_string()
        )]
    );
    let (_, home) = shop.app.get(&host, "/").await;
    assert!(
        home.contains("lang=\"ar\" dir=\"rtl\""),
        "Arabic storefronts read right to left"
    );
    assert!(
        home.contains("١٬٢٥٠٫٥٠٠ KWD"),
        "prices in Arabic digits, still exact"
    );
    assert!(home.contains("--c-primary:#007755") && home.contains("--c-header-ink:#ffffff"));
    assert!(home.contains("https://www.instagram.com/souq") && home.contains("المتجر"));
    let (_, page) = shop.app.get(&host, &format!("/items/{item}")).await;
    assert!(
        page.contains("أضف إلى السلة"),
        "the item page is in Arabic too"
    );
    let (_, cart) = shop
        .app
        .get(&host, "/cart?error=Your%20cart%20is%20empty.")
        .await;
    assert!(
        cart.contains("سلتك فارغة."),
        "a refusal reason reads in Arabic"
    );

    // After archiving the KWD item the currency can change; new prices use it.
    commerce::set_archived(db, &who, item, true).await.unwrap();
    let mut s = good().await;
    s.currency = "USD".into();
    cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap();
    let id = shop.item("product", "Mug", "4.50").await;
    assert_eq!(
        commerce::item(db, &shop.public(), id)
            .await
            .unwrap()
            .currency,
        "USD"
    );
    let (_, home) = shop.app.get(&host, "/").await;
    assert!(
        home.contains("٤٫٥٠ USD") && !home.contains("Dates box"),
        "new item shown, archived one gone"
    );
}
