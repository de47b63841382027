//! Who is at the desk and the review of onboardings: people added in Settings → People, a
//! wrong PIN and the idle lock, four-eyes checks decided by a second person, a Fin.com case
//! sent back with marks the maker then sees, and a BVNK case approved and sent to BVNK.
//! Each screen of it is checked with axe-core.
//!
//! Why one file (about 680 lines): the reviewer's journeys share their people, their way of
//! switching who is at the desk, and the queue and case helpers.

use std::time::Duration;

use serde_json::Value;
use thirtyfour::prelude::*;

use crate::cos_personal::{get, personal, training_url};
use crate::fin::{fin_person, picture};
use crate::harness::{eventually, field_id, App, Outcome};

/// The staff member who makes onboardings, and the reviewer who checks them.
const ANA: (&str, &str) = ("Ana Ruiz", "4821");
const BEN: (&str, &str) = ("Ben Okafor", "7315");
/// A desk's first stored profile is an admin (Training's Trainee is never stored), so that
/// the desk keeps an admin outside Training.
const DORA: (&str, &str) = ("Dora Lane", "2468");

/// Opens Settings → People, as an admin.
async fn people(app: &App) -> WebDriverResult<()> {
    app.click("a[data-view='settings']").await?;
    app.wait_for_css("#settings-people #person-add").await?;
    Ok(())
}

/// Adds a person in Settings → People and waits until the list has them.
async fn add_person(app: &App, name: &str, role: &str, pin: &str) -> Outcome {
    app.type_into("person-name", name).await?;
    app.wait_for_css(&format!("#person-role option[value='{role}']"))
        .await?
        .click()
        .await?;
    app.type_into("person-pin", pin).await?;
    let before = app.text_of("#settings-status").await?;
    app.click("#person-add").await?;
    let row = format!("#people-list tr[data-person='{name}']");
    let said = eventually(Duration::from_secs(20), "Settings to answer", || async {
        let said = app.text_of("#settings-status").await.ok()?;
        (said != before).then_some(said)
    })
    .await?;
    if !said.contains(name) {
        return Err(format!("{name} is not added: Settings says {said:?}").into());
    }
    app.wait_for_css(&row).await?;
    assert!(said.contains(name), "Settings says who was added: {said}");
    Ok(())
}

/// Settings → People with the desk's first admin, then `others`.
async fn desk_with(app: &App, others: &[(&str, &str, &str)]) -> Outcome {
    people(app).await?;
    add_person(app, DORA.0, "admin", DORA.1).await?;
    for (name, role, pin) in others {
        add_person(app, name, role, pin).await?;
    }
    Ok(())
}

/// What the sandbox counts.
async fn stats(url: &str) -> Value {
    get(url, "/_sandbox/stats").await
}

/// The Review section's list, once it has been read.
async fn queue(app: &App) -> WebDriverResult<()> {
    app.click("a[data-view='review']").await?;
    app.wait_for_css("#queue-list").await?;
    app.wait_for_css("#queue-count:not(:empty)").await?;
    Ok(())
}

/// The queue's row for a case, or None when it is not listed.
async fn case_row(app: &App, draft: &str) -> WebDriverResult<Option<WebElement>> {
    Ok(app
        .driver
        .find_all(By::Css(format!("#queue-list li[data-case='{draft}']")))
        .await?
        .into_iter()
        .next())
}

/// The one case listed for `customer` (a part of its name), with its draft id.
async fn only_case_of(app: &App, customer: &str) -> Result<(String, WebElement), String> {
    eventually(Duration::from_secs(20), "the case in the queue", || async {
        let rows = app
            .driver
            .find_all(By::Css("#queue-list li[data-case]"))
            .await
            .ok()?;
        for row in rows {
            let name = row
                .find(By::Css(".case-customer"))
                .await
                .ok()?
                .text()
                .await
                .ok()?;
            if name.contains(customer) {
                let id = row.attr("data-case").await.ok()??;
                return Some((id, row));
            }
        }
        None
    })
    .await
}

/// Picks a decision's reason.
async fn because(app: &App, reason: &str) -> WebDriverResult<()> {
    app.wait_for_css(&format!("#decision-because option[value='{reason}']"))
        .await?
        .click()
        .await
}

/// Waits until the Review section is back on its list without the case.
async fn gone_from_queue(app: &App, draft: &str) -> Outcome {
    app.wait_for_css("#queue-list").await?;
    app.wait_for_css("#queue-count:not(:empty)").await?;
    if case_row(app, draft).await?.is_some() {
        return Err(format!("case {draft} is still in the queue after the decision").into());
    }
    Ok(())
}

/// The text the viewer's state line says once it has changed from `before`.
async fn viewer_state_after(app: &App, before: &str) -> Result<String, String> {
    eventually(
        Duration::from_secs(5),
        "the viewer's state to change",
        || async {
            let text = app
                .text_of("dialog.viewer[open] .viewer-state")
                .await
                .ok()?;
            (text != before).then_some(text)
        },
    )
    .await
}

/// The zoom the viewer's state line gives, in per cent.
fn percent(state: &str) -> u32 {
    state
        .split_whitespace()
        .find_map(|word| word.trim_end_matches(',').parse().ok())
        .unwrap_or_else(|| panic!("no zoom in the viewer's state line: {state}"))
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn sign_in_wrong_pin_and_idle_lock() {
    let data_dir = tempfile::tempdir().unwrap();
    let app = App::launch_in(data_dir.path()).await;
    let outcome: Outcome = async {
        // Training's Trainee is an admin: it adds a member of staff.
        app.wait_for_css("body[data-person='Trainee'][data-role='admin']")
            .await?;
        people(&app).await?;
        // The desk's first stored profile must be an admin, and Settings says so.
        app.type_into("person-name", ANA.0).await?;
        app.type_into("person-pin", ANA.1).await?;
        app.click("#person-add").await?;
        let said = eventually(Duration::from_secs(10), "the refusal", || async {
            let text = app.text_of("#settings-status").await.ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await?;
        assert!(said.contains("must be an admin"), "{said}");
        assert!(app
            .driver
            .find_all(By::Css("#people-list tr[data-person]"))
            .await?
            .is_empty());
        add_person(&app, DORA.0, "admin", DORA.1).await?;
        add_person(&app, ANA.0, "staff", ANA.1).await?;
        app.axe("Settings → People").await?;

        app.switch_person().await?;
        app.axe("the sign-in screen").await?;
        app.click(&format!("#signin [data-person='{}']", ANA.0))
            .await?;
        app.type_into("signin-pin", "1111").await?;
        app.click("#signin-go").await?;
        let said = eventually(
            Duration::from_secs(10),
            "the wrong PIN's message",
            || async {
                let text = app.text_of("#signin-message").await.ok()?;
                (!text.is_empty()).then_some(text)
            },
        )
        .await?;
        assert!(said.contains("not right"), "{said}");
        assert!(
            said.contains("4 tries left"),
            "says how many tries are left: {said}"
        );
        assert!(
            app.driver
                .find_all(By::Css("body[data-person]"))
                .await?
                .is_empty(),
            "nobody is signed in"
        );

        app.type_into("signin-pin", ANA.1).await?;
        app.click("#signin-go").await?;
        app.wait_for_css(&format!("body[data-person='{}'][data-role='staff']", ANA.0))
            .await?;
        let who = app.text_of("#who").await?;
        assert!(who.contains(ANA.0), "the top bar names her: {who}");
        assert!(app.driver.find_all(By::Css("#signin")).await?.is_empty());
        // Staff do not manage people.
        app.click("a[data-view='settings']").await?;
        app.wait_for_css("#settings-people").await?;
        assert!(app
            .driver
            .find_all(By::Css("#person-add"))
            .await?
            .is_empty());
        Ok(())
    }
    .await;
    app.finish("sign_in_wrong_pin", outcome).await;

    // The same desk again, with its idle time shortened to 5 seconds.
    let app = App::launch_with(
        data_dir.path(),
        &[("BRANCHDESK_TEST_IDLE_SECONDS", "5".into())],
    )
    .await;
    let outcome: Outcome = async {
        app.wait_for_css("body[data-person='Trainee']").await?;
        tokio::time::sleep(Duration::from_secs(5)).await;
        let screen = eventually(Duration::from_secs(10), "the idle lock", || async {
            app.driver
                .find(By::Css("#signin[role='dialog']"))
                .await
                .ok()
        })
        .await?;
        assert!(screen.is_displayed().await?);
        assert!(app
            .driver
            .find_all(By::Css("body[data-person]"))
            .await?
            .is_empty());
        // The window behind is out of reach and out of the accessibility tree.
        for part in [".topbar", ".rail", "#main"] {
            app.driver
                .find(By::Css(format!("{part}[inert][aria-hidden='true']")))
                .await
                .map_err(|_| format!("{part} is not hidden behind the lock"))?;
        }
        assert_eq!(app.text_of("#who").await?, "");
        app.axe("the sign-in screen after the idle lock").await?;

        app.sign_in(ANA.0, ANA.1).await?;
        let who = app.text_of("#who").await?;
        assert!(who.contains(ANA.0), "{who}");
        app.wait_for_css(".topbar:not([inert]):not([aria-hidden])")
            .await?;
        Ok(())
    }
    .await;
    app.finish("idle_lock", outcome).await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn maker_checker_second_profile_approves_and_the_customer_reaches_cos() {
    App::journey("maker_checker_approved", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            people(&app).await?;
            app.click("#maker-checker").await?;
            let said = eventually(Duration::from_secs(10), "four-eyes on", || async {
                let text = app.text_of("#settings-status").await.ok()?;
                (!text.is_empty()).then_some(text)
            })
            .await?;
            assert!(said.contains("second person"), "{said}");
            desk_with(&app, &[(ANA.0, "staff", ANA.1), (BEN.0, "reviewer", BEN.1)]).await?;
            app.axe("Settings → People").await?;

            // Ana makes and submits the onboarding: it waits for a check, nothing is sent.
            app.switch_to(ANA.0, ANA.1).await?;
            app.click("a[data-view='onboard']").await?;
            personal(&app, "Peter", "Griffin", "119-98-8776").await?;
            app.click("#submit").await?;
            // Nothing is sent: the page says it waits for a reviewer, and the maker may
            // take it back.
            let title = app.wait_for_css("#submission-title").await?;
            eventually(
                Duration::from_secs(20),
                "the awaiting-check page",
                || async { (title.text().await.ok()? == "Awaiting check").then_some(()) },
            )
            .await?;
            let state = app.text_of("#submission-state").await?;
            assert!(state.contains("reviewer's check"), "{state}");
            app.wait_for_css("#withdraw-check").await?;
            app.click("a[data-view='drafts']").await?;
            let listed = app
                .wait_for_css("#drafts-list .state[data-state='awaiting_check']")
                .await?;
            assert_eq!(listed.text().await?, "Awaiting check");

            // Ana sees the case in Review, but she cannot decide it.
            queue(&app).await?;
            let (draft, row) = only_case_of(&app, "Peter Griffin").await?;
            let reason = row.find(By::Css(".case-reason")).await?.text().await?;
            assert!(reason.contains(ANA.0), "{reason}");
            row.click().await?;
            app.wait_for_css("#case-title").await?;
            let cannot = app.wait_for_css("#case-cannot").await?.text().await?;
            assert!(!cannot.is_empty());
            assert!(
                app.driver
                    .find_all(By::Css(
                        "#decide-approve, #decide-reject, #decide-send_back"
                    ))
                    .await?
                    .is_empty(),
                "no decision buttons for the maker"
            );
            let sent = stats(&url).await;
            assert_eq!(sent["customers"]["cos"].as_u64().unwrap_or(0), 0, "{sent}");

            // Ben, a reviewer, opens it from the list by keyboard and approves it.
            app.switch_to(BEN.0, BEN.1).await?;
            queue(&app).await?;
            let (found, row) = only_case_of(&app, "Peter Griffin").await?;
            assert_eq!(found, draft);
            let reason = row.find(By::Css(".case-reason")).await?.text().await?;
            assert!(
                reason.contains("Awaiting check") && reason.contains(ANA.0),
                "the reason names the maker: {reason}"
            );
            app.axe("the review queue").await?;
            let list = app.wait_for_css("#queue-list").await?;
            app.driver
                .execute("arguments[0].focus();", vec![list.to_json()?])
                .await?;
            list.send_keys(Key::Enter).await?;
            let title = app.wait_for_css("#case-title").await?;
            assert_eq!(title.text().await?, "Peter Griffin");
            // The SSN is masked until revealed.
            let ssn = By::Css(".case-fields tr[data-path='taxIds[0].number'] td.case-value");
            let masked = app.driver.find(ssn.clone()).await?.text().await?;
            assert!(!masked.contains("119-98"), "masked: {masked}");
            app.axe("a case").await?;
            app.click("[data-reveal='taxIds[0].number']").await?;
            let shown = eventually(Duration::from_secs(10), "the SSN revealed", || async {
                let text = app.driver.find(ssn.clone()).await.ok()?.text().await.ok()?;
                (!text.contains("•")).then_some(text)
            })
            .await?;
            assert!(shown.replace('-', "").contains("119988776"), "{shown}");

            because(&app, "identity_matches").await?;
            app.click("#decide-approve").await?;
            gone_from_queue(&app, &draft).await?;

            // Once approved, the onboarding goes to Cross River: one customer.
            let sent = eventually(Duration::from_secs(60), "the customer at COS", || async {
                let s = stats(&url).await;
                (s["customers"]["cos"].as_u64() == Some(1)).then_some(s)
            })
            .await?;
            assert_eq!(sent["duplicates"], 0, "{sent}");
            app.click("a[data-view='drafts']").await?;
            let state = eventually(Duration::from_secs(30), "the draft submitted", || async {
                let cell = app.driver.find(By::Css("#drafts-list .state")).await.ok()?;
                let state = cell.attr("data-state").await.ok()??;
                if state != "submitted" {
                    app.click("a[data-view='drafts']").await.ok()?;
                    return None;
                }
                Some(state)
            })
            .await?;
            assert_eq!(state, "submitted");
            let sent = stats(&url).await;
            assert_eq!(sent["customers"]["cos"], 1, "still one: {sent}");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_reviewer_sends_back_a_fin_case_and_the_maker_sees_the_marks() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let scans = ["front.png", "back.png", "statement.png"].map(|name| files.path().join(name));
    for (i, scan) in (0u32..).zip(&scans) {
        picture(scan, 32 + 8 * i);
    }
    let picks = std::env::join_paths(&scans).unwrap();
    let app = App::launch_with(data_dir.path(), &[("BRANCHDESK_E2E_PICKS", picks)]).await;
    let outcome: Outcome = async {
        desk_with(&app, &[(BEN.0, "reviewer", BEN.1)]).await?;

        // Trainee makes the Fin.com onboarding; Fin.com asks for more.
        app.click("a[data-view='onboard']").await?;
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

        // Ben finds it in the queue with Fin.com's reason.
        app.switch_to(BEN.0, BEN.1).await?;
        queue(&app).await?;
        let (draft, row) = only_case_of(&app, "Reject").await?;
        let reason = row.find(By::Css(".case-reason")).await?.text().await?;
        assert_eq!(reason, "Fin.com asks for more from the customer");
        row.click().await?;
        app.wait_for_css("#case-title").await?;

        // The licence's front in the viewer: zoomed in, turned, closed.
        app.click("[data-view-scan='FRONT']").await?;
        app.wait_for_css("dialog.viewer[open] .viewer-stage:not([aria-busy]) img")
            .await?;
        let fitted = eventually(Duration::from_secs(10), "the viewer's zoom", || async {
            let text = app
                .text_of("dialog.viewer[open] .viewer-state")
                .await
                .ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await?;
        app.axe("the open viewer").await?;
        let stage = app
            .wait_for_css("dialog.viewer[open] .viewer-stage")
            .await?;
        stage.send_keys("+").await?;
        let zoomed = viewer_state_after(&app, &fitted).await?;
        assert!(
            percent(&zoomed) > percent(&fitted),
            "+ zooms in: {fitted} → {zoomed}"
        );
        stage.send_keys("R").await?;
        let turned = viewer_state_after(&app, &zoomed).await?;
        assert!(turned.contains("turned 90°"), "{turned}");
        assert_eq!(percent(&turned), percent(&zoomed), "turning keeps the zoom");
        stage.send_keys(Key::Escape).await?;
        eventually(Duration::from_secs(5), "the viewer closed", || async {
            let open = app.driver.find_all(By::Css("dialog.viewer")).await.ok()?;
            open.is_empty().then_some(())
        })
        .await?;
        let focused = app
            .driver
            .execute(
                "return document.activeElement?.getAttribute('data-view-scan') ?? '';",
                vec![],
            )
            .await?;
        assert_eq!(focused.json(), "FRONT", "focus is back on what opened it");

        // Marks on the front and on a field; a send-back needs the reviewer's own words.
        app.click("[data-mark='scan:FRONT']").await?;
        app.click("[data-mark='addresses[0].street1']").await?;
        because(&app, "document_unreadable").await?;
        app.click("#decide-send_back").await?;
        let refused = eventually(Duration::from_secs(10), "the refusal", || async {
            let text = app.text_of("#case-status").await.ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await?;
        assert!(refused.contains("send-back"), "{refused}");
        assert!(
            app.driver.find(By::Css("#case-title")).await.is_ok(),
            "still on the case"
        );
        app.type_into(
            "decision-note",
            "The front is blurred; the street differs from the statement",
        )
        .await?;
        app.click("#decide-send_back").await?;
        gone_from_queue(&app, &draft).await?;

        // The maker opens the draft from Drafts and sees the marks where they are.
        app.switch_to("Trainee", "").await?;
        app.click("a[data-view='drafts']").await?;
        app.click(&format!("#drafts-list button[data-draft='{draft}']"))
            .await?;
        // Fin.com's page of the draft, with its requests; replacing documents opens the
        // wizard on the scans, where the reviewer's marks are too.
        app.click("#replace-documents").await?;
        let front = app
            .wait_for_css(".slot[data-slot='FRONT'][data-requested='true'] .requests")
            .await?
            .text()
            .await?;
        assert!(
            front.contains(BEN.0) && front.contains("blurred"),
            "the front says who sent it back and why: {front}"
        );
        app.click("button.step[data-step='address']").await?;
        let street = field_id("addresses[0].street1");
        let shown = eventually(
            Duration::from_secs(10),
            "the mark on the street",
            || async {
                let text = app.text_of(&format!("#{street}-error")).await.ok()?;
                (!text.is_empty()).then_some(text)
            },
        )
        .await?;
        assert!(shown.contains(BEN.0), "{shown}");
        Ok(())
    }
    .await;
    app.finish("fin_sent_back_with_marks", outcome).await;
}

/// Attaches the next file the dialog hook hands out to `slot`, and waits until it is stored.
async fn attach(app: &App, slot: &str) -> WebDriverResult<()> {
    app.click(&format!(
        ".slot[data-slot='{slot}'] button[data-action='choose']"
    ))
    .await?;
    app.wait_for_css(&format!(
        ".slot[data-slot='{slot}'][data-filled='true']:not([aria-busy])"
    ))
    .await?;
    Ok(())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_bvnk_case_is_approved_and_bvnk_says_verified() {
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
        let url = training_url(&app).await?;
        desk_with(&app, &[(BEN.0, "reviewer", BEN.1)]).await?;

        // An individual BVNK holds for a person's decision.
        app.click("a[data-view='onboard']").await?;
        app.click("#new-bvnk-person").await?;
        app.wait_for_css(&format!("#{}", field_id("person.birthCountry")))
            .await?;
        app.fill(&[
            ("name.first", "Lucía"),
            ("name.last", "Review"),
            ("person.birthDate", "1992-03-08"),
            ("person.citizenshipCountry", "ES"),
            ("person.birthCountry", "ES"),
        ])
        .await?;
        app.choose("bvnk.useCase", "EMBEDDED_STABLECOIN_WALLETS")
            .await?;
        app.next().await?;
        app.wait_for_css(&format!("#{}", field_id("emails[0].address")))
            .await?;
        app.fill(&[
            ("emails[0].address", "lucia.review@example.com"),
            ("phones[0].number", "+34 912 345 678"),
            ("addresses[0].street1", "Calle Mayor 1"),
            ("addresses[0].city", "Madrid"),
            ("addresses[0].postalCode", "28013"),
            ("addresses[0].country", "ES"),
        ])
        .await?;
        app.next().await?;
        app.choose("identityDocuments[0].idType", "Passport")
            .await?;
        app.fill(&[
            ("identityDocuments[0].number", "PAS123456"),
            ("identityDocuments[0].issuingCountry", "ES"),
        ])
        .await?;
        app.next().await?;
        attach(&app, "FRONT").await?;
        app.next().await?;
        app.wait_for_css("#review-issues li:not([data-severity])")
            .await?;
        app.click("#submit").await?;
        app.click("#bvnk-agreements:not([hidden]) #terms-confirm")
            .await?;
        app.wait_for_css("#upload-progress .upload-row[data-slot='FRONT'][data-done='true']")
            .await?;
        app.wait_for_css("#bvnk-status[data-status='PENDING']")
            .await?;

        // Ben finds it waiting for BVNK's decision and approves it.
        app.switch_to(BEN.0, BEN.1).await?;
        queue(&app).await?;
        let (draft, row) = only_case_of(&app, "Review").await?;
        let reason = row.find(By::Css(".case-reason")).await?.text().await?;
        assert_eq!(reason, "BVNK waits for a decision");
        app.axe("the review queue with a BVNK case").await?;
        row.click().await?;
        app.wait_for_css("#case-title").await?;
        app.axe("a BVNK case").await?;
        because(&app, "documents_verified").await?;
        app.click("#decide-approve").await?;
        gone_from_queue(&app, &draft).await?;

        // The decision reaches BVNK once; the draft ends Approved and BVNK says VERIFIED.
        let sent = eventually(Duration::from_secs(60), "BVNK's status set", || async {
            let s = stats(&url).await;
            (s["status_changes"]["bvnk"].as_u64() == Some(1)).then_some(s)
        })
        .await?;
        app.click("a[data-view='drafts']").await?;
        eventually(Duration::from_secs(60), "the draft approved", || async {
            let cell = app
                .driver
                .find(By::Css(format!(
                    "#drafts-list li:has(button[data-draft='{draft}']) .state"
                )))
                .await
                .ok()?;
            if cell.attr("data-state").await.ok()?? != "approved" {
                app.click("a[data-view='drafts']").await.ok()?;
                return None;
            }
            Some(())
        })
        .await?;
        let listed = app
            .text_of(&format!(
                "#drafts-list li:has(button[data-draft='{draft}']) .state"
            ))
            .await?;
        assert_eq!(listed, "Approved");
        app.click(&format!("#drafts-list button[data-draft='{draft}']"))
            .await?;
        app.wait_for_css("#bvnk-status[data-status='VERIFIED']")
            .await?;
        let state = app.wait_for_css("#submission-state").await?;
        assert_eq!(state.attr("data-state").await?.as_deref(), Some("approved"));
        let notice = app.wait_for_css("#decision-notice").await?.text().await?;
        assert!(
            notice.contains(BEN.0) && notice.contains("Documents verified"),
            "the draft says who approved it and why: {notice}"
        );
        let again = stats(&url).await;
        assert_eq!(again["status_changes"]["bvnk"], 1, "set once: {again}");
        assert_eq!(
            again["requests"]["PUT /platform/v1/customers/{id}/status"]["200"], 1,
            "one status request: {again}"
        );
        assert_eq!(again["customers"]["bvnk"], 1, "{sent}");
        Ok(())
    }
    .await;
    app.finish("bvnk_case_approved", outcome).await;
}
