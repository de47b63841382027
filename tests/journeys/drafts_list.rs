//! The Drafts list as staff use it at the counter: a search that ignores accents, columns
//! with headers, the Approved filter, and a Duplicate that asks and says what it copied.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{eventually, field_id, App, Outcome};

/// The text of every row of the list (not its header).
async fn rows(app: &App) -> WebDriverResult<Vec<String>> {
    let mut texts = Vec::new();
    for row in app
        .driver
        .find_all(By::Css("#drafts-list .draft-row"))
        .await?
    {
        texts.push(row.text().await?);
    }
    Ok(texts)
}

/// Waits until the list shows exactly `count` rows, each containing `name`.
async fn rows_of(app: &App, name: &str, count: usize) -> Result<Vec<String>, String> {
    eventually(
        Duration::from_secs(10),
        &format!("{count} rows of {name}"),
        || async {
            let shown = rows(app).await.ok()?;
            (shown.len() == count && shown.iter().all(|r| r.contains(name))).then_some(shown)
        },
    )
    .await
}

/// A failed expectation as the journey's outcome, so its screenshot is kept.
fn check(held: bool, what: String) -> Result<(), String> {
    if held {
        Ok(())
    } else {
        Err(what)
    }
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn staff_find_a_draft_without_typing_accents_and_duplicate_it_knowingly() {
    App::journey("drafts_list", |app| async move {
        let outcome: Outcome = async {
            app.click("#new-person").await?;
            app.wait_for_css(&format!("#{}", field_id("name.first")))
                .await?;
            app.fill(&[
                ("name.first", "José"),
                ("name.last", "Núñez"),
                ("taxIds[0].number", "212-65-4321"),
            ])
            .await?;
            app.driver
                .action_chain()
                .send_keys(Key::Tab)
                .perform()
                .await?;
            app.wait_for_css("#saved:not(:empty)").await?;
            app.click("a[data-view='onboard']").await?;
            app.click("#new-person").await?;
            app.wait_for_css(&format!("#{}", field_id("name.first")))
                .await?;
            app.fill(&[("name.first", "Grace"), ("name.last", "Hopper")])
                .await?;
            app.driver
                .action_chain()
                .send_keys(Key::Tab)
                .perform()
                .await?;
            app.wait_for_css("#saved:not(:empty)").await?;

            app.click("a[data-view='drafts']").await?;
            app.wait_for_css("#drafts-list .draft-row").await?;

            // The columns say what they are.
            let mut headers = Vec::new();
            for header in app
                .driver
                .find_all(By::Css("#drafts-list [role='columnheader']"))
                .await?
            {
                headers.push(header.text().await?);
            }
            check(
                headers.get(..5)
                    == Some(
                        &["Name", "Provider", "State", "Tax id", "Updated"].map(String::from)[..],
                    ),
                format!("the column headers: {headers:?}"),
            )?;

            // No accents typed, and the accented name is found.
            app.type_into("drafts-search", "nun").await?;
            let found = rows_of(&app, "José Núñez", 1).await?;
            let row = &found[0];
            check(
                row.contains("Cross River"),
                format!("the provider is shown: {row}"),
            )?;
            check(
                row.contains("4321"),
                format!("the tax id's last four: {row}"),
            )?;
            // The date as well as the time.
            let year = app
                .driver
                .execute("return String(new Date().getFullYear())", vec![])
                .await?;
            let year = year.json().as_str().unwrap_or_default().to_owned();
            check(row.contains(&year), format!("the date is shown: {row}"))?;
            // The last four of the tax id find it too, and not the other draft.
            app.type_into("drafts-search", "4321").await?;
            rows_of(&app, "José Núñez", 1).await?;
            app.type_into("drafts-search", "hopper").await?;
            rows_of(&app, "Grace Hopper", 1).await?;
            app.type_into("drafts-search", "NUNEZ").await?;
            rows_of(&app, "José Núñez", 1).await?;

            // Duplicate asks first, then says what it copied and what it did not.
            app.click("#drafts-list .draft-row button[data-action='duplicate']")
                .await?;
            let dialog = app.wait_for_css("dialog#confirm-dialog[open]").await?;
            let question = dialog.text().await?;
            check(
                question.contains("José Núñez"),
                format!("the question names the draft: {question}"),
            )?;
            app.click("#confirm-yes").await?;
            let said = eventually(
                Duration::from_secs(10),
                "the duplicate's message",
                || async {
                    let text = app.text_of("#drafts-status").await.ok()?;
                    (!text.is_empty()).then_some(text)
                },
            )
            .await?;
            check(
                said.contains("Copied the form without its scans")
                    && said.contains("attach the new customer's documents"),
                format!("what was copied: {said}"),
            )?;
            rows_of(&app, "José Núñez", 2).await?;

            // Approved: neither draft has been approved.
            app.driver
                .find(By::Id("drafts-search"))
                .await?
                .clear()
                .await?;
            app.click("#drafts-state option[value='approved']").await?;
            eventually(Duration::from_secs(10), "only approved drafts", || async {
                let shown = rows(&app).await.ok()?;
                let text = app.text_of("#drafts-list").await.ok()?;
                (shown.is_empty() && text.contains("No drafts match.")).then_some(())
            })
            .await?;
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

/// The customers' template with a fourth customer whose SSN area is never issued (row 5).
fn customers_with_a_bad_row(folder: &std::path::Path) -> std::path::PathBuf {
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/drafts/customers-template.csv"),
    )
    .unwrap();
    let good = template.lines().nth(1).unwrap();
    let bad = good
        .replacen("Peter", "Meg", 1)
        .replacen("119-98-8776", "666-12-3456", 1);
    let file = folder.join("customers.csv");
    std::fs::write(&file, format!("{template}{bad}\n")).unwrap();
    file
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn staff_import_a_spreadsheet_see_its_bad_row_and_import_the_valid_rows() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let csv = customers_with_a_bad_row(files.path());
    let app = App::launch_with(
        data_dir.path(),
        &[("BRANCHDESK_E2E_PICKS", csv.into_os_string())],
    )
    .await;
    let outcome: Outcome = async {
        app.click("a[data-view='drafts']").await?;
        app.click("#import-customers").await?;
        let summary = app.wait_for_css("#import-summary").await?.text().await?;
        check(
            summary.contains("4 customers") && summary.contains("3 can be imported"),
            format!("the check's summary: {summary}"),
        )?;
        // The problem, by its row in the file, its column's header and the rule's words.
        let problem = app
            .wait_for_css("#import-problems tr.import-problem")
            .await?;
        let (row, column, text) = (
            problem.attr("data-row").await?.unwrap_or_default(),
            problem.attr("data-column").await?.unwrap_or_default(),
            problem.text().await?,
        );
        check(
            row == "5" && column == "taxIds[0].number" && text.contains("taxIds[0].number"),
            format!("the problem row {row}, column {column}: {text}"),
        )?;
        let shown = app
            .driver
            .find_all(By::Css("#import-problems tr.import-problem"))
            .await?
            .len();
        check(shown == 1, format!("one problem listed, not {shown}"))?;
        let store = app.text_of("#import-valid").await?;
        check(
            store.contains("Import the 3 valid rows"),
            format!("the import button: {store}"),
        )?;
        app.click("#import-valid").await?;

        // Back in the Drafts list: what was stored, and the three customers in it.
        let said = eventually(Duration::from_secs(15), "the import's message", || async {
            let text = app.text_of("#drafts-status").await.ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await?;
        check(
            said.contains("Imported 3 customers"),
            format!("what was imported: {said}"),
        )?;
        let shown = eventually(Duration::from_secs(10), "three imported drafts", || async {
            let shown = rows(&app).await.ok()?;
            (shown.len() == 3).then_some(shown)
        })
        .await?;
        for name in ["Peter Griffin", "Lois Griffin", "Glenn Quagmire"] {
            check(
                shown.iter().any(|r| r.contains(name)),
                format!("{name} in the list: {shown:?}"),
            )?;
        }
        check(
            !shown.iter().any(|r| r.contains("Meg")),
            format!("the bad row was not stored: {shown:?}"),
        )?;
        Ok(())
    }
    .await;
    app.finish("drafts_import_customers", outcome).await;
}
