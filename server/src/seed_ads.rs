//! Demo ad data: 90 days (ending today) of Meta and Google Ads performance for the demo tenant,
//! loaded through the same ingest as real files: campaigns with budgets, ad sets and ads, daily
//! numbers with a weekly rhythm and a gentle rise, Meta region rows for all 14 parishes, Google
//! geo rows for the parishes whose criteria ids are known, and a few storefront sales arriving
//! from each platform's ads.

use cadence::ads::{self, FileFormat, Platform, Stream};
use cadence::commerce::Staff;
use cadence::db::Database;
use chrono::{Datelike, NaiveDate};

const META_ACCOUNT: &str = "1029384756";
const GOOGLE_ACCOUNT: &str = "5551234567";

/// (name, objective, daily budget in cents for Meta / micros for Google, weight).
const META_CAMPAIGNS: [(&str, &str, i64, u64); 3] = [
    ("Holiday Gift Boxes", "OUTCOME_SALES", 105_000, 5),
    ("Peaberry Launch", "OUTCOME_SALES", 70_000, 3),
    ("Café Wholesale Leads", "OUTCOME_LEADS", 38_000, 2),
];
const GOOGLE_CAMPAIGNS: [(&str, &str, i64, u64); 3] = [
    ("Brand Search", "SEARCH", 850_000_000, 4),
    ("Coffee Gifts — Shopping", "SHOPPING", 1_000_000_000, 5),
    ("Wholesale — Search", "SEARCH", 470_000_000, 2),
];
/// Parishes by name with their share of the audience (per mille).
const PARISHES: [(&str, u64); 14] = [
    ("Kingston Parish", 90),
    ("St. Andrew Parish", 230),
    ("Saint Thomas", 30),
    ("Portland Parish", 25),
    ("Saint Mary", 35),
    ("Saint Ann", 60),
    ("Trelawny", 25),
    ("St. James Parish", 95),
    ("Hanover", 25),
    ("Westmoreland", 45),
    ("Saint Elizabeth", 50),
    ("Manchester Parish", 65),
    ("Clarendon", 75),
    ("St. Catherine Parish", 150),
];
/// Google criteria ids in the shared lookup, with their parish's share.
const GOOGLE_GEO: [(&str, u64); 3] = [("9070379", 230), ("9070378", 95), ("9070375", 150)];

/// A repeatable pseudo-random number in `0..n` for a key (no randomness in demo data).
fn noise(key: u64, n: u64) -> u64 {
    let mut x = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    x % n.max(1)
}

/// One day's numbers for one ad: (impressions, clicks, spend in cents, purchases, value in cents).
fn day_numbers(key: u64, weight: u64, day_index: u64, weekday: u32) -> (u64, u64, u64, u64, u64) {
    let rhythm = [80, 95, 100, 100, 105, 120, 110][weekday as usize % 7];
    let trend = 85 + day_index / 3;
    let base = weight * rhythm * trend / 100;
    let impressions = base * 40 + noise(key, base * 8 + 1);
    let clicks = impressions * (12 + noise(key ^ 1, 14)) / 1000;
    let spend = impressions * (9 + noise(key ^ 2, 5)) / 10;
    let purchases = clicks * (2 + noise(key ^ 3, 5)) / 100;
    let value = purchases * (2_450 + noise(key ^ 4, 3_000));
    (impressions, clicks, spend, purchases, value)
}

fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Loads the demo ad data unless the demo tenant already has ad accounts, and assigns the demo's
/// accounts to it (again, for a demo seeded before assignments existed).
pub async fn seed(db: &Database, who: &Staff<'_>, today: NaiveDate) -> anyhow::Result<()> {
    // Asked first: assigning lists the accounts in the tenant.
    let seeded = !ads::overview(db, who).await?.0.is_empty();
    // The operator seeding the demo vouches for its accounts: synced rows of them (an Airbyte
    // schema load) go to the demo tenant, as a real tenant's go where an operator assigned them.
    for (platform, account) in [
        (Platform::Meta, META_ACCOUNT),
        (Platform::GoogleAds, GOOGLE_ACCOUNT),
    ] {
        ads::assign_by_operator(db, platform, account, who.scope.tenant_id()).await?;
    }
    if seeded {
        return Ok(());
    }
    ads::map_account(
        db,
        who,
        Platform::Meta,
        META_ACCOUNT,
        "Blue Mountain — Meta",
    )
    .await?;
    ads::map_account(
        db,
        who,
        Platform::GoogleAds,
        GOOGLE_ACCOUNT,
        "Blue Mountain — Google Ads",
    )
    .await?;
    let first = today - chrono::Duration::days(89);
    let (mut meta, mut google) = (Vec::new(), Vec::new());
    for d in 0..90u64 {
        let day = first + chrono::Duration::days(d as i64);
        let weekday = day.weekday().num_days_from_monday();
        for (c, (name, _, _, weight)) in META_CAMPAIGNS.iter().enumerate() {
            for s in 0..2u64 {
                for a in 0..2u64 {
                    let key = (d << 16) | ((c as u64) << 8) | (s << 4) | a;
                    let (imp, clicks, spend, buys, value) = day_numbers(key, *weight, d, weekday);
                    let ids = (
                        format!("2385{c}"),
                        format!("2385{c}{s}"),
                        format!("2385{c}{s}{a}"),
                    );
                    let common = serde_json::json!({
                        "date_start": day.to_string(), "date_stop": day.to_string(),
                        "account_id": META_ACCOUNT, "account_currency": "USD",
                        "campaign_id": ids.0, "campaign_name": name,
                        "adset_id": ids.1, "adset_name": (["Kingston & St. Andrew 25–44", "All Jamaica lookalike"][s as usize]),
                        "ad_id": ids.2, "ad_name": (format!("{} — {}", ["Video", "Carousel"][a as usize], name)),
                    });
                    let mut row = common.clone();
                    row["impressions"] = imp.to_string().into();
                    row["clicks"] = clicks.to_string().into();
                    row["spend"] = cents(spend).into();
                    row["reach"] = (imp * 7 / 10).to_string().into();
                    row["actions"] = serde_json::json!([
                        {"action_type": "link_click", "value": clicks.to_string()},
                        {"action_type": "purchase", "value": buys.to_string()}]);
                    row["action_values"] =
                        serde_json::json!([{"action_type": "purchase", "value": cents(value)}]);
                    meta.push(row.to_string());
                    // The region breakdown: the same ad's numbers spread over the parishes.
                    for (p, (parish, share)) in PARISHES.iter().enumerate() {
                        let mut r = common.clone();
                        r["region"] = (*parish).into();
                        let part = |v: u64| v * share / 1000 + noise(key ^ (p as u64 + 9), 3);
                        r["impressions"] = part(imp).to_string().into();
                        r["clicks"] = (part(clicks) / 2).to_string().into();
                        r["spend"] = cents(spend * share / 1000).into();
                        meta.push(r.to_string());
                    }
                }
            }
        }
        for (c, (name, _, _, weight)) in GOOGLE_CAMPAIGNS.iter().enumerate() {
            for g in 0..2u64 {
                for a in 0..2u64 {
                    let key = (1 << 40) | (d << 16) | ((c as u64) << 8) | (g << 4) | a;
                    let (imp, clicks, spend, buys, value) = day_numbers(key, *weight, d, weekday);
                    let base = serde_json::json!({
                        "segments.date": day.to_string(), "customer.id": GOOGLE_ACCOUNT,
                        "customer.currency_code": "USD", "campaign.id": format!("1870{c}"),
                        "campaign.name": name, "ad_group.id": format!("1870{c}{g}"),
                        "ad_group.name": (["Exact match", "Broad match"][g as usize]),
                    });
                    let mut row = base.clone();
                    row["ad_group_ad.ad.id"] = format!("1870{c}{g}{a}").into();
                    row["ad_group_ad.ad.name"] = format!("{name} — ad {}", a + 1).into();
                    row["metrics.impressions"] = (imp / 2).to_string().into();
                    row["metrics.clicks"] = clicks.to_string().into();
                    row["metrics.cost_micros"] = (spend * 10_000).to_string().into();
                    row["metrics.conversions"] = buys.to_string().into();
                    row["metrics.conversions_value"] = cents(value).into();
                    google.push(row.to_string());
                    if a == 0 {
                        for (geo, share) in GOOGLE_GEO {
                            let mut r = base.clone();
                            r["segments.geo_target_region"] =
                                format!("geoTargetConstants/{geo}").into();
                            r["geographic_view.location_type"] = "LOCATION_OF_PRESENCE".into();
                            r["metrics.impressions"] = (imp * share / 1000).to_string().into();
                            r["metrics.clicks"] = (clicks * share / 1000).to_string().into();
                            r["metrics.cost_micros"] = (spend * share * 10).to_string().into();
                            r["metrics.conversions"] = (buys * share / 1000).to_string().into();
                            r["metrics.conversions_value"] = cents(value * share / 1000).into();
                            google.push(r.to_string());
                        }
                    }
                }
            }
        }
    }
    let load = |stream: Stream, lines: Vec<String>| async move {
        let report = ads::ingest_upload(
            db,
            who,
            &FileFormat::Airbyte(stream),
            &format!("demo:{}", stream.as_str()),
            lines.join("\n").into_bytes(),
        )
        .await?;
        anyhow::Ok(report)
    };
    let r = load(Stream::MetaInsights, meta).await?;
    tracing::info!(rows = r.rows_loaded, "loaded the demo Meta insights");
    let r = load(Stream::GooglePerformance, google).await?;
    tracing::info!(
        rows = r.rows_loaded,
        "loaded the demo Google Ads performance"
    );
    let meta_campaigns = META_CAMPAIGNS
        .iter()
        .enumerate()
        .map(|(c, (name, objective, budget, _))| {
            serde_json::json!({"id": format!("2385{c}"), "account_id": META_ACCOUNT, "name": name,
                "status": "ACTIVE", "objective": objective, "daily_budget": budget.to_string()})
            .to_string()
        })
        .collect();
    load(Stream::MetaCampaigns, meta_campaigns).await?;
    let google_campaigns = GOOGLE_CAMPAIGNS
        .iter()
        .enumerate()
        .map(|(c, (name, channel, budget, _))| {
            serde_json::json!({"customer.id": GOOGLE_ACCOUNT, "campaign.id": format!("1870{c}"),
                "campaign.name": name, "campaign.status": "ENABLED",
                "campaign.advertising_channel_type": channel,
                "campaign_budget.amount_micros": budget.to_string()})
            .to_string()
        })
        .collect();
    load(Stream::GoogleCampaigns, google_campaigns).await?;
    seed_sales(db, who).await
}

/// Storefront orders that arrived from each platform's ads (by UTM source), confirmed, so the
/// ledger shows ad spend beside the tenant's own sales.
async fn seed_sales(db: &Database, who: &Staff<'_>) -> anyhow::Result<()> {
    use cadence::commerce::{
        Arrival, Contact, RecordKind, Touch, all_items, change_status, place_order, record_visit,
    };
    let items = all_items(db, who.scope).await?;
    let products: Vec<_> = items.iter().filter(|i| i.kind == "product").collect();
    if products.is_empty() {
        return Ok(());
    }
    let sources = [
        "facebook",
        "instagram",
        "facebook",
        "google",
        "google",
        "google",
        "facebook",
    ];
    for (i, source) in sources.iter().enumerate() {
        let visitor = cadence::Uuid::now_v7();
        let arrival = Arrival::from_request(
            [
                ("utm_source", *source),
                ("utm_medium", "cpc"),
                ("utm_campaign", "holiday"),
            ],
            None,
            "/",
        );
        record_visit(db, who.scope, visitor, &arrival).await?;
        let product = products[i % products.len()];
        let receipt = place_order(
            db,
            who.scope,
            &[(product.id, 1 + (i as i32 % 2))],
            &Contact {
                name: format!("Demo customer {}", i + 1),
                email: format!("customer{}@example.com", i + 1),
                phone: String::new(),
                note: String::new(),
            },
            cadence::Uuid::now_v7(),
            Touch {
                visitor: Some(visitor),
            },
        )
        .await?;
        change_status(db, who, RecordKind::Order, receipt.id, "confirmed", None).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_numbers_are_repeatable_and_plausible() {
        let a = day_numbers(42, 5, 10, 2);
        assert_eq!(a, day_numbers(42, 5, 10, 2));
        let (imp, clicks, spend, buys, _) = a;
        assert!(imp > 1000 && clicks > 0 && clicks < imp / 20 && spend > 0 && buys <= clicks);
    }
}
