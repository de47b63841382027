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
