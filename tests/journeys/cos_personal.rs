//! Onboarding a Cross River Personal customer in Training mode.

use std::time::Duration;

use serde_json::Value;
use thirtyfour::prelude::*;

use crate::harness::{eventually, App, Outcome};

/// The sandbox the app started in-process: Settings shows where it listens.
async fn training_url(app: &App) -> WebDriverResult<String> {
    app.driver
        .find(By::Css("a[data-view='settings']"))
        .await?
        .click()
        .await?;
    let line = app.wait_for_css("#settings-training-url").await?;
    let url = line.attr("data-url").await?.unwrap_or_default();
    app.driver
        .find(By::Css("a[data-view='onboard']"))
        .await?
        .click()
        .await?;
    app.wait_for_css("#firstName").await?;
    Ok(url)
}

async fn sandbox_get(url: &str, path: &str) -> Value {
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
    http.get(format!("{url}{path}"))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn fill_peter(app: &App, ssn: &str) -> WebDriverResult<()> {
    app.type_into("firstName", "Peter").await?;
    app.type_into("lastName", "Griffin").await?;
    app.type_into("birthDate", "1953-09-22").await?;
    app.type_into("ssn", ssn).await?;
    app.type_into("citizenshipCountry", "US").await
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_personal_customer_is_created_and_its_checks_settle() {
    App::journey("personal_customer_created", |app| async move {
        let outcome: Outcome = async {
            assert_eq!(app.driver.title().await?, "Branchdesk");
            assert_eq!(app.text_of("#env-badge").await?, "TRAINING");
            let online = app.wait_for_css("#online[data-online='true']").await?;
            assert_eq!(online.text().await?.trim(), "Online");
            let url = training_url(&app).await?;
            assert!(url.starts_with("http://127.0.0.1:"), "training url {url}");

            fill_peter(&app, "119-98-8776").await?;
            app.driver.find(By::Id("submit")).await?.click().await?;
            let id = app
                .wait_for_css("#result-customer-id")
                .await?
                .text()
                .await?;
            let cif = app.text_of("#result-cif").await?;

            // What the window shows is what the sandbox holds for that customer.
            let held = sandbox_get(&url, &format!("/core/v1/cm/customers/{id}")).await;
            assert_eq!(held["id"], id.as_str());
            assert_eq!(held["cifNumber"], cif.as_str());
            let stats = sandbox_get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["duplicates"], 0, "{stats}");

            // The checks start Pending and the window follows them until they settle.
            let ofac = eventually(Duration::from_secs(30), "OFAC to settle", || async {
                let text = app.text_of("#result-ofac").await.ok()?;
                (text != "Pending").then_some(text)
            })
            .await?;
            let held = sandbox_get(&url, &format!("/core/v1/cm/customers/{id}")).await;
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
            fill_peter(&app, "666-12-3456").await?;
            // Leaving the field shows the rule's message under it.
            app.driver
                .find(By::Id("citizenshipCountry"))
                .await?
                .click()
                .await?;
            app.driver.find(By::Id("ssn")).await?.click().await?;
            app.driver.find(By::Id("firstName")).await?.click().await?;
            let message = eventually(Duration::from_secs(10), "the SSN error", || async {
                let text = app.text_of("#ssn-error").await.ok()?;
                (!text.is_empty()).then_some(text)
            })
            .await?;
            assert!(
                message.contains("666"),
                "message says what is wrong: {message}"
            );

            app.driver.find(By::Id("submit")).await?.click().await?;
            let focused = app.driver.active_element().await?;
            assert_eq!(focused.id().await?.as_deref(), Some("ssn"));
            for (id, typed) in [
                ("firstName", "Peter"),
                ("lastName", "Griffin"),
                ("ssn", "666-12-3456"),
            ] {
                let value = app.driver.find(By::Id(id)).await?.prop("value").await?;
                assert_eq!(value.as_deref(), Some(typed), "{id} kept");
            }
            let stats = sandbox_get(&url, "/_sandbox/stats").await;
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
