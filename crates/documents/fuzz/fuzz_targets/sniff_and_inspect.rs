#![no_main]
//! The path-based entry point, on a file written from the fuzz input: the
//! report must be produced (never a panic) and agree with itself.

use std::io::Write;

use branchdesk_documents::{inspect, CheckConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cfg = CheckConfig {
        max_file_bytes: 1024 * 1024,
        max_dimension_px: 2048,
        max_pixels: 2_000_000,
        ..CheckConfig::default()
    };
    let Ok(mut file) = tempfile_in_tmp() else {
        return;
    };
    if file.1.write_all(data).is_err() {
        return;
    }
    if let Ok(report) = inspect(&file.0, &cfg) {
        assert_eq!(report.acceptable, report.errors.is_empty());
        assert_eq!(report.file_bytes, data.len() as u64);
    }
    let _ = std::fs::remove_file(&file.0);
});

fn tempfile_in_tmp() -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let path = std::env::temp_dir().join(format!("branchdesk-fuzz-{}", std::process::id()));
    let file = std::fs::File::create(&path)?;
    Ok((path, file))
}
