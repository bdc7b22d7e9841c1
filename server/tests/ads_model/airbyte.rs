//! Airbyte's PostgreSQL destination tables, typed and raw layouts, read where Airbyte wrote them.

use super::*;

#[tokio::test]
async fn airbyte_typed_and_raw_tables_route_each_account_to_its_tenant() {
    let app = TestApp::spawn().await;
    let a = Team::new(app).await;
    let b = Team::new(TestApp::spawn().await).await;
    let (acc_a, acc_b) = (
        a.account(Platform::Meta).await,
        b.account(Platform::Meta).await,
    );
    // Synced rows go where an operator assigned the account, not where it was listed.
    a.assign(Platform::Meta, &acc_a).await;
    b.assign(Platform::Meta, &acc_b).await;
    let nobody = random_account();
    let schema = format!(
        "airbyte_{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let mut owner = a.app.owner_conn().await;
    let record = |acc: &str, ad: &str, spend: &str| {
        format!(
            r#"{{"date_start":"2026-11-02","account_id":"{acc}","campaign_id":"1","adset_id":"2","ad_id":"{ad}","account_currency":"USD","impressions":10,"clicks":1,"spend":{spend},"actions":[{{"action_type":"purchase","value":"1"}}]}}"#
        )
    };
    let rows = [
        record(&acc_a, "a1", "1.25"),
        record(&acc_a, "a2", "2.50"),
        record(&acc_b, "b1", "7.00"),
        record(&nobody, "n1", "9.99"),
    ];
    // Typed layout: columns named after the fields, arrays as jsonb, Airbyte's own columns.
    sqlx::raw_sql(&format!(
        "create schema {schema};
         create table {schema}.ads_insights (_airbyte_raw_id uuid default gen_random_uuid(),
             _airbyte_extracted_at timestamptz default now(), _airbyte_meta jsonb default '{{}}',
             _airbyte_generation_id bigint default 0, date_start date, account_id text,
             campaign_id text, adset_id text, ad_id text, account_currency text,
             impressions bigint, clicks bigint, spend numeric, actions jsonb);
         create schema if not exists airbyte_internal;
         create table airbyte_internal.{schema}_raw__stream_ads (_airbyte_raw_id uuid default gen_random_uuid(),
             _airbyte_extracted_at timestamptz default now(), _airbyte_loaded_at timestamptz,
             _airbyte_data jsonb, _airbyte_meta jsonb);
         grant usage on schema {schema}, airbyte_internal to cadence_app;
         grant select on all tables in schema {schema} to cadence_app;
         grant select on all tables in schema airbyte_internal to cadence_app;"
    ))
    .execute(&mut owner)
    .await
    .unwrap();
    for r in &rows {
        sqlx::query(&format!(
            "insert into {schema}.ads_insights (date_start, account_id, campaign_id, adset_id, ad_id,
                 account_currency, impressions, clicks, spend, actions)
             select (j->>'date_start')::date, j->>'account_id', j->>'campaign_id', j->>'adset_id',
                 j->>'ad_id', j->>'account_currency', (j->>'impressions')::bigint,
                 (j->>'clicks')::bigint, (j->>'spend')::numeric, j->'actions'
               from (select $1::jsonb as j) x"
        ))
        .bind(r)
        .execute(&mut owner)
        .await
        .unwrap();
    }
    let report = ads::airbyte::sync_schema(&a.app.db, &schema, ads::airbyte::Layout::Typed)
        .await
        .unwrap();
    assert_eq!(report.0.len(), 2, "{report:?}");
    assert_eq!(
        report.1,
        vec![(format!("{schema}.ads_insights"), vec![nobody.clone()])]
    );
    assert_eq!(
        a.number("select sum(spend_micros)::int8 from fact_performance")
            .await,
        3_750_000
    );
    assert_eq!(
        b.number("select sum(spend_micros)::int8 from fact_performance")
            .await,
        7_000_000
    );
    // Synced again (Airbyte's look-back): revised, never doubled.
    ads::airbyte::sync_schema(&a.app.db, &schema, ads::airbyte::Layout::Typed)
        .await
        .unwrap();
    assert_eq!(
        a.number("select sum(spend_micros)::int8 from fact_performance")
            .await,
        3_750_000
    );

    // Raw layout: an entity stream with dotted keys inside _airbyte_data.
    sqlx::query(&format!(
        "insert into airbyte_internal.{schema}_raw__stream_ads (_airbyte_data) values ($1::jsonb)"
    ))
    .bind(format!(
        r#"{{"id":"a1","account_id":"{acc_a}","campaign_id":"1","adset_id":"2","name":"Spring video","status":"ACTIVE"}}"#
    ))
    .execute(&mut owner)
    .await
    .unwrap();
    let (loads, _) = ads::airbyte::sync_schema(&a.app.db, &schema, ads::airbyte::Layout::Raw)
        .await
        .unwrap();
    assert_eq!(loads.len(), 1);
    assert_eq!(
        a.number("select count(*) from dim_ad where ad_id = 'a1' and name = 'Spring video' and is_current")
            .await,
        1
    );
    assert_eq!(
        b.number("select count(*) from dim_ad where ad_id = 'a1'")
            .await,
        0
    );
    let e = ads::airbyte::sync_schema(&a.app.db, "Bad-Name", ads::airbyte::Layout::Typed)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not a schema name"), "{e}");
}

/// A typed Airbyte schema holding Meta insights rows of (account, ad, spend); returns its name.
async fn insights_schema(app: &TestApp, rows: &[(&str, &str, &str)]) -> String {
    let schema = format!(
        "airbyte_{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let mut owner = app.owner_conn().await;
    sqlx::raw_sql(&format!(
        "create schema {schema};
         create table {schema}.ads_insights (_airbyte_raw_id uuid default gen_random_uuid(),
             _airbyte_extracted_at timestamptz default now(), _airbyte_meta jsonb default '{{}}',
             _airbyte_generation_id bigint default 0, date_start date, account_id text,
             campaign_id text, adset_id text, ad_id text, account_currency text,
             impressions bigint, clicks bigint, spend numeric);
         grant usage on schema {schema} to cadence_app;
         grant select on all tables in schema {schema} to cadence_app;"
    ))
    .execute(&mut owner)
    .await
    .unwrap();
    for (account, ad, spend) in rows {
        sqlx::query(&format!(
            "insert into {schema}.ads_insights (date_start, account_id, campaign_id, adset_id,
                 ad_id, account_currency, impressions, clicks, spend)
             values ('2026-11-03', $1, '1', '2', $2, 'USD', 10, 1, $3::numeric)"
        ))
        .bind(*account)
        .bind(*ad)
        .bind(*spend)
        .execute(&mut owner)
        .await
        .unwrap();
    }
    schema
}

#[tokio::test]
async fn an_account_listed_first_by_another_tenant_syncs_only_where_an_operator_assigned_it() {
    let a = Team::new(TestApp::spawn().await).await;
    let b = Team::new(TestApp::spawn().await).await;
    let acc = random_account();
    let meta = Default::default();
    // B lists A's account id before A does; both listings are accepted.
    for (team, name) in [(&b, "claimed first"), (&a, "ours")] {
        ads::map_account(&team.app.db, &team.staff(&meta), Platform::Meta, &acc, name)
            .await
            .unwrap();
    }
    let schema = insights_schema(&a.app, &[(acc.as_str(), "a1", "4.25")]).await;
    let spend = "select coalesce(sum(spend_micros), 0)::int8 from fact_performance";

    // Unassigned, the account's synced rows load into no one's data.
    let (loads, unassigned) =
        ads::airbyte::sync_schema(&a.app.db, &schema, ads::airbyte::Layout::Typed)
            .await
            .unwrap();
    assert!(loads.is_empty(), "{loads:?}");
    assert_eq!(
        unassigned,
        vec![(format!("{schema}.ads_insights"), vec![acc.clone()])]
    );
    assert_eq!((a.number(spend).await, b.number(spend).await), (0, 0));

    // Assigned to A by an operator: A receives the rows, B (which listed it first) nothing.
    a.assign(Platform::Meta, &acc).await;
    let (loads, unassigned) =
        ads::airbyte::sync_schema(&a.app.db, &schema, ads::airbyte::Layout::Typed)
            .await
            .unwrap();
    assert!(unassigned.is_empty());
    assert_eq!(
        loads.iter().map(|l| l.tenant_id).collect::<Vec<_>>(),
        vec![a.scope.tenant_id().0]
    );
    assert_eq!(
        (a.number(spend).await, b.number(spend).await),
        (4_250_000, 0)
    );
    assert_eq!(b.number("select count(*) from ingest_runs").await, 0);

    // Unassigned again: the next sync loads it nowhere (A keeps what it has).
    ads::unassign_by_operator(&a.app.db, Platform::Meta, &acc)
        .await
        .unwrap();
    let (loads, _) = ads::airbyte::sync_schema(&a.app.db, &schema, ads::airbyte::Layout::Typed)
        .await
        .unwrap();
    assert!(loads.is_empty(), "{loads:?}");
    assert_eq!(
        (a.number(spend).await, b.number(spend).await),
        (4_250_000, 0)
    );
}
