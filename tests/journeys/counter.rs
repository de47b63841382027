//! What a new user meets at the counter: compliance results that stay settled when the
//! Training sandbox restarts, Latin forms that follow their names, pick lists with words
//! instead of provider codes, and an Activity list in the bank's words.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::cos_personal::{personal, submit_and_wait};
use crate::harness::{eventually, field_id, App, Outcome};

/// Leaves the field (so the rules check it) by focusing another one.
async fn leave(app: &App, to: &str) -> WebDriverResult<()> {
    app.driver.find(By::Id(field_id(to))).await?.click().await
}

async fn settings_training_url(app: &App) -> WebDriverResult<String> {
    let line = app.wait_for_css("#settings-training-url[data-url]").await?;
    Ok(line.attr("data-url").await?.unwrap_or_default())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_positive_pep_check_stays_positive_after_training_is_switched_off_and_on() {
    App::journey("counter_checks_kept", |app| async move {
        let outcome: Outcome = async {
            personal(&app, "Vladimir", "Putin", "219-09-9999").await?;
            submit_and_wait(&app).await?;
            eventually(
                Duration::from_secs(60),
                "the PEP check to settle",
                || async {
                    app.driver
                        .find(By::Css(
                            "#result-pep[data-status='Positive'] ~ #result-pep-at",
                        ))
                        .await
                        .ok()
                },
            )
            .await?;

            // Training off and on: the sandbox starts again on a new port, without customers.
            app.click("a[data-view='settings']").await?;
            let before = settings_training_url(&app).await?;
            app.click("#training-mode").await?;
            app.wait_for_css("#training-mode:not(:checked)").await?;
            app.click("#training-mode").await?;
            app.wait_for_css("#training-mode:checked").await?;
            let after = eventually(Duration::from_secs(20), "a new sandbox", || async {
                let url = settings_training_url(&app).await.ok()?;
                (!url.is_empty() && url != before).then_some(url)
            })
            .await?;
            assert_ne!(before, after);

            app.click("a[data-view='drafts']").await?;
            app.click("button[data-draft]").await?;
            let pep = app.wait_for_css("#result-pep").await?;
            assert_eq!(pep.attr("data-status").await?.as_deref(), Some("Positive"));
            let at = app.text_of("#result-pep-at").await?;
            assert!(at.chars().any(|c| c.is_ascii_digit()), "{at}");
            let summary = app.wait_for_css("#result-summary").await?;
            assert_eq!(
                summary.attr("data-attention").await?.as_deref(),
                Some("true"),
                "still needs compliance, not 'you can carry on'"
            );
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_taken_latin_form_is_flagged_when_its_name_changes() {
    App::journey("counter_latin_stale", |app| async move {
        let outcome: Outcome = async {
            app.click("#new-fin-person").await?;
            app.wait_for_css(&format!("#{}", field_id("name.latin.last")))
                .await?;
            app.fill(&[("name.first", "Ana"), ("name.last", "Núñez")])
                .await?;
            leave(&app, "name.latin.last").await?;
            app.click("#f-name-latin-last-latin").await?;
            let latin = app.driver.find(By::Id(field_id("name.latin.last"))).await?;
            assert_eq!(latin.prop("value").await?.as_deref(), Some("Nunez"));

            // The name changes: the old form is flagged with the new suggestion and Keep.
            app.fill(&[("name.last", "Pérez")]).await?;
            leave(&app, "person.birthDate").await?;
            // Checks of the name as it was being typed may answer first: the offer is read
            // afresh until it is the one for the whole new name.
            eventually(Duration::from_secs(10), "the offer for Pérez", || async {
                let text = app
                    .text_of("#f-name-latin-last-latin-offer[data-stale='true']")
                    .await
                    .ok()?;
                text.contains("Perez").then_some(())
            })
            .await?;
            let flag = app.text_of("#f-name-latin-last-error").await?;
            assert!(flag.contains("Núñez") && flag.contains("Perez"), "{flag}");
            assert_eq!(latin.attr("aria-invalid").await?.as_deref(), Some("true"));

            // Keep confirms the form for the new name: the flag goes.
            app.click("#f-name-latin-last-latin-keep").await?;
            eventually(Duration::from_secs(10), "the flag to go", || async {
                let text = app.text_of("#f-name-latin-last-error").await.ok()?;
                text.is_empty().then_some(())
            })
            .await?;
            assert_eq!(latin.prop("value").await?.as_deref(), Some("Nunez"));

            // Another change; this time the new suggestion is taken.
            app.fill(&[("name.last", "Gómez")]).await?;
            leave(&app, "person.birthDate").await?;
            eventually(Duration::from_secs(10), "the offer for Gómez", || async {
                let text = app
                    .text_of("#f-name-latin-last-latin-offer[data-stale='true']")
                    .await
                    .ok()?;
                text.contains("Gomez").then_some(())
            })
            .await?;
            app.click("#f-name-latin-last-latin").await?;
            assert_eq!(latin.prop("value").await?.as_deref(), Some("Gomez"));
            eventually(Duration::from_secs(10), "the flag to go", || async {
                let text = app.text_of("#f-name-latin-last-error").await.ok()?;
                text.is_empty().then_some(())
            })
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
async fn cos_codes_are_chosen_by_their_words() {
    App::journey("counter_cos_pick_lists", |app| async move {
        let outcome: Outcome = async {
            // Cross River's entity and ownership types.
            app.click("#new-company").await?;
            // Marked required once the rules have answered for the new draft.
            app.wait_for_css(&format!(
                "select#{}[aria-required='true']",
                field_id("company.entityType")
            ))
            .await?;
            let llc = app
                .wait_for_css(&format!(
                    "#{} option[value='LLC']",
                    field_id("company.entityType")
                ))
                .await?;
            assert!(
                llc.text().await?.contains("Limited liability"),
                "{}",
                llc.text().await?
            );
            let private = app
                .wait_for_css(&format!(
                    "#{} option[value='Private']",
                    field_id("company.ownershipType")
                ))
                .await?;
            assert!(private.text().await?.len() > "Private".len());
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn fin_codes_are_chosen_by_their_words() {
    App::journey("counter_fin_pick_lists", |app| async move {
        let outcome: Outcome = async {
            // Fin.com's occupation, purpose and sources of funds.
            app.click("#new-fin-person").await?;
            app.click("button.step[data-step='financial']").await?;
            app.wait_for_css(&format!(
                "select#{}[aria-required='true']",
                field_id("fin.occupationId")
            ))
            .await?;
            app.choose("fin.occupationId", "42").await?;
            app.choose("fin.purposeId", "3").await?;
            let purpose = app
                .text_of(&format!("#{} option[value='3']", field_id("fin.purposeId")))
                .await?;
            assert!(purpose.chars().any(char::is_alphabetic), "{purpose}");
            for source in ["1", "5"] {
                app.click(&format!(
                    "input[data-path='fin.sourceOfFundIds'][value='{source}']"
                ))
                .await?;
            }
            let legend = app.text_of("fieldset.choices legend").await?;
            assert!(!legend.contains("number"), "{legend}");

            // Review says the words, not the numbers.
            app.click("button.step[data-step='review']").await?;
            app.wait_for_css("section.review-section[data-section='financial'] dl.review")
                .await?;
            let review = app
                .text_of("section.review-section[data-section='financial']")
                .await?;
            assert!(review.contains("Other occupation"), "{review}");
            assert!(review.contains("Salary or wages"), "{review}");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn activity_speaks_the_banks_words_and_filters_by_date() {
    App::journey("counter_activity_words", |app| async move {
        let outcome: Outcome = async {
            personal(&app, "Peter", "Griffin", "119-98-8779").await?;
            submit_and_wait(&app).await?;

            app.click("a[data-view='activity']").await?;
            let table = eventually(Duration::from_secs(20), "the Activity list", || async {
                let text = app.text_of("table.activity").await.ok()?;
                text.contains("Cross River created the customer")
                    .then_some(text)
            })
            .await?;
            assert!(
                table.contains("Sent the phone number to Cross River"),
                "{table}"
            );
            assert!(table.contains("Submitted to Cross River by"), "{table}");
            assert!(!table.contains("/core/v1"), "no API paths: {table}");
            assert!(!table.contains("Core.Customer"), "no event names: {table}");
            let who = app.text_of("table.activity tbody tr td.who").await?;
            assert!(!who.is_empty());

            let today = chrono::Local::now().date_naive();
            let rows = || async {
                app.driver
                    .find_all(By::Css("table.activity tbody tr"))
                    .await
                    .map(|r| r.len())
            };
            let tomorrow = (today + chrono::Days::new(1))
                .format("%Y-%m-%d")
                .to_string();
            app.type_into("activity-from", &tomorrow).await?;
            app.click("#activity-outcome").await?; // leaving the field applies it
            eventually(
                Duration::from_secs(10),
                "no entries from tomorrow on",
                || async { (rows().await.ok()? == 0).then_some(()) },
            )
            .await?;
            app.type_into("activity-from", &today.format("%Y-%m-%d").to_string())
                .await?;
            app.type_into("activity-to", &today.format("%Y-%m-%d").to_string())
                .await?;
            app.click("#activity-outcome").await?;
            eventually(Duration::from_secs(10), "today's entries", || async {
                (rows().await.ok()? > 0).then_some(())
            })
            .await?;
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}
