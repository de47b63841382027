#![no_main]
//! Whole pipeline on arbitrary bytes: sniffing, completeness walk, decoding
//! under limits, orientation, quality measures, fitting and thumbnail.
//! Must never panic; limits are lowered so each input stays fast.

use branchdesk_documents::{rotate, CheckConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cfg = CheckConfig {
        max_dimension_px: 2048,
        max_pixels: 2_000_000,
        max_decode_alloc_bytes: 64 * 1024 * 1024,
        provider_limit_bytes: Some(64 * 1024),
        min_fit_long_side_px: 64,
        ..CheckConfig::default()
    };
    let turns = data.first().map_or(0, |b| i32::from(*b % 4));
    if let Ok(n) = rotate(data, turns, &cfg) {
        assert!(n.report.acceptable);
        assert!(n.bytes.len() as u64 <= 64 * 1024 || n.mime == "application/pdf");
    }
});
