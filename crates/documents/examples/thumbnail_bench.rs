//! The scan figures of `cargo xtask bench` (xtask/src/bench/thumbnail.rs), built in
//! release by the bench itself. Each run is its own process, timed from spawn to exit
//! by the bench, as `vipsthumbnail` is.
//!
//! - `photo FILE`: a deterministic 4000 × 3000 phone-like JPEG (4:2:0, quality 90,
//!   EXIF orientation 6 as a phone held upright writes it): soft light, shapes, a
//!   card with glyph rows, and sensor noise, so it compresses like a photo.
//! - `preview FILE THUMB`: what staff wait for when they attach a scan: the app's own
//!   `documents::normalise_with` up to the moment it hands over the checks and the
//!   upright thumbnail (the app shows them then); writes the thumbnail to THUMB and exits
//!   there, as `vipsthumbnail` exits once its thumbnail is written.
//! - `normalise FILE THUMB`: the whole of `documents::normalise` (checks, thumbnail and
//!   the upright upload bytes, which the app finishes while staff read the checks).
//! - `stages FILE`: one in-process run of each stage, in milliseconds, as JSON.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Instant;

use branchdesk_documents::{normalise, normalise_with, CheckConfig};
use image::{DynamicImage, RgbImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["photo", file] => photo(Path::new(file)),
        ["preview", file, thumb] => run_preview(Path::new(file), Path::new(thumb)),
        ["normalise", file, thumb] => run_normalise(Path::new(file), Path::new(thumb)),
        ["stages", file] => stages(Path::new(file)),
        _ => {
            Err(
                "usage: thumbnail_bench photo FILE | preview FILE THUMB | normalise FILE THUMB | stages FILE"
                    .to_owned(),
            )
        }
    };
    if let Err(error) = result {
        eprintln!("thumbnail_bench: {error}");
        std::process::exit(1);
    }
}

fn run_preview(file: &Path, thumb: &Path) -> Result<(), String> {
    let started = Instant::now();
    let mut written: Result<(), String> = Err("the scan was refused".to_owned());
    let outcome = normalise_with(file, &CheckConfig::default(), &mut |preview| {
        written = preview
            .thumbnail_jpeg
            .ok_or_else(|| "no thumbnail".to_owned())
            .and_then(|jpeg| std::fs::write(thumb, jpeg).map_err(|e| e.to_string()))
            .map(|()| {
                println!(
                    "{{\"seconds\":{},\"width\":{},\"height\":{},\"checks\":{}}}",
                    started.elapsed().as_secs_f64(),
                    preview.report.width.unwrap_or(0),
                    preview.report.height.unwrap_or(0),
                    preview.report.checks.len()
                );
            });
        if written.is_ok() {
            // Staff have what they wait for; the rest of the work is not this figure's.
            std::process::exit(0);
        }
    });
    outcome.map_err(|e| e.to_string())?;
    written
}

fn run_normalise(file: &Path, thumb: &Path) -> Result<(), String> {
    let started = Instant::now();
    let doc = normalise(file, &CheckConfig::default()).map_err(|e| e.to_string())?;
    let thumbnail = doc.thumbnail_jpeg.ok_or("no thumbnail")?;
    std::fs::write(thumb, thumbnail).map_err(|e| e.to_string())?;
    println!(
        "{{\"seconds\":{},\"width\":{},\"height\":{},\"bytes\":{}}}",
        started.elapsed().as_secs_f64(),
        doc.width.unwrap_or(0),
        doc.height.unwrap_or(0),
        doc.bytes.len()
    );
    Ok(())
}

/// Where a normalise spends its time, in CPU ms: reading and decoding alone (the same
/// library call the pipeline makes), then the pipeline itself up to the preview and to
/// the end. Checks and thumbnail are preview − read − decode; the upload copy (turning
/// the full picture upright, encoding, hashing) is the rest. Each figure is the median of
/// [`STAGE_RUNS`] runs, since the differences are small beside a busy machine's noise.
fn stages(file: &Path) -> Result<(), String> {
    let mut runs: Vec<[f64; 4]> = Vec::new();
    for _ in 0..STAGE_RUNS {
        let started = cpu_ms();
        let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
        let read = cpu_ms();
        let img = image::load_from_memory(&bytes).map_err(|e| e.to_string())?;
        let decoded = cpu_ms();
        std::hint::black_box(img);
        let begin = cpu_ms();
        let mut preview_at = f64::NAN;
        normalise_with(file, &CheckConfig::default(), &mut |_| {
            preview_at = cpu_ms()
        })
        .map_err(|e| e.to_string())?;
        let end = cpu_ms();
        runs.push([
            read - started,
            decoded - read,
            preview_at - begin,
            end - begin,
        ]);
    }
    let median = |i: usize| {
        let mut v: Vec<f64> = runs.iter().map(|r| r[i]).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (read, decode, preview, normalise) = (median(0), median(1), median(2), median(3));
    println!(
        "{{\"read\":{read:.1},\"decode\":{decode:.1},\"checks and thumbnail\":{:.1},\"preview\":{preview:.1},\"upload copy\":{:.1},\"normalise\":{normalise:.1}}}",
        (preview - read - decode).max(0.0),
        normalise - preview
    );
    Ok(())
}

const STAGE_RUNS: usize = 7;

/// This thread's CPU time: on a loaded machine wall time per step says more about the
/// neighbours than about the step. Linux reports it in ns; elsewhere wall time stands in.
fn cpu_ms() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map(|ns| ns / 1e6)
        .unwrap_or_else(|| START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0)
}

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;

fn photo(file: &Path) -> Result<(), String> {
    let card = common::card(1600, 1000);
    let mut rng = common::Lcg::new(12);
    let img = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        // A desk lit from the top left: a warm gradient with a soft vignette.
        let light = 1.0 - 0.35 * ((fx - 0.3).powi(2) + (fy - 0.25).powi(2)).sqrt();
        let grain = ((x / 7 + y / 11) % 13) as f32 * 1.5;
        let mut rgb = [
            (150.0 + 60.0 * fx + grain) * light,
            (120.0 + 40.0 * fy + grain) * light,
            (90.0 + 30.0 * (1.0 - fx)) * light,
        ];
        // A round object (a mug) casting a darker disc.
        let (dx, dy) = (x as f32 - 3200.0, y as f32 - 700.0);
        if dx * dx + dy * dy < 420.0 * 420.0 {
            rgb = [rgb[0] * 0.45, rgb[1] * 0.5, rgb[2] * 0.7];
        }
        // The ID card itself, slightly brighter than the desk.
        let (cx, cy) = (x.wrapping_sub(1100), y.wrapping_sub(1000));
        if cx < card.width() && cy < card.height() {
            let p = card.get_pixel(cx, cy).0;
            rgb = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
        }
        let noise = rng.range(0, 17) as f32 - 8.0;
        image::Rgb(rgb.map(|c| (c + noise).clamp(0.0, 255.0) as u8))
    });
    let jpeg = common::jpeg(&DynamicImage::ImageRgb8(img), 90);
    let jpeg = common::jpeg_with_exif(&jpeg, 6, false);
    std::fs::write(file, jpeg).map_err(|e| e.to_string())
}
