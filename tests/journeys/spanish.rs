//! Every screen in Spanish, checked with axe-core in both themes: the start screen, each
//! wizard step of each kind of onboarding at each provider, Drafts, Review, Activity,
//! Settings and Help. The other journeys check their screens in English.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{eventually, App, Outcome};

/// The start screen's button and the steps its onboarding has, in order.
const ONBOARDINGS: &[(&str, &[&str])] = &[
    (
        "new-person",
        &["customer", "contact", "identity", "scans", "review"],
    ),
    ("new-company", &["customer", "owners", "contact", "review"]),
    (
        "new-fin-person",
        &[
            "customer",
            "contact",
            "address",
            "tax",
            "identity",
            "financial",
            "scans",
            "review",
        ],
    ),
    (
        "new-bvnk-person",
        &["customer", "contact", "identity", "scans", "review"],
    ),
    (
        "new-bvnk-company",
        &["customer", "associates", "scans", "review"],
    ),
];

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn every_screen_in_spanish_passes_axe_in_both_themes() {
    App::journey("spanish_tour", |app| async move {
        let outcome: Outcome = async {
            app.click("a[data-view='settings']").await?;
            app.click("#appearance-language option[value='es']").await?;
            eventually(Duration::from_secs(10), "the page in Spanish", || async {
                let lang = app
                    .driver
                    .execute("return document.documentElement.lang;", vec![])
                    .await
                    .ok()?;
                (lang.json().as_str() == Some("es")).then_some(())
            })
            .await?;
            app.audit("Ajustes").await;

            for (start, steps) in ONBOARDINGS {
                app.click("a[data-view='onboard']").await?;
                app.wait_for_css(&format!("#{start}")).await?;
                app.audit("Alta").await;
                app.click(&format!("#{start}")).await?;
                for step in *steps {
                    let button = format!("button.step[data-step='{step}']");
                    app.click(&button).await?;
                    app.wait_for_css(&format!("{button}[aria-current='step']"))
                        .await?;
                    app.audit(&format!("{start}, paso {step}")).await;
                }
            }
            for view in ["drafts", "review", "activity", "help"] {
                let link = format!("a[data-view='{view}']");
                if app.driver.find_all(By::Css(&link)).await?.is_empty() {
                    continue;
                }
                app.click(&link).await?;
                app.wait_for_css(&format!("{link}[aria-current='page']"))
                    .await?;
                app.audit(view).await;
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
async fn a_scans_checks_are_said_in_spanish() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let front = files.path().join("front.png");
    crate::fin::picture(&front, 40);
    let app = App::launch_with(
        data_dir.path(),
        &[("BRANCHDESK_E2E_PICKS", front.as_os_str().to_owned())],
    )
    .await;
    let outcome: Outcome = async {
        app.click("a[data-view='settings']").await?;
        app.click("#appearance-language option[value='es']").await?;
        app.wait_for_css("html[lang='es']").await?;
        app.click("a[data-view='onboard']").await?;
        app.click("#new-fin-person").await?;
        app.click("button.step[data-step='scans']").await?;
        app.click(".slot[data-slot='FRONT'] button[data-action='choose']")
            .await?;
        let slot = app
            .wait_for_css(".slot[data-slot='FRONT'][data-filled='true']:not([aria-busy])")
            .await?;
        let text = slot.text().await?;
        for said in [
            "La resolución es suficiente (1600 píxeles",
            "La imagen es nítida.",
        ] {
            assert!(text.contains(said), "{said} in {text}");
        }
        Ok(())
    }
    .await;
    app.finish("spanish_scan_checks", outcome).await;
}
