//! Bounded memory, measured: this test binary counts every allocation, and
//! hostile files must be refused before any large buffer exists. One test
//! only, so no other test's allocations muddy the peak.

mod common;

use std::alloc::System;
use std::fs;
use std::io::Write;

use branchdesk_documents::{inspect, normalise, CheckConfig};
use cap::Cap;
use common::*;
use image::DynamicImage;

#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

const MIB: usize = 1024 * 1024;

#[test]
fn hostile_files_are_refused_before_large_allocations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = CheckConfig::default();

    let bomb = dir.path().join("bomb.png");
    fs::write(&bomb, png_bomb(50_000, 50_000)).expect("write");
    let jpeg_bomb = dir.path().join("bomb.jpg");
    fs::write(&jpeg_bomb, jpeg_claiming(65_000, 65_000)).expect("write");
    let below_dimension_limit = dir.path().join("bomb-11000.png");
    fs::write(&below_dimension_limit, png_bomb(11_000, 11_000)).expect("write");
    let sparse = dir.path().join("sparse.jpg");
    {
        let mut f = fs::File::create(&sparse).expect("create");
        f.write_all(&[0xFF, 0xD8, 0xFF, 0xE0]).expect("head");
        f.set_len(200_000_000).expect("sparse");
    }

    // Anything near the sizes these files claim (7.5 GB, 12.7 GB, 363 MB,
    // 200 MB) now fails the allocation and aborts the test binary.
    ALLOC
        .set_limit(ALLOC.allocated() + 64 * MIB)
        .expect("set limit");
    for (path, code) in [
        (&bomb, "too_many_pixels"),
        (&jpeg_bomb, "too_many_pixels"),
        (&below_dimension_limit, "too_many_pixels"),
        (&sparse, "file_too_large"),
    ] {
        let report = inspect(path, &cfg).expect("report");
        assert_eq!(
            report.errors.first().map(|e| e.code.as_str()),
            Some(code),
            "{path:?}"
        );
    }
    let peak = ALLOC.max_allocated();
    eprintln!(
        "peak heap while refusing bombs and a 200 MB file: {:.2} MiB",
        peak as f64 / MIB as f64
    );
    assert!(peak < 16 * MIB, "peak {peak} bytes");

    // For scale: a legitimate 8 MP photo.
    ALLOC.set_limit(usize::MAX).expect("lift limit");
    let photo = dir.path().join("photo.jpg");
    fs::write(
        &photo,
        jpeg(&DynamicImage::ImageRgb8(noisy_photo(3264, 2448)), 90),
    )
    .expect("write");
    let before = ALLOC.allocated();
    let n = normalise(&photo, &cfg).expect("accepted");
    eprintln!(
        "peak heap for an 8 MP photo ({} bytes in, {} out): {:.0} MiB",
        fs::metadata(&photo).map(|m| m.len()).unwrap_or(0),
        n.bytes.len(),
        (ALLOC.max_allocated() - before) as f64 / MIB as f64
    );
    // Decoded RGB is 24 MB; the pipeline keeps a few copies at most.
    assert!(ALLOC.max_allocated() - before < 200 * MIB);
}
