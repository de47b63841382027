//! Focused behaviour: orientation, metadata stripping, provider limits,
//! manual rotation, thumbnails, large files and the report's JSON shape.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use branchdesk_documents::{
    inspect, normalise, normalise_with, rotate, Check, CheckConfig, Format, Outcome, Step,
};
use common::*;
use image::{DynamicImage, ImageDecoder, ImageReader, Rgb, RgbImage};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).expect("write");
    p
}

fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("decodes").to_rgb8()
}

fn is_marker_red(p: &Rgb<u8>) -> bool {
    p.0[0] > 150 && p.0[1] < 80 && p.0[2] < 80
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn exif_of(bytes: &[u8], fmt: image::ImageFormat) -> Option<Vec<u8>> {
    let mut dec = ImageReader::with_format(std::io::Cursor::new(bytes), fmt)
        .into_decoder()
        .expect("decoder");
    dec.exif_metadata().expect("exif read")
}

/// The preview staff see first is the verdict the stored scan carries: same checks, same
/// upright size, and a thumbnail already turned upright (the marker top-right).
#[test]
fn the_preview_comes_first_upright_and_agrees_with_the_result() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "phone.jpg",
        &jpeg_with_exif(&jpeg_rgb(&card(1200, 800)), 6, false),
    );
    let mut previews = Vec::new();
    let n = normalise_with(&path, &CheckConfig::default(), &mut |p| {
        let thumb = decode(p.thumbnail_jpeg.expect("a thumbnail"));
        previews.push((
            p.report.width,
            p.report.height,
            p.report.checks.clone(),
            thumb,
        ));
    })
    .expect("accepted");
    assert_eq!(previews.len(), 1, "one preview per file");
    let (width, height, checks, thumb) = previews.remove(0);
    assert_eq!((width, height), (n.width, n.height));
    assert_eq!((width, height), (Some(800), Some(1200)));
    assert_eq!(checks, n.report.checks);
    assert_eq!(thumb.dimensions(), (213, 320), "portrait, 320 px long side");
    assert!(
        is_marker_red(thumb.get_pixel(thumb.width() - 6, 6)),
        "marker top-right"
    );
    assert!(!is_marker_red(thumb.get_pixel(6, 6)));
    assert_eq!(
        thumb.dimensions(),
        decode(n.thumbnail_jpeg.as_deref().expect("kept")).dimensions()
    );

    // A refused file has no preview: nothing to show but the refusal.
    let zip = write(
        dir.path(),
        "zip.jpg",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00not a picture",
    );
    let mut called = false;
    assert!(normalise_with(&zip, &CheckConfig::default(), &mut |_| called = true).is_err());
    assert!(!called);
}

/// An upright JPEG keeps its compressed picture byte for byte: the same pixels come out,
/// without a second round of JPEG loss, and without its EXIF, GPS, comment or anything
/// hidden after the end of the image.
#[test]
fn an_upright_jpeg_keeps_its_picture_and_loses_its_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = jpeg_rgb(&card(1200, 800));
    let mut file = jpeg_with_exif(&plain, 1, true);
    // A comment segment right after SOI, and bytes appended after the end of the image.
    file.splice(
        2..2,
        [0xFF, 0xFE, 0x00, 0x0E].into_iter().chain(*b"customer 42!"),
    );
    file.extend_from_slice(b"APPENDED-AFTER-EOI");
    assert!(contains(&file, GPS_MARKER) && contains(&file, b"customer 42!"));

    let path = write(dir.path(), "scanner.jpg", &file);
    let n = normalise(&path, &CheckConfig::default()).expect("accepted");
    assert!(
        n.report.plan.contains(&Step::KeepCompressed),
        "{:?}",
        n.report.plan
    );
    assert!(!n
        .report
        .plan
        .iter()
        .any(|s| matches!(s, Step::Recompress { .. })));
    assert_eq!(decode(&n.bytes), decode(&plain), "the very same pixels");
    assert!(n.bytes.len() <= plain.len());
    for secret in [GPS_MARKER, b"Exif".as_slice(), b"customer 42!", b"APPENDED"] {
        assert!(
            !contains(&n.bytes, secret),
            "{:?} survived",
            String::from_utf8_lossy(secret)
        );
    }
    assert_eq!((n.width, n.height), (Some(1200), Some(800)));

    // Over a provider's limit it is re-encoded to fit like any other picture.
    let cfg = CheckConfig {
        provider_limit_bytes: Some(n.bytes.len() as u64 - 1),
        min_fit_long_side_px: 200,
        ..CheckConfig::default()
    };
    let fitted = normalise(&path, &cfg).expect("fits");
    assert!(fitted
        .report
        .plan
        .iter()
        .any(|s| matches!(s, Step::Recompress { .. })));
    assert!(fitted.bytes.len() < n.bytes.len());
}

#[test]
fn exif_orientation_is_applied_and_gps_is_stripped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = jpeg_rgb(&card(1200, 800));
    let with_exif = jpeg_with_exif(&src, 6, true);
    // The planted metadata is really there and readable before normalisation.
    assert!(contains(&with_exif, GPS_MARKER));
    assert!(exif_of(&with_exif, image::ImageFormat::Jpeg).is_some());

    let path = write(dir.path(), "rotated-gps.jpg", &with_exif);
    let n = normalise(&path, &CheckConfig::default()).expect("accepted");

    assert_eq!(
        (n.width, n.height),
        (Some(800), Some(1200)),
        "orientation 6 turns landscape into portrait"
    );
    assert!(n
        .report
        .plan
        .iter()
        .any(|s| matches!(s, Step::ApplyOrientation { exif_value: 6, .. })));
    let out = decode(&n.bytes);
    // Orientation 6 means "rotate 90° clockwise to view": the top-left marker
    // ends up top-right.
    assert!(
        is_marker_red(out.get_pixel(800 - 30, 30)),
        "marker not at top-right"
    );
    assert!(
        !is_marker_red(out.get_pixel(30, 30)),
        "marker still at top-left"
    );

    assert!(!contains(&n.bytes, GPS_MARKER), "GPS text survived");
    assert!(!contains(&n.bytes, b"Exif"), "an Exif block survived");
    assert!(exif_of(&n.bytes, image::ImageFormat::Jpeg).is_none());
    let thumb = n.thumbnail_jpeg.expect("thumbnail");
    assert!(!contains(&thumb, GPS_MARKER) && !contains(&thumb, b"Exif"));
}

#[test]
fn png_text_and_exif_chunks_are_stripped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = png_rgb(&card(1100, 700));
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(GPS_MARKER);
    let with_meta = png_insert_after_ihdr(
        &base,
        &[
            png_chunk(b"eXIf", &exif_tiff(1, true)),
            png_chunk(b"tEXt", &text),
        ],
    );
    assert!(exif_of(&with_meta, image::ImageFormat::Png).is_some());

    let path = write(dir.path(), "meta.png", &with_meta);
    let n = normalise(&path, &CheckConfig::default()).expect("accepted");
    assert_eq!(n.mime, "image/png");
    assert!(!contains(&n.bytes, GPS_MARKER));
    assert!(!contains(&n.bytes, b"eXIf") && !contains(&n.bytes, b"tEXt"));
    assert!(exif_of(&n.bytes, image::ImageFormat::Png).is_none());
    assert!(n.report.plan.contains(&Step::StripMetadata));
}

#[test]
fn manual_rotation_turns_clockwise_and_accepts_negative_turns() {
    let cfg = CheckConfig::default();
    let src = png_rgb(&card(1200, 800));

    let right = rotate(&src, 1, &cfg).expect("rotate");
    assert_eq!((right.width, right.height), (Some(800), Some(1200)));
    assert!(is_marker_red(decode(&right.bytes).get_pixel(800 - 30, 30)));
    assert!(right.report.plan.contains(&Step::Rotate {
        degrees_clockwise: 90
    }));

    let left = rotate(&src, -1, &cfg).expect("rotate");
    assert!(
        is_marker_red(decode(&left.bytes).get_pixel(30, 1200 - 30)),
        "anticlockwise puts the marker bottom-left"
    );

    let half = rotate(&src, 2, &cfg).expect("rotate");
    assert!(is_marker_red(
        decode(&half.bytes).get_pixel(1200 - 30, 800 - 30)
    ));

    let full = rotate(&src, 4, &cfg).expect("rotate");
    assert_eq!((full.width, full.height), (Some(1200), Some(800)));
    assert!(!full
        .report
        .plan
        .iter()
        .any(|s| matches!(s, Step::Rotate { .. })));

    assert_eq!(
        rotate(&pdf(1, false), 1, &cfg).expect_err("pdf").code(),
        "unsupported_variant"
    );
    assert_eq!(
        rotate(b"hello", 1, &cfg).expect_err("text").code(),
        "unsupported_type"
    );
}

#[test]
fn oversized_photo_is_recompressed_then_downscaled_to_fit_the_provider_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = jpeg(&DynamicImage::ImageRgb8(noisy_photo(2400, 1600)), 95);
    let path = write(dir.path(), "big.jpg", &photo);
    let limit = 400_000;
    let cfg = CheckConfig {
        provider_limit_bytes: Some(limit),
        ..CheckConfig::default()
    };
    let n = normalise(&path, &cfg).expect("fits");
    eprintln!(
        "fit: {} bytes 2400x1600 -> {} bytes {:?}x{:?}, plan {:?}",
        photo.len(),
        n.bytes.len(),
        n.width,
        n.height,
        n.report.plan
    );
    assert!(
        photo.len() as u64 > limit,
        "test input must start over the limit"
    );
    assert!(n.bytes.len() as u64 <= limit);
    assert!(n.width.unwrap_or(0).max(n.height.unwrap_or(0)) >= cfg.min_fit_long_side_px);
    assert!(n
        .report
        .plan
        .iter()
        .any(|s| matches!(s, Step::Recompress { quality } if *quality < cfg.jpeg_quality)));
    let out = decode(&n.bytes);
    assert_eq!((Some(out.width()), Some(out.height())), (n.width, n.height));

    // The same file without a limit is only re-encoded.
    let free = normalise(&path, &CheckConfig::default()).expect("accepted");
    assert_eq!((free.width, free.height), (Some(2400), Some(1600)));
    assert!(!free
        .report
        .plan
        .iter()
        .any(|s| matches!(s, Step::Downscale { .. })));
}

#[test]
fn a_limit_that_would_make_the_document_unreadable_is_refused_with_sizes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = jpeg(&DynamicImage::ImageRgb8(noisy_photo(2000, 1300)), 92);
    let path = write(dir.path(), "big.jpg", &photo);
    let cfg = CheckConfig {
        provider_limit_bytes: Some(20_000),
        ..CheckConfig::default()
    };
    let report = inspect(&path, &cfg).expect("report");
    assert!(!report.acceptable);
    assert_eq!(report.errors[0].code, "cannot_fit_provider_limit");
    let err = normalise(&path, &cfg).expect_err("cannot fit");
    let msg = err.to_string();
    assert!(msg.contains("20 KB"), "{msg}");
    assert!(
        msg.contains("1000 x 650"),
        "stops at the legibility floor: {msg}"
    );
}

#[test]
fn png_over_the_limit_becomes_jpeg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let png_bytes = png_rgb(&noisy_photo(1200, 800));
    let path = write(dir.path(), "big.png", &png_bytes);
    let limit = 300_000;
    assert!(png_bytes.len() as u64 > limit);
    let cfg = CheckConfig {
        provider_limit_bytes: Some(limit),
        ..CheckConfig::default()
    };
    let n = normalise(&path, &cfg).expect("fits");
    assert_eq!(n.mime, "image/jpeg");
    assert!(n.bytes.len() as u64 <= limit);
    assert!(n.report.plan.iter().any(|s| matches!(
        s,
        Step::Convert {
            from: Format::Png,
            to: Format::Jpeg,
            ..
        }
    )));
}

#[test]
fn small_image_is_never_upscaled_to_fit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "small.jpg", &jpeg_rgb(&noisy_photo(640, 400)));
    let cfg = CheckConfig {
        provider_limit_bytes: Some(2_000),
        ..CheckConfig::default()
    };
    let err = normalise(&path, &cfg).expect_err("cannot fit");
    assert_eq!(err.code(), "cannot_fit_provider_limit");
    assert!(err.to_string().contains("640 x 400"), "{err}");
}

#[test]
fn pdf_over_the_limit_is_refused_with_its_size_and_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = pdf(2, false);
    let path = write(dir.path(), "bill.pdf", &doc);
    let cfg = CheckConfig {
        provider_limit_bytes: Some(300),
        ..CheckConfig::default()
    };
    let report = inspect(&path, &cfg).expect("report");
    assert_eq!(report.pages, Some(2));
    assert_eq!(report.errors[0].code, "pdf_over_provider_limit");
    assert!(report.errors[0].message.contains("300 bytes"));
    assert!(report.errors[0]
        .message
        .contains(&format!("{} bytes", doc.len())));

    // Within the limit, the PDF is passed through untouched.
    let n = normalise(&path, &CheckConfig::default()).expect("accepted");
    assert_eq!(n.bytes, doc);
    assert!(n.thumbnail_jpeg.is_none());
    assert_eq!(n.report.plan, vec![Step::KeepAsIs]);
}

#[test]
fn huge_sparse_file_is_refused_from_its_size_without_being_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.jpg");
    let f = fs::File::create(&path).expect("create");
    use std::io::Write;
    (&f).write_all(&jpeg_rgb(&card(64, 48))[..600])
        .expect("head");
    f.set_len(200_000_000).expect("sparse");
    drop(f);

    let t = Instant::now();
    let report = inspect(&path, &CheckConfig::default()).expect("report");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(report.format, Format::Jpeg, "the type is still reported");
    assert_eq!(report.file_bytes, 200_000_000);
    assert_eq!(report.errors[0].code, "file_too_large");
    assert!(
        report.errors[0].message.contains("200.00 MB"),
        "{}",
        report.errors[0].message
    );
    assert!(report.sha256.is_none(), "a refused huge file is not hashed");
}

#[test]
fn sha256_is_of_the_original_file_hashed_in_chunks() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = png_rgb(&noisy_photo(600, 400));
    assert!(doc.len() > 3 * 64 * 1024, "spans several read chunks");
    let path = write(dir.path(), "a.png", &doc);
    let report = inspect(&path, &CheckConfig::default()).expect("report");
    let expected: String = Sha256::digest(&doc)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(report.sha256.as_deref(), Some(expected.as_str()));
    let n = normalise(&path, &CheckConfig::default()).expect("accepted");
    let out: String = Sha256::digest(&n.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(n.sha256, out);
}

#[test]
fn refusal_messages_say_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = CheckConfig::default();
    let msg = |name: &str, bytes: &[u8]| {
        let r = inspect(&write(dir.path(), name, bytes), &cfg).expect("report");
        assert!(!r.acceptable);
        r.errors[0].message.clone()
    };
    assert!(msg("p.heic", &heic_header(b"heic")).contains("Most Compatible"));
    assert!(msg("p.heic", &heic_header(b"heic")).contains("JPEG"));
    let zip_msg = msg("id.jpg", &zip());
    assert!(
        zip_msg.contains("ZIP archive") && zip_msg.contains(".jpg"),
        "{zip_msg}"
    );
    assert!(msg("bill.pdf", &elf()).contains("program"));
    assert!(msg("bill.pdf", &pdf(1, true)).contains("password"));
    assert!(msg("id.jpg", &[]).contains("empty"));
    assert!(msg("id.png", &png_bomb(50_000, 50_000)).contains("50000 x 50000"));
    assert!(msg("id.jpg", &jpeg_rgb(&card(300, 200))[..500]).contains("incomplete"));
}

#[test]
fn quality_figures_separate_the_synthetic_pictures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = CheckConfig::default();
    let sharp = card(1200, 800);
    let figure = |name: &str, img: &RgbImage, check: Check| -> (f64, Outcome) {
        let r = inspect(&write(dir.path(), name, &png_rgb(img)), &cfg).expect("report");
        let c = r
            .checks
            .iter()
            .find(|c| c.check == check)
            .expect("check present");
        eprintln!(
            "{name:>10} {check:?}: measured {:.3} (threshold {})",
            c.measured, c.threshold
        );
        (c.measured, c.outcome)
    };
    let (sharp_var, sharp_blur) = figure("sharp.png", &sharp, Check::Blur);
    let (blur_var, blur_blur) = figure("blur.png", &blurred(&sharp), Check::Blur);
    assert_eq!((sharp_blur, blur_blur), (Outcome::Ok, Outcome::Warning));
    assert!(sharp_var > 10.0 * blur_var, "{sharp_var} vs {blur_var}");

    let (dark, o) = figure("dark.png", &map(&sharp, |v| v / 6), Check::TooDark);
    assert!(dark < cfg.dark_mean && o == Outcome::Warning);
    let (glare, o) = figure("glare.png", &with_glare(&sharp, 0.10), Check::Glare);
    assert!((0.08..0.13).contains(&glare), "glare share {glare}");
    assert_eq!(o, Outcome::Warning);
    let (paper_glare, o) = figure("paper.png", &paper(1200, 1700), Check::Glare);
    assert!(paper_glare > 0.5, "paper is mostly blown-out white");
    assert_eq!(o, Outcome::Ok, "white paper is not glare");
    let (_, o) = figure("paper.png", &paper(1200, 1700), Check::TooBright);
    assert_eq!(o, Outcome::Ok, "white paper with text is not washed out");
}

#[test]
fn cmyk_jpeg_keeps_its_colours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "cmyk.jpg", &cmyk_jpeg(600, 400));
    let n = normalise(&path, &CheckConfig::default()).expect("accepted");
    let out = decode(&n.bytes);
    let reference = card(600, 400);
    let mean = |img: &RgbImage, ch: usize| {
        img.pixels().map(|p| f64::from(p.0[ch])).sum::<f64>()
            / f64::from(img.width() * img.height())
    };
    for ch in 0..3 {
        let (a, b) = (mean(&out, ch), mean(&reference, ch));
        assert!(
            (a - b).abs() < 25.0,
            "channel {ch}: {a:.0} vs {b:.0} (inverted CMYK?)"
        );
    }
}

#[test]
fn report_serialises_to_json_for_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "id.jpg",
        &jpeg_with_exif(&jpeg_rgb(&card(1200, 800)), 6, false),
    );
    let report = inspect(&path, &CheckConfig::default()).expect("report");
    let v: serde_json::Value = serde_json::to_value(&report).expect("json");
    assert_eq!(v["format"], "jpeg");
    assert_eq!(v["acceptable"], true);
    assert_eq!(v["width"], 800);
    assert_eq!(v["plan"][0]["action"], "apply_orientation");
    assert_eq!(v["plan"][0]["exif_value"], 6);
    assert_eq!(v["checks"][0]["check"], "resolution");
    assert_eq!(v["checks"][0]["outcome"], "ok");
    assert_eq!(v["output"]["mime"], "image/jpeg");
    assert!(v["errors"].as_array().is_some_and(|e| e.is_empty()));
}

#[test]
fn missing_file_is_an_io_error() {
    let err = inspect(
        Path::new("/nonexistent/branchdesk/x.jpg"),
        &CheckConfig::default(),
    )
    .expect_err("missing");
    assert_eq!(err.code(), "io");
    assert!(err.to_string().contains("x.jpg"));
}

#[test]
fn a_directory_is_not_a_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        inspect(dir.path(), &CheckConfig::default())
            .expect_err("dir")
            .code(),
        "io"
    );
}

/// A named pipe would block the read until something wrote to it, and a device would read
/// without end: both are refused from what the path is, before it is opened.
#[cfg(unix)]
#[test]
fn a_pipe_a_device_or_a_folder_is_refused_without_being_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("scan.jpg");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    for path in [fifo, PathBuf::from("/dev/zero"), dir.path().to_path_buf()] {
        let (sender, receiver) = std::sync::mpsc::channel();
        let checked = path.clone();
        std::thread::spawn(move || {
            let _ = sender.send(inspect(&checked, &CheckConfig::default()).map(|r| r.acceptable));
        });
        let answer = receiver
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_else(|_| panic!("{} was opened and blocked", path.display()));
        match answer {
            Err(error) => assert!(
                error.to_string().contains("not a regular file"),
                "{}: {error}",
                path.display()
            ),
            Ok(acceptable) => panic!("{} was read (acceptable: {acceptable})", path.display()),
        }
    }
}
