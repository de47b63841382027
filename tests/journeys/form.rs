//! Why one file (about 700 lines): the journeys of one defect list, each a short story in
//! the real window sharing the form helpers below.
//!
//! What a new user meets at the counter: questions that really wait for an answer, a way
//! out of an open onboarding, checkboxes beside their labels, a form that marks what it
//! needs and takes dates as people write them, a Review grouped by step, a result to copy
//! from, a Settings page that tells the truth, and Fin.com's terms without a browser.

use std::time::Duration;

use serde_json::json;
use thirtyfour::prelude::*;

use crate::fin::{fin_person, picture};
use crate::harness::{eventually, field_id, App, Outcome};

/// Like `assert!`, but the journey ends through `App::finish` (screenshot, window closed)
/// instead of a panic that would leave the window open for the next journey to meet.
macro_rules! check {
    ($cond:expr $(,)?) => {
        let held: bool = $cond;
        if !held {
            return Err(format!("check failed: {}", stringify!($cond)).into());
        }
    };
    ($cond:expr, $($msg:tt)+) => {
        let held: bool = $cond;
        if !held {
            return Err(format!("check failed: {}: {}", stringify!($cond), format!($($msg)+)).into());
        }
    };
}

macro_rules! check_eq {
    ($a:expr, $b:expr $(,)?) => {
        check_eq!($a, $b, "")
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {{
        let (a, b) = ($a, $b);
        if a != b {
            return Err(format!("{a:?} != {b:?}: {}", format!($($msg)+)).into());
        }
    }};
}

macro_rules! check_ne {
    ($a:expr, $b:expr $(,)?) => {
        check_ne!($a, $b, "")
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {{
        let (a, b) = ($a, $b);
        if a == b {
            return Err(format!("both {a:?}: {}", format!($($msg)+)).into());
        }
    }};
}

/// Saves a screenshot of a passing moment, for a person to look at.
async fn shot(app: &App, name: &str) -> WebDriverResult<()> {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    app.driver
        .screenshot(&dir.join(format!("{name}.ok.png")))
        .await
}

/// The value an input holds now.
async fn value_of(app: &App, path: &str) -> WebDriverResult<String> {
    let input = app.driver.find(By::Id(field_id(path))).await?;
    Ok(input.prop("value").await?.unwrap_or_default())
}

/// Presses a key (with a modifier held) wherever the focus is, as staff do.
async fn press(app: &App, modifier: Option<Key>, key: Key) -> WebDriverResult<()> {
    let mut chain = app.driver.action_chain();
    if let Some(held) = modifier.clone() {
        chain = chain.key_down(held);
    }
    chain = chain.send_keys(key);
    if let Some(held) = modifier {
        chain = chain.key_up(held);
    }
    chain.perform().await
}

/// Leaves the focused field with Tab.
async fn tab(app: &App) -> WebDriverResult<()> {
    press(app, None, Key::Tab).await
}

/// The id of the element that has the focus.
async fn focused(app: &App) -> WebDriverResult<String> {
    let answer = app
        .driver
        .execute(
            "const a = document.activeElement; return a ? (a.id || a.outerHTML.slice(0, 120)) : '';",
            vec![],
        )
        .await?;
    Ok(answer.json().as_str().unwrap_or_default().to_owned())
}

/// The dialog is open and asks about `expected`; `answer` is Cancel or the confirm button.
async fn answer_dialog(app: &App, expected: &str, confirm: bool) -> Result<(), String> {
    let dialog = app
        .wait_for_css("dialog#confirm-dialog[open]")
        .await
        .map_err(|e| format!("no confirmation was asked: {e}"))?;
    let text = dialog.text().await.map_err(|e| e.to_string())?;
    check!(
        text.contains(expected),
        "the question says what is lost: {text}"
    );
    let role = dialog.attr("role").await.map_err(|e| e.to_string())?;
    check_eq!(role.as_deref(), Some("alertdialog"));
    // The safe answer has the focus.
    check_eq!(
        focused(app).await.map_err(|e| e.to_string())?,
        "confirm-cancel"
    );
    let button = if confirm {
        "#confirm-yes"
    } else {
        "#confirm-cancel"
    };
    app.click(button).await.map_err(|e| e.to_string())?;
    eventually(Duration::from_secs(5), "the dialog closed", || async {
        app.driver
            .find_all(By::Css("dialog#confirm-dialog"))
            .await
            .ok()
            .filter(Vec::is_empty)
            .map(|_| ())
    })
    .await
}

async fn draft_rows(app: &App) -> WebDriverResult<Vec<String>> {
    let mut names = Vec::new();
    for row in app
        .driver
        .find_all(By::Css("#drafts-list .draft-row"))
        .await?
    {
        names.push(row.text().await?);
    }
    Ok(names)
}

/// A person's draft with a name, left open in the wizard.
async fn named_draft(app: &App, first: &str, last: &str) -> WebDriverResult<()> {
    app.click("#new-person").await?;
    app.wait_for_css(&format!("#{}", field_id("name.first")))
        .await?;
    app.fill(&[("name.first", first), ("name.last", last)])
        .await?;
    tab(app).await?;
    app.wait_for_css("#saved:not(:empty)").await?;
    Ok(())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn deleting_a_draft_or_a_connection_waits_for_an_answer() {
    App::journey("form_confirmations", |app| async move {
        let outcome: Outcome = async {
            named_draft(&app, "Ana", "Ruiz").await?;
            app.click("a[data-view='drafts']").await?;
            app.wait_for_css("#drafts-list .draft-row").await?;

            // Cancel keeps the draft.
            app.click("#drafts-list .draft-row button.danger").await?;
            answer_dialog(&app, "Ana Ruiz", false).await?;
            let focus_tag = app
                .driver
                .execute("return document.activeElement.textContent", vec![])
                .await?;
            check_eq!(
                focus_tag.json().as_str(),
                Some("Delete"),
                "focus back on Delete"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
            let rows = draft_rows(&app).await?;
            check!(rows.iter().any(|r| r.contains("Ana Ruiz")), "{rows:?}");

            // Escape is Cancel too.
            app.click("#drafts-list .draft-row button.danger").await?;
            app.wait_for_css("dialog#confirm-dialog[open]").await?;
            press(&app, None, Key::Escape).await?;
            eventually(
                Duration::from_secs(5),
                "Escape closing the dialog",
                || async {
                    app.driver
                        .find_all(By::Css("dialog#confirm-dialog"))
                        .await
                        .ok()
                        .filter(Vec::is_empty)
                        .map(|_| ())
                },
            )
            .await?;
            check!(draft_rows(&app)
                .await?
                .iter()
                .any(|r| r.contains("Ana Ruiz")));

            // Confirm deletes it.
            app.click("#drafts-list .draft-row button.danger").await?;
            answer_dialog(&app, "Ana Ruiz", true).await?;
            eventually(Duration::from_secs(5), "the draft gone", || async {
                let rows = draft_rows(&app).await.ok()?;
                (!rows.iter().any(|r| r.contains("Ana Ruiz"))).then_some(())
            })
            .await?;

            // Removing a connection asks the same way.
            app.click("a[data-view='settings']").await?;
            app.wait_for_css("#connection-form").await?;
            app.type_into("conn-baseUrl", "https://cos.example.test")
                .await?;
            let cos = branchdesk_sandbox::Credentials::default().cos;
            app.type_into("conn-clientId", &cos.client_id).await?;
            app.type_into("conn-partnerId", &cos.partner_id).await?;
            app.type_into("conn-secret", &cos.client_secret).await?;
            app.click("#connection-save").await?;
            app.click("#connections li[data-provider='cos'] button[data-remove]")
                .await?;
            answer_dialog(&app, "https://cos.example.test", false).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            check_eq!(
                app.driver
                    .find_all(By::Css("#connections li[data-provider='cos']"))
                    .await?
                    .len(),
                1
            );
            app.click("#connections li[data-provider='cos'] button[data-remove]")
                .await?;
            answer_dialog(&app, "https://cos.example.test", true).await?;
            eventually(
                Duration::from_secs(10),
                "the connection removed",
                || async {
                    app.driver
                        .find_all(By::Css("#connections li[data-provider='cos']"))
                        .await
                        .ok()
                        .filter(Vec::is_empty)
                        .map(|_| ())
                },
            )
            .await?;
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_new_onboarding_can_start_while_one_is_open_and_a_deleted_one_stops() {
    App::journey("form_start_new", |app| async move {
        let outcome: Outcome = async {
            named_draft(&app, "Ana", "Ruiz").await?;
            // Alt+N from inside the form: the open draft is offered, and so is a new one.
            let mut chain = app.driver.action_chain().key_down(Key::Alt);
            chain = chain.send_keys("n").key_up(Key::Alt);
            chain.perform().await?;
            let resume = app.wait_for_css("#continue-draft").await?;
            check!(resume.text().await?.contains("Ana Ruiz"));
            app.click("#new-person").await?;
            app.wait_for_css(&format!("#{}", field_id("name.first"))).await?;
            check_eq!(value_of(&app, "name.first").await?, "", "a new, empty draft");
            app.fill(&[("name.first", "Bo"), ("name.last", "Lind")]).await?;
            tab(&app).await?;
            app.wait_for_css("#saved:not(:empty)").await?;
            app.click("a[data-view='drafts']").await?;
            app.wait_for_css("#drafts-list .draft-row").await?;
            let rows = eventually(Duration::from_secs(5), "both drafts", || async {
                let rows = draft_rows(&app).await.ok()?;
                (rows.len() == 2).then_some(rows)
            })
            .await?;
            check!(rows.iter().any(|r| r.contains("Ana Ruiz")), "{rows:?}");

            // The open draft deleted from Drafts: Onboard says so and offers no way back to it.
            let bo = app
                .driver
                .find(By::XPath("//li[contains(@class,'draft-row')][contains(., 'Bo Lind')]//button[contains(@class,'danger')]"))
                .await?;
            bo.click().await?;
            answer_dialog(&app, "Bo Lind", true).await?;
            app.click("a[data-view='onboard']").await?;
            let deleted = app.wait_for_css("#draft-deleted").await?;
            check!(deleted.text().await?.contains("Bo Lind"));
            check!(app.driver.find_all(By::Css("#continue-draft")).await?.is_empty());

            // A draft deleted while it is on screen: the next save finds it gone, and the
            // form stops instead of saying "Not saved yet" for ever.
            app.click("a[data-view='drafts']").await?;
            let open = app.wait_for_css("#drafts-list button[data-draft]").await?;
            let id = open.attr("data-draft").await?.unwrap_or_default();
            open.click().await?;
            app.wait_for_css(&format!("#{}", field_id("name.first"))).await?;
            app.driver
                .execute(
                    "return window.__TAURI__.core.invoke('draft_delete', { id: arguments[0] })",
                    vec![json!(id)],
                )
                .await?;
            app.type_into(&field_id("name.middle"), "Maria").await?;
            let gone = app.wait_for_css("#draft-gone").await?;
            check!(gone.text().await?.contains("no longer exists"), "{}", gone.text().await?);
            let next = app.driver.find(By::Id("next")).await?;
            check!(!next.is_enabled().await?, "nothing more goes on from a deleted draft");
            check_ne!(app.text_of("#saved").await?, "Not saved yet: we will try again as you type.");
            app.click("#start-new").await?;
            app.wait_for_css("#new-person").await?;
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

/// WCAG's relative luminance of a CSS `rgb(r, g, b)` colour.
fn luminance(css: &str) -> f64 {
    let parts: Vec<f64> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .map(|p| p.trim().parse::<f64>().unwrap() / 255.0)
        .collect();
    let channel = |c: f64| {
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(parts[0]) + 0.7152 * channel(parts[1]) + 0.0722 * channel(parts[2])
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn checkboxes_sit_beside_their_labels_and_inputs_have_visible_edges() {
    App::journey("form_checkboxes", |app| async move {
        let outcome: Outcome = async {
            app.click("#new-person").await?;
            let id = field_id("cos.politicallyExposedPerson");
            let boxed = app.wait_for_css(&format!("#{id}")).await?;
            let label = app
                .driver
                .find(By::Css(format!("label[for='{id}']")))
                .await?;
            boxed.focus().await?;
            let b = boxed.rect().await?;
            let l = label.rect().await?;
            shot(&app, "form_checkbox").await?;
            check!(b.width < 40.0, "the box is a box, not a bar: {b:?}");
            check!(
                b.x + b.width <= l.x + 1.0,
                "the box is left of its label: {b:?} {l:?}"
            );
            let (box_middle, label_middle) = (b.y + b.height / 2.0, l.y + l.height / 2.0);
            check!(
                (box_middle - label_middle).abs() < 8.0,
                "level with its label: {b:?} {l:?}"
            );
            // Its focus ring is around the box, not a full-width bar.
            let outline = boxed.css_value("outline-style").await?;
            check_ne!(outline, "none", "the focused box shows its ring");

            // A text box's edge stands out from the panel by 3:1 at least (WCAG 1.4.11).
            let input = app.driver.find(By::Id(field_id("name.first"))).await?;
            let edge = luminance(&input.css_value("border-top-color").await?);
            let panel = luminance(&input.css_value("background-color").await?);
            let (light, dark) = if edge > panel {
                (edge, panel)
            } else {
                (panel, edge)
            };
            let ratio = (light + 0.05) / (dark + 0.05);
            check!(ratio >= 3.0, "input border contrast {ratio:.2}:1");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_form_marks_what_it_needs_reads_us_dates_and_keeps_focus_near_the_work() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let scans = ["front.png", "back.png"].map(|name| files.path().join(name));
    for (i, scan) in (0u32..).zip(&scans) {
        picture(scan, 32 + 8 * i);
    }
    let picks = std::env::join_paths(&scans).unwrap();
    let app = App::launch_with(data_dir.path(), &[("BRANCHDESK_E2E_PICKS", picks)]).await;
    let outcome: Outcome = async {
        app.click("#new-person").await?;
        // Required fields are marked, for eyes and for screen readers, as Rust's rules say.
        let first = app
            .wait_for_css(&format!("#{}[aria-required='true']", field_id("name.first")))
            .await?;
        let label = app
            .driver
            .find(By::Css(format!("label[for='{}'] .required-mark", field_id("name.first"))))
            .await?;
        check!(label.is_displayed().await?);
        let middle = app.driver.find(By::Id(field_id("name.middle"))).await?;
        check_eq!(middle.attr("aria-required").await?, None, "the middle name is optional");

        // A US date is read and shown as it will be sent.
        first.send_keys("Ana").await?;
        app.fill(&[("name.last", "Ruiz"), ("person.birthDate", "07/23/1985")]).await?;
        tab(&app).await?;
        eventually(Duration::from_secs(5), "the date shown tidy", || async {
            (value_of(&app, "person.birthDate").await.ok()? == "1985-07-23").then_some(())
        })
        .await?;
        let error = app.text_of(&format!("#{}-error", field_id("person.birthDate"))).await?;
        check_eq!(error, "", "the date is accepted");

        // Next with the SSN missing: the step is marked as having errors.
        app.click("#next").await?;
        app.wait_for_css("[data-step='customer'][data-status='errors']").await?;
        app.fill(&[("taxIds[0].number", "123-45-6789"), ("person.citizenshipCountry", "us")]).await?;
        tab(&app).await?;
        app.next().await?;
        app.wait_for_css(&format!("#{}", field_id("addresses[0].street1"))).await?;
        app.wait_for_css("[data-step='customer'][data-status='done']").await?;
        check_eq!(
            app.driver.find(By::Css("[data-step='customer'] .step-mark")).await?.text().await?,
            "✓"
        );

        // A state typed lower-case is shown as its code.
        app.fill(&[
            ("addresses[0].street1", "123 Any St"),
            ("addresses[0].city", "Albany"),
            ("addresses[0].state", "ny"),
        ])
        .await?;
        tab(&app).await?;
        eventually(Duration::from_secs(5), "the state in capitals", || async {
            (value_of(&app, "addresses[0].state").await.ok()? == "NY").then_some(())
        })
        .await?;
        app.fill(&[
            ("addresses[0].postalCode", "12207"),
            ("phones[0].number", "(201) 555-2345"),
            ("emails[0].address", "ana@example.com"),
        ])
        .await?;
        app.next().await?;
        app.wait_for_css(&format!("#{}", field_id("identityDocuments[0].number"))).await?;
        app.fill(&[
            ("identityDocuments[0].number", "DL12345 67890"),
            ("identityDocuments[0].issuedDate", "7/15/2022"),
            ("identityDocuments[0].expiryDate", "2031-07-14"),
            ("identityDocuments[0].issuingAuthority", "New York DMV"),
            ("identityDocuments[0].issuingStateOrProvince", "ny"),
        ])
        .await?;
        app.next().await?;

        // Attaching a scan keeps the focus in the slot just used.
        for slot in ["FRONT", "BACK"] {
            let choose = format!(".slot[data-slot='{slot}'] button[data-action='choose']");
            app.wait_for_css(&choose).await?.focus().await?;
            press(&app, None, Key::Enter).await?;
            app.wait_for_css(&format!(".slot[data-slot='{slot}'][data-filled='true']")).await?;
            let inside = app
                .driver
                .execute(
                    "return document.activeElement.closest('.slot')?.dataset.slot ?? document.activeElement.id",
                    vec![],
                )
                .await?;
            check_eq!(inside.json().as_str(), Some(slot), "focus stays in the {slot} slot");
        }
        app.next().await?;
        app.wait_for_css("#submit").await?;
        app.wait_for_css("[data-step='scans'][data-status='done']").await?;

        // Review: grouped by step, each with its Edit, the scans as thumbnails.
        for section in ["customer", "contact", "identity", "scans"] {
            app.wait_for_css(&format!("[data-section='{section}'] button[data-edit='{section}']"))
                .await?;
        }
        let contact = app.text_of("[data-section='contact']").await?;
        check!(contact.contains("Albany") && contact.contains("NY"), "{contact}");
        let thumb = app.wait_for_css("[data-section='scans'] li[data-slot='FRONT'] img").await?;
        eventually(Duration::from_secs(5), "the thumbnail", || async {
            thumb.attr("src").await.ok()?.filter(|s| s.starts_with("data:image")).map(|_| ())
        })
        .await?;
        shot(&app, "form_review").await?;
        app.click("button[data-edit='contact']").await?;
        app.wait_for_css("[data-step='contact'][aria-current='step']").await?;
        app.click("[data-step='review']").await?;
        app.wait_for_css("#submit").await?;
        app.wait_for_css("#review-issues li").await?;

        // Ctrl+Enter submits from where the focus lands on Review.
        press(&app, Some(Key::Control), Key::Enter).await?;
        let customer = app.wait_for_css("#result-customer-id").await?;
        eventually(Duration::from_secs(20), "the customer id", || async {
            let id = customer.text().await.ok()?;
            (!id.is_empty()).then_some(())
        })
        .await?;
        // The result names the customer and copies the id.
        eventually(Duration::from_secs(5), "the customer's name", || async {
            app.text_of("#result-name").await.ok()?.contains("Ana Ruiz").then_some(())
        })
        .await?;
        app.click("#copy-customer-id").await?;
        eventually(Duration::from_secs(5), "Copied", || async {
            (app.text_of("#copy-customer-id-status").await.ok()? == "Copied").then_some(())
        })
        .await?;
        shot(&app, "form_result").await?;
        Ok(())
    }
    .await;
    app.finish("form_behaviour", outcome).await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn settings_show_the_mode_the_app_is_in_and_only_the_chosen_providers_fields() {
    App::journey("form_settings", |app| async move {
        let outcome: Outcome = async {
            app.click("a[data-view='settings']").await?;
            let training = app.wait_for_css("#training-mode").await?;
            check!(training.is_selected().await?);
            // No connection: the app cannot leave Training, and the box says so.
            training.click().await?;
            eventually(Duration::from_secs(10), "the reason shown", || async {
                let said = app.text_of("#settings-status").await.ok()?;
                (!said.is_empty()).then_some(())
            })
            .await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let training = app.wait_for_css("#training-mode").await?;
            check!(
                training.is_selected().await?,
                "the box shows the app is still in Training"
            );
            let env = app
                .wait_for_css("#env-badge")
                .await?
                .attr("data-env")
                .await?;
            check_eq!(env.as_deref(), Some("TRAINING"));
            let said = app.text_of("#settings-status").await?;
            check!(said.contains("Training"), "{said}");

            // Each provider's connection shows its own fields.
            for (provider, shown, hidden) in [
                (
                    "cos",
                    &["baseUrl", "authUrl", "clientId", "partnerId", "secret"][..],
                    &["hawkId", "finSelfieRequired"][..],
                ),
                (
                    "fin",
                    &["baseUrl", "clientId", "secret", "finSelfieRequired"][..],
                    &["authUrl", "partnerId", "hawkId"][..],
                ),
                (
                    "bvnk",
                    &["baseUrl", "hawkId", "secret"][..],
                    &["authUrl", "clientId", "partnerId", "finSelfieRequired"][..],
                ),
            ] {
                app.click(&format!("#conn-provider option[value='{provider}']"))
                    .await?;
                for name in shown {
                    let input = app.driver.find(By::Id(format!("conn-{name}"))).await?;
                    check!(input.is_displayed().await?, "{provider}: {name} shown");
                }
                for name in hidden {
                    let input = app.driver.find(By::Id(format!("conn-{name}"))).await?;
                    check!(!input.is_displayed().await?, "{provider}: {name} hidden");
                }
            }
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn fin_terms_without_a_browser_are_said_in_words_with_the_link_to_copy() {
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
        app.wait_for_css("#fin-terms:not([hidden]) #terms-open")
            .await?;
        // A Training code says it is for practice.
        let caption = app.wait_for_css("#terms-practice").await?;
        check!(caption.is_displayed().await?);
        check_eq!(caption.text().await?, "Practice only — Training mode");
        // No browser under a bare virtual display: the words, not the launcher's.
        app.click("#terms-open").await?;
        let said = eventually(Duration::from_secs(10), "the answer", || async {
            let said = app.text_of("#terms-status").await.ok()?;
            (!said.is_empty()).then_some(said)
        })
        .await?;
        check!(
            said.starts_with("Branchdesk could not open a browser on this computer."),
            "{said}"
        );
        check!(
            !said.contains("Launcher") && !said.contains("ExitStatus"),
            "{said}"
        );
        check_eq!(focused(&app).await?, "terms-copy", "Copy link is offered");
        app.click("#terms-copy").await?;
        eventually(Duration::from_secs(5), "Copied", || async {
            (app.text_of("#terms-copy-status").await.ok()? == "Copied").then_some(())
        })
        .await?;
        shot(&app, "form_fin_terms").await?;
        Ok(())
    }
    .await;
    app.finish("form_fin_terms", outcome).await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn next_pressed_twice_goes_on_one_step() {
    App::journey("next_twice", |app| async move {
        let outcome: Outcome = async {
            app.click("#new-person").await?;
            app.wait_for_css(&format!("#{}", field_id("name.first")))
                .await?;
            app.fill(&[
                ("name.first", "Peter"),
                ("name.last", "Griffin"),
                ("person.birthDate", "1953-09-22"),
                ("taxIds[0].number", "123-45-6789"),
                ("person.citizenshipCountry", "US"),
            ])
            .await?;
            // A double press, as a hurried hand makes it: both reach the form before the
            // check of the first has answered.
            app.driver
                .execute(
                    "const f = document.getElementById('step-form'); f.requestSubmit(); f.requestSubmit();",
                    vec![],
                )
                .await?;
            app.wait_for_css(&format!("#{}", field_id("addresses[0].street1")))
                .await?;
            // Any second move would have come with the first check's answer; wait for a
            // later one (leaving a field asks again) before reading where the wizard is.
            tab(&app).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let step = app
                .wait_for_css("button.step[aria-current='step']")
                .await?
                .attr("data-step")
                .await?;
            check_eq!(step.as_deref(), Some("contact"), "one press, one step");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}
