//! `draft import` with `"prefillFrom": "BACK"`: the draft's empty fields are filled from
//! the licence's barcode, and what the file gave is kept.

use super::*;

/// A California licence's back (Carmen Lucia Rivera), drawn by the documents crate's
/// PDF417 test.
const LICENCE_BACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/licence-back.jpg"
);

/// The licence's front: a card with no barcode.
fn front(path: &Path) {
    image::RgbImage::from_fn(1100, 700, |x, y| {
        if (x / 40 + y / 40) % 2 == 0 {
            image::Rgb([40, 40, 40])
        } else {
            image::Rgb([236, 232, 224])
        }
    })
    .save(path)
    .unwrap();
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn an_import_with_prefill_from_back_fills_the_empty_fields_from_the_barcode() {
    let desk = Desk::new();
    let files = desk.tmp();
    front(&files.join("front.png"));
    std::fs::copy(LICENCE_BACK, files.join("back.jpg")).unwrap();
    let draft = json!({
        "kind": "person",
        // What no licence carries, and one value the file gives itself.
        "taxIds": [{"idType": "Ssn", "number": "219-09-9999", "country": "US"}],
        "phones": [{"phoneType": "Mobile", "isPrimary": true, "number": "(408) 555-0142"}],
        "emails": [{"emailType": "Personal", "isPrimary": true, "address": "carmen@example.com"}],
        "person": {"citizenshipCountry": "US", "birthDate": "1986-06-15"},
        "addresses": [{"addressType": "Home", "classification": "Residential", "isPrimary": true}],
        "identityDocuments": [{"isPrimary": true, "issuingAuthority": "California DMV"}],
        "cos": {"riskRating": "Low"},
        "scanFiles": {"FRONT": "front.png", "BACK": "back.jpg"},
        "prefillFrom": "BACK"
    });
    let file = files.join("carmen.json");
    std::fs::write(&file, serde_json::to_vec(&draft).unwrap()).unwrap();
    let out = desk.ok(&["draft", "import", file.to_str().unwrap()]);
    assert!(
        out.contains("Carmen Rivera"),
        "the name came from the barcode: {out}"
    );
    assert!(out.contains("ready"), "nothing left to fix: {out}");

    // A file naming a slot it gives no scan for is refused before anything is stored.
    let mut wrong = draft.clone();
    wrong["prefillFrom"] = json!("ASSOCIATE:x:BACK");
    std::fs::write(&file, serde_json::to_vec(&wrong).unwrap()).unwrap();
    let refused = desk.run(&["draft", "import", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("prefillFrom"),
        "{refused:?}"
    );
}
