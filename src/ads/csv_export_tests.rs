//! Tests of reading CSV exports through the platform presets and edited mappings.

use super::*;
use crate::ads::{Platform, preset};
use chrono::NaiveDate;
use rust_decimal::Decimal;

type Rows = Vec<(i32, String, Result<FactRow, String>)>;

fn read(text: &str, mapping: &CsvMapping) -> Result<Rows, String> {
    read_csv_export(text.as_bytes(), mapping).map(Iterator::collect)
}

fn ok(rows: &Rows) -> Vec<&FactRow> {
    rows.iter().map(|(_, _, r)| r.as_ref().unwrap()).collect()
}

fn nov(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

const META: &str = "\u{feff}Reporting starts,Reporting ends,Day,Account ID,Campaign name,Campaign ID,Ad set name,Ad set ID,Ad name,Ad ID,Impressions,Reach,Link clicks,Amount spent (USD),Purchases,Purchases conversion value
2026-11-01,2026-11-30,2026-11-02,act_1234567890,\"Holiday, Kingston\",23850000000000001,Kingston 25-44,23850000000000002,\"Video \"\"A\"\"\",23850000000000003,\"1,200\",900,34,\"1,234.50\",2,89.90
2026-11-01,2026-11-30,2026-11-03,1234567890,\"Holiday, Kingston\",23850000000000001,Kingston 25-44,23850000000000002,Video B,23850000000000004,15,,0,0.73,,
";

#[test]
fn a_meta_export_reads_the_currency_from_the_spend_header() {
    let rows = read(META, &preset(Platform::Meta)).unwrap();
    let got = ok(&rows);
    assert_eq!(got.len(), 2);
    let a = got[0];
    assert_eq!(
        (rows[0].0, a.day),
        (2, nov(2)),
        "the Day column, not Reporting starts"
    );
    assert_eq!(a.account_id, "1234567890");
    assert_eq!(a.campaign_name, "Holiday, Kingston");
    assert_eq!(a.ad_name, "Video \"A\"");
    assert_eq!(a.ad_id, "23850000000000003");
    assert_eq!(a.currency, "USD");
    assert_eq!((a.impressions, a.clicks, a.reach), (1200, 34, Some(900)));
    assert_eq!(a.spend_micros, 1_234_500_000);
    assert_eq!(a.conversions, Decimal::from(2));
    assert_eq!(a.conversion_value_micros, 89_900_000);
    assert_eq!(a.breakdown, "none");
    let b = got[1];
    assert_eq!(
        (b.spend_micros, b.reach, b.conversions),
        (730_000, None, Decimal::ZERO)
    );
    assert!(rows[0].1.contains("\"Holiday, Kingston\""), "{}", rows[0].1);

    let with_currency = "Day,Account ID,Campaign name,Currency,Impressions,Link clicks,Amount spent (USD)\n2026-11-02,1,A,JMD,1,1,1\n";
    let rows = read(with_currency, &preset(Platform::Meta)).unwrap();
    let err = rows[0].2.as_ref().unwrap_err();
    assert_eq!(
        err,
        "Amount spent (USD) is in USD but the row's currency is JMD"
    );
}

#[test]
fn a_meta_region_export_without_ad_ids_keys_rows_by_their_path() {
    let text = "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Region,Impressions,Link clicks,Amount spent (JMD)
2026-11-02,2026-11-02,Holiday,Kingston 25-44,Video A,Kingston Parish,100,3,\"1,500.00\"
2026-11-01,2026-11-30,Holiday,Kingston 25-44,Video A,St. Andrew,100,3,10
";
    let mut mapping = preset(Platform::Meta);
    mapping.default_account_id = "act_998877".into();
    let rows = read(text, &mapping).unwrap();
    let a = rows[0].2.as_ref().unwrap();
    assert_eq!(
        (a.breakdown, a.geo_key.as_str()),
        ("region", "Kingston Parish")
    );
    assert_eq!(
        (a.account_id.as_str(), a.currency.as_str()),
        ("998877", "JMD")
    );
    assert_eq!(a.campaign_id, "Holiday");
    assert_eq!(a.adset_id, "Kingston 25-44");
    assert_eq!(a.ad_id, "Holiday / Kingston 25-44 / Video A");
    assert_eq!(a.spend_micros, 1_500_000_000);
    let err = rows[1].2.as_ref().unwrap_err();
    assert!(
        err.contains("covers 2026-11-01 to 2026-11-30, not one day"),
        "{err}"
    );
}

const GOOGLE: &str = "Campaign performance report
\"November 1, 2026 - November 30, 2026\"
Day,Customer ID,Campaign ID,Campaign,Ad group ID,Ad group,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value
2026-11-02,123-456-7890,20000000001,Holiday,150000000002,Kingston,JMD,\"1,200\",34,12.73,1.50,89.90

2026-11-02,123-456-7890,20000000001,Holiday,150000000003,Spanish Town,JMD,10,1,abc,0.00,0.00
11/03/2026,123-456-7890,20000000001,Holiday,150000000002,Kingston,JMD,5,0,0.00,0.00,0.00
13/03/2026,123-456-7890,20000000001,Holiday,150000000002,Kingston,JMD,5,0,0.00,0.00,0.00
Total: Account,--,--,--,--,--,--,\"1,215\",35,12.73,1.50,89.90
Total: Campaigns,,,,,,,\"1,215\",35,12.73,1.50,89.90
";

#[test]
fn a_google_export_skips_titles_blanks_and_totals_and_rejects_bad_rows_with_reasons() {
    let rows = read(GOOGLE, &preset(Platform::GoogleAds)).unwrap();
    let lines: Vec<i32> = rows.iter().map(|(l, _, _)| *l).collect();
    assert_eq!(lines, [4, 6, 7, 8]);
    let a = rows[0].2.as_ref().unwrap();
    assert_eq!(a.account_id, "1234567890");
    assert_eq!(
        (a.campaign_id.as_str(), a.campaign_name.as_str()),
        ("20000000001", "Holiday")
    );
    assert_eq!(
        (a.adset_id.as_str(), a.adset_name.as_str()),
        ("150000000002", "Kingston")
    );
    assert_eq!(
        a.ad_id, "20000000001 / 150000000002",
        "no Ad ID column: keyed by its path"
    );
    assert_eq!(
        (a.impressions, a.clicks, a.spend_micros),
        (1200, 34, 12_730_000)
    );
    assert_eq!(a.conversions, "1.50".parse::<Decimal>().unwrap());
    assert_eq!(
        (a.currency.as_str(), a.conversion_value_micros),
        ("JMD", 89_900_000)
    );
    let err = rows[1].2.as_ref().unwrap_err();
    assert_eq!(err, "Cost is not an amount: \"abc\"");
    assert!(rows[1].1.starts_with("2026-11-02,123-456-7890"));
    assert_eq!(
        rows[2].2.as_ref().unwrap().day,
        nov(3),
        "US month-first dates"
    );
    let err = rows[3].2.as_ref().unwrap_err();
    assert!(
        err.starts_with("Day is not a date: \"13/03/2026\""),
        "{err}"
    );
}

#[test]
fn a_linkedin_export_keys_campaign_rows_by_campaign() {
    let text = "Campaign Performance Report
Report Start: 11/1/2026, Report End: 11/30/2026
Start Date (in UTC),End Date (in UTC),Account ID,Campaign Name,Campaign ID,Currency,Impressions,Clicks,Total Spent,Conversions,Total Conversion Value
11/2/2026,11/2/2026,508000001,Holiday,190000001,USD,\"2,000\",15,45.10,1,100
11/1/2026,11/30/2026,508000001,Holiday,190000001,USD,\"2,000\",15,45.10,1,100
";
    let rows = read(text, &preset(Platform::Linkedin)).unwrap();
    let a = rows[0].2.as_ref().unwrap();
    assert_eq!((a.day, a.account_id.as_str()), (nov(2), "508000001"));
    assert_eq!(
        (
            a.campaign_id.as_str(),
            a.adset_id.as_str(),
            a.ad_id.as_str()
        ),
        ("190000001", "", "190000001")
    );
    assert_eq!(
        (a.impressions, a.clicks, a.spend_micros),
        (2000, 15, 45_100_000)
    );
    assert_eq!(a.conversion_value_micros, 100_000_000);
    assert!(rows[1].2.as_ref().unwrap_err().contains("not one day"));
}

#[test]
fn a_tiktok_export_reads_dashes_as_nothing() {
    let text = "Date,Advertiser ID,Campaign name,Campaign ID,Ad group name,Ad group ID,Ad name,Ad ID,Currency,Impressions,Clicks (destination),Cost,Conversions,Total purchase value,Reach
2026-11-02,7000000000000000001,Holiday,1800000000000000001,Kingston,1800000000000000002,Video A,1800000000000000003,USD,500,9,$4.00,-,USD 10.00,-
2026-11-02,7000000000000000001,Holiday,1800000000000000001,Kingston,1800000000000000002,Video B,1800000000000000004,USD,500,9,JMD 4.00,0,0,0
";
    let rows = read(text, &preset(Platform::Tiktok)).unwrap();
    let a = rows[0].2.as_ref().unwrap();
    assert_eq!(a.account_id, "7000000000000000001");
    assert_eq!(a.ad_id, "1800000000000000003");
    assert_eq!(
        (a.impressions, a.clicks, a.spend_micros),
        (500, 9, 4_000_000)
    );
    assert_eq!(
        (a.conversions, a.conversion_value_micros, a.reach),
        (Decimal::ZERO, 10_000_000, None)
    );
    let err = rows[1].2.as_ref().unwrap_err();
    assert_eq!(err, "Cost is in JMD but the row's currency is USD");
}

#[test]
fn a_custom_mapping_reads_other_headers_with_defaults() {
    let mut mapping = preset(Platform::GoogleAds);
    for (field, header) in [
        (CsvField::Day, "Fecha"),
        (CsvField::AccountId, ""),
        (CsvField::CampaignId, ""),
        (CsvField::CampaignName, "Campaña"),
        (CsvField::Currency, ""),
        (CsvField::Impressions, "Impresiones"),
        (CsvField::Clicks, "Clics"),
        (CsvField::Spend, "Costo"),
    ] {
        mapping.set(field, header);
    }
    mapping.default_account_id = "123-456-7890".into();
    mapping.default_currency = "jmd".into();
    let text = "FECHA , campaña,Impresiones,Clics,Costo\n2 Nov 2026,Navidad,10,2,J$ 5.5\nNov 3, 2026,Navidad,1,0,0\n";
    let rows = read(text, &mapping).unwrap();
    assert_eq!(rows.len(), 2, "an unquoted comma splits \"Nov 3, 2026\"");
    let a = rows[0].2.as_ref().unwrap();
    assert_eq!(
        (a.day, a.account_id.as_str(), a.currency.as_str()),
        (nov(2), "1234567890", "JMD")
    );
    assert_eq!(
        (a.campaign_id.as_str(), a.ad_id.as_str(), a.spend_micros),
        ("Navidad", "Navidad", 5_500_000)
    );
    assert!(rows[1].2.is_err());
    let quoted = "Fecha,Campaña,Impresiones,Clics,Costo\n\"Nov 3, 2026\",Navidad,1,0,0\n";
    assert_eq!(
        read(quoted, &mapping).unwrap()[0].2.as_ref().unwrap().day,
        nov(3)
    );
}

#[test]
fn rows_without_an_account_or_campaign_say_why() {
    let text = "Day,Customer ID,Campaign ID,Campaign,Currency code,Impr.,Clicks,Cost
2026-11-02,,1,Holiday,JMD,1,0,0
2026-11-02,1234567890,,,JMD,1,0,0
2026-11-02,1234567890,1,Holiday,XYZ,1,0,0
2026-11-02,1234567890,1,Holiday,JMD,1.5,0,0
2026-11-02,1234567890,2.38501E+16,Holiday,JMD,1,0,0
";
    let rows = read(text, &preset(Platform::GoogleAds)).unwrap();
    let reasons: Vec<&str> = rows
        .iter()
        .map(|(_, _, r)| r.as_ref().unwrap_err().as_str())
        .collect();
    assert!(
        reasons[0].starts_with("no account id: map the Account ID column or type the account id")
    );
    assert!(reasons[1].starts_with("no campaign"));
    assert!(reasons[2].contains("Currency code is not a currency we know: XYZ"));
    assert!(reasons[3].contains("Impr. is not a whole number"));
    assert!(reasons[4].contains("rounded by a spreadsheet"));
}

#[test]
fn files_that_are_not_csv_exports_are_refused_with_the_reason() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let refuse =
        |bytes: &[u8], mapping: &CsvMapping| read_csv_export(bytes, mapping).err().unwrap();
    let meta = preset(Platform::Meta);
    assert!(refuse(png, &meta).contains("not a CSV file"));
    assert!(refuse(b"Day,Caf\xe9\n", &meta).contains("not UTF-8"));
    assert!(refuse(b"\xff\xfeD\0a\0y\0", &meta).contains("UTF-16"));
    assert!(refuse(b"", &meta).contains("empty"));
    assert!(refuse(b"PK\x03\x04\x14\0\x06\0", &meta).contains("Excel workbook"));

    let err = refuse(b"Title\nDate,Campaign name,Impressions,Link clicks,Amount spent (USD)\n2026-11-02,A,1,1,1\n", &meta);
    assert!(
        err.contains("No header row with the Day column (\"Day\" or \"Reporting starts\")"),
        "{err}"
    );
    assert!(
        err.contains("Date, Campaign name, Impressions, Link clicks, Amount spent (USD)"),
        "{err}"
    );

    let err = refuse(
        b"Day,Campaign,Clicks,Cost\n2026-11-02,A,1,1\n",
        &preset(Platform::GoogleAds),
    );
    assert!(err.contains("not found: Impressions (\"Impr.\")"), "{err}");
    assert!(
        err.contains("The header row has: Day, Campaign, Clicks, Cost."),
        "{err}"
    );

    let err = refuse(
        b"Day,Campaign name,Impressions,Link clicks,Amount spent (USD)\n",
        &meta,
    );
    assert!(err.contains("No account id"), "{err}");
    let mut no_currency = preset(Platform::GoogleAds);
    no_currency.default_account_id = "1".into();
    let err = refuse(b"Day,Campaign,Impr.,Clicks,Cost\n", &no_currency);
    assert!(err.contains("No currency"), "{err}");
}

#[test]
fn line_numbers_count_blank_lines_and_quoted_line_breaks() {
    let text = "Day,Customer ID,Campaign,Currency code,Impr.,Clicks,Cost\n\n2026-11-02,1,\"Two\nlines\",JMD,1,0,0\n\n\n2026-11-02,1,B,JMD,x,0,0";
    for text in [
        text.to_string(),
        text.replace('\n', "\r\n"),
        text.replace('\n', "\r"),
    ] {
        let rows = read(&text, &preset(Platform::GoogleAds)).unwrap();
        let lines: Vec<i32> = rows.iter().map(|(l, _, _)| *l).collect();
        assert_eq!(lines, [3, 7], "{text:?}");
        assert_eq!(rows[0].2.as_ref().unwrap().campaign_name, "Two\nlines");
    }
}

#[test]
fn rows_stream_and_a_read_failure_ends_them_with_a_reason() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }
    let good = "Day,Customer ID,Campaign,Currency code,Impr.,Clicks,Cost\r\n2026-11-02,1,A,JMD,1,0,0\r\n\r\n2026-11-03,1,A,JMD,1,0,0\r\n";
    let rows: Rows = read_csv_export(good.as_bytes().chain(Broken), &preset(Platform::GoogleAds))
        .unwrap()
        .collect();
    let lines: Vec<i32> = rows.iter().map(|(l, _, _)| *l).collect();
    assert_eq!(lines, [2, 4, 5]);
    assert!(rows[..2].iter().all(|(_, _, r)| r.is_ok()));
    let err = rows[2].2.as_ref().unwrap_err();
    assert!(
        err.contains("could not be read") && err.contains("disk gone"),
        "{err}"
    );
}
