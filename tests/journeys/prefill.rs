//! Prefill from the document itself, counted: the same Personal customer onboarded twice,
//! once typed by hand and once from the licence's two sides taken from the scanner folder,
//! with the fields and keys staff type counted each time. The counts are written for
//! `cargo xtask bench` (`target/typing/*.json`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thirtyfour::prelude::*;

use crate::cos_personal::{get, submit_and_wait, training_url};
use crate::harness::{eventually, field_id, App, Outcome};

/// Where the example scans are: specimen documents whose barcode and zone carry the
/// example drafts' customers.
fn example_scan(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../examples/drafts/scans/{name}"))
}

/// The holder of the example licence (`examples/drafts/scans/dl-front.jpg` and
/// `dl-back.jpg`, whose barcode carries `examples/drafts/fin-drivers-licence.json`'s
/// customer), onboarded at Cross River as a Personal customer, by wizard step: what staff
/// would type, in order.
const COS_CUSTOMER: &[(&str, &[(&str, &str)])] = &[
    (
        "customer",
        &[
            ("name.first", "Dana"),
            ("name.middle", "Marie"),
            ("name.last", "Whitfield"),
            ("person.birthDate", "1986-02-11"),
            ("taxIds[0].number", "318-40-2261"),
            ("person.citizenshipCountry", "US"),
        ],
    ),
    (
        "contact",
        &[
            ("addresses[0].street1", "45 Benefit Street"),
            ("addresses[0].city", "Providence"),
            ("addresses[0].state", "RI"),
            ("addresses[0].postalCode", "02903"),
            ("phones[0].number", "(401) 555-0142"),
            ("emails[0].address", "dana.whitfield@example.com"),
        ],
    ),
    (
        "identity",
        &[
            ("identityDocuments[0].number", "W3021987"),
            ("identityDocuments[0].issuedDate", "2022-05-03"),
            ("identityDocuments[0].expiryDate", "2030-02-11"),
            ("identityDocuments[0].issuingAuthority", "Rhode Island DMV"),
            ("identityDocuments[0].issuingStateOrProvince", "RI"),
        ],
    ),
];

/// The Fin.com customer of `examples/drafts/fin-passport.json`, by wizard step: what staff
/// type (Fin.com's choices, made from lists, are not counted and not needed here: nothing
/// is submitted).
const FIN_CUSTOMER: &[(&str, &[(&str, &str)])] = &[
    (
        "customer",
        &[
            ("name.first", "Samuel"),
            ("name.middle", "Ade"),
            ("name.last", "Okafor"),
            ("person.birthDate", "1979-09-30"),
            ("person.citizenshipCountry", "US"),
        ],
    ),
    (
        "contact",
        &[
            ("emails[0].address", "samuel.okafor@example.com"),
            ("phones[0].number", "(718) 555-0177"),
        ],
    ),
    (
        "address",
        &[
            ("addresses[0].street1", "2200 Ocean Avenue"),
            ("addresses[0].street2", "Apt 12"),
            ("addresses[0].city", "Brooklyn"),
            ("addresses[0].state", "NY"),
            ("addresses[0].postalCode", "11229"),
        ],
    ),
    ("tax", &[("taxIds[0].number", "318-40-2262")]),
    (
        "identity",
        &[
            ("identityDocuments[0].number", "584736291"),
            ("identityDocuments[0].expiryDate", "2031-08-16"),
            ("identityDocuments[0].issuedDate", "2021-08-17"),
        ],
    ),
    (
        "financial",
        &[
            ("dueDiligence.expectedMonthlyVolume", "8,000"),
            ("fin.remarks", "Paying suppliers"),
        ],
    ),
];

/// What staff typed in one onboarding.
#[derive(Debug, Default, serde::Serialize)]
struct Typed {
    /// The fields typed into, by draft path.
    fields: Vec<String>,
    /// The keys pressed for them (one per character).
    keys: usize,
    /// The fields the document filled, accepted in one go.
    prefilled: Vec<String>,
}

/// Goes through the wizard's steps from the first and types what is still empty; a field
/// the document filled is left as it is.
async fn type_what_is_missing(
    app: &App,
    customer: &[(&str, &[(&str, &str)])],
) -> WebDriverResult<Typed> {
    let mut typed = Typed::default();
    for (step, fields) in customer {
        app.click(&format!("button.step[data-step='{step}']"))
            .await?;
        app.wait_for_css(&format!(
            "button.step[data-step='{step}'][aria-current='step']"
        ))
        .await?;
        for (path, value) in *fields {
            let id = field_id(path);
            let input = app.wait_for_css(&format!("#{id}")).await?;
            let shown = input.prop("value").await?.unwrap_or_default();
            if shown.trim().is_empty() {
                app.type_into(&id, value).await?;
                typed.fields.push((*path).to_owned());
                typed.keys += value.chars().count();
            } else {
                typed.prefilled.push((*path).to_owned());
            }
        }
    }
    Ok(typed)
}

/// Writes a count for `cargo xtask bench`.
fn record(name: &str, typed: &Typed) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/typing");
    let _ = std::fs::create_dir_all(&dir);
    let json = serde_json::to_string_pretty(typed).unwrap_or_default();
    let _ = std::fs::write(dir.join(format!("{name}.json")), json);
}

/// Puts the licence's two sides into the scanner folder and attaches them from the tray on
/// the Scans step, then accepts everything the barcode offers.
async fn attach_and_accept(app: &App, folder: &Path, sides: &[(&str, &str)]) -> Outcome {
    app.click("button.step[data-step='scans']").await?;
    app.wait_for_css("#scanner-tray").await?;
    for (slot, file) in sides {
        std::fs::copy(example_scan(file), folder.join(file))?;
        let item = format!("#scanner-tray li[data-name='{file}']");
        app.wait_for_css(&item).await?;
        app.click(&format!("{item} option[value='{slot}']")).await?;
        app.click(&format!("{item} button[data-action='assign']"))
            .await?;
        app.wait_for_css(&format!(
            ".slot[data-slot='{slot}'][data-filled='true']:not([aria-busy])"
        ))
        .await?;
    }
    Ok(())
}

/// Opens the prefill panel of `slot`, whose line says the values came from `source`, and
/// accepts all of them with one key.
async fn accept_all(app: &App, slot: &str, source: &str) -> Outcome {
    let line = app
        .wait_for_css(&format!(
            ".slot[data-slot='{slot}'] .prefill-line[data-prefill]"
        ))
        .await?;
    let words = line.text().await?;
    assert!(words.contains(source), "the slot says where: {words}");
    app.click(&format!(
        ".slot[data-slot='{slot}'] button[data-action='prefill']"
    ))
    .await?;
    let dialog = app.wait_for_css("#prefill-dialog[open]").await?;
    dialog.send_keys("a").await?;
    eventually(Duration::from_secs(10), "the panel to close", || async {
        app.driver
            .find_all(By::Css("#prefill-dialog"))
            .await
            .ok()?
            .is_empty()
            .then_some(())
    })
    .await?;
    Ok(())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_licence_from_the_scanner_folder_leaves_at_most_six_fields_to_type() {
    let data_dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let app = App::launch_for_scanner(data_dir.path(), folder.path()).await;
    let outcome: Outcome = async {
        let url = training_url(&app).await?;
        app.choose_scanner_folder().await?;

        // By hand: every field typed.
        app.click("a[data-view='onboard']").await?;
        app.click("#new-person").await?;
        let by_hand = type_what_is_missing(&app, COS_CUSTOMER).await?;
        assert!(by_hand.prefilled.is_empty(), "{by_hand:?}");
        record("cos-licence-by-hand", &by_hand);

        // From the licence: FRONT and BACK from the scanner folder, the barcode's values
        // accepted with one key.
        app.click("a[data-view='onboard']").await?;
        app.click("#new-person").await?;
        app.wait_for_css(&format!("#{}", field_id("name.first")))
            .await?;
        attach_and_accept(
            &app,
            folder.path(),
            &[("FRONT", "dl-front.jpg"), ("BACK", "dl-back.jpg")],
        )
        .await?;
        accept_all(&app, "BACK", "barcode").await?;
        let prefilled = type_what_is_missing(&app, COS_CUSTOMER).await?;
        record("cos-licence-prefilled", &prefilled);
        assert!(
            prefilled.fields.len() <= 6,
            "at most six fields typed: {:?}",
            prefilled.fields
        );
        // What no licence carries is what is left to type.
        let left: HashSet<&str> = prefilled.fields.iter().map(String::as_str).collect();
        for path in ["taxIds[0].number", "phones[0].number", "emails[0].address"] {
            assert!(left.contains(path), "{path} typed: {left:?}");
        }

        // The customer made is the one on the licence.
        app.click("button.step[data-step='review']").await?;
        let id = submit_and_wait(&app).await.map_err(|e| e.to_string())?;
        let held = get(&url, &format!("/core/v1/cm/customers/{id}")).await;
        assert_eq!(held["name"]["firstName"], "Dana", "{held}");
        assert_eq!(held["name"]["middleName"], "Marie", "{held}");
        assert_eq!(held["name"]["lastName"], "Whitfield", "{held}");
        assert_eq!(held["profile"]["birthDate"], "1986-02-11", "{held}");
        let document = &held["primaryIdentification"];
        assert_eq!(document["idNumber"], "W3021987", "{held}");
        assert_eq!(document["expDate"], "2030-02-11", "{held}");
        assert_eq!(
            held["primaryAddress"]["street1"], "45 Benefit Street",
            "{held}"
        );
        Ok(())
    }
    .await;
    app.finish("prefill_cos_licence", outcome).await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_passports_zone_fills_a_fin_onboarding() {
    let data_dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let app = App::launch_for_scanner(data_dir.path(), folder.path()).await;
    let outcome: Outcome = async {
        app.choose_scanner_folder().await?;

        app.click("a[data-view='onboard']").await?;
        app.click("#new-fin-person").await?;
        let by_hand = type_what_is_missing(&app, FIN_CUSTOMER).await?;
        assert!(by_hand.prefilled.is_empty(), "{by_hand:?}");
        record("fin-passport-by-hand", &by_hand);

        // The document is a passport: its photo page is read for its zone.
        app.click("a[data-view='onboard']").await?;
        app.click("#new-fin-person").await?;
        app.click("button.step[data-step='identity']").await?;
        app.choose("identityDocuments[0].idType", "Passport")
            .await?;
        attach_and_accept(&app, folder.path(), &[("FRONT", "passport.jpg")]).await?;
        accept_all(&app, "FRONT", "zone").await?;
        let prefilled = type_what_is_missing(&app, FIN_CUSTOMER).await?;
        record("fin-passport-prefilled", &prefilled);
        // The zone gives the names, birth date, nationality and the passport's number and
        // expiry: none of them typed (its issuing state is the form's own default here).
        for path in [
            "name.first",
            "name.last",
            "person.birthDate",
            "person.citizenshipCountry",
            "identityDocuments[0].number",
            "identityDocuments[0].expiryDate",
        ] {
            assert!(
                prefilled.prefilled.iter().any(|p| p == path),
                "{path} read from the zone: {prefilled:?}"
            );
        }
        app.click("button.step[data-step='customer']").await?;
        let first = app
            .wait_for_css(&format!("#{}", field_id("name.first")))
            .await?;
        assert_eq!(first.prop("value").await?.as_deref(), Some("Samuel"));
        let gender = app
            .wait_for_css(&format!("#{}", field_id("person.gender")))
            .await?;
        assert_eq!(gender.prop("value").await?.as_deref(), Some("MALE"));
        Ok(())
    }
    .await;
    app.finish("prefill_fin_passport", outcome).await;
}
