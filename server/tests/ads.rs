//! Meta insights ingest into the exact daily fact: totals to the micro, idempotent re-ingest and
//! look-back revisions, rejects with reasons, regions by loose name, and accounts that stay in
//! their own tenant; operators' assignments of accounts to tenants in `ads/assignments.rs`.

#[path = "ads/assignments.rs"]
mod assignments;
mod common;

use cadence::ads::{self, Platform};
use common::ads::*;
use common::*;

#[tokio::test]
async fn insights_load_exactly_and_a_re_read_window_revises_without_counting_twice() {
    let team = Team::new(TestApp::spawn().await).await;
    let meta = Default::default();
    let account = format!(
        "9{}",
        &uuid::Uuid::now_v7().simple().to_string()[..12]
            .replace(|c: char| !c.is_ascii_digit(), "1")
    );
    ads::map_account(
        &team.app.db,
        &team.staff(&meta),
        Platform::Meta,
        &format!("act_{account}"),
        "Main",
    )
    .await
    .unwrap();
    // 300 rows whose spends sum to an exact figure: 0.01 + 0.02 + … + 3.00.
    let lines: Vec<String> = (1..=300)
        .map(|i| {
            line(
                &account,
                &format!("ad{}", i % 30),
                &format!("2026-11-{:02}", 1 + i / 30),
                &format!("{}.{:02}", i / 100, i % 100),
                100,
                None,
            )
        })
        .collect();
    let report = team.ingest(&lines).await;
    assert_eq!(
        (
            report.rows_read,
            report.rows_loaded,
            report.rows_rejected,
            report.rows_unmapped
        ),
        (300, 300, 0, 0)
    );
    let expected_micros: i64 = (1..=300).map(|i| i * 10_000).sum();
    assert_eq!(
        team.totals().await,
        (300, expected_micros, 30_000, "300.000000".into())
    );

    // The same file again changes nothing and says so.
    let again = team.ingest(&lines).await;
    assert!(again.duplicate);
    assert_eq!(team.totals().await.1, expected_micros);

    // A look-back window re-reads the last 60 rows with revised numbers: revised, not added; and
    // brings one new day after them (inserted, in the same load).
    let mut revised: Vec<String> = (241..=300)
        .map(|i| {
            line(
                &account,
                &format!("ad{}", i % 30),
                &format!("2026-11-{:02}", 1 + i / 30),
                "5.00",
                200,
                None,
            )
        })
        .collect();
    revised.push(line(&account, "ad1", "2026-11-12", "5.00", 200, None));
    let r = team.ingest(&revised).await;
    assert_eq!(r.rows_loaded, 61);
    let revised_micros: i64 = (1..=240).map(|i| i * 10_000).sum::<i64>() + 61 * 5_000_000;
    assert_eq!(
        team.totals().await,
        (
            301,
            revised_micros,
            240 * 100 + 61 * 200,
            "301.000000".into()
        )
    );

    // The campaign × day rollup agrees with the fact to the micro, day by day.
    let mut c = team.app.app_conn().await;
    let mut tx = scoped(&mut c, &team.scope).await;
    let mismatches: i64 = sqlx::query_scalar(
        "select count(*) from (
            select day, campaign_id, sum(spend_micros) as s, sum(impressions) as i
              from fact_performance where breakdown = 'none' group by day, campaign_id) f
          full join rollup_campaign_day r using (day, campaign_id)
         where r.spend_micros is distinct from f.s or r.impressions is distinct from f.i",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let rolled: i64 = sqlx::query_scalar("select sum(spend_micros)::int8 from rollup_campaign_day")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    // So does the day rollup (the dashboard's daily series and previous period), day by day.
    let day_mismatches: i64 = sqlx::query_scalar(
        "select count(*) from (
            select day, platform, currency, sum(spend_micros) as s, sum(clicks) as c
              from fact_performance where breakdown = 'none' group by 1, 2, 3) f
          full join rollup_day r using (day, platform, currency)
         where r.spend_micros is distinct from f.s or r.clicks is distinct from f.c",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    // And the month rollup (the campaign table's whole months), month by month.
    let month_mismatches: i64 = sqlx::query_scalar(
        "select count(*) from (
            select date_trunc('month', day)::date as month, campaign_id, sum(spend_micros) as s,
                   sum(conversions) as c
              from fact_performance where breakdown = 'none' group by 1, 2) f
          full join rollup_campaign_month r using (month, campaign_id)
         where r.spend_micros is distinct from f.s or r.conversions is distinct from f.c",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (mismatches, rolled, day_mismatches, month_mismatches),
        (0, revised_micros, 0, 0)
    );
}

#[tokio::test]
async fn bad_rows_are_rejected_with_reasons_and_the_good_ones_load() {
    let team = Team::new(TestApp::spawn().await).await;
    let meta = Default::default();
    let account = "771100";
    let acc = format!("{account}{}", &uuid::Uuid::now_v7().as_u128() % 1_000_000);
    ads::map_account(
        &team.app.db,
        &team.staff(&meta),
        Platform::Meta,
        &acc,
        "Main",
    )
    .await
    .unwrap();
    let lines = vec![
        line(&acc, "a1", "2026-11-01", "10.00", 10, None),
        line(&acc, "a2", "2026-13-01", "10.00", 10, None),
        line(&acc, "a3", "2026-11-01", "-4.00", 10, None),
        "{broken".to_string(),
        line(&acc, "a4", "2026-11-01", "1.0000001", 10, None),
        line(&acc, "a5", "2026-11-02", "2.50", 10, None),
    ];
    let r = team.ingest(&lines).await;
    assert_eq!((r.rows_read, r.rows_loaded, r.rows_rejected), (6, 2, 4));
    let reasons: Vec<String> = r
        .rejects
        .iter()
        .map(|x| format!("{}: {}", x.line, x.reason))
        .collect();
    assert!(
        reasons[0].starts_with("2: date_start is not a date"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("spend is negative"), "{reasons:?}");
    assert!(reasons[2].contains("not JSON"), "{reasons:?}");
    assert!(
        reasons[3].contains("more than 6 decimal places"),
        "{reasons:?}"
    );
    assert_eq!(team.totals().await.1, 12_500_000);
    let mut c = team.app.app_conn().await;
    let mut tx = scoped(&mut c, &team.scope).await;
    let stored: i64 = sqlx::query_scalar("select count(*) from ingest_rejects where run_id = $1")
        .bind(r.run_id.unwrap())
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(stored, 4, "the rejects are kept for the run report");
    tx.commit().await.unwrap();

    // A file that is not JSON lines is refused and writes nothing.
    let err = ads::ingest_meta_jsonl(
        &team.app.db,
        &team.staff(&meta),
        "x.csv",
        b"date,spend\n2026-11-01,3",
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("not JSON lines"), "{err}");
}

#[tokio::test]
async fn regions_map_by_loose_name_and_unknown_ones_keep_their_spend() {
    let team = Team::new(TestApp::spawn().await).await;
    let meta = Default::default();
    let acc = format!("55{}", uuid::Uuid::now_v7().as_u128() % 1_000_000_000);
    ads::map_account(
        &team.app.db,
        &team.staff(&meta),
        Platform::Meta,
        &acc,
        "Main",
    )
    .await
    .unwrap();
    let names = [
        "Kingston Parish",
        "St. Andrew Parish",
        "Saint Thomas",
        "Portland Parish",
        "St Mary",
        "Saint Ann Parish",
        "Trelawny",
        "St. James",
        "Hanover Parish",
        "Westmoreland",
        "Saint Elizabeth Parish",
        "Manchester",
        "Clarendon Parish",
        "St. Catherine",
    ];
    let mut lines: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            line(
                &acc,
                "ad1",
                "2026-11-05",
                &format!("{}.00", i + 1),
                10,
                Some(n),
            )
        })
        .collect();
    lines.push(line(
        &acc,
        "ad1",
        "2026-11-05",
        "7.25",
        10,
        Some("Atlantis"),
    ));
    let r = team.ingest(&lines).await;
    assert_eq!(r.rows_loaded, 15);
    assert_eq!(
        r.unmapped_regions,
        vec![("Atlantis".to_string(), 7_250_000)]
    );
    let mut c = team.app.app_conn().await;
    let mut tx = scoped(&mut c, &team.scope).await;
    let mapped: Vec<String> = sqlx::query_scalar(
        "select region_code from fact_performance where breakdown = 'region' and region_code is not null order by region_code",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let expected: Vec<String> = (1..=14).map(|i| format!("JM-{i:02}")).collect();
    assert_eq!(mapped, expected, "all 14 parishes by Meta region name");
    // The region rollup keeps the unmapped region's spend (region null), never drops it.
    let mut c = team.app.app_conn().await;
    let mut tx = scoped(&mut c, &team.scope).await;
    let (regions, unknown): (i64, Option<i64>) = sqlx::query_as(
        "select count(region_code), sum(spend_micros) filter (where region_code is null)::int8
           from rollup_region_day",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((regions, unknown), (14, Some(7_250_000)));
}

#[tokio::test]
async fn two_tenants_listing_the_same_account_id_each_keep_their_own_uploads() {
    let a = Team::new(TestApp::spawn().await).await;
    let b = Team::new(TestApp::spawn().await).await;
    let c = Team::new(TestApp::spawn().await).await;
    let meta = Default::default();
    let acc = random_account();
    ads::map_account(
        &a.app.db,
        &a.staff(&meta),
        Platform::Meta,
        &acc,
        "A's account",
    )
    .await
    .unwrap();
    // B lists the same id: accepted, and nothing in the answer says A has it. Listing it again
    // renames B's own entry.
    for name in ["mine", "B's name"] {
        ads::map_account(&b.app.db, &b.staff(&meta), Platform::Meta, &acc, name)
            .await
            .unwrap();
    }
    let listed = format!("select count(*) from ad_accounts where account_id = '{acc}' and name = ");
    assert_eq!(a.number(&format!("{listed} 'A''s account'")).await, 1);
    assert_eq!(b.number(&format!("{listed} 'B''s name'")).await, 1);
    // Each tenant's upload of rows naming the id loads into that tenant, and only there.
    let ra = a
        .ingest(&[line(&acc, "x", "2026-11-01", "9.99", 1, None)])
        .await;
    let rb = b
        .ingest(&[line(&acc, "y", "2026-11-01", "1.50", 1, None)])
        .await;
    assert_eq!((ra.rows_loaded, rb.rows_loaded), (1, 1));
    assert_eq!(a.totals().await.1, 9_990_000);
    assert_eq!(b.totals().await.1, 1_500_000);
    // A tenant that has not listed the account loads none of its rows (they are its own upload's
    // rows, reported as unlisted), and nobody else's data changes.
    let rc = c
        .ingest(&[line(&acc, "z", "2026-11-01", "7.00", 1, None)])
        .await;
    assert_eq!((rc.rows_loaded, rc.rows_unmapped), (0, 1));
    assert_eq!(rc.unmapped_accounts, vec![acc.clone()]);
    assert_eq!(
        (a.totals().await.1, b.totals().await.1, c.totals().await.1),
        (9_990_000, 1_500_000, 0)
    );
}

#[tokio::test]
async fn two_loads_of_the_same_days_at_once_both_land_and_the_rollups_agree() {
    let team = Team::new(TestApp::spawn().await).await;
    let meta = Default::default();
    let account = format!("4{}", uuid::Uuid::now_v7().as_u128() % 1_000_000_000);
    ads::map_account(
        &team.app.db,
        &team.staff(&meta),
        Platform::Meta,
        &account,
        "Main",
    )
    .await
    .unwrap();
    // The same 200 ad-days twice, with different spends (two syncs overlapping in time).
    let file = |spend: &str| -> Vec<String> {
        (0..200)
            .map(|i| {
                line(
                    &account,
                    &format!("ad{}", i % 20),
                    &format!("2026-10-{:02}", 1 + i / 20),
                    spend,
                    100,
                    None,
                )
            })
            .collect()
    };
    let (a, b) = (file("1.00"), file("2.00"));
    let (ra, rb) = tokio::join!(team.ingest(&a), team.ingest(&b));
    assert_eq!((ra.rows_loaded, rb.rows_loaded), (200, 200));
    let (rows, spend, _, _) = team.totals().await;
    assert_eq!(rows, 200, "one row per ad and day, never two");
    assert!(
        spend == 200 * 1_000_000 || spend == 200 * 2_000_000,
        "one load's numbers or the other's, whole: {spend}"
    );
    let rolled = team
        .number("select sum(spend_micros)::int8 from rollup_campaign_day")
        .await;
    assert_eq!(rolled, spend);
}
