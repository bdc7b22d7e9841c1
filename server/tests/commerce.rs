//! Storefront commerce through the core: gapless numbers under concurrency, idempotency tokens,
//! exact KWD totals, attribution to first and last visits, refusals that write nothing, and the
//! status workflows.

#[path = "commerce/attribution.rs"]
mod attribution;
mod common;
#[path = "commerce/page_cache.rs"]
mod page_cache;
#[path = "commerce/storefront.rs"]
mod storefront;
#[path = "commerce/workflow.rs"]
mod workflow;
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
