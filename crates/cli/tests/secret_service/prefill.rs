//! `draft import` with `"prefillFrom": "BACK"`: the draft's empty fields are filled from
//! the licence's barcode, and what the file gave is kept.

use rxing::{BarcodeFormat, EncodeHints, Writer};

use super::*;

const PAYLOAD: &str = "@\n\x1e\rANSI 636014100001DL00310169DLDAQD7654321\nDCSRIVERA\nDACCARMEN\nDADLUCIA\nDBB06141986\nDBC2\nDAG742 EVERGREEN TERRACE\nDAISAN JOSE\nDAJCA\nDAK951250000  \nDBD03012022\nDBA06142030\nDCGUSA\r";

/// A picture: the licence's barcode on a light card, or just the card.
fn card(path: &Path, with_barcode: bool) {
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
    let (w, h) = ((bw + 240).max(1100), (bh + 400).max(700));
    image::RgbImage::from_fn(w, h, |x, y| {
        let inside = with_barcode && x >= 120 && y >= 200 && x < 120 + bw && y < 200 + bh;
        if inside && matrix.get((x - 120) / module, (y - 200) / (module * 3)) {
            image::Rgb([20, 20, 25])
        } else if !with_barcode && (x / 40 + y / 40) % 2 == 0 {
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
    card(&files.join("front.png"), false);
    card(&files.join("back.png"), true);
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
        "scanFiles": {"FRONT": "front.png", "BACK": "back.png"},
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
