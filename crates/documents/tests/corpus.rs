//! A generated corpus of hostile and odd files, each with the outcome it must
//! get. Every file goes through `inspect` and `normalise`; a panic anywhere
//! fails the test.

mod common;

use std::fs;
use std::path::Path;

use branchdesk_documents::{inspect, normalise, Check, CheckConfig, Format, Outcome, Report};
use common::*;
use image::DynamicImage;

#[derive(Debug, Clone)]
enum Expect {
    /// Accepted; output has this MIME type; these checks warn; these are OK.
    Accept {
        format: Format,
        out_mime: &'static str,
        warn: Vec<Check>,
        ok: Vec<Check>,
    },
    /// Refused with one of these error codes.
    Refuse(Vec<&'static str>),
}

fn accept(format: Format, out_mime: &'static str) -> Expect {
    Expect::Accept {
        format,
        out_mime,
        warn: vec![],
        ok: vec![],
    }
}

fn accept_clean(format: Format, out_mime: &'static str) -> Expect {
    Expect::Accept {
        format,
        out_mime,
        warn: vec![],
        ok: vec![
            Check::Resolution,
            Check::Blur,
            Check::TooDark,
            Check::TooBright,
            Check::Glare,
        ],
    }
}

fn accept_warn(format: Format, out_mime: &'static str, warn: Vec<Check>) -> Expect {
    Expect::Accept {
        format,
        out_mime,
        warn,
        ok: vec![],
    }
}

fn refuse(code: &'static str) -> Expect {
    Expect::Refuse(vec![code])
}

struct Case {
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

fn case(name: impl Into<String>, bytes: Vec<u8>, expect: Expect) -> Case {
    Case {
        name: name.into(),
        bytes,
        expect,
    }
}

fn corpus() -> Vec<Case> {
    let (w, h) = (1200, 800);
    let sharp = card(w, h);
    let sharp_jpeg = jpeg_rgb(&sharp);
    let sharp_png = png_rgb(&sharp);
    let good_pdf = pdf(1, false);
    let tiff3 = tiff_pages(3, 1100, 700);
    let webp = webp_lossless(&DynamicImage::ImageRgb8(card(1100, 700)));

    let mut c = vec![
        // --- good documents ---
        case(
            "sharp.jpg",
            sharp_jpeg.clone(),
            accept_clean(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "sharp.png",
            sharp_png.clone(),
            accept_clean(Format::Png, "image/png"),
        ),
        case(
            "scan.png",
            png_rgb(&paper(1240, 1754)),
            accept_clean(Format::Png, "image/png"),
        ),
        case(
            "scan.jpg",
            jpeg_rgb(&paper(1240, 1754)),
            accept_clean(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "one-page.pdf",
            good_pdf.clone(),
            accept(Format::Pdf, "application/pdf"),
        ),
        case(
            "three-pages.pdf",
            pdf(3, false),
            accept(Format::Pdf, "application/pdf"),
        ),
        case(
            "png-named.jpg",
            sharp_png.clone(),
            accept_clean(Format::Png, "image/png"),
        ),
        case(
            "jpeg-named.pdf",
            sharp_jpeg.clone(),
            accept_clean(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "no-extension",
            sharp_jpeg.clone(),
            accept_clean(Format::Jpeg, "image/jpeg"),
        ),
        // --- odd but acceptable encodings ---
        case(
            "cmyk.jpg",
            cmyk_jpeg(1200, 800),
            accept(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "rgb16.png",
            png(&rgb16(1200, 800)),
            accept(Format::Png, "image/png"),
        ),
        case(
            "grey16.png",
            png(&grey16(1200, 800)),
            accept(Format::Png, "image/png"),
        ),
        case(
            "grey.png",
            png(&grey(1200, 800)),
            accept_clean(Format::Png, "image/png"),
        ),
        case(
            "grey.jpg",
            jpeg(&grey(1200, 800), 90),
            accept_clean(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "rgba-transparent.png",
            png(&rgba_transparent(1200, 800)),
            accept(Format::Png, "image/png"),
        ),
        case(
            "rgba-opaque.png",
            png(&rgba_opaque(1200, 800)),
            accept(Format::Png, "image/png"),
        ),
        case(
            "exif-rotated.jpg",
            jpeg_with_exif(&sharp_jpeg, 6, false),
            accept(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "exif-gps.jpg",
            jpeg_with_exif(&sharp_jpeg, 1, true),
            accept(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "exif-bad-orientation.jpg",
            jpeg_with_exif(&sharp_jpeg, 99, false),
            accept(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "progressive-ish-q30.jpg",
            jpeg(&DynamicImage::ImageRgb8(sharp.clone()), 30),
            accept(Format::Jpeg, "image/jpeg"),
        ),
        case(
            "trailing-junk.jpg",
            [sharp_jpeg.clone(), b"SAMSUNG-TRAILER".repeat(10)].concat(),
            accept(Format::Jpeg, "image/jpeg"),
        ),
        // --- converted ---
        case(
            "single.tiff",
            tiff_pages(1, 1100, 700),
            accept(Format::Tiff, "image/jpeg"),
        ),
        case(
            "multi.tif",
            tiff3.clone(),
            accept_warn(Format::Tiff, "image/jpeg", vec![Check::ExtraPages]),
        ),
        case(
            "grey16.tiff",
            encode(&grey16(1100, 700), image::ImageFormat::Tiff),
            accept(Format::Tiff, "image/jpeg"),
        ),
        case(
            "lossless.webp",
            webp.clone(),
            accept(Format::Webp, "image/jpeg"),
        ),
        case(
            "alpha.webp",
            webp_lossless(&rgba_transparent(1100, 700)),
            accept(Format::Webp, "image/jpeg"),
        ),
        // --- quality warnings ---
        case(
            "blurred.jpg",
            jpeg_rgb(&blurred(&sharp)),
            accept_warn(Format::Jpeg, "image/jpeg", vec![Check::Blur]),
        ),
        case(
            "blurred.png",
            png_rgb(&blurred(&sharp)),
            accept_warn(Format::Png, "image/png", vec![Check::Blur]),
        ),
        case(
            "dark.jpg",
            jpeg_rgb(&map(&sharp, |v| (u32::from(v) * 18 / 100) as u8)),
            accept_warn(Format::Jpeg, "image/jpeg", vec![Check::TooDark]),
        ),
        case(
            "bright.jpg",
            jpeg_rgb(&map(&sharp, |v| 236 + v / 40)),
            accept_warn(Format::Jpeg, "image/jpeg", vec![Check::TooBright]),
        ),
        case(
            "glare.jpg",
            jpeg_rgb(&with_glare(&sharp, 0.15)),
            accept_warn(Format::Jpeg, "image/jpeg", vec![Check::Glare]),
        ),
        case(
            "low-res.jpg",
            jpeg_rgb(&card(640, 400)),
            accept_warn(Format::Jpeg, "image/jpeg", vec![Check::Resolution]),
        ),
        case(
            "tiny-1x1.png",
            png_rgb(&image::RgbImage::new(1, 1)),
            accept_warn(Format::Png, "image/png", vec![Check::Resolution]),
        ),
        case(
            "thin-4000x3.png",
            png_rgb(&card(4000, 3)),
            accept_warn(Format::Png, "image/png", vec![Check::Blur]),
        ),
        case(
            "pdf-bad-xref.pdf",
            pdf_bad_xref(),
            accept_warn(Format::Pdf, "application/pdf", vec![Check::PdfRepaired]),
        ),
        // --- refused: wrong type ---
        case("empty.jpg", vec![], refuse("empty")),
        case("zip-renamed.jpg", zip(), refuse("unsupported_type")),
        case("elf-renamed.pdf", elf(), refuse("unsupported_type")),
        case("pe-renamed.pdf", pe(), refuse("unsupported_type")),
        case(
            "text.pdf",
            b"This is not a PDF, it is a note.\n".to_vec(),
            refuse("unsupported_type"),
        ),
        case(
            "random.bin",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
            refuse("unsupported_type"),
        ),
        case("zeros.png", vec![0u8; 1000], refuse("unsupported_type")),
        case(
            "gif.jpg",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            refuse("unsupported_type"),
        ),
        case(
            "bmp.png",
            [b"BM".to_vec(), vec![0u8; 60]].concat(),
            refuse("unsupported_type"),
        ),
        case("photo.heic", heic_header(b"heic"), refuse("heic")),
        case(
            "photo-heic-renamed.jpg",
            heic_header(b"heic"),
            refuse("heic"),
        ),
        case("photo-mif1.heif", heic_header(b"mif1"), refuse("heic")),
        case("photo.avif", heic_header(b"avif"), refuse("avif")),
        // --- refused: broken ---
        case("encrypted.pdf", pdf(1, true), refuse("encrypted_pdf")),
        case("no-pages.pdf", pdf(0, false), refuse("empty_pdf")),
        case(
            "png-bomb-50000.png",
            png_bomb(50_000, 50_000),
            refuse("too_many_pixels"),
        ),
        case(
            "png-bomb-11000.png",
            png_bomb(11_000, 11_000),
            refuse("too_many_pixels"),
        ),
        case(
            "png-zero-size.png",
            png_bomb(0, 0),
            Expect::Refuse(vec!["corrupt", "truncated"]),
        ),
        case(
            "jpeg-bomb-65000.jpg",
            jpeg_claiming(65_000, 65_000),
            refuse("too_many_pixels"),
        ),
        case(
            "png-bad-crc.png",
            {
                let mut p = sharp_png.clone();
                p[29] ^= 0xFF; // inside IHDR's CRC
                p
            },
            Expect::Refuse(vec!["corrupt"]),
        ),
        case(
            "png-garbage-idat.png",
            {
                let mut p = png_rgb(&card(200, 100));
                let start = p.windows(4).position(|w| w == b"IDAT").expect("IDAT") + 4;
                for b in &mut p[start..start + 40] {
                    *b = 0x5A;
                }
                p
            },
            Expect::Refuse(vec!["corrupt"]),
        ),
        case(
            "tiff-garbage.tif",
            [b"II\x2a\x00\x08\x00\x00\x00".to_vec(), vec![0xFF; 200]].concat(),
            Expect::Refuse(vec!["corrupt", "truncated", "unsupported_variant"]),
        ),
        case(
            "webp-garbage.webp",
            {
                let mut w = webp.clone();
                let n = w.len();
                for b in &mut w[30..n] {
                    *b = 0x33;
                }
                w
            },
            Expect::Refuse(vec!["corrupt", "truncated"]),
        ),
    ];

    // Truncations at several cut points, including just before the end marker.
    for frac in [0.02, 0.25, 0.5, 0.9] {
        let cut = (sharp_jpeg.len() as f64 * frac) as usize;
        c.push(case(
            format!("cut-{frac}.jpg"),
            sharp_jpeg[..cut].to_vec(),
            refuse("truncated"),
        ));
        let cut = (sharp_png.len() as f64 * frac) as usize;
        c.push(case(
            format!("cut-{frac}.png"),
            sharp_png[..cut].to_vec(),
            refuse("truncated"),
        ));
        let cut = (good_pdf.len() as f64 * frac) as usize;
        c.push(case(
            format!("cut-{frac}.pdf"),
            good_pdf[..cut].to_vec(),
            refuse("truncated"),
        ));
        let cut = (webp.len() as f64 * frac) as usize;
        c.push(case(
            format!("cut-{frac}.webp"),
            webp[..cut].to_vec(),
            refuse("truncated"),
        ));
        let cut = (tiff3.len() as f64 * frac).max(8.0) as usize;
        c.push(case(
            format!("cut-{frac}.tif"),
            tiff3[..cut].to_vec(),
            Expect::Refuse(vec!["truncated", "corrupt"]),
        ));
    }
    c.push(case(
        "cut-no-eoi.jpg",
        sharp_jpeg[..sharp_jpeg.len() - 2].to_vec(),
        refuse("truncated"),
    ));
    c.push(case(
        "cut-4-bytes.jpg",
        sharp_jpeg[..4].to_vec(),
        refuse("truncated"),
    ));
    c.push(case(
        "cut-no-iend.png",
        sharp_png[..sharp_png.len() - 12].to_vec(),
        refuse("truncated"),
    ));
    c.push(case(
        "cut-signature-only.png",
        sharp_png[..8].to_vec(),
        refuse("truncated"),
    ));
    c.push(case(
        "cut-no-eof.pdf",
        good_pdf[..good_pdf.len() - 7].to_vec(),
        refuse("truncated"),
    ));
    c.push(case(
        "cut-encrypted.pdf",
        {
            let e = pdf(1, true);
            e[..e.len() * 2 / 3].to_vec()
        },
        refuse("truncated"),
    ));
    c
}

fn check_case(dir: &Path, c: &Case, cfg: &CheckConfig) -> Result<(), String> {
    let path = dir.join(&c.name);
    fs::write(&path, &c.bytes).map_err(|e| e.to_string())?;
    let report = inspect(&path, cfg).map_err(|e| format!("inspect failed: {e}"))?;
    let json = serde_json::to_string(&report).map_err(|e| e.to_string())?;
    if !json.contains("\"acceptable\"") {
        return Err("report JSON lacks `acceptable`".into());
    }
    match &c.expect {
        Expect::Refuse(codes) => {
            if report.acceptable {
                return Err(format!("accepted, expected refusal {codes:?}: {report:#?}"));
            }
            let code = report.errors.first().map(|e| e.code.as_str()).unwrap_or("");
            if !codes.contains(&code) {
                return Err(format!(
                    "refused with {code:?}, expected {codes:?}: {:?}",
                    report.errors
                ));
            }
            if report.errors[0].message.len() < 30 {
                return Err("refusal message too short to be useful".into());
            }
            match normalise(&path, cfg) {
                Ok(_) => return Err("normalise accepted what inspect refused".into()),
                Err(e) if e.code() != code => {
                    return Err(format!(
                        "normalise refused with {}, inspect with {code}",
                        e.code()
                    ))
                }
                Err(_) => {}
            }
        }
        Expect::Accept {
            format,
            out_mime,
            warn,
            ok,
        } => {
            if !report.acceptable {
                return Err(format!("refused: {:?}", report.errors));
            }
            if report.format != *format {
                return Err(format!("format {:?}, expected {format:?}", report.format));
            }
            check_warnings(&report, warn, ok)?;
            let n = normalise(&path, cfg).map_err(|e| format!("normalise refused: {e}"))?;
            if n.mime != *out_mime {
                return Err(format!("output {} expected {out_mime}", n.mime));
            }
            if n.report != report {
                return Err("normalise's report differs from inspect's".into());
            }
            if let Some(limit) = cfg.provider_limit_bytes {
                if n.bytes.len() as u64 > limit {
                    return Err("output over provider limit".into());
                }
            }
            if n.mime != "application/pdf" {
                let img = image::load_from_memory(&n.bytes)
                    .map_err(|e| format!("output does not decode: {e}"))?;
                if Some(img.width()) != n.width || Some(img.height()) != n.height {
                    return Err("output size differs from reported size".into());
                }
                let thumb = n.thumbnail_jpeg.as_deref().ok_or("no thumbnail")?;
                let t = image::load_from_memory_with_format(thumb, image::ImageFormat::Jpeg)
                    .map_err(|e| format!("thumbnail does not decode: {e}"))?;
                if t.width().max(t.height()) > 320 {
                    return Err("thumbnail larger than 320 px".into());
                }
            }
        }
    }
    Ok(())
}

fn check_warnings(report: &Report, warn: &[Check], ok: &[Check]) -> Result<(), String> {
    let outcome = |c: Check| {
        report
            .checks
            .iter()
            .find(|r| r.check == c)
            .map(|r| r.outcome)
    };
    for &c in warn {
        if outcome(c) != Some(Outcome::Warning) {
            return Err(format!("expected a {c:?} warning: {:#?}", report.checks));
        }
    }
    for &c in ok {
        if outcome(c) != Some(Outcome::Ok) {
            return Err(format!("expected {c:?} to be ok: {:#?}", report.checks));
        }
    }
    Ok(())
}

#[test]
fn corpus_gets_the_right_outcome_for_every_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = CheckConfig::default();
    let cases = corpus();
    assert!(cases.len() >= 60, "corpus has only {} files", cases.len());
    // Two workers: the corpus is CPU-bound and unoptimised in test builds.
    let (even, odd): (Vec<_>, Vec<_>) = cases.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let run = |part: Vec<(usize, &Case)>| -> Vec<String> {
        part.into_iter()
            .filter_map(|(_, c)| {
                let t = std::time::Instant::now();
                let r = check_case(dir.path(), c, &cfg);
                if std::env::var_os("DOCS_TIMING").is_some() {
                    eprintln!("{:>8.2}s {}", t.elapsed().as_secs_f64(), c.name);
                }
                r.err().map(|e| format!("{}: {e}", c.name))
            })
            .collect()
    };
    let failures: Vec<String> = std::thread::scope(|s| {
        let a = s.spawn(|| run(even));
        let b = run(odd);
        let mut all = a.join().expect("worker panicked");
        all.extend(b);
        all
    });
    assert!(
        failures.is_empty(),
        "{} of {} files wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
