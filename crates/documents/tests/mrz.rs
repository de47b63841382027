//! Reading the machine-readable zone from pictures drawn here: a passport photo page or an
//! ID card with a photo, printed text and lines above, and the zone at the bottom in OCR-B
//! (drawn from a finer rendering of the font than the reader's templates), clean and
//! degraded as scanners and phones degrade them.
//!
//! Why one file (about 670 lines): the corpus the reader is judged on — the zones, the pages
//! drawn from them, their degradations and the verdicts — is one experiment, read together.

mod common;
use common::degrade::{self, jpeg, png, Rng};

use std::time::Instant;

use branchdesk_documents::mrz::{read_mrz, read_picture, MrzRead};
use branchdesk_documents::CheckConfig;
use image::{DynamicImage, GrayImage, Luma};

/// The glyphs of the zone, in the atlas's order.
const GLYPHS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
/// The font rendered at 0.125 px per font unit by `cargo xtask ocrb-templates`.
const ATLAS: &[u8] = include_bytes!("../assets/ocrb/test-glyphs.pgm");
const ATLAS_PX_PER_UNIT: f32 = 0.125;
/// The atlas box in font units: x from the pen, y up from the baseline.
const BOX_X0: f32 = 25.0;
const BOX_Y1: f32 = 657.0;
/// OCR-B's advance: one character every 2.54 mm.
const ADVANCE: f32 = 723.0;

/// ICAO 9303's specimens.
const TD3: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const TD2: &str = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6";
const TD1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";

// ---------------------------------------------------------------------------------------
// Check digits, as ICAO 9303 computes them (the documents crate does not depend on the
// domain's parser; the caller parses).

fn check_digit(text: &str) -> char {
    let sum: u32 = text
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let v = match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'A'..=b'Z' => u32::from(c - b'A') + 10,
                _ => 0,
            };
            v * [7, 3, 1][i % 3]
        })
        .sum();
    char::from(b'0' + (sum % 10) as u8)
}

fn agrees(text: &str, digit: char) -> bool {
    if digit == '<' {
        return text.chars().all(|c| c == '<');
    }
    check_digit(text) == digit
}

/// Whether every check digit of a zone's text agrees.
fn digits_agree(zone: &str) -> bool {
    let lines: Vec<&str> = zone.lines().collect();
    match lines.as_slice() {
        [l1, l2, _] if l1.len() == 30 && l2.len() == 30 => {
            let number = if &l1[14..15] == "<" {
                let rest = l1[15..30].trim_end_matches('<');
                match rest.len() {
                    0 => true,
                    n => agrees(
                        &format!("{}{}", &l1[5..14], &rest[..n - 1]),
                        rest[n - 1..].chars().next().expect("test data"),
                    ),
                }
            } else {
                agrees(&l1[5..14], l1[14..].chars().next().expect("test data"))
            };
            let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
            number
                && agrees(&l2[0..6], l2[6..].chars().next().expect("test data"))
                && agrees(&l2[8..14], l2[14..].chars().next().expect("test data"))
                && agrees(&composite, l2[29..].chars().next().expect("test data"))
        }
        [_, l2] if l2.len() == 44 || l2.len() == 36 => {
            let end = l2.len() - 1;
            let at = |i: usize| l2[i..].chars().next().expect("test data");
            let composite = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..end]);
            (l2.len() == 36 || agrees(&l2[28..42], at(42)))
                && agrees(&l2[0..9], at(9))
                && agrees(&l2[13..19], at(19))
                && agrees(&l2[21..27], at(27))
                && agrees(&composite, at(end))
        }
        _ => false,
    }
}

fn pad(text: &str, len: usize) -> String {
    format!("{text:<<len$}")
}

/// A passport zone (TD3) with its check digits.
#[allow(clippy::too_many_arguments)]
fn td3(
    state: &str,
    names: &str,
    number: &str,
    nationality: &str,
    birth: &str,
    sex: char,
    expiry: &str,
    personal: &str,
) -> String {
    let l1 = pad(&format!("P<{state}{names}"), 44);
    let number = pad(number, 9);
    let personal = pad(personal, 14);
    let personal_digit = if personal.chars().all(|c| c == '<') {
        '<'
    } else {
        check_digit(&personal)
    };
    let head = format!(
        "{number}{}{nationality}{birth}{}{sex}{expiry}{}{personal}{personal_digit}",
        check_digit(&number),
        check_digit(birth),
        check_digit(expiry)
    );
    let composite = format!("{}{}{}", &head[0..10], &head[13..20], &head[21..43]);
    let l2 = format!("{head}{}", check_digit(&composite));
    format!("{l1}\n{l2}")
}

/// An ID card zone of two lines (TD2).
fn td2(state: &str, names: &str, number: &str, birth: &str, sex: char, expiry: &str) -> String {
    let l1 = pad(&format!("I<{state}{names}"), 36);
    let number = pad(number, 9);
    let head = pad(
        &format!(
            "{number}{}{state}{birth}{}{sex}{expiry}{}",
            check_digit(&number),
            check_digit(birth),
            check_digit(expiry)
        ),
        35,
    );
    let composite = format!("{}{}{}", &head[0..10], &head[13..20], &head[21..35]);
    format!("{l1}\n{head}{}", check_digit(&composite))
}

/// An ID card zone of three lines (TD1).
fn td1(
    state: &str,
    number: &str,
    optional: &str,
    birth: &str,
    sex: char,
    expiry: &str,
    names: &str,
) -> String {
    let number = pad(number, 9);
    let l1 = pad(
        &format!("I<{state}{number}{}{optional}", check_digit(&number)),
        30,
    );
    let head = pad(
        &format!(
            "{birth}{}{sex}{expiry}{}{state}",
            check_digit(birth),
            check_digit(expiry)
        ),
        29,
    );
    let composite = format!(
        "{}{}{}{}",
        &l1[5..30],
        &head[0..7],
        &head[8..15],
        &head[18..29]
    );
    let l2 = format!("{head}{}", check_digit(&composite));
    format!("{l1}\n{l2}\n{}", pad(names, 30))
}

/// The zones the tests read: ICAO's three specimens and zones made here, with the
/// look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z) where a misread would hurt.
fn zones() -> Vec<(String, String)> {
    vec![
        ("ICAO TD3".into(), TD3.into()),
        ("ICAO TD2".into(), TD2.into()),
        ("ICAO TD1".into(), TD1.into()),
        (
            "TD3 look-alikes".into(),
            td3(
                "D<<",
                "OBOZINSKI<<ZOE<ISABEL",
                "C0O1I5S8B",
                "D<<",
                "850101",
                'F',
                "301231",
                "",
            ),
        ),
        (
            "TD3 personal number".into(),
            td3(
                "GBR",
                "SMITH<JONES<<JOHN<PAUL",
                "925076473",
                "GBR",
                "691109",
                'M',
                "280522",
                "ZB2Z8O0S5I1",
            ),
        ),
        (
            "TD2".into(),
            td2(
                "FRA",
                "MARTIN<<SOPHIE",
                "X4RTBPFW4",
                "920229",
                'F',
                "340815",
            ),
        ),
        (
            "TD1 NLD".into(),
            td1(
                "NLD",
                "SPECI2021",
                "",
                "650310",
                'X',
                "310309",
                "DE<BRUIJN<<WILLEKE<LISELOTTE",
            ),
        ),
        (
            "TD1".into(),
            td1(
                "ESP",
                "BA0000001",
                "99999999R",
                "800101",
                'M',
                "250101",
                "ESPANOLA<ESPANOLA<<CARMEN",
            ),
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Drawing.

struct Atlas {
    w: usize,
    h: usize,
    width: usize,
    pixels: Vec<u8>,
}

fn atlas() -> Atlas {
    let text_end = {
        // "P5\n{w} {h}\n255\n": four whitespace-separated fields.
        let mut newlines = 0;
        let mut at = 0;
        while newlines < 3 {
            if ATLAS[at] == b'\n' {
                newlines += 1;
            }
            at += 1;
        }
        at
    };
    let header = std::str::from_utf8(&ATLAS[..text_end]).expect("test data");
    let fields: Vec<&str> = header.split_whitespace().collect();
    let (width, h): (usize, usize) = (
        fields[1].parse().expect("test data"),
        fields[2].parse().expect("test data"),
    );
    Atlas {
        w: width / GLYPHS.len(),
        h,
        width,
        pixels: ATLAS[text_end..].to_vec(),
    }
}

impl Atlas {
    /// The glyph's ink (0..1) at a point of its box in atlas pixels.
    fn ink(&self, glyph: usize, x: f32, y: f32) -> f32 {
        if x < 0.0 || y < 0.0 || x >= self.w as f32 - 1.0 || y >= self.h as f32 - 1.0 {
            return 0.0;
        }
        let (x0, y0) = (x as usize, y as usize);
        let (tx, ty) = (x - x0 as f32, y - y0 as f32);
        let at = |x: usize, y: usize| f32::from(self.pixels[y * self.width + glyph * self.w + x]);
        let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
        let bottom = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
        (top * (1.0 - ty) + bottom * ty) / 255.0
    }
}

/// Draws `text` in OCR-B with its baseline at `baseline`, the first pen position at `x`,
/// one character every `pitch` pixels, ink `ink` (0..255).
fn draw_text(
    page: &mut GrayImage,
    atlas: &Atlas,
    text: &str,
    x: f32,
    baseline: f32,
    pitch: f32,
    ink: f32,
) {
    draw_sized(page, atlas, text, (x, baseline), pitch, 1.0, ink);
}

/// [`draw_text`] with glyphs `size` times the size their pitch implies: a printer's
/// letter-spacing (smaller) or a condensed face (larger).
fn draw_sized(
    page: &mut GrayImage,
    atlas: &Atlas,
    text: &str,
    (x, baseline): (f32, f32),
    pitch: f32,
    size: f32,
    ink: f32,
) {
    let px_per_unit = size * pitch / ADVANCE;
    let to_atlas = ATLAS_PX_PER_UNIT / px_per_unit;
    for (k, c) in text.chars().enumerate() {
        let Some(glyph) = GLYPHS.find(c) else {
            continue;
        };
        // Each glyph sits in the middle of its cell whatever its size.
        let left = x + k as f32 * pitch + (1.0 - size) * pitch / 2.0 + BOX_X0 * px_per_unit;
        let top = baseline - BOX_Y1 * px_per_unit;
        let (bw, bh) = (atlas.w as f32 / to_atlas, atlas.h as f32 / to_atlas);
        for py in top.floor() as i64..(top + bh).ceil() as i64 {
            for px in left.floor() as i64..(left + bw).ceil() as i64 {
                if px < 0 || py < 0 || px >= page.width() as i64 || py >= page.height() as i64 {
                    continue;
                }
                // 3 × 3 samples a pixel: the atlas is finer than the page.
                let mut cover = 0.0;
                for sy in 0..3 {
                    for sx in 0..3 {
                        let ax = (px as f32 + (sx as f32 + 0.5) / 3.0 - left) * to_atlas;
                        let ay = (py as f32 + (sy as f32 + 0.5) / 3.0 - top) * to_atlas;
                        cover += atlas.ink(glyph, ax, ay);
                    }
                }
                let cover = cover / 9.0;
                let p = page.get_pixel_mut(px as u32, py as u32);
                let was = f32::from(p.0[0]);
                p.0[0] = (was * (1.0 - cover) + ink * cover).round() as u8;
            }
        }
    }
}

fn fill(page: &mut GrayImage, x0: u32, y0: u32, w: u32, h: u32, level: u8) {
    for y in y0..(y0 + h).min(page.height()) {
        for x in x0..(x0 + w).min(page.width()) {
            page.put_pixel(x, y, Luma([level]));
        }
    }
}

/// A document page `width` pixels wide showing `zone`: a light guilloche-like background, a
/// photo, printed labels and values and a few rules above, the zone at the bottom.
/// Passports are 125 mm wide, ID cards (TD1) 85.6 mm and TD2 cards 105 mm.
fn page(zone: &str, width: u32, seed: u64) -> GrayImage {
    page_sized(zone, width, seed, 1.0)
}

/// [`page`] with the zone's glyphs `size` times the size its pitch implies.
fn page_sized(zone: &str, width: u32, seed: u64, size: f32) -> GrayImage {
    let atlas = atlas();
    let cells = zone.lines().next().expect("test data").len();
    let (mm_w, mm_h) = match cells {
        44 => (125.0, 88.0),
        36 => (105.0, 74.0),
        _ => (85.6, 54.0),
    };
    let px_per_mm = width as f32 / mm_w;
    let height = (mm_h * px_per_mm) as u32;
    let mut rng = Rng(seed);
    let mut page = GrayImage::from_fn(width, height, |x, y| {
        let wave = ((x as f32 * 0.05).sin() * (y as f32 * 0.043).cos() * 6.0) as i32;
        Luma([(222 + wave - (y * 10 / height) as i32) as u8])
    });
    // The photo: a darker block with a face-like blob.
    let (photo_x, photo_y) = ((6.0 * px_per_mm) as u32, (8.0 * px_per_mm) as u32);
    let (photo_w, photo_h) = ((28.0 * px_per_mm) as u32, (mm_h * 0.5 * px_per_mm) as u32);
    fill(&mut page, photo_x, photo_y, photo_w, photo_h, 150);
    let (fx, fy, fr) = (
        photo_x as f32 + photo_w as f32 / 2.0,
        photo_y as f32 + photo_h as f32 * 0.45,
        photo_w as f32 * 0.3,
    );
    for y in photo_y..photo_y + photo_h {
        for x in photo_x..photo_x + photo_w {
            let d = ((x as f32 - fx).powi(2) + ((y as f32 - fy) * 0.8).powi(2)).sqrt();
            if d < fr {
                page.put_pixel(x, y, Luma([90]));
            }
        }
    }
    // Labels and values to the right of the photo: smaller and larger OCR-B text, words
    // with spaces, at other pitches than the zone's.
    let words = [
        "SURNAME",
        "GIVEN NAMES",
        "NATIONALITY",
        "DATE OF BIRTH",
        "PLACE OF BIRTH",
        "AUTHORITY",
    ];
    let zone_top = mm_h - if cells == 30 { 19.0 } else { 14.0 };
    let text_x = photo_x as f32 + photo_w as f32 + 5.0 * px_per_mm;
    let mut y = photo_y as f32 + 2.0 * px_per_mm;
    for (i, word) in words.iter().enumerate() {
        if y + 6.0 * px_per_mm > (zone_top - 2.0) * px_per_mm {
            break;
        }
        draw_text(&mut page, &atlas, word, text_x, y, 1.2 * px_per_mm, 110.0);
        let value: String = (0..rng.range(6, 16))
            .map(|_| char::from(b'A' + rng.range(0, 26) as u8))
            .collect();
        draw_text(
            &mut page,
            &atlas,
            &value,
            text_x,
            y + 3.6 * px_per_mm,
            2.1 * px_per_mm,
            40.0,
        );
        y += 7.0 * px_per_mm + (i % 2) as f32;
    }
    // A rule above the zone.
    fill(
        &mut page,
        (3.0 * px_per_mm) as u32,
        ((zone_top - 2.0) * px_per_mm) as u32,
        ((mm_w - 6.0) * px_per_mm) as u32,
        2,
        120,
    );
    // The zone: 2.54 mm a character, lines 4.23 mm apart, starting 6 mm from the left
    // edge (ICAO's printing varies a little; so does the position here).
    let pitch = 2.54 * px_per_mm;
    let lines: Vec<&str> = zone.lines().collect();
    let left = (mm_w - cells as f32 * 2.54) / 2.0 + rng.unit() * 0.8;
    let last_baseline = mm_h - 3.5 - rng.unit();
    for (i, line) in lines.iter().enumerate() {
        let baseline = last_baseline - 4.23 * (lines.len() - 1 - i) as f32;
        draw_sized(
            &mut page,
            &atlas,
            line,
            (left * px_per_mm, baseline * px_per_mm),
            pitch,
            size,
            25.0,
        );
    }
    page
}

// ---------------------------------------------------------------------------------------
// Degrading.

fn rotated(img: &GrayImage, degrees: f32) -> GrayImage {
    degrade::tilted(img, degrees, 200)
}

fn noisy(img: &GrayImage, amplitude: f32, seed: u64) -> GrayImage {
    degrade::noisy(img, amplitude, seed)
}

fn scaled(img: &GrayImage, factor: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    image::imageops::resize(
        img,
        (w as f32 * factor) as u32,
        (h as f32 * factor) as u32,
        image::imageops::FilterType::Triangle,
    )
}

/// The degradations, each as the encoded file the reader is handed.
fn degraded(clean: &GrayImage, seed: u64) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("rotated +1°", png(&rotated(clean, 1.0))),
        ("rotated -1°", png(&rotated(clean, -1.0))),
        ("blurred σ 1.5", png(&image::imageops::blur(clean, 1.5))),
        ("noise ±20", png(&noisy(clean, 40.0, seed))),
        ("JPEG quality 60", jpeg(clean, 60)),
        ("scaled 0.7", png(&scaled(clean, 0.7))),
        (
            "all at once: -0.6°, blur 1, noise, scale 0.8, JPEG 60",
            jpeg(
                &scaled(
                    &noisy(
                        &image::imageops::blur(&rotated(clean, -0.6), 1.0),
                        24.0,
                        seed + 1,
                    ),
                    0.8,
                ),
                60,
            ),
        ),
    ]
}

fn read(bytes: &[u8]) -> MrzRead {
    read_mrz(bytes, &CheckConfig::default()).expect("test data")
}

// ---------------------------------------------------------------------------------------
// The tests.

#[test]
fn the_generated_zones_are_valid() {
    for (name, zone) in zones() {
        assert!(digits_agree(&zone), "{name}: {zone}");
    }
    assert!(!digits_agree(&TD3.replace("7408122", "7408123")));
}

#[test]
fn every_clean_zone_reads_exactly() {
    for (i, (name, zone)) in zones().into_iter().enumerate() {
        let clean = page(&zone, 1600, i as u64);
        assert_eq!(read(&png(&clean)), MrzRead::Found(zone.clone()), "{name}");
    }
}

/// Zones printed with glyphs smaller or larger than their pitch implies (letter-spaced or
/// condensed, as printers and the drawing tools that make specimens do): each read exactly.
#[test]
fn zones_printed_spaced_or_condensed_read_exactly() {
    for (i, (name, zone)) in zones().into_iter().enumerate() {
        for size in [0.85, 0.92, 1.1] {
            let clean = page_sized(&zone, 1600, 200 + i as u64, size);
            assert_eq!(
                read(&png(&clean)),
                MrzRead::Found(zone.clone()),
                "{name}, glyphs at {size} of their pitch"
            );
        }
    }
}

#[test]
fn degraded_zones_read_exactly_nine_times_in_ten_and_never_wrongly() {
    let (mut exact, mut none, mut total) = (0, 0, 0);
    let mut misses = Vec::new();
    for (i, (name, zone)) in zones().into_iter().enumerate() {
        let clean = page(&zone, 1600, 100 + i as u64);
        for (how, bytes) in degraded(&clean, i as u64) {
            total += 1;
            match read(&bytes) {
                MrzRead::Found(text) if text == zone => exact += 1,
                MrzRead::Found(text) => {
                    assert!(
                        !digits_agree(&text),
                        "{name}, {how}: a wrong zone whose check digits all agree:\n{text}\nnot\n{zone}"
                    );
                    // `<` never comes back as K or X.
                    for (got, want) in text.chars().zip(zone.chars()) {
                        assert!(
                            !(want == '<' && matches!(got, 'K' | 'X')),
                            "{name}, {how}: a filler read as {got}"
                        );
                    }
                    misses.push(format!("{name}, {how}: wrong\n{text}"));
                }
                MrzRead::NotFound => {
                    none += 1;
                    misses.push(format!("{name}, {how}: not found"));
                }
            }
        }
    }
    println!(
        "degraded: {exact} of {total} exact, {none} not found, {} wrong (check digits disagree)",
        total - exact - none
    );
    for miss in &misses {
        println!("  {miss}");
    }
    assert!(
        exact * 10 >= total * 9,
        "{exact} of {total} exact:\n{}",
        misses.join("\n")
    );
}

#[test]
fn a_page_without_a_zone_reads_as_not_found() {
    let atlas = atlas();
    let mut blank = GrayImage::from_pixel(1600, 1100, Luma([220]));
    for i in 0..8 {
        draw_text(
            &mut blank,
            &atlas,
            "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 0123456789",
            80.0,
            120.0 + 110.0 * i as f32,
            26.0,
            30.0,
        );
    }
    assert_eq!(read(&png(&blank)), MrzRead::NotFound);
    let empty = GrayImage::from_pixel(400, 300, Luma([200]));
    assert_eq!(
        read_picture(&DynamicImage::ImageLuma8(empty)),
        MrzRead::NotFound
    );
}

#[test]
fn an_upside_down_page_is_read() {
    let clean = page(TD3, 1600, 7);
    let turned = image::imageops::rotate180(&clean);
    assert_eq!(read(&png(&turned)), MrzRead::Found(TD3.into()));
}

#[test]
fn a_pdf_is_not_read_for_a_zone() {
    assert!(read_mrz(b"%PDF-1.4\n", &CheckConfig::default()).is_err());
}

#[test]
fn a_12_megapixel_phone_photo_is_read() {
    // A passport page filling most of a 4000 × 3000 photo on a darker table, as a phone
    // takes it: JPEG quality 85, a little noise and tilt.
    let page = page(TD3, 3400, 42);
    let mut photo = GrayImage::from_fn(4000, 3000, |x, y| Luma([(70 + (x + y) % 23) as u8]));
    image::imageops::overlay(
        &mut photo,
        &page,
        300,
        (3000 - i64::from(page.height())) / 2,
    );
    let photo = noisy(&rotated(&photo, 0.4), 10.0, 3);
    let bytes = jpeg(&photo, 85);
    let started = Instant::now();
    let read = read(&bytes);
    println!(
        "12 MP ({} bytes of JPEG): read in {:.2?}",
        bytes.len(),
        started.elapsed()
    );
    assert_eq!(read, MrzRead::Found(TD3.into()));
}
