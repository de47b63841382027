//! A Cross River customer create whose answer cannot be read: the window parks the
//! onboarding for a person, names the client identifier to look for at Cross River, and
//! goes on from what they found there — without ever making a second customer.

use std::time::Duration;

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::cos_personal::{get, personal, submit_and_wait, training_url};
use crate::harness::{eventually, App, Outcome};

type Failure = Box<dyn std::error::Error + Send + Sync>;

const CREATE: &str = "POST /core/v1/cm/customers";

/// Replaces the Training sandbox's faults with `rules`.
async fn set_faults(url: &str, rules: Value) -> Result<(), Failure> {
    let answer = reqwest::Client::new()
        .put(format!("{url}/_sandbox/faults"))
        .json(&json!({ "rules": rules }))
        .send()
        .await?;
    if !answer.status().is_success() {
        return Err(format!("the sandbox refused the faults: {}", answer.text().await?).into());
    }
    Ok(())
}

/// Waits until the submission page shows one of `states` and says which.
async fn submission_state(app: &App, states: &[&str]) -> Result<String, Failure> {
    Ok(eventually(
        Duration::from_secs(90),
        &format!("the submission to be {states:?}"),
        || async {
            let el = app.driver.find(By::Id("submission-state")).await.ok()?;
            let state = el.attr("data-state").await.ok()??;
            states.contains(&state.as_str()).then_some(state)
        },
    )
    .await?)
}

/// The client identifier the needs-attention message tells staff to look for.
fn client_identifier_in(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("client identifier ")?;
    let identifier: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!identifier.is_empty()).then_some(identifier)
}

/// Every COS customer the sandbox holds whose `clientIdentifier` is `identifier`, found as
/// staff would at Cross River (the sandbox's event log lists every customer it onboarded).
async fn customers_with(url: &str, identifier: &str) -> Vec<String> {
    let events = get(url, "/_sandbox/events").await;
    let mut ids: Vec<String> = events
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["eventName"] == "Core.Customer.Onboarded")
        .flat_map(|e| e["resources"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| {
            r.as_str()?
                .strip_prefix("core/v1/cm/customers/")
                .map(str::to_owned)
        })
        .collect();
    ids.sort();
    ids.dedup();
    let mut found = Vec::new();
    for id in ids {
        let held = get(url, &format!("/core/v1/cm/customers/{id}")).await;
        if held["clientIdentifier"] == identifier {
            found.push(id);
        }
    }
    found
}

/// How many customer creates reached the sandbox, whatever it answered.
fn creates_received(stats: &Value) -> u64 {
    stats["requests"][CREATE]
        .as_object()
        .map(|by_status| by_status.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0)
}

/// Submits the Personal customer on Review into a create whose answer cannot be read, and
/// checks the resolve form the window then shows. Answers the client identifier it names.
async fn submit_into_unknown_outcome(app: &App) -> Result<String, Failure> {
    app.click("#submit").await?;
    let state = submission_state(app, &["submitted", "needs_attention"]).await?;
    if state != "needs_attention" {
        return Err(format!("an unreadable create ended {state}, not needs_attention").into());
    }
    // The COS check form, not the "fix the draft" one: nothing in the draft is wrong.
    let form = app.wait_for_css("#cos-customer-id").await?;
    assert!(
        app.driver.find(By::Id("fix-draft")).await.is_err(),
        "no Fix button: the draft is not at fault"
    );
    assert_eq!(form.prop("value").await?.as_deref(), Some(""));
    let title = app.text_of("#result h2").await?;
    assert_eq!(title, "Check this customer at Cross River");
    let message = app.text_of("#submission-error").await?;
    assert!(
        message.contains("may have created this customer")
            && message.contains("second one")
            && message.contains("was not created"),
        "says why and what to do: {message}"
    );
    let identifier = client_identifier_in(&message)
        .ok_or_else(|| format!("no client identifier to look for in {message:?}"))?;
    assert!(
        identifier.starts_with("branchdesk-"),
        "the draft's own identifier: {identifier}"
    );
    let label = app.text_of("label[for='cos-customer-id']").await?;
    assert_eq!(label, "Customer id at Cross River");
    assert_eq!(
        app.text_of("#cos-customer-found").await?,
        "Continue with this customer"
    );
    assert_eq!(
        app.text_of("#cos-customer-not-created").await?,
        "It was not created — send again"
    );
    Ok(identifier)
}

/// Clicks `button` of the check form and waits for the result page that follows, answering
/// the customer id it shows. The form stays while the app checks and submits again, so the
/// page it was on must be gone before the state shown counts.
async fn resolved_by(app: &App, button: &str) -> Result<String, Failure> {
    let before = app.wait_for_css("#submission-state").await?;
    app.click(button).await?;
    let gone = eventually(
        Duration::from_secs(30),
        "the check form to give way to the submission",
        || async { (!before.is_present().await.ok()?).then_some(()) },
    )
    .await;
    if let Err(why) = gone {
        let said = app
            .text_of("#cos-customer-id-error")
            .await
            .unwrap_or_default();
        return Err(format!("{why}; the form says {said:?}").into());
    }
    let state = submission_state(app, &["submitted", "needs_attention"]).await?;
    if state != "submitted" {
        let error = app.text_of("#submission-error").await.unwrap_or_default();
        return Err(format!("after the check the submission ended {state}: {error}").into());
    }
    let id = eventually(
        Duration::from_secs(20),
        "the customer id on the result page",
        || async {
            let text = app.text_of("#result-customer-id").await.ok()?;
            (!text.is_empty()).then_some(text)
        },
    )
    .await?;
    assert_eq!(
        app.text_of("#submission-title").await?,
        "Onboarded at Cross River"
    );
    Ok(id)
}

/// The Activity list once it holds `line`.
async fn activity_with(app: &App, line: &str) -> Result<String, Failure> {
    app.click("a[data-view='activity']").await?;
    Ok(eventually(
        Duration::from_secs(20),
        &format!("{line:?} in Activity"),
        || async {
            let text = app.text_of("table.activity").await.ok()?;
            text.contains(line).then_some(text)
        },
    )
    .await?)
}

/// Types `id` into the check form, says the customer is there, and answers the refusal
/// shown under the field (a new one: each id here is refused in other words).
async fn refused(app: &App, id: &str) -> Result<String, Failure> {
    let before = app.text_of("#cos-customer-id-error").await?;
    app.type_into("cos-customer-id", id).await?;
    app.click("#cos-customer-found").await?;
    let said = eventually(
        Duration::from_secs(20),
        "a refusal under the customer id",
        || async {
            let text = app.text_of("#cos-customer-id-error").await.ok()?;
            (!text.is_empty() && text != before).then_some(text)
        },
    )
    .await?;
    // Nothing is lost: the same form, the id as typed, the buttons usable again.
    let field = app.wait_for_css("#cos-customer-id").await?;
    assert_eq!(field.prop("value").await?.as_deref(), Some(id), "id kept");
    for button in ["#cos-customer-found", "#cos-customer-not-created"] {
        assert!(
            app.wait_for_css(button).await?.is_enabled().await?,
            "{button} usable after the refusal"
        );
    }
    let state = app
        .wait_for_css("#submission-state")
        .await?
        .attr("data-state")
        .await?;
    assert_eq!(state.as_deref(), Some("needs_attention"));
    Ok(said)
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_cos_create_of_unknown_outcome_is_resolved_in_the_window() {
    App::journey("cos_unknown_outcome_not_created", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            // Another customer first, whose id a person could mistake for this one's.
            personal(&app, "Peter", "Griffin", "119-98-8776").await?;
            let other = submit_and_wait(&app).await?;

            // Cross River takes the create but its answer is an HTML page.
            set_faults(&url, json!([{"endpoint": CREATE, "kind": "garbled_2xx"}])).await?;
            app.click("#onboard-another").await?;
            personal(&app, "Lois", "Griffin", "119-98-8777").await?;
            let identifier = submit_into_unknown_outcome(&app).await?;
            let stats = get(&url, "/_sandbox/stats").await;
            assert!(
                stats["faults_injected"]
                    .as_object()
                    .is_some_and(|f| !f.is_empty()),
                "the fault really happened: {stats}"
            );

            // An empty id is asked for, not sent.
            app.click("#cos-customer-found").await?;
            let asked = app
                .wait_for_css("#cos-customer-id-error")
                .await?
                .text()
                .await?;
            assert_eq!(asked, "Enter the customer id you found at Cross River.");

            // Something that is no customer id at all.
            let said = refused(&app, "CIF 12345").await?;
            assert!(
                said.contains("is not a Cross River customer id"),
                "says what is wrong: {said}"
            );

            // A well-formed id Cross River does not have.
            let stranger = "0b8f9a52-3c1e-4d7a-9a0e-5f6c7d8e9f00";
            let said = refused(&app, stranger).await?;
            assert!(
                said.contains("has no customer") && said.contains(stranger),
                "says Cross River has no such customer: {said}"
            );

            // Another customer's id: checked at Cross River against this draft's identifier.
            let said = refused(&app, &other).await?;
            assert!(
                said.contains(&other)
                    && said.contains(&identifier)
                    && said.contains("another customer"),
                "says it is another customer, naming both identifiers: {said}"
            );

            // Cross River answers properly again, and the person says it was not created:
            // the create goes again under its key, and Cross River answers with the
            // customer it had made, never a second one.
            set_faults(&url, json!([])).await?;
            let id = resolved_by(&app, "#cos-customer-not-created").await?;
            assert_ne!(id, other);
            let held = get(&url, &format!("/core/v1/cm/customers/{id}")).await;
            assert_eq!(held["clientIdentifier"], identifier.as_str(), "{held}");
            assert_eq!(
                customers_with(&url, &identifier).await,
                vec![id.clone()],
                "exactly one customer carries the draft's identifier"
            );
            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["customers"]["cos"], 2, "one customer each: {stats}");
            assert_eq!(stats["duplicates"], 0, "{stats}");
            for endpoint in ["addresses", "phones", "emails", "identifications"] {
                let key = format!("POST /core/v1/cm/customers/{{id}}/{endpoint}");
                let count = stats["requests"][&key]["201"].as_u64().unwrap_or(0)
                    + stats["requests"][&key]["200"].as_u64().unwrap_or(0);
                assert_eq!(count, 2, "{endpoint} sent once per customer: {stats}");
            }

            // Activity says who decided what, and that the onboarding went on.
            let table = activity_with(
                &app,
                "Trainee said Cross River had not created the customer",
            )
            .await?;
            assert!(
                table.contains("Submitted to Cross River by Trainee"),
                "{table}"
            );
            assert!(
                table.contains("Sent the phone number to Cross River"),
                "{table}"
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
async fn a_cos_customer_made_before_its_answer_was_lost_is_carried_on_with_its_id() {
    App::journey("cos_unknown_outcome_found", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            // Cross River makes the customer but its answer is cut short mid-JSON.
            set_faults(&url, json!([{"endpoint": CREATE, "kind": "truncated_2xx"}])).await?;
            personal(&app, "Meg", "Griffin", "119-98-8778").await?;
            let identifier = submit_into_unknown_outcome(&app).await?;

            // The person looks the identifier up at Cross River and finds the customer.
            let found = customers_with(&url, &identifier).await;
            let [customer] = found.as_slice() else {
                return Err(
                    format!("one customer made before the answer was lost: {found:?}").into(),
                );
            };
            let creates = creates_received(&get(&url, "/_sandbox/stats").await);

            // The fault stays on: nothing may create this customer again.
            app.type_into("cos-customer-id", &format!("  {customer} "))
                .await?;
            let id = resolved_by(&app, "#cos-customer-found").await?;
            assert_eq!(&id, customer, "the plan went on from the customer found");

            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(
                creates_received(&stats),
                creates,
                "no create was sent again: {stats}"
            );
            assert_eq!(
                stats["customers"]["cos"], 1,
                "exactly one customer: {stats}"
            );
            assert_eq!(stats["duplicates"], 0, "{stats}");
            for endpoint in ["addresses", "phones", "emails", "identifications"] {
                let key = format!("POST /core/v1/cm/customers/{{id}}/{endpoint}");
                let count = stats["requests"][&key]["201"].as_u64().unwrap_or(0)
                    + stats["requests"][&key]["200"].as_u64().unwrap_or(0);
                assert_eq!(count, 1, "{endpoint} added to the found customer: {stats}");
            }
            let held = get(&url, &format!("/core/v1/cm/customers/{id}")).await;
            assert_eq!(held["clientIdentifier"], identifier.as_str(), "{held}");

            let table = activity_with(
                &app,
                "Trainee found the customer at Cross River and carried on with it",
            )
            .await?;
            assert!(
                table.contains("Submitted to Cross River by Trainee"),
                "{table}"
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
async fn a_cos_create_that_never_arrived_is_sent_again_once_staff_say_so() {
    App::journey("cos_unknown_outcome_sent_again", |app| async move {
        let outcome: Outcome = async {
            let url = training_url(&app).await?;
            // A redirect: the create never reaches Cross River, but the app cannot know.
            set_faults(
                &url,
                json!([{"endpoint": CREATE, "kind": "redirect", "location": "http://127.0.0.1:9/login"}]),
            )
            .await?;
            personal(&app, "Chris", "Griffin", "119-98-8779").await?;
            let identifier = submit_into_unknown_outcome(&app).await?;
            let found = customers_with(&url, &identifier).await;
            assert!(found.is_empty(), "nothing at Cross River yet: {found:?}");

            set_faults(&url, json!([])).await?;
            let id = resolved_by(&app, "#cos-customer-not-created").await?;
            assert_eq!(customers_with(&url, &identifier).await, vec![id.clone()]);
            let stats = get(&url, "/_sandbox/stats").await;
            assert_eq!(stats["customers"]["cos"], 1, "exactly one customer: {stats}");
            assert_eq!(stats["duplicates"], 0, "{stats}");
            activity_with(
                &app,
                "Trainee said Cross River had not created the customer",
            )
            .await?;
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}
