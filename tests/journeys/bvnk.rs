//! Onboarding at BVNK in Training mode: a company with its people (added, answered, one
//! removed with the scan attached to them), the documents, BVNK's agreements accepted at
//! the counter, the uploads, and BVNK's review to VERIFIED; and an individual with a
//! passport the same way.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::fin::picture;
use crate::harness::{eventually, field_id, App, Outcome};

/// BVNK's sandbox references, as its documentation gives them (and the pick lists offer).
const INDUSTRY: &str = "30ea15fc-06d8-11ef-b6e1-027612b7f6b5";
const VOLUMES: &str = "ef779c41-547e-11ef-8b9c-027612b7f6b5";

/// The id of the element that has the focus.
async fn focused(app: &App) -> WebDriverResult<String> {
    let answer = app
        .driver
        .execute(
            "const a = document.activeElement; return a ? a.id : '';",
            vec![],
        )
        .await?;
    Ok(answer.json().as_str().unwrap_or_default().to_owned())
}

/// With `BRANCHDESK_E2E_SHOTS` set, a screenshot of a passing moment, for a person to look at.
async fn shot(app: &App, name: &str) -> WebDriverResult<()> {
    if std::env::var_os("BRANCHDESK_E2E_SHOTS").is_none() {
        return Ok(());
    }
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    app.driver
        .screenshot(&dir.join(format!("{name}.ok.png")))
        .await
}

/// Goes to a step from the step list, as staff may at any time.
async fn open_step(app: &App, step: &str) -> WebDriverResult<()> {
    app.click(&format!("button.step[data-step='{step}']"))
        .await?;
    app.wait_for_css(&format!(
        "button.step[data-step='{step}'][aria-current='step']"
    ))
    .await?;
    Ok(())
}

/// Attaches the next file the dialog hook hands out to `slot`, and waits until it is stored.
async fn attach(app: &App, slot: &str) -> WebDriverResult<()> {
    let button = format!(".slot[data-slot='{slot}'] button[data-action='choose']");
    // A company's Documents step is long: the card is brought to the middle of the window
    // first, as staff scroll to it, so it is not under the top bar when clicked.
    app.wait_for_css(&button).await?;
    app.driver
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![serde_json::json!(button)],
        )
        .await?;
    app.click(&button).await?;
    app.wait_for_css(&format!(
        ".slot[data-slot='{slot}'][data-filled='true']:not([aria-busy])"
    ))
    .await?;
    Ok(())
}

/// Adds a person with the Add button and fills in who they are and their licence; the
/// questions are answered by the caller. Returns the id the person was given.
async fn add_person(
    app: &App,
    row: usize,
    person: &[(&str, &str)],
    id_type: &str,
) -> WebDriverResult<String> {
    app.click("#add-associate").await?;
    let first = field_id(&format!("associates[{row}].name.first"));
    app.wait_for_css(&format!("#{first}")).await?;
    // The new person's first name has the focus, ready to type.
    assert_eq!(focused(app).await?, first);
    let fields: Vec<(String, &str)> = person
        .iter()
        .map(|(path, value)| (format!("associates[{row}].{path}"), *value))
        .collect();
    for (path, value) in &fields {
        app.type_into(&field_id(path), value).await?;
    }
    app.choose(&format!("associates[{row}].document.idType"), id_type)
        .await?;
    let id = app
        .wait_for_css(&format!(".associate-row[data-row='{row}']"))
        .await?
        .attr("data-associate")
        .await?
        .unwrap_or_default();
    assert!(!id.is_empty(), "person {row} has an id");
    Ok(id)
}

/// Answers "Yes" to one of a person's questions (`hasOwnership`, `hasControl`, `isSigner`).
async fn yes(app: &App, row: usize, question: &str) -> WebDriverResult<()> {
    app.click(&format!(
        "#{}",
        field_id(&format!("associates[{row}].{question}"))
    ))
    .await
}

/// The slots the Documents step shows now.
async fn slots(app: &App) -> WebDriverResult<Vec<String>> {
    let mut found = Vec::new();
    for slot in app.driver.find_all(By::Css(".slot[data-slot]")).await? {
        found.push(slot.attr("data-slot").await?.unwrap_or_default());
    }
    Ok(found)
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_company_with_two_people_goes_through_the_agreements_to_verified_at_bvnk() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    // In the order the slots are filled: the person removed later first.
    let scans = [
        "cara-passport.png",
        "certificate.png",
        "ana-front.png",
        "ana-back.png",
        "ben-front.png",
        "ben-back.png",
    ]
    .map(|name| files.path().join(name));
    for (i, scan) in (0u32..).zip(&scans) {
        picture(scan, 24 + 8 * i);
    }
    let picks = std::env::join_paths(&scans).unwrap();
    let app = App::launch_with(data_dir.path(), &[("BRANCHDESK_E2E_PICKS", picks)]).await;
    let outcome: Outcome = async {
        app.click("#new-bvnk-company").await?;
        app.wait_for_css(&format!("#{}", field_id("company.legalName")))
            .await?;
        app.fill(&[
            ("company.legalName", "Tapas Ltd"),
            ("company.registrationNumber", "12345678"),
            ("company.taxResidenceCountry", "GB"),
            ("company.description", "Restaurants in London"),
        ])
        .await?;
        app.choose("bvnk.industryReference", INDUSTRY).await?;
        app.choose("bvnk.monthlyExpectedVolumesReference", VOLUMES)
            .await?;
        app.choose("bvnk.useCase", "EMBEDDED_FIAT_ACCOUNTS").await?;
        app.choose("bvnk.riskScore", "LOW").await?;
        app.fill(&[
            ("addresses[0].street1", "123 Main Street"),
            ("addresses[0].city", "London"),
            ("addresses[0].postalCode", "NW1 4NP"),
            ("addresses[0].country", "GB"),
        ])
        .await?;

        // Associates: an owner-director who controls and signs, and an owner.
        app.next().await?;
        app.wait_for_css("#add-associate").await?;
        let ana = add_person(
            &app,
            0,
            &[
                ("name.first", "Ana"),
                ("name.last", "Ortiz"),
                ("title", "Director"),
                ("birthDate", "1980-05-12"),
                ("birthCountry", "ES"),
                ("email", "ana.ortiz@example.com"),
                ("phone", "+44 20 7946 0958"),
                ("document.number", "ORTIZ805120"),
                ("document.issuingCountry", "GB"),
            ],
            "DriversLicense",
        )
        .await?;
        yes(&app, 0, "hasOwnership").await?;
        yes(&app, 0, "hasControl").await?;
        let ben = add_person(
            &app,
            1,
            &[
                ("name.first", "Ben"),
                ("name.last", "Clark"),
                ("title", "Shareholder"),
                ("birthDate", "1975-09-30"),
                ("birthCountry", "GB"),
                ("email", "ben.clark@example.com"),
                ("phone", "+44 20 7946 0959"),
                ("document.number", "CLARK750930"),
                ("document.issuingCountry", "GB"),
            ],
            "DriversLicense",
        )
        .await?;
        yes(&app, 1, "hasOwnership").await?;

        // Nobody signs yet: Next stays, with the rule's words on the list of people.
        app.click("#next").await?;
        let said = eventually(Duration::from_secs(10), "the signer rule", || async {
            let text = app.text_of("#f-associates-error").await.ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await?;
        assert!(said.contains("Signs for it?"), "{said}");
        assert_eq!(focused(&app).await?, "f-associates");
        shot(&app, "bvnk_no_signer").await?;
        app.wait_for_css("button.step[data-step='associates'][aria-current='step']")
            .await?;
        yes(&app, 0, "isSigner").await?;

        // A third person, with a passport: their page's slot appears, and a scan goes in it.
        let cara = add_person(
            &app,
            2,
            &[("name.first", "Cara"), ("name.last", "Diaz")],
            "Passport",
        )
        .await?;
        open_step(&app, "scans").await?;
        let cara_slot = format!("ASSOCIATE:{cara}:FRONT");
        app.wait_for_css(&format!(".slot[data-slot='{cara_slot}']"))
            .await?;
        assert!(
            !slots(&app)
                .await?
                .contains(&format!("ASSOCIATE:{cara}:BACK")),
            "a passport has one page"
        );
        let label = app
            .text_of(&format!(".slot[data-slot='{cara_slot}'] h3"))
            .await?;
        assert!(label.contains("Cara Diaz"), "{label}");
        attach(&app, &cara_slot).await?;

        // Removed, after a question: their slot goes with them.
        open_step(&app, "associates").await?;
        app.click(".associate-row[data-row='2'] button[data-action='remove-associate']")
            .await?;
        let dialog = app.wait_for_css("dialog#confirm-dialog[open]").await?;
        assert!(dialog.text().await?.contains("Cara Diaz"));
        app.click("#confirm-yes").await?;
        eventually(Duration::from_secs(10), "Cara removed", || async {
            let rows = app.driver.find_all(By::Css(".associate-row")).await.ok()?;
            (rows.len() == 2).then_some(())
        })
        .await?;
        app.next().await?;
        app.wait_for_css(&format!("#{}", field_id("bvnk.companyDocumentType")))
            .await?;
        let shown = slots(&app).await?;
        assert_eq!(
            shown,
            [
                "COMPANY_DOC".to_owned(),
                format!("ASSOCIATE:{ana}:FRONT"),
                format!("ASSOCIATE:{ana}:BACK"),
                format!("ASSOCIATE:{ben}:FRONT"),
                format!("ASSOCIATE:{ben}:BACK"),
            ]
        );

        // Documents: what the company's is, then every slot filled.
        app.choose("bvnk.companyDocumentType", "INCORPORATION_CERT")
            .await?;
        for slot in &shown {
            attach(&app, slot).await?;
        }
        shot(&app, "bvnk_documents").await?;

        app.next().await?;
        app.wait_for_css("#submit").await?;
        app.wait_for_css("#review-issues li:not([data-severity])")
            .await?;
        let reviewed = app
            .driver
            .find_all(By::Css(".review-scans li[data-slot]"))
            .await?;
        assert_eq!(reviewed.len(), 5, "Cara's scan went with her");
        let people = app.text_of("#review-associates").await?;
        assert!(people.contains("Ana Ortiz") && people.contains("Ben Clark"));
        assert!(!people.contains("Cara"), "{people}");
        shot(&app, "bvnk_review").await?;
        app.click("#submit").await?;

        // BVNK's agreements, as a QR code and a link, for the customer at the counter.
        let qr = app
            .wait_for_css("#bvnk-agreements:not([hidden]) img#terms-qr")
            .await?;
        let src = qr.attr("src").await?.unwrap_or_default();
        assert!(src.starts_with("data:image/svg+xml;base64,"), "{src:.40}");
        assert!(app.text_of("#terms-url").await?.starts_with("http"));
        assert_eq!(
            app.wait_for_css("#submission-state")
                .await?
                .attr("data-state")
                .await?
                .as_deref(),
            Some("awaiting_terms")
        );
        shot(&app, "bvnk_agreements").await?;
        app.click("#terms-confirm").await?;

        // Each document's upload reaches its end, then BVNK reviews and verifies.
        for slot in &shown {
            app.wait_for_css(&format!(
                "#upload-progress .upload-row[data-slot='{slot}'][data-done='true']"
            ))
            .await?;
        }
        eventually(Duration::from_secs(60), "BVNK's verification", || async {
            app.driver
                .find(By::Css("#bvnk-status[data-status='VERIFIED']"))
                .await
                .ok()
        })
        .await?;
        let state = app.wait_for_css("#submission-state").await?;
        assert_eq!(state.attr("data-state").await?.as_deref(), Some("approved"));
        assert!(!app.text_of("#bvnk-reference").await?.is_empty());
        // BVNK's verification, as it gives it: its status and its page.
        let verification = app.text_of("#bvnk-verification-url").await?;
        assert!(verification.starts_with("http"), "{verification}");
        assert!(!app.text_of("#bvnk-verification-status").await?.is_empty());
        Ok(())
    }
    .await;
    app.finish("bvnk_company_verified", outcome).await;
}

/// Waits for the wizard's next step and checks that its first field has the focus.
async fn next_to(app: &App, path: &str) -> WebDriverResult<()> {
    app.next().await?;
    let id = field_id(path);
    app.wait_for_css(&format!("#{id}")).await?;
    assert_eq!(focused(app).await?, id, "the step opens on its first field");
    Ok(())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn an_individual_with_a_passport_is_verified_at_bvnk() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let page = files.path().join("passport.png");
    picture(&page, 40);
    let app = App::launch_with(
        data_dir.path(),
        &[("BRANCHDESK_E2E_PICKS", page.into_os_string())],
    )
    .await;
    let outcome: Outcome = async {
        app.click("#new-bvnk-person").await?;
        app.wait_for_css(&format!("#{}", field_id("person.birthCountry")))
            .await?;
        app.fill(&[
            ("name.first", "Lucía"),
            ("name.last", "Moreno"),
            ("person.birthDate", "1992-03-08"),
            ("person.citizenshipCountry", "ES"),
            ("person.birthCountry", "ES"),
        ])
        .await?;
        app.choose("bvnk.useCase", "EMBEDDED_STABLECOIN_WALLETS")
            .await?;

        next_to(&app, "emails[0].address").await?;
        app.fill(&[
            ("emails[0].address", "lucia.moreno@example.com"),
            ("phones[0].number", "+34 912 345 678"),
            ("addresses[0].street1", "Calle Mayor 1"),
            ("addresses[0].city", "Madrid"),
            ("addresses[0].postalCode", "28013"),
            ("addresses[0].country", "ES"),
        ])
        .await?;

        next_to(&app, "identityDocuments[0].idType").await?;
        app.choose("identityDocuments[0].idType", "Passport")
            .await?;
        app.fill(&[
            ("identityDocuments[0].number", "PAS123456"),
            ("identityDocuments[0].issuingCountry", "ES"),
        ])
        .await?;

        // A passport has one page to scan.
        app.next().await?;
        app.wait_for_css(".slot[data-slot='FRONT']").await?;
        assert_eq!(slots(&app).await?, ["FRONT"]);
        attach(&app, "FRONT").await?;

        app.next().await?;
        app.wait_for_css("#review-issues li:not([data-severity])")
            .await?;
        app.click("#submit").await?;
        app.click("#bvnk-agreements:not([hidden]) #terms-confirm")
            .await?;
        app.wait_for_css("#upload-progress .upload-row[data-slot='FRONT'][data-done='true']")
            .await?;
        eventually(Duration::from_secs(60), "BVNK's verification", || async {
            app.driver
                .find(By::Css("#bvnk-status[data-status='VERIFIED']"))
                .await
                .ok()
        })
        .await?;
        let state = app.wait_for_css("#submission-state").await?;
        assert_eq!(state.attr("data-state").await?.as_deref(), Some("approved"));
        Ok(())
    }
    .await;
    app.finish("bvnk_individual_verified", outcome).await;
}
