//! Onboarding Cross River customers in Training mode, through the wizard.

use std::time::Duration;

use serde_json::Value;
use thirtyfour::prelude::*;

use crate::harness::{eventually, field_id, settled_submission, App, Outcome};

/// The sandbox the app started in-process: Settings shows where it listens.
pub(crate) async fn training_url(app: &App) -> WebDriverResult<String> {
    app.click("a[data-view='settings']").await?;
    // The address arrives with the app's answer, a moment after the line is drawn.
    let line = app.wait_for_css("#settings-training-url[data-url]").await?;
    let url = line.attr("data-url").await?.unwrap_or_default();
    app.click("a[data-view='onboard']").await?;
    Ok(url)
}

async fn sandbox(url: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let credentials = branchdesk_sandbox::Credentials::default().cos;
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{url}/connect/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", credentials.client_id.as_str()),
            ("client_secret", credentials.client_secret.as_str()),
            ("audience", "https://api.crbcos.com/"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["access_token"].as_str().unwrap().to_owned();
    let mut request = http
        .request(method, format!("{url}{path}"))
        .bearer_auth(bearer);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    answer.json().await.unwrap_or(Value::Null)
}

pub(crate) async fn get(url: &str, path: &str) -> Value {
    sandbox(url, reqwest::Method::GET, path, None).await
}

/// Fills every step of a Personal customer and stops on Review.
pub(crate) async fn personal(app: &App, first: &str, last: &str, ssn: &str) -> WebDriverResult<()> {
    app.click("#new-person").await?;
    fill_personal(app, first, last, ssn).await
}

/// Fills every step of the Personal customer open in the wizard and stops on Review.
pub(crate) async fn fill_personal(
    app: &App,
    first: &str,
    last: &str,
    ssn: &str,
) -> WebDriverResult<()> {
    app.wait_for_css(&format!("#{}", field_id("name.first")))
        .await?;
    app.fill(&[
        ("name.first", first),
        ("name.last", last),
        ("person.birthDate", "1953-09-22"),
        ("taxIds[0].number", ssn),
        ("person.citizenshipCountry", "US"),
    ])
    .await?;
    app.next().await?;
    app.wait_for_css(&format!("#{}", field_id("addresses[0].street1")))
        .await?;
    app.fill(&[
        ("addresses[0].street1", "123 Any St"),
        ("addresses[0].city", "Anywhere"),
        ("addresses[0].state", "NY"),
        ("addresses[0].postalCode", "12345"),
        ("phones[0].number", "(201) 555-2345"),
        ("emails[0].address", "peter@example.com"),
    ])
    .await?;
    app.next().await?;
    app.wait_for_css(&format!("#{}", field_id("identityDocuments[0].number")))
        .await?;
    app.fill(&[
        ("identityDocuments[0].number", "DL12345 67890"),
        ("identityDocuments[0].issuedDate", "2022-07-15"),
        ("identityDocuments[0].expiryDate", "2031-07-14"),
        ("identityDocuments[0].issuingAuthority", "New York DMV"),
        ("identityDocuments[0].issuingStateOrProvince", "NY"),
    ])
    .await?;
    app.next().await?; // to Scans
    app.next().await?; // to Review
    app.wait_for_css("#submit").await?;
    Ok(())
}

/// Fills a Business customer owned by `owner` and stops on Review.
async fn business(app: &App, owner: &str, beneficial: &str) -> WebDriverResult<()> {
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
    app.choose("company.ownershipType", "Private").await?;
    app.next().await?;
    app.choose("cos.primaryOwnerCustomerId", owner).await?;
    if beneficial == owner {
        app.choose("cos.beneficialOwners[0].ownerCustomerId", beneficial)
            .await?;
    } else {
        // A customer the picker still lists but Cross River no longer takes as an owner.
        let select = app
            .driver
            .find(By::Id(field_id("cos.beneficialOwners[0].ownerCustomerId")))
            .await?;
        app.driver
            .execute(
                "const s = arguments[0]; const o = document.createElement('option'); \
                 o.value = arguments[1]; o.textContent = 'stale'; s.append(o); s.value = arguments[1]; \
                 s.dispatchEvent(new Event('change'));",
                vec![select.to_json()?, serde_json::json!(beneficial)],
            )
            .await?;
    }
    app.fill(&[
        ("cos.beneficialOwners[0].title", "Managing member"),
        ("cos.beneficialOwners[0].ownershipPercentage", "100"),
    ])
    .await?;
    app.next().await?;
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
    app.next().await?;
    app.wait_for_css("#submit").await?;
    Ok(())
}

pub(crate) async fn submit_and_wait(
    app: &App,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    app.click("#submit").await?;
    let state = settled_submission(app, Duration::from_secs(60)).await?;
    assert_eq!(state, "submitted");
    Ok(app
        .wait_for_css("#result-customer-id")
        .await?
        .text()
        .await?)
}

/// A new Cross River personal onboarding given an SSN no one is ever issued (666-…): the
/// message the rule shows under the field once it is left.
pub(crate) async fn invalid_ssn_message(
    app: &App,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    app.click("#new-person").await?;
    let ssn = field_id("taxIds[0].number");
    app.wait_for_css(&format!("#{ssn}")).await?;
    app.fill(&[
        ("name.first", "Peter"),
        ("name.last", "Griffin"),
        ("taxIds[0].number", "666-12-3456"),
    ])
    .await?;
    app.click(&format!("#{}", field_id("person.citizenshipCountry")))
        .await?;
    Ok(
        eventually(Duration::from_secs(10), "the SSN error", || async {
            let text = app.text_of(&format!("#{ssn}-error")).await.ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await?,
    )
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_personal_customer_with_contact_and_licence_is_onboarded_once() {
    App::journey("personal_customer_onboarded", |app| async move {
        let outcome: Outcome = async {
            assert_eq!(app.driver.title().await?, "Branchdesk");
            assert_eq!(app.text_of("#env-badge").await?, "TRAINING");
            let online = app.wait_for_css("#online[data-online='true']").await?;
            assert_eq!(online.text().await?.trim(), "Online");
            let url = training_url(&app).await?;
            assert!(url.starts_with("http://127.0.0.1:"), "training url {url}");

            personal(&app, "Peter", "Griffin", "119-98-8776").await?;
            let id = submit_and_wait(&app).await?;
            let cif = app.text_of("#result-cif").await?;

            // What the window shows is what the sandbox holds for that customer.
            let held = get(&url, &format!("/core/v1/cm/customers/{id}")).await;
            assert_eq!(held["id"], id.as_str());
            assert_eq!(held["cifNumber"], cif.as_str());
            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["duplicates"], 0, "{stats}");
            for endpoint in ["addresses", "phones", "emails", "identifications"] {
                let key = format!("POST /core/v1/cm/customers/{{id}}/{endpoint}");
                let count = stats["requests"][&key]["201"].as_u64().unwrap_or(0)
                    + stats["requests"][&key]["200"].as_u64().unwrap_or(0);
                assert_eq!(count, 1, "{endpoint} sent once: {stats}");
            }

            // The checks start Pending and the window follows them until they settle.
            let ofac = eventually(Duration::from_secs(30), "OFAC to settle", || async {
                let text = app.text_of("#result-ofac").await.ok()?;
                (text != "Pending").then_some(text)
            })
            .await?;
            let held = get(&url, &format!("/core/v1/cm/customers/{id}")).await;
            assert_eq!(ofac, held["ofac"].as_str().unwrap());
            assert_eq!(
                app.text_of("#result-pep").await?,
                held["pepScan"].as_str().unwrap()
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
async fn an_invalid_ssn_is_caught_inline_and_nothing_is_lost_or_sent() {
    App::journey("invalid_ssn_inline", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            let message = invalid_ssn_message(&app).await?;
            assert!(
                message.contains("666"),
                "message says what is wrong: {message}"
            );

            app.click("#next").await?;
            // Once the check has answered, the step is marked and the wizard is still on it.
            app.wait_for_css("[data-step='customer'][data-status='errors']")
                .await?;
            let step = app.driver.find(By::Css("[aria-current='step']")).await?;
            assert_eq!(
                step.attr("data-step").await?.as_deref(),
                Some("customer"),
                "Next stays on the step"
            );
            for (path, typed) in [
                ("name.first", "Peter"),
                ("name.last", "Griffin"),
                ("taxIds[0].number", "666-12-3456"),
            ] {
                let value = app
                    .driver
                    .find(By::Id(field_id(path)))
                    .await?
                    .prop("value")
                    .await?;
                assert_eq!(value.as_deref(), Some(typed), "{path} kept");
            }
            let stats = get(&url, "/_sandbox/stats").await;
            assert!(
                stats["requests"]
                    .get("POST /core/v1/cm/customers")
                    .is_none(),
                "nothing was sent: {stats}"
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
async fn the_documented_pep_name_ends_positive_and_is_highlighted() {
    App::journey("pep_positive", |app| async move {
        let outcome: Outcome = async {
            personal(&app, "Vladimir", "Putin", "219-09-9999").await?;
            submit_and_wait(&app).await?;
            let pep = eventually(
                Duration::from_secs(30),
                "the PEP check to settle",
                || async {
                    let text = app.text_of("#result-pep").await.ok()?;
                    (text != "Pending").then_some(text)
                },
            )
            .await?;
            assert_eq!(pep, "Positive");
            let summary = app
                .wait_for_css("#result-summary[data-attention='true']")
                .await?;
            assert!(
                summary.text().await?.contains("compliance"),
                "says what to do next"
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
async fn network_faults_during_submission_are_recovered_without_a_second_customer() {
    App::journey("network_fault_recovered", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            let faults = serde_json::json!({"rules": [
                {"endpoint": "POST /core/v1/cm/customers", "kind": "fail_after_commit", "times": 1},
                {"endpoint": "POST /core/v1/cm/customers/{id}/phones", "kind": "status", "status": 503, "times": 2},
                {"endpoint": "POST /core/v1/cm/customers/{id}/emails", "kind": "reset_response", "times": 1}
            ]});
            let answer = reqwest::Client::new().put(format!("{url}/_sandbox/faults")).json(&faults).send().await?;
            assert!(answer.status().is_success());
            personal(&app, "Lois", "Griffin", "119-98-8777").await?;
            let id = submit_and_wait(&app).await?;
            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["duplicates"], 0, "{stats}");
            assert_eq!(stats["customers"]["cos"], 1, "exactly one customer: {stats}");
            assert!(stats["faults_injected"].as_object().is_some_and(|f| !f.is_empty()), "faults really happened: {stats}");
            assert_eq!(get(&url, &format!("/core/v1/cm/customers/{id}")).await["id"], id.as_str());
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_business_is_onboarded_with_its_owner() {
    App::journey("business_with_owner", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            personal(&app, "Peter", "Griffin", "119-98-8776").await?;
            let owner = submit_and_wait(&app).await?;

            business(&app, &owner, &owner).await?;
            let business = submit_and_wait(&app).await?;
            assert_ne!(business, owner);
            let held = get(&url, &format!("/core/v1/cm/customers/{business}")).await;
            assert_eq!(held["classification"], "Business", "{held}");
            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["duplicates"], 0, "{stats}");
            let owners = &stats["requests"]["POST /core/v1/cm/customers/{id}/beneficial-owners"];
            assert!(
                owners["201"].as_u64().or(owners["200"].as_u64()) == Some(1),
                "{stats}"
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
async fn a_provider_rejection_lands_on_its_field_and_the_fix_completes_the_onboarding() {
    App::journey("provider_rejection_mapped", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            personal(&app, "Peter", "Griffin", "119-98-8776").await?;
            let owner = submit_and_wait(&app).await?;
            let stranger = "0b8f9a52-3c1e-4d7a-9a0e-5f6c7d8e9f00";
            business(&app, &owner, stranger).await?;
            app.click("#submit").await?;

            // Cross River refuses the beneficial owner; the window says so and offers the fix.
            let error = app.wait_for_css("#submission-error").await?.text().await?;
            assert!(!error.is_empty());
            app.click("#fix-draft").await?;
            let field = field_id("cos.beneficialOwners[0].ownerCustomerId");
            let shown = eventually(
                Duration::from_secs(10),
                "the refusal under its field",
                || async {
                    let text = app.text_of(&format!("#{field}-error")).await.ok()?;
                    (!text.is_empty()).then_some(text)
                },
            )
            .await?;
            assert_eq!(
                shown, error,
                "the provider's words, on the field they concern"
            );
            // Nothing typed was lost.
            let title = app
                .driver
                .find(By::Id(field_id("cos.beneficialOwners[0].title")))
                .await?;
            assert_eq!(
                title.prop("value").await?.as_deref(),
                Some("Managing member")
            );

            app.choose("cos.beneficialOwners[0].ownerCustomerId", &owner)
                .await?;
            app.click("[data-step='review']").await?;
            let business = submit_and_wait(&app).await?;
            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["duplicates"], 0, "{stats}");
            assert_eq!(
                stats["customers"]["cos"], 2,
                "the business was created once: {stats}"
            );
            assert_eq!(
                get(&url, &format!("/core/v1/cm/customers/{business}")).await["classification"],
                "Business"
            );
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}
