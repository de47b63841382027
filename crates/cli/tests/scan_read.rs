//! `scan read` as a script would use it: the real binary reading real pictures of licence
//! backs that the test draws (a PDF417 barcode of an AAMVA payload on a card-like
//! background, turned and saved as JPEG), and files that give nothing.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use rxing::{BarcodeFormat, EncodeHints, Writer};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_branchdesk-cli"))
}

/// The back of a California licence: an AAMVA version 10 payload.
const PAYLOAD: &str = "@\n\x1e\rANSI 636014100001DL00310169DLDAQD7654321\nDCSRIVERA\nDACCARMEN\nDADLUCIA\nDBB06141986\nDBC2\nDAG742 EVERGREEN TERRACE\nDAISAN JOSE\nDAJCA\nDAK951250000  \nDBD03012022\nDBA06142030\nDCGUSA\r";

/// The card's back: a light, slightly textured background with the barcode printed on it,
/// then turned a quarter as a scanner might hand it over.
fn licence_back(path: &std::path::Path) {
    let matrix = rxing::pdf417::PDF417Writer
        .encode_with_hints(
            PAYLOAD,
            &BarcodeFormat::PDF_417,
            0,
            0,
            &EncodeHints::default(),
        )
        .unwrap();
    let module = 3;
    let (bw, bh) = (matrix.width() * module, matrix.height() * module * 3);
    let (w, h) = (bw + 240, bh + 400);
    let card = image::RgbImage::from_fn(w, h, |x, y| {
        let in_code = x >= 120 && y >= 200 && x < 120 + bw && y < 200 + bh;
        if in_code && matrix.get((x - 120) / module, (y - 200) / (module * 3)) {
            image::Rgb([25, 25, 30])
        } else {
            // A faint pattern, as security printing has.
            let shade = 225 + ((x / 7 + y / 11) % 3 * 8) as u8;
            image::Rgb([shade, shade - 5, shade - 12])
        }
    });
    image::imageops::rotate90(&card).save(path).unwrap();
}

#[test]
fn scan_read_gives_each_licence_field_or_says_why_nothing_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let back = dir.path().join("licence-back.jpg");
    licence_back(&back);
    let plain = dir.path().join("plain.png");
    image::RgbImage::from_pixel(800, 500, image::Rgb([200, 200, 200]))
        .save(&plain)
        .unwrap();
    let missing = dir.path().join("missing.jpg");

    let out = cli().args(["scan", "read"]).arg(&back).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("read from the barcode: "), "{text}");
    assert!(text.contains("birthDate: 1986-06-14"), "{text}");

    let out = cli()
        .args(["scan", "read", "--json"])
        .arg(&back)
        .arg(&plain)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "not every file gave a read");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let read = &lines[0];
    assert_eq!(read["found"], "pdf417");
    assert_eq!(read["document"], "drivers_licence");
    let field = |name: &str| {
        read["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .map(|f| f["value"].as_str().unwrap().to_owned())
    };
    assert_eq!(field("lastName").as_deref(), Some("Rivera"));
    assert_eq!(field("firstName").as_deref(), Some("Carmen"));
    assert_eq!(field("middleName").as_deref(), Some("Lucia"));
    assert_eq!(field("birthDate").as_deref(), Some("1986-06-14"));
    assert_eq!(field("sex").as_deref(), Some("FEMALE"));
    assert_eq!(field("street1").as_deref(), Some("742 Evergreen Terrace"));
    assert_eq!(field("city").as_deref(), Some("San Jose"));
    assert_eq!(field("state").as_deref(), Some("CA"));
    assert_eq!(field("postalCode").as_deref(), Some("95125"));
    assert_eq!(field("documentNumber").as_deref(), Some("D7654321"));
    assert_eq!(field("issuedDate").as_deref(), Some("2022-03-01"));
    assert_eq!(field("expiryDate").as_deref(), Some("2030-06-14"));
    assert_eq!(field("issuingCountry").as_deref(), Some("USA"));
    assert_eq!(lines[1]["found"], "nothing");
    assert_eq!(lines[1]["why"]["code"], "nothing_found");
    assert_eq!(lines[2]["found"], "nothing");
    assert_eq!(lines[2]["why"]["code"], "unreadable");
}
