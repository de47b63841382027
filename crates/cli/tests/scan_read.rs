//! `scan read` as a script would use it: the real binary reading a licence back (the
//! committed tests/fixtures/licence-back.jpg: a PDF417 barcode of an AAMVA payload on a
//! card-like background, turned a quarter and saved as JPEG), and files that give nothing.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_branchdesk-cli"))
}

/// The back of a California licence, an AAMVA version 10 payload, drawn by the documents
/// crate's PDF417 test (`regenerate_the_licence_back_fixture`).
const LICENCE_BACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/licence-back.jpg"
);

#[test]
fn scan_read_gives_each_licence_field_or_says_why_nothing_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let back = dir.path().join("licence-back.jpg");
    std::fs::copy(LICENCE_BACK, &back).unwrap();
    let plain = dir.path().join("plain.png");
    image::RgbImage::from_pixel(800, 500, image::Rgb([200, 200, 200]))
        .save(&plain)
        .unwrap();
    let missing = dir.path().join("missing.jpg");

    let out = cli().args(["scan", "read"]).arg(&back).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("read from the barcode (PDF417, AAMVA): "),
        "{text}"
    );
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

#[test]
fn scan_read_gives_a_passports_zone_with_its_check_digits() {
    let passport = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/drafts/scans/passport.jpg"
    );
    let out = cli().args(["scan", "read", passport]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("read from the machine-readable zone (every check digit agrees)"),
        "{text}"
    );
    for line in [
        "lastName: Okafor",
        "firstName: Samuel",
        "birthDate: 1979-09-30",
        "documentNumber: 584736291",
        "nationality: USA",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    let out = cli()
        .args(["scan", "read", "--json", passport])
        .output()
        .unwrap();
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(read["found"], "mrz");
}
