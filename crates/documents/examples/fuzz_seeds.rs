//! Writes the seed corpora of the fuzz targets in `fuzz/`: small valid files of
//! every format the crate reads, built by the same generators as the tests, so
//! no binary fixtures are committed and libFuzzer starts from real structure.
//!
//!   cargo run -p branchdesk-documents --example fuzz_seeds -- crates/documents/fuzz/corpus

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

use common::*;
use image::DynamicImage;

fn main() -> std::io::Result<()> {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: fuzz_seeds CORPUS_DIR (one folder per target is made in it)");
        std::process::exit(2);
    };
    let img = DynamicImage::ImageRgb8(card(64, 48));
    let jpg = jpeg(&img, 85);
    let pictures: Vec<(&str, Vec<u8>)> = vec![
        ("jpeg", jpg.clone()),
        ("jpeg-exif-rotated", jpeg_with_exif(&jpg, 6, true)),
        ("jpeg-cmyk", cmyk_jpeg(24, 16)),
        ("jpeg-grey", jpeg(&grey(40, 30), 80)),
        ("png", png(&img)),
        ("png-grey16", png(&grey16(40, 30))),
        ("png-rgb16", png(&rgb16(20, 10))),
        ("png-transparent", png(&rgba_transparent(24, 16))),
        ("tiff-2-pages", tiff_pages(2, 32, 24)),
        ("webp", webp_lossless(&img)),
    ];
    let pdfs: Vec<(&str, Vec<u8>)> = vec![
        ("pdf", pdf(2, false)),
        ("pdf-encrypted", pdf(1, true)),
        ("pdf-bad-xref", pdf_bad_xref()),
    ];
    let others: Vec<(&str, Vec<u8>)> = vec![
        ("zip", zip()),
        ("elf", elf()),
        ("pe", pe()),
        ("heic", heic_header(b"heic")),
        ("avif", heic_header(b"avif")),
    ];
    let all: Vec<&(&str, Vec<u8>)> = pictures.iter().chain(&pdfs).chain(&others).collect();
    let decode: Vec<&(&str, Vec<u8>)> = pictures.iter().chain(&pdfs).collect();
    let pdf_only: Vec<&(&str, Vec<u8>)> = pdfs.iter().collect();
    for (target, seeds) in [("sniff", all), ("decode", decode), ("pdf", pdf_only)] {
        let dir = out.join(target);
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in seeds {
            std::fs::write(dir.join(format!("seed-{name}")), bytes)?;
        }
    }
    Ok(())
}
