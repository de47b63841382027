//! The prefill figures of `cargo xtask bench` (xtask/src/bench/prefill.rs), built in
//! release by the bench itself. Times are taken in-process around the work itself (the
//! file's bytes are already in memory, as a stored scan's are), so that process start-up
//! weighs on neither side of the comparison with the reference reader.
//!
//! - `pdf417 FILE RUNS`: what attaching a licence's BACK waits for: decode the picture,
//!   find and decode its PDF417 barcode, parse the AAMVA text into the draft's fields.
//! - `mrz FILE RUNS`: the same for a passport's photo page and its machine-readable zone.
//! - `reader FILE RUNS READER`: the `pdf417` read RUNS times in this process, then RUNS
//!   times through the document reader READER, as the app asks it (a process started per
//!   read); prints both medians.
//! - `photo PASSPORT OUT`: a 12-megapixel (4000 × 3000) phone-like photo of the passport
//!   page PASSPORT, as a JPEG at quality 90.
//!
//! Each timing command prints one JSON line: the median and the fastest run in ms, and the
//! number of fields the read gave.

use std::path::Path;
use std::time::Instant;

use branchdesk_documents::barcode::{read_pdf417, BarcodeRead};
use branchdesk_documents::mrz::{read_mrz, MrzRead};
use branchdesk_documents::CheckConfig;
use branchdesk_domain::prefill::{aamva, mrz};
use image::{DynamicImage, Rgb, RgbImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["pdf417", file, runs] => time(Path::new(file), runs, read_licence),
        ["mrz", file, runs] => time(Path::new(file), runs, read_passport),
        ["reader", file, runs, reader] => through_reader(Path::new(file), runs, Path::new(reader)),
        ["photo", passport, out] => photo(Path::new(passport), Path::new(out)),
        _ => Err(
            "usage: prefill_bench pdf417|mrz FILE RUNS | reader FILE RUNS READER | photo PASSPORT OUT"
                .to_owned(),
        ),
    };
    if let Err(error) = result {
        eprintln!("prefill_bench: {error}");
        std::process::exit(1);
    }
}

/// The fields a licence's BACK gives, or why none.
fn read_licence(bytes: &[u8]) -> Result<usize, String> {
    match read_pdf417(bytes, &CheckConfig::default()).map_err(|e| e.to_string())? {
        BarcodeRead::Found(text) => aamva::parse(&text)
            .map(|read| read.fields.len())
            .map_err(|e| format!("{e:?}")),
        BarcodeRead::NotFound => Err("no barcode found".to_owned()),
    }
}

/// The fields a passport's zone gives, or why none.
fn read_passport(bytes: &[u8]) -> Result<usize, String> {
    match read_mrz(bytes, &CheckConfig::default()).map_err(|e| e.to_string())? {
        MrzRead::Found(text) => mrz::parse(&text)
            .map(|read| read.fields.len())
            .map_err(|e| format!("{e:?}")),
        MrzRead::NotFound => Err("no zone found".to_owned()),
    }
}

fn time(file: &Path, runs: &str, read: fn(&[u8]) -> Result<usize, String>) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (times, fields) = timed(&bytes, runs, read)?;
    println!(
        "{{\"median_ms\": {:.2}, \"best_ms\": {:.2}, \"fields\": {fields}}}",
        times[times.len() / 2],
        times[0]
    );
    Ok(())
}

/// `read` of `bytes`, `runs` times: the times in ms, fastest first, and the fields read.
fn timed(
    bytes: &[u8],
    runs: &str,
    read: fn(&[u8]) -> Result<usize, String>,
) -> Result<(Vec<f64>, usize), String> {
    let runs: usize = runs.parse().map_err(|_| format!("runs: {runs:?}"))?;
    let mut times = Vec::with_capacity(runs);
    let mut fields = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        fields = read(bytes)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times, fields))
}

fn through_reader(file: &Path, runs: &str, reader: &Path) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (here, fields) = timed(&bytes, runs, read_licence)?;
    // From here on every read is a reader process's, as in the app.
    branchdesk_documents::worker::isolate_in(reader.to_path_buf());
    let (there, read_there) = timed(&bytes, runs, read_licence)?;
    if read_there != fields {
        return Err(format!(
            "{fields} fields here, {read_there} through the reader"
        ));
    }
    println!(
        "{{\"in_process_ms\": {:.2}, \"reader_ms\": {:.2}, \"fields\": {fields}}}",
        here[here.len() / 2],
        there[there.len() / 2]
    );
    Ok(())
}

/// The passport page laid on a desk and photographed from above: 4000 × 3000, the page
/// taking about two thirds of the width, a soft light falloff and a little sensor noise.
fn photo(passport: &Path, out: &Path) -> Result<(), String> {
    let page = image::open(passport)
        .map_err(|e| format!("{}: {e}", passport.display()))?
        .to_rgb8();
    let (w, h) = (4000u32, 3000u32);
    let scale = 2700.0 / page.width() as f32;
    let page = image::imageops::resize(
        &page,
        2700,
        (page.height() as f32 * scale) as u32,
        image::imageops::FilterType::CatmullRom,
    );
    let mut seed = 0x2545_f491_u32;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed % 9) as i32 - 4
    };
    let (x0, y0) = ((w - page.width()) / 2, (h - page.height()) / 2);
    let mut canvas = RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 / w as f32 - 0.5, y as f32 / h as f32 - 0.5);
        let light = 1.0 - 0.35 * (dx * dx + dy * dy);
        let inside = x >= x0 && y >= y0 && x < x0 + page.width() && y < y0 + page.height();
        let base = if inside {
            page.get_pixel(x - x0, y - y0).0
        } else {
            [120, 98, 80]
        };
        let n = noise();
        Rgb(base
            .map(|c| (f32::from(c) * light) as i32 + n)
            .map(|c| c.clamp(0, 255) as u8))
    });
    // A slight shadow along the page's lower edge, as a page on a desk casts.
    for y in y0 + page.height()..(y0 + page.height() + 12).min(h) {
        for x in x0..x0 + page.width() {
            let p = canvas.get_pixel_mut(x, y);
            p.0 = p.0.map(|c| c / 2);
        }
    }
    let mut file = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 90);
    encoder
        .encode_image(&DynamicImage::ImageRgb8(canvas))
        .map_err(|e| e.to_string())
}
