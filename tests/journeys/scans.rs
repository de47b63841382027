//! Attaching the FRONT and BACK of a licence: checked in Rust, shown as thumbnails.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{eventually, App, Outcome};

/// A card-sized picture with sharp edges, or a flat grey one (which reads as blurred).
fn picture(path: &std::path::Path, sharp: bool) {
    let image = image::RgbImage::from_fn(1600, 1000, |x, y| {
        if sharp && (x / 40 + y / 40) % 2 == 0 {
            image::Rgb([20, 20, 20])
        } else if sharp {
            image::Rgb([235, 235, 235])
        } else {
            image::Rgb([128, 128, 128])
        }
    });
    image.save(path).unwrap();
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_front_and_back_of_a_licence_are_attached_with_their_checks() {
    let data_dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let (front, back) = (
        files.path().join("front.png"),
        files.path().join("back.png"),
    );
    picture(&front, true);
    picture(&back, false);
    let picks = std::env::join_paths([&front, &back]).unwrap();
    let app = App::launch_with(data_dir.path(), &[("BRANCHDESK_E2E_PICKS", picks)]).await;
    let outcome: Outcome = async {
        app.click("#new-person").await?;
        app.click("[data-step='scans']").await?;
        app.click(".slot[data-slot='FRONT'] button[data-action='choose']")
            .await?;
        let slot = app
            .wait_for_css(".slot[data-slot='FRONT'][data-filled='true']")
            .await?;
        assert!(slot.text().await?.contains("front.png"));
        let src = eventually(Duration::from_secs(10), "the FRONT thumbnail", || async {
            let image = app
                .driver
                .find(By::Css(".slot[data-slot='FRONT'] img.thumb"))
                .await
                .ok()?;
            image.attr("src").await.ok()?.filter(|s| !s.is_empty())
        })
        .await?;
        assert!(
            src.starts_with("data:image/jpeg;base64,"),
            "only a thumbnail reaches the page"
        );
        assert!(
            src.len() < 80_000,
            "a thumbnail, not the scan ({} chars)",
            src.len()
        );
        let sharp = app
            .wait_for_css(".slot[data-slot='FRONT'] li[data-check='blur']")
            .await?;
        assert_eq!(sharp.attr("data-ok").await?.as_deref(), Some("true"));

        app.click(".slot[data-slot='BACK'] button[data-action='choose']")
            .await?;
        app.wait_for_css(".slot[data-slot='BACK'][data-filled='true']")
            .await?;
        let blur = app
            .wait_for_css(".slot[data-slot='BACK'] li[data-check='blur']")
            .await?;
        assert_eq!(
            blur.attr("data-ok").await?.as_deref(),
            Some("false"),
            "the blurred back is flagged"
        );
        assert!(blur.text().await?.starts_with('⚠'));

        // Removing the back empties the slot; the front stays.
        app.click(".slot[data-slot='BACK'] button[data-action='remove']")
            .await?;
        app.wait_for_css(".slot[data-slot='BACK'][data-filled='false']")
            .await?;
        app.wait_for_css(".slot[data-slot='FRONT'][data-filled='true']")
            .await?;
        Ok(())
    }
    .await;
    app.finish("scans_front_and_back", outcome).await;
}

/// The scanner folder, chosen in Settings with the system's folder dialog: files the
/// scanner writes appear in the tray, are attached by keyboard or by dragging them onto a
/// slot, and leave the folder once stored encrypted; a scan can be turned, and warnings
/// kept with a reason.
#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn scans_come_from_the_scanner_folder_and_can_be_turned_and_kept() {
    let data_dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let app = App::launch_for_scanner(data_dir.path(), folder.path()).await;
    let outcome: Outcome = async {
        let shown = app.choose_scanner_folder().await?;
        assert_eq!(Some(shown.as_str()), folder.path().to_str());

        app.click("a[data-view='onboard']").await?;
        app.click("#new-person").await?;
        app.click("[data-step='scans']").await?;
        app.wait_for_css("#scanner-tray [data-empty='true']").await?;

        // The scanner saves two pages while the step is open.
        picture(&folder.path().join("scan-0001.png"), true);
        picture(&folder.path().join("scan-0002.png"), false);
        app.wait_for_css("#scanner-tray li[data-name='scan-0001.png']")
            .await?;
        app.wait_for_css("#scanner-tray li[data-name='scan-0002.png']")
            .await?;

        // By keyboard: choose the slot, press Attach.
        app.click("#scanner-tray li[data-name='scan-0001.png'] option[value='FRONT']")
            .await?;
        app.click("#scanner-tray li[data-name='scan-0001.png'] button[data-action='assign']")
            .await?;
        let front = app
            .wait_for_css(".slot[data-slot='FRONT'][data-filled='true']")
            .await?;
        assert!(front.text().await?.contains("1600×1000"));
        eventually(Duration::from_secs(10), "the file leaving the folder", || async {
            (!folder.path().join("scan-0001.png").exists()).then_some(())
        })
        .await?;

        // By dragging the tray file onto the BACK slot (the page's own drag and drop).
        app.driver
            .execute(
                r#"const data = new DataTransfer();
                   data.setData("application/x-branchdesk-tray", "scan-0002.png");
                   const slot = document.querySelector(".slot[data-slot='BACK']");
                   slot.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
                   slot.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));"#,
                vec![],
            )
            .await?;
        app.wait_for_css(".slot[data-slot='BACK'][data-filled='true']")
            .await?;
        app.wait_for_css("#scanner-tray [data-empty='true']").await?;

        // Turned a quarter: the pixel size swaps.
        app.click(".slot[data-slot='FRONT'] button[data-action='rotate-right']")
            .await?;
        eventually(Duration::from_secs(15), "the turned FRONT", || async {
            let text = app.text_of(".slot[data-slot='FRONT']").await.ok()?;
            text.contains("1000×1600").then_some(())
        })
        .await?;

        // The blurred BACK is kept, with a reason.
        app.type_into("override-BACK", "customer's only copy")
            .await?;
        app.click(".slot[data-slot='BACK'] button[data-action='keep']")
            .await?;
        let kept = app
            .wait_for_css(".slot[data-slot='BACK'] [data-overridden='true']")
            .await?;
        assert!(kept.text().await?.contains("customer's only copy"));
        Ok(())
    }
    .await;
    app.finish("scans_from_scanner_folder", outcome).await;
}
