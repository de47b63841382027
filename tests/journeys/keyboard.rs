//! The window driven by the keyboard alone: a Personal Cross River onboarding from the
//! start screen to its result with Tab, Shift+Tab, Enter, the arrow keys, typing and the
//! shortcuts, never a click nor a focus set by script. And the first minute on a new desk
//! in Training: the welcome, its guided onboarding of a sample customer, and Help.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{eventually, field_id, settled_submission, App, Outcome};

/// How many presses of Tab may pass before the control looked for counts as unreachable.
const MOST_TABS: usize = 60;

/// Presses Tab (Shift+Tab when `back`) until the element `id` has the focus, as staff
/// move through the window; fails when it is not reached.
async fn tab_to(app: &App, id: &str, back: bool) -> Outcome {
    for _ in 0..MOST_TABS {
        if app.focused_id().await? == id {
            return Ok(());
        }
        let held: &[Key] = if back { &[Key::Shift] } else { &[] };
        app.press(held, Key::Tab).await?;
    }
    Err(format!(
        "#{id} is not reached with {}Tab (the focus is on #{})",
        if back { "Shift+" } else { "" },
        app.focused_id().await?
    )
    .into())
}

/// Types `text` where the focus is.
async fn type_here(app: &App, text: &str) -> Outcome {
    app.driver.active_element().await?.send_keys(text).await?;
    Ok(())
}

/// Tabs to the wizard's field for each path and types its value there.
async fn fill_by_keys(app: &App, fields: &[(&str, &str)]) -> Outcome {
    for (path, value) in fields {
        tab_to(app, &field_id(path), false).await?;
        type_here(app, value).await?;
    }
    Ok(())
}

/// Ctrl+Enter on a step, then the wizard on step `to`.
async fn next_by_keys(app: &App, to: &str) -> Outcome {
    app.press(&[Key::Control], Key::Enter).await?;
    app.wait_for_css(&format!(
        "button.step[aria-current='step'][data-step='{to}']"
    ))
    .await?;
    Ok(())
}

async fn value_of(app: &App, id: &str) -> WebDriverResult<String> {
    Ok(app
        .driver
        .find(By::Id(id))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_personal_customer_is_onboarded_with_the_keyboard_alone() {
    App::journey("keyboard_only_onboarding", |app| async move {
        let outcome: Outcome = async {
            app.wait_for_css("#new-person").await?;

            // Switch person from the top bar, then sign in again from the sign-in screen.
            tab_to(&app, "switch-person", true).await?;
            app.press(&[], Key::Enter).await?;
            app.wait_for_css("#signin[role='dialog']").await?;
            let focused = app
                .driver
                .execute(
                    "const a = document.activeElement; return a ? (a.dataset.person || '') : '';",
                    vec![],
                )
                .await?;
            assert_eq!(
                focused.json().as_str(),
                Some("Trainee"),
                "the sign-in screen puts the focus on the first person"
            );
            app.press(&[], Key::Enter).await?;
            app.wait_for_css("body[data-person='Trainee']").await?;

            // Alt+N: the start screen, the focus on a new Personal customer; Enter starts it.
            app.press(&[Key::Alt], "n").await?;
            app.wait_for_css("a[data-view='onboard'][aria-current='page']")
                .await?;
            eventually(
                Duration::from_secs(10),
                "New personal customer focused",
                || async { (app.focused_id().await.ok()? == "new-person").then_some(()) },
            )
            .await?;
            app.press(&[], Key::Enter).await?;
            app.wait_for_css("button.step[aria-current='step'][data-step='customer']")
                .await?;
            eventually(
                Duration::from_secs(10),
                "the first field focused",
                || async {
                    (app.focused_id().await.ok()? == field_id("name.prefix")).then_some(())
                },
            )
            .await?;

            // Next with the step half filled: the focus goes to the first field in error,
            // top to bottom, and the step says so.
            fill_by_keys(&app, &[("name.first", "Peter")]).await?;
            app.press(&[Key::Control], Key::Enter).await?;
            let last = field_id("name.last");
            eventually(
                Duration::from_secs(10),
                "the first error focused",
                || async { (app.focused_id().await.ok()? == last).then_some(()) },
            )
            .await?;
            let invalid = app.driver.find(By::Id(&last)).await?;
            assert_eq!(invalid.attr("aria-invalid").await?.as_deref(), Some("true"));
            assert!(!app.text_of("#form-status").await?.is_empty());
            assert_eq!(
                app.driver
                    .find(By::Css("button.step[aria-current='step']"))
                    .await?
                    .attr("data-step")
                    .await?
                    .as_deref(),
                Some("customer"),
                "Next stays on the step"
            );

            // Typed where the focus is, and on with Tab. Next again: the rules list the
            // citizenship before the SSN, the screen the SSN first, and the focus goes to
            // the SSN, the first on screen.
            type_here(&app, "Griffin").await?;
            fill_by_keys(&app, &[("person.birthDate", "1953-09-22")]).await?;
            app.press(&[Key::Control], Key::Enter).await?;
            let ssn = field_id("taxIds[0].number");
            eventually(Duration::from_secs(10), "the SSN focused", || async {
                (app.focused_id().await.ok()? == ssn).then_some(())
            })
            .await?;
            type_here(&app, "119-98-8776").await?;
            fill_by_keys(&app, &[("person.citizenshipCountry", "US")]).await?;
            // A select, with the arrow keys: Low → Medium.
            tab_to(&app, &field_id("cos.riskRating"), false).await?;
            app.press(&[], Key::Down).await?;
            assert_eq!(value_of(&app, &field_id("cos.riskRating")).await?, "Medium");
            // Shift+Tab goes back up the form: the first name still holds what was typed.
            tab_to(&app, &field_id("name.first"), true).await?;
            assert_eq!(value_of(&app, &field_id("name.first")).await?, "Peter");
            next_by_keys(&app, "contact").await?;

            // The focus starts on the new step's first field, after the redraw.
            assert_eq!(
                app.focused_id().await?,
                field_id("addresses[0].addressType")
            );
            fill_by_keys(
                &app,
                &[
                    ("addresses[0].street1", "123 Any St"),
                    ("addresses[0].city", "Anywhere"),
                    ("addresses[0].state", "NY"),
                    ("addresses[0].postalCode", "12345"),
                    ("phones[0].number", "(201) 555-2345"),
                    ("emails[0].address", "peter@example.com"),
                ],
            )
            .await?;
            next_by_keys(&app, "identity").await?;
            fill_by_keys(
                &app,
                &[
                    ("identityDocuments[0].number", "DL12345 67890"),
                    ("identityDocuments[0].issuedDate", "2022-07-15"),
                    ("identityDocuments[0].expiryDate", "2031-07-14"),
                    ("identityDocuments[0].issuingAuthority", "New York DMV"),
                    ("identityDocuments[0].issuingStateOrProvince", "NY"),
                ],
            )
            .await?;
            next_by_keys(&app, "scans").await?;
            next_by_keys(&app, "review").await?;
            app.wait_for_css("#submit").await?;

            // Ctrl+Enter on Review submits.
            app.press(&[Key::Control], Key::Enter).await?;
            let state = settled_submission(&app, Duration::from_secs(60)).await?;
            assert_eq!(state, "submitted");
            let id = app
                .wait_for_css("#result-customer-id")
                .await?
                .text()
                .await?;
            assert!(!id.trim().is_empty(), "the customer was created");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_new_training_desk_is_welcomed_with_a_guided_onboarding_and_help() {
    App::journey("first_minute", |app| async move {
        let outcome: Outcome = async {
            // A new desk in Training: the welcome says what Training is and offers the tour.
            let welcome = app.wait_for_css("#onboard-welcome").await?;
            let said = welcome.text().await?;
            assert!(said.contains("Training mode"), "{said}");
            assert_eq!(
                app.focused_id().await?,
                "new-person",
                "the welcome leaves the focus where it was"
            );
            app.axe("the welcome on a new desk").await?;

            // The guided onboarding opens the sample customer in the wizard, with a hint.
            app.click("#welcome-guided").await?;
            app.wait_for_css(&format!("#{}", field_id("name.first")))
                .await?;
            assert_eq!(value_of(&app, &field_id("name.first")).await?, "Dana");
            assert_eq!(value_of(&app, &field_id("name.last")).await?, "Whitfield");
            assert!(!app.text_of("#guide-hint").await?.is_empty());
            app.next().await?;
            assert_eq!(
                value_of(&app, &field_id("addresses[0].city")).await?,
                "Providence"
            );
            assert!(!app.text_of("#guide-hint").await?.is_empty());

            // Help: every shortcut and what each state of a draft means.
            app.click("a[data-view='help']").await?;
            let shortcuts = app.wait_for_css("#help-shortcuts").await?.text().await?;
            for keys in ["Alt+N", "Ctrl+S", "Alt+R", "Alt+D", "Ctrl+F"] {
                assert!(shortcuts.contains(keys), "{keys} in {shortcuts}");
            }
            let states = app.text_of("#help-states").await?;
            for word in [
                "Draft",
                "Ready",
                "Awaiting check",
                "Waiting for network",
                "Sending",
                "Needs attention",
                "Submitted",
                "Archived",
            ] {
                assert!(states.contains(word), "{word} in {states}");
            }
            app.axe("the help page").await?;

            // Used once, the welcome is not offered again.
            app.click("a[data-view='onboard']").await?;
            app.wait_for_css("#continue-draft").await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert!(app
                .driver
                .find_all(By::Id("onboard-welcome"))
                .await?
                .is_empty());
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}
