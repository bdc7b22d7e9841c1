//! Commerce: records move only along their workflow, each move audited.

use super::*;

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
    admit(
        &shop.app,
        &shop.catalog,
        &shop.principal,
        &shop.scope,
        analyst,
        "analyst",
    )
    .await;
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
