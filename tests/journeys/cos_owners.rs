//! A Business customer's owners in the wizard: several beneficial owners added and removed by
//! keyboard, each shown by name with their compliance standing, and an owner onboarded from
//! the Owners step without losing the business.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::cos_personal::{fill_personal, get, personal, submit_and_wait, training_url};
use crate::harness::{eventually, field_id, App, Outcome};

/// Starts a Business and fills its own step; stays there.
async fn new_business(app: &App) -> WebDriverResult<()> {
    app.click("a[data-view='onboard']").await?;
    app.click("#new-company").await?;
    app.wait_for_css(&format!("#{}", field_id("company.legalName")))
        .await?;
    app.fill(&[
        ("company.legalName", "Pawtucket Brewery LLC"),
        ("taxIds[0].number", "12-3456789"),
        ("company.dateFormed", "2001-05-01"),
    ])
    .await?;
    app.choose("company.entityType", "LLC").await?;
    app.choose("company.ownershipType", "Private").await
}

/// Fills the Business's contact step (open) and goes on to Review.
async fn business_contact(app: &App) -> WebDriverResult<()> {
    app.wait_for_css(&format!("#{}", field_id("addresses[0].street1")))
        .await?;
    app.fill(&[
        ("addresses[0].street1", "1 Brewery Rd"),
        ("addresses[0].city", "Quahog"),
        ("addresses[0].state", "RI"),
        ("addresses[0].postalCode", "02860"),
        ("phones[0].number", "401-555-0100"),
    ])
    .await?;
    app.click("#next").await?;
    app.wait_for_css("#submit").await?;
    Ok(())
}

async fn focused_id(app: &App) -> WebDriverResult<String> {
    Ok(app
        .driver
        .active_element()
        .await?
        .attr("id")
        .await?
        .unwrap_or_default())
}

async fn value_of(app: &App, path: &str) -> WebDriverResult<String> {
    Ok(app
        .driver
        .find(By::Id(field_id(path)))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// The text of an option of an owner picker, found by the customer's id.
async fn option_text(app: &App, path: &str, customer: &str) -> WebDriverResult<String> {
    app.wait_for_css(&format!("#{} option[value='{customer}']", field_id(path)))
        .await?
        .text()
        .await
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_business_with_two_beneficial_owners_sends_both_and_review_names_them() {
    App::journey("business_two_owners", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            personal(&app, "Peter", "Griffin", "119-98-8776").await?;
            let peter = submit_and_wait(&app).await?;
            app.click("a[data-view='onboard']").await?;
            personal(&app, "Lois", "Griffin", "119-98-8778").await?;
            let lois = submit_and_wait(&app).await?;

            new_business(&app).await?;
            app.click("#next").await?;
            // The pickers name each customer; no option reads as a bare id.
            let listed = option_text(&app, "cos.primaryOwnerCustomerId", &peter).await?;
            assert!(listed.contains("Peter Griffin"), "{listed}");
            assert!(
                !listed.contains(&peter[..8]),
                "no id in the picker: {listed}"
            );
            app.choose("cos.primaryOwnerCustomerId", &peter).await?;
            app.choose("cos.beneficialOwners[0].ownerCustomerId", &peter)
                .await?;
            app.fill(&[
                ("cos.beneficialOwners[0].title", "Managing member"),
                ("cos.beneficialOwners[0].ownershipPercentage", "60"),
            ])
            .await?;

            // A second row, by keyboard: focus lands on its picker.
            app.click("#add-owner").await?;
            let second = field_id("cos.beneficialOwners[1].ownerCustomerId");
            app.wait_for_css(&format!("#{second}")).await?;
            assert_eq!(
                focused_id(&app).await?,
                second,
                "focus moves to the new row"
            );
            app.choose("cos.beneficialOwners[1].ownerCustomerId", &lois)
                .await?;
            app.fill(&[
                ("cos.beneficialOwners[1].title", "Member"),
                ("cos.beneficialOwners[1].ownershipPercentage", "forty"),
            ])
            .await?;
            // The rule's verdict lands on the second row's share, not the first's.
            app.click(&format!("#{}", field_id("cos.beneficialOwners[1].title")))
                .await?;
            let share_error = format!(
                "#{}-error",
                field_id("cos.beneficialOwners[1].ownershipPercentage")
            );
            let message = eventually(Duration::from_secs(10), "the share's error", || async {
                let text = app.text_of(&share_error).await.ok()?;
                (!text.is_empty()).then_some(text)
            })
            .await?;
            assert!(!message.is_empty());
            let first_error = format!(
                "#{}-error",
                field_id("cos.beneficialOwners[0].ownershipPercentage")
            );
            assert_eq!(app.text_of(&first_error).await.unwrap_or_default(), "");
            app.fill(&[("cos.beneficialOwners[1].ownershipPercentage", "40")])
                .await?;

            // A third row, then taken out again: the two above it are untouched and focus
            // goes back to "Add".
            app.click("#add-owner").await?;
            app.fill(&[("cos.beneficialOwners[2].title", "Silent partner")])
                .await?;
            app.click("[data-action='remove-owner'][data-row='2']")
                .await?;
            eventually(Duration::from_secs(10), "the third row to go", || async {
                let rows = app.driver.find_all(By::Css(".owner-row")).await.ok()?;
                (rows.len() == 2).then_some(())
            })
            .await?;
            assert_eq!(focused_id(&app).await?, "add-owner");
            assert_eq!(
                value_of(&app, "cos.beneficialOwners[0].title").await?,
                "Managing member"
            );
            assert_eq!(
                value_of(&app, "cos.beneficialOwners[1].title").await?,
                "Member"
            );
            assert_eq!(
                value_of(&app, "cos.beneficialOwners[1].ownershipPercentage").await?,
                "40"
            );

            app.click("#next").await?;
            business_contact(&app).await?;
            // Review names the owners, with title and share; never their ids.
            let review = app
                .wait_for_css("#review-owners:not([aria-busy])")
                .await?
                .text()
                .await?;
            for expected in [
                "Peter Griffin",
                "Lois Griffin",
                "Managing member",
                "60%",
                "Member",
                "40%",
            ] {
                assert!(review.contains(expected), "{expected} on Review: {review}");
            }
            assert!(
                !review.contains(&peter) && !review.contains(&lois),
                "no ids: {review}"
            );
            assert!(
                !review.contains("Silent partner"),
                "the removed row is gone: {review}"
            );

            let business = submit_and_wait(&app).await?;
            // Cross River holds both owners, as chosen.
            let held = get(
                &url,
                &format!("/_sandbox/cos/customers/{business}/beneficial-owners"),
            )
            .await;
            let held: Vec<(String, String, f64)> = held
                .as_array()
                .ok_or_else(|| format!("no owners held: {held}"))?
                .iter()
                .map(|o| {
                    (
                        o["ownerCustomerId"].as_str().unwrap_or_default().to_owned(),
                        o["ownerTitle"].as_str().unwrap_or_default().to_owned(),
                        o["ownershipPercentage"].as_f64().unwrap_or_default(),
                    )
                })
                .collect();
            assert_eq!(
                held,
                [
                    (peter.clone(), "Managing member".to_owned(), 60.0),
                    (lois.clone(), "Member".to_owned(), 40.0)
                ]
            );
            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["duplicates"], 0, "{stats}");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_pep_positive_customer_is_flagged_in_words_in_the_picker_and_on_review() {
    App::journey("owner_pep_flagged", |app| async move {
        let outcome: Outcome = async {
            personal(&app, "Vladimir", "Putin", "219-09-9999").await?;
            let putin = submit_and_wait(&app).await?;
            eventually(
                Duration::from_secs(30),
                "the PEP check to settle",
                || async {
                    let text = app.text_of("#result-pep").await.ok()?;
                    (text == "Positive").then_some(())
                },
            )
            .await?;

            new_business(&app).await?;
            app.click("#next").await?;
            let listed =
                option_text(&app, "cos.beneficialOwners[0].ownerCustomerId", &putin).await?;
            assert!(listed.contains("Vladimir Putin"), "{listed}");
            assert!(
                listed.contains("COMPLIANCE HIT"),
                "flagged in words: {listed}"
            );
            assert!(
                listed.contains("PEP check: Positive"),
                "says which check: {listed}"
            );
            assert!(!listed.contains(&putin[..8]), "no id: {listed}");

            app.choose("cos.primaryOwnerCustomerId", &putin).await?;
            let standing = app
                .wait_for_css(&format!(
                    "#{}-standing[data-standing='hit']",
                    field_id("cos.primaryOwnerCustomerId")
                ))
                .await?
                .text()
                .await?;
            assert!(standing.contains("Compliance hit"), "{standing}");
            assert!(
                standing.contains("received"),
                "with when it came: {standing}"
            );

            app.click("[data-step='review']").await?;
            let primary = app
                .wait_for_css("#review-owners [data-owner='primary'][data-standing='hit']")
                .await?
                .text()
                .await?;
            assert!(primary.contains("Vladimir Putin"), "{primary}");
            assert!(primary.contains("Compliance hit"), "{primary}");
            assert!(!primary.contains(&putin), "no id on Review: {primary}");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn an_owner_onboarded_from_the_owners_step_is_offered_back_in_the_business() {
    App::journey("owner_onboarded_from_business", |app| async move {
        let outcome: Outcome = async {
            new_business(&app).await?;
            app.click("[data-step='owners']").await?;
            app.wait_for_css(&format!("#{}", field_id("cos.beneficialOwners[0].title")))
                .await?;
            app.fill(&[("cos.beneficialOwners[0].title", "Managing member")])
                .await?;
            app.click("#onboard-owner").await?;

            // A Personal onboarding, saying whose owner it is.
            let notice = app.wait_for_css("#owner-for").await?.text().await?;
            assert!(notice.contains("Pawtucket Brewery LLC"), "{notice}");
            fill_personal(&app, "Meg", "Griffin", "119-98-8779").await?;
            let meg = submit_and_wait(&app).await?;

            app.click("#back-to-business").await?;
            app.wait_for_css("[aria-current='step'][data-step='owners']")
                .await?;
            // Nothing typed into the business was lost, and the new customer is offered.
            assert_eq!(
                value_of(&app, "cos.beneficialOwners[0].title").await?,
                "Managing member"
            );
            let listed = option_text(&app, "cos.beneficialOwners[0].ownerCustomerId", &meg).await?;
            assert!(listed.contains("Meg Griffin"), "{listed}");
            app.choose("cos.beneficialOwners[0].ownerCustomerId", &meg)
                .await?;
            app.click("[data-step='customer']").await?;
            assert_eq!(
                value_of(&app, "company.legalName").await?,
                "Pawtucket Brewery LLC"
            );
            app.click("[data-step='review']").await?;
            let review = app
                .wait_for_css("#review-owners:not([aria-busy])")
                .await?
                .text()
                .await?;
            assert!(review.contains("Meg Griffin"), "{review}");
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}
