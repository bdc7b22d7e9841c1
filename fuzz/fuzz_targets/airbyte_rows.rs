//! Airbyte JSON lines (Meta insights, Google Ads rows, entity streams): any input is a row or a
//! reason, never a panic.
#![no_main]
use cadence::ads::{Stream, parse_entity, parse_google_ads_row, parse_meta_insight};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let _ = parse_meta_insight(&line, &["purchase", "lead"]);
    let _ = parse_google_ads_row(&line);
    for stream in [
        Stream::MetaCampaigns,
        Stream::MetaAdSets,
        Stream::MetaAds,
        Stream::GoogleCampaigns,
        Stream::GoogleAdGroups,
        Stream::GoogleBudgets,
    ] {
        let _ = parse_entity(stream, &line);
    }
});
