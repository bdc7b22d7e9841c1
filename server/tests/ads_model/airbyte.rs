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
