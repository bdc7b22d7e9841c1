//! The ad dashboard's reads: exact totals per currency (never added across currencies), the
//! previous period, campaign names from the dimensions, the parish filter, drill-down, ratios over
//! zero left empty, pacing against budgets and the ledger of the tenant's own sales.

mod common;

use cadence::ads::dashboard::{Query, Range, dashboard};
use cadence::ads::{FileFormat, Metric, Platform, Stream};
use common::ads::*;
use common::*;

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[allow(clippy::too_many_arguments, reason = "one fixture row, field by field")]
fn insight(
    account: &str,
    campaign: &str,
    ad: &str,
    d: &str,
    spend: &str,
    clicks: u32,
    currency: &str,
    region: Option<&str>,
) -> String {
    let region = region
        .map(|r| format!(r#","region":"{r}""#))
        .unwrap_or_default();
    format!(
        r#"{{"date_start":"{d}","account_id":"{account}","campaign_id":"{campaign}","adset_id":"s-{campaign}","ad_id":"{ad}","campaign_name":"old name","account_currency":"{currency}","impressions":"1000","clicks":"{clicks}","spend":"{spend}","actions":[{{"action_type":"purchase","value":"2"}}],"action_values":[{{"action_type":"purchase","value":"30.00"}}]{region}}}"#
    )
}

#[tokio::test]
async fn the_dashboard_reads_exact_totals_filters_and_drills_down() {
    let team = Team::new(TestApp::spawn().await).await;
    let usd = team.account(Platform::Meta).await;
    let jmd = team.account(Platform::Meta).await;
    let lines = vec![
        insight(&usd, "c1", "a1", "2026-11-10", "10.25", 5, "USD", None),
        insight(&usd, "c1", "a2", "2026-11-11", "4.75", 0, "USD", None),
        insight(&usd, "c2", "a3", "2026-11-11", "5.00", 5, "USD", None),
        // The previous period (same length, just before).
        insight(&usd, "c1", "a1", "2026-11-05", "8.00", 4, "USD", None),
        insight(&jmd, "c9", "a9", "2026-11-10", "1500.00", 10, "JMD", None),
        insight(
            &usd,
            "c1",
            "a1",
            "2026-11-10",
            "6.00",
            3,
            "USD",
            Some("St. James Parish"),
        ),
        insight(
            &usd,
            "c1",
            "a1",
            "2026-11-10",
            "4.25",
            2,
            "USD",
            Some("Kingston"),
        ),
        // Around the months of a longer range: two days inside it, one on each side outside.
        insight(&usd, "c3", "a30", "2026-10-19", "0.50", 1, "USD", None),
        insight(&usd, "c3", "a30", "2026-10-20", "1.00", 1, "USD", None),
        insight(&usd, "c3", "a30", "2026-12-05", "2.00", 1, "USD", None),
        insight(&usd, "c3", "a30", "2026-12-06", "0.25", 1, "USD", None),
    ];
    let r = team.ingest(&lines).await;
    assert_eq!(r.rows_loaded, 11);
    let campaigns = format!(
        r#"{{"id":"c1","account_id":"{usd}","name":"Holiday","status":"ACTIVE","daily_budget":"1000"}}"#
    );
    team.upload(
        &FileFormat::Airbyte(Stream::MetaCampaigns),
        campaigns.as_bytes(),
    )
    .await
    .unwrap();
    let meta = Default::default();
    let who = team.staff(&meta);
    let q = Query {
        range: Range::Custom(day("2026-11-08"), day("2026-11-12")),
        platform: None,
        campaign: None,
        region: None,
        adset: None,
    };
    // The dashboard for a query like `q` with some filters changed.
    let read = async |q: Query| dashboard(&team.app.db, &who, &q).await;
    let d = read(q.clone()).await.unwrap();
    let currencies: Vec<(&str, i64)> = d
        .totals
        .iter()
        .map(|t| (t.currency.as_str(), t.spend_micros))
        .collect();
    assert_eq!(
        currencies,
        vec![("JMD", 1_500_000_000), ("USD", 20_000_000)],
        "never added together"
    );
    let usd_now = d.totals.iter().find(|t| t.currency == "USD").unwrap();
    assert_eq!((usd_now.clicks, usd_now.impressions), (10, 3000));
    assert_eq!(
        Metric::Cpc.of(usd_now).unwrap().normalize().to_string(),
        "2"
    );
    let before = d.previous.iter().find(|t| t.currency == "USD").unwrap();
    assert_eq!(before.spend_micros, 8_000_000);
    assert_eq!(d.daily.len(), 3, "two USD days and one JMD day");
    let holiday = d.campaigns.iter().find(|c| c.id == "c1").unwrap();
    assert_eq!(
        (holiday.name.as_str(), holiday.totals.spend_micros),
        ("Holiday", 15_000_000)
    );
    assert_eq!(d.regions.len(), 2);
    // Over whole months (November) and the days at the edges, the campaign table sums exactly the
    // days of the range.
    let long = read(Query {
        range: Range::Custom(day("2026-10-20"), day("2026-12-05")),
        ..q.clone()
    })
    .await
    .unwrap();
    let spend = |id: &str| {
        long.campaigns
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.totals.spend_micros)
    };
    assert_eq!(
        (spend("c1"), spend("c2"), spend("c3")),
        (Some(23_000_000), Some(5_000_000), Some(3_000_000))
    );
    assert!(
        !d.regions_have_conversions,
        "Meta region rows carry no conversions"
    );

    // A campaign's drill-down (its ad sets and ads) comes with the dashboard. A ratio over zero
    // is no value, never 0: a2 had no clicks.
    let c1 = read(Query {
        campaign: Some("c1".into()),
        ..q.clone()
    })
    .await
    .unwrap();
    let a2 = c1.ads.iter().find(|a| a.id == "a2").unwrap();
    assert_eq!(
        (
            Metric::Cpc.of(&a2.totals),
            Metric::Ctr.of(&a2.totals).map(|v| v.is_zero())
        ),
        (None, Some(true))
    );
    assert_eq!(c1.adsets.len(), 1);
    assert!(
        d.adsets.is_empty() && d.ads.is_empty(),
        "no drill-down without a campaign"
    );

    // The parish filter: only Saint James's region rows.
    let d = read(Query {
        region: Some("JM-08".into()),
        ..q.clone()
    })
    .await
    .unwrap();
    assert_eq!(
        d.totals.iter().map(|t| t.spend_micros).collect::<Vec<_>>(),
        vec![6_000_000]
    );
    // A campaign filter and a platform with nothing.
    let d = read(Query {
        campaign: Some("c2".into()),
        ..q.clone()
    })
    .await
    .unwrap();
    assert_eq!(d.totals[0].spend_micros, 5_000_000);
    // The ledger stays the platform's whole spend per currency under a campaign filter.
    let ledger: Vec<(String, i64)> = d
        .ledger
        .iter()
        .map(|l| (l.currency.clone(), l.spend_micros))
        .collect();
    assert_eq!(
        ledger,
        vec![("JMD".into(), 1_500_000_000), ("USD".into(), 20_000_000)]
    );
    let d = read(Query {
        platform: Some(Platform::GoogleAds),
        ..q.clone()
    })
    .await
    .unwrap();
    assert!(d.totals.is_empty() && d.campaigns.is_empty());
    // Bad ranges say why.
    let e = read(Query {
        range: Range::Custom(day("2026-11-12"), day("2026-11-01")),
        ..q
    })
    .await
    .unwrap_err();
    assert!(e.to_string().contains("ends before it starts"), "{e}");
}

#[tokio::test]
async fn pacing_uses_current_budgets_and_the_ledger_credits_storefront_sales_by_utm_source() {
    let team = Team::new(TestApp::spawn().await).await;
    let acc = team.account(Platform::Meta).await;
    let today = chrono::Utc::now().date_naive();
    team.ingest(&[insight(
        &acc,
        "c1",
        "a1",
        &today.to_string(),
        "50.00",
        5,
        "USD",
        None,
    )])
    .await;
    let campaigns =
        format!(r#"{{"id":"c1","account_id":"{acc}","name":"Holiday","daily_budget":"1000"}}"#);
    team.upload(
        &FileFormat::Airbyte(Stream::MetaCampaigns),
        campaigns.as_bytes(),
    )
    .await
    .unwrap();
    let meta = Default::default();
    let who = team.staff(&meta);
    let q = Query {
        range: Range::Last7,
        platform: None,
        campaign: None,
        region: None,
        adset: None,
    };
    let d = dashboard(&team.app.db, &who, &q).await.unwrap();
    assert_eq!(d.pacing.len(), 1);
    let p = &d.pacing[0];
    assert_eq!(p.spend_micros, 50_000_000);
    assert!(p.month_budget_micros >= 28 * 10_000_000 && p.month_budget_micros <= 31 * 10_000_000);
    assert_eq!(
        d.settling.first().map(|s| s.0),
        Some(Platform::Meta),
        "today is inside the look-back"
    );
    assert_eq!(d.ledger.len(), 1);
    assert_eq!(
        (d.ledger[0].spend_micros, d.ledger[0].conversions),
        (50_000_000, 0)
    );
    assert_eq!(d.ledger[0].roas().unwrap().normalize().to_string(), "0");
}

#[tokio::test]
async fn the_tables_csv_follows_the_plan() {
    use leptos::server_fn::ServerFn;
    let app = TestApp::spawn().await;
    let m = app.member_of_new_tenant("Plan Reader").await;
    let csv_export = |plan: &'static str| {
        let (app, m) = (&app, &m);
        async move {
            let mut c = app.owner_conn().await;
            sqlx::query("update tenants set plan = $2 where id = $1")
                .bind(m.tenant.scope.tenant_id().0)
                .bind(plan)
                .execute(&mut c)
                .await
                .unwrap();
            let r = app
                .call(
                    app::api::performance::LoadPerformance::PATH,
                    &[("query[range]", "last_30")],
                    Some(&m.cookie),
                )
                .await;
            assert!(r.status.is_success(), "{}", r.body);
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["csv_export"].clone()
        }
    };
    assert_eq!(csv_export("growth").await, true);
    assert_eq!(csv_export("starter").await, false);
}
