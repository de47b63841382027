//! Onboarding a Fin.com customer in Training mode: every step of the wizard, the scans,
//! the terms accepted at the counter, the uploads, and Fin.com's review to APPROVED.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{eventually, field_id, App, Outcome};

/// A sharp, card-sized picture, so no scan carries a warning that would hold Submit back;
/// each file a different pattern, so no two are the same scan.
pub(crate) fn picture(path: &std::path::Path, cell: u32) {
    let image = image::RgbImage::from_fn(1600, 1000, |x, y| {
        if (x / cell + y / cell).is_multiple_of(2) {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([235, 235, 235])
        }
    });
    image.save(path).unwrap();
}

/// Clicks Next and waits for the next step's first field, so a step the rules hold back
/// fails here, on its own screenshot.
async fn next_to(app: &App, path: &str) -> WebDriverResult<()> {
    app.next().await?;
    app.wait_for_css(&format!("#{}", field_id(path))).await?;
    Ok(())
}

/// Attaches the next file the dialog hook hands out to `slot`.
async fn attach(app: &App, slot: &str) -> WebDriverResult<()> {
    app.click(&format!(
        ".slot[data-slot='{slot}'] button[data-action='choose']"
    ))
    .await?;
    app.wait_for_css(&format!(".slot[data-slot='{slot}'][data-filled='true']"))
        .await?;
    Ok(())
}

/// Fills every step of a Fin.com person with a US driver's licence, attaches its FRONT,
/// BACK and proof of address, and stops on Review with nothing left to fix.
pub(crate) async fn fin_person(app: &App, last: &str) -> WebDriverResult<()> {
    app.click("#new-fin-person").await?;
    app.wait_for_css(&format!("#{}", field_id("name.latin.first")))
        .await?;
    app.fill(&[
        ("name.first", "Maria"),
        ("name.middle", "Elena"),
        ("name.last", last),
        ("person.birthDate", "1990-04-15"),
        ("person.citizenshipCountry", "US"),
        ("person.secondCitizenshipCountry", "MX"),
    ])
    .await?;
    app.choose("person.gender", "FEMALE").await?;

    next_to(app, "emails[0].address").await?;
    app.fill(&[
        ("emails[0].address", "Maria.Garcia@Example.com"),
        ("phones[0].number", "(415) 555-2671"),
    ])
    .await?;

    next_to(app, "addresses[0].street1Latin").await?;
    app.fill(&[
        ("addresses[0].street1", "123 Market Street"),
        ("addresses[0].street2", "Apt 4B"),
        ("addresses[0].city", "San Francisco"),
        ("addresses[0].state", "CA"),
        ("addresses[0].postalCode", "94103"),
        ("addresses[0].country", "US"),
    ])
    .await?;

    next_to(app, "taxIds[0].number").await?;
    app.choose("taxIds[0].idType", "Ssn").await?;
    app.fill(&[
        ("taxIds[0].number", "123456789"),
        ("taxIds[0].country", "US"),
    ])
    .await?;

    next_to(app, "identityDocuments[0].number").await?;
    app.choose("identityDocuments[0].idType", "DriversLicense")
        .await?;
    app.fill(&[
        ("identityDocuments[0].number", "DL987654321"),
        ("identityDocuments[0].issuingCountry", "US"),
        ("identityDocuments[0].expiryDate", "2034-06-01"),
        ("identityDocuments[0].issuedDate", "2024-06-01"),
        ("identityDocuments[0].issuingStateOrProvince", "CA"),
    ])
    .await?;

    next_to(app, "fin.occupationId").await?;
    app.choose("fin.verificationType", "STANDARD").await?;
    app.choose("dueDiligence.employmentStatus", "EMPLOYED")
        .await?;
    app.fill(&[
        ("dueDiligence.expectedMonthlyVolume", "5,000"),
        ("fin.remarks", "Personal remittances to family"),
    ])
    .await?;
    app.choose("fin.occupationId", "42").await?;
    app.choose("fin.purposeId", "3").await?;
    for source in ["1", "5"] {
        app.click(&format!(
            "input[data-path='fin.sourceOfFundIds'][value='{source}']"
        ))
        .await?;
    }
    app.choose("fin.addressDocumentType", "BANK_STATEMENT")
        .await?;

    app.next().await?;
    // A licence has two sides; Fin.com also needs the proof of address.
    app.wait_for_css(".slot[data-slot='BACK']").await?;
    for slot in ["FRONT", "BACK", "PROOF_OF_ADDRESS"] {
        attach(app, slot).await?;
    }

    app.next().await?;
    app.wait_for_css("#submit").await?;
    let nothing_to_fix = app
        .wait_for_css("#review-issues li:not([data-severity])")
        .await?;
    assert!(!nothing_to_fix.text().await?.is_empty());
    Ok(())
}

/// Replaces the file in a filled slot with the next one the dialog hook hands out.
async fn replace(app: &App, slot: &str, name: &str) -> Result<(), String> {
    app.click(&format!(
        ".slot[data-slot='{slot}'] button[data-action='choose']"
    ))
    .await
    .map_err(|e| e.to_string())?;
    // The slot shows the new file's checks first (a preview) and its stored form when the
    // attach is done; only then is the step drawn for good.
    eventually(Duration::from_secs(15), name, || async {
        let stored =
            format!(".slot[data-slot='{slot}']:not([aria-busy]) .slot-body:not([data-preview])");
        let text = app.text_of(&stored).await.ok()?;
        text.contains(name).then_some(())
    })
    .await
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_us_drivers_licence_goes_through_the_terms_to_approved_at_fin() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let scans = ["front.png", "back.png", "statement.png"].map(|name| files.path().join(name));
    for (i, scan) in (0u32..).zip(&scans) {
        picture(scan, 32 + 8 * i);
    }
    let picks = std::env::join_paths(&scans).unwrap();
    let app = App::launch_with(data_dir.path(), &[("BRANCHDESK_E2E_PICKS", picks)]).await;
    let outcome: Outcome = async {
        fin_person(&app, "Garcia").await?;
        app.click("#submit").await?;

        // Fin.com created the customer: the terms, as a QR code and a link, for the counter.
        let qr = app
            .wait_for_css("#fin-terms:not([hidden]) img#terms-qr")
            .await?;
        let src = qr.attr("src").await?.unwrap_or_default();
        assert!(src.starts_with("data:image/svg+xml;base64,"), "{src:.40}");
        let url = app.text_of("#terms-url").await?;
        assert!(url.starts_with("http"), "{url}");
        assert_eq!(
            app.wait_for_css("#submission-state")
                .await?
                .attr("data-state")
                .await?
                .as_deref(),
            Some("awaiting_terms")
        );
        if std::env::var_os("BRANCHDESK_E2E_SHOTS").is_some() {
            // The counter's moment, for a person to look at.
            let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/e2e-screenshots");
            std::fs::create_dir_all(&dir)?;
            app.driver.screenshot(&dir.join("fin_terms.ok.png")).await?;
        }
        app.click("#terms-confirm").await?;

        // Each scan's upload reaches its end, then Fin.com reviews and approves.
        for slot in ["FRONT", "BACK", "PROOF_OF_ADDRESS"] {
            app.wait_for_css(&format!(
                "#upload-progress .upload-row[data-slot='{slot}'][data-done='true']"
            ))
            .await?;
        }
        eventually(Duration::from_secs(60), "Fin.com's approval", || async {
            app.driver
                .find(By::Css("#fin-status[data-status='APPROVED']"))
                .await
                .ok()
        })
        .await?;
        let state = app.wait_for_css("#submission-state").await?;
        assert_eq!(state.attr("data-state").await?.as_deref(), Some("approved"));
        assert!(!app.text_of("#fin-customer-id").await?.is_empty());
        Ok(())
    }
    .await;
    app.finish("fin_us_drivers_licence_approved", outcome).await;
}

/// The Training sandbox's Fin.com asks for the identity document again the first time a
/// customer named "Reject" is reviewed: the reasons show on the slots, Replace documents
/// opens the Scans step, and the second submission sends only the replaced scans.
#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn fin_asks_for_documents_again_and_only_the_replaced_ones_are_sent() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let scans = [
        "front.png",
        "back.png",
        "statement.png",
        "front-again.png",
        "back-again.png",
    ]
    .map(|name| files.path().join(name));
    for (i, scan) in (0u32..).zip(&scans) {
        picture(scan, 32 + 8 * i);
    }
    let picks = std::env::join_paths(&scans).unwrap();
    let app = App::launch_with(data_dir.path(), &[("BRANCHDESK_E2E_PICKS", picks)]).await;
    let outcome: Outcome = async {
        fin_person(&app, "Reject").await?;
        app.click("#submit").await?;
        app.click("#fin-terms:not([hidden]) #terms-confirm").await?;

        eventually(Duration::from_secs(60), "Fin.com's request", || async {
            app.driver
                .find(By::Css("#fin-status[data-status='ACTION_REQUIRED']"))
                .await
                .ok()
        })
        .await?;
        let mut asked = Vec::new();
        for reason in app.driver.find_all(By::Css("#fin-reasons li")).await? {
            let field = reason.attr("data-field").await?.unwrap_or_default();
            assert!(!reason.text().await?.is_empty());
            if let Some(slot) = field.strip_prefix("scans.") {
                asked.push(slot.to_owned());
            }
        }
        assert!(
            asked.iter().any(|s| s == "FRONT"),
            "the licence is asked for again: {asked:?}"
        );

        app.click("#replace-documents").await?;
        app.wait_for_css("[data-step='scans'][aria-current='step']")
            .await?;
        app.wait_for_css(".slot[data-slot='FRONT'][data-requested='true']")
            .await?;
        for (slot, name) in [("FRONT", "front-again.png"), ("BACK", "back-again.png")] {
            if asked.iter().any(|s| s == slot) {
                replace(&app, slot, name).await?;
            }
        }
        eventually(Duration::from_secs(10), "the requests answered", || async {
            let open = app
                .driver
                .find_all(By::Css(".slot[data-requested='true']"))
                .await
                .ok()?;
            open.is_empty().then_some(())
        })
        .await?;
        app.next().await?;
        app.click("#submit").await?;

        // The terms stand; the replaced scans go, the proof of address is not sent again.
        eventually(Duration::from_secs(60), "Fin.com's approval", || async {
            app.driver
                .find(By::Css("#fin-status[data-status='APPROVED']"))
                .await
                .ok()
        })
        .await?;
        app.wait_for_css("#upload-progress .upload-row[data-slot='FRONT'][data-done='true']")
            .await?;
        assert!(
            app.driver
                .find_all(By::Css(
                    "#upload-progress .upload-row[data-slot='PROOF_OF_ADDRESS']"
                ))
                .await?
                .is_empty(),
            "the unchanged proof of address is not uploaded again"
        );
        assert!(app
            .driver
            .find_all(By::Css("#fin-terms:not([hidden])"))
            .await?
            .is_empty());
        Ok(())
    }
    .await;
    app.finish("fin_action_required_replace_documents", outcome)
        .await;
}
