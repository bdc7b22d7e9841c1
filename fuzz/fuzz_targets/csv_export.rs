//! CSV report exports through each platform's column mapping: any bytes give rows or reasons,
//! never a panic.
#![no_main]
use cadence::ads::{Platform, preset, read_csv_export};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for platform in [Platform::Meta, Platform::GoogleAds, Platform::Linkedin, Platform::Tiktok] {
        if let Ok(rows) = read_csv_export(std::io::Cursor::new(data), &preset(platform)) {
            for _ in rows.take(1000) {}
        }
    }
});
