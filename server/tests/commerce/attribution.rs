//! Commerce: conversions linked to the first and last visit, counted by channel.

use super::*;

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
