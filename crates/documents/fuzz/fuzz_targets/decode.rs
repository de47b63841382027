#![no_main]
//! Whole pipeline on arbitrary bytes through the bytes entry point: sniffing,
//! completeness walk, decoding under limits, orientation, rotation, quality
//! measures, fitting a provider limit and the thumbnail. Limits are lowered so
//! each input stays fast and a decoder bug shows as a crash, not a timeout.

use branchdesk_documents::{rotate, CheckConfig};
use libfuzzer_sys::fuzz_target;

const LIMIT: u64 = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let cfg = CheckConfig {
        max_file_bytes: 1024 * 1024,
        max_dimension_px: 2048,
        max_pixels: 2_000_000,
        max_decode_alloc_bytes: 64 * 1024 * 1024,
        provider_limit_bytes: Some(LIMIT),
        min_fit_long_side_px: 64,
        ..CheckConfig::default()
    };
    // The last byte picks the rotation: it is the byte least likely to be part
    // of a header the mutator is working on.
    let turns = data.last().map_or(0, |b| i32::from(*b % 4));
    if let Ok(n) = rotate(data, turns, &cfg) {
        assert!(n.report.acceptable);
        assert!(n.report.errors.is_empty());
        assert!(n.bytes.len() as u64 <= LIMIT || n.mime == "application/pdf");
    }
});
