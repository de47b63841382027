//! How the window looks and speaks, and the keys that drive it: the theme, the language
//! and the text size chosen in Settings, applied at once and still there after a restart;
//! the shortcuts and their sheet.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{eventually, field_id, App, Outcome};

/// What the page has applied: `[data-theme, lang, root font size]`.
async fn applied(app: &App) -> WebDriverResult<(String, String, String)> {
    let answer = app
        .driver
        .execute(
            "const root = document.documentElement; \
             return [root.dataset.theme || '', root.lang, root.style.fontSize];",
            vec![],
        )
        .await?;
    let parts: Vec<String> = answer
        .json()
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    Ok((
        parts.first().cloned().unwrap_or_default(),
        parts.get(1).cloned().unwrap_or_default(),
        parts.get(2).cloned().unwrap_or_default(),
    ))
}

/// Controls whose text does not fit inside them (cut off, or spilling past the window's
/// right edge), described for the failure message.
async fn clipped_controls(app: &App) -> WebDriverResult<Vec<String>> {
    let answer = app
        .driver
        .execute(
            "const out = []; \
             for (const e of document.querySelectorAll('button, a, label, input, select, h1, h2')) { \
               const r = e.getBoundingClientRect(); \
               if (r.width === 0 || r.height === 0) continue; \
               const cut = e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'; \
               const past = r.right > window.innerWidth + 1; \
               if (cut || past) out.push(e.tagName + '#' + e.id + ' ' + (e.textContent || '').trim().slice(0, 40)); \
             } \
             return out;",
            vec![],
        )
        .await?;
    Ok(answer
        .json()
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn dark_spanish_and_larger_text_are_applied_at_once_and_kept_after_a_restart() {
    let data_dir = tempfile::tempdir().unwrap();
    let app = App::launch_in(data_dir.path()).await;
    let outcome: Outcome = async {
        app.ensure_signed_in().await?;
        app.click("a[data-view='settings']").await?;
        app.click("#appearance-theme option[value='dark']").await?;
        eventually(Duration::from_secs(10), "the dark theme", || async {
            let (theme, ..) = applied(&app).await.ok()?;
            (theme == "dark").then_some(())
        })
        .await?;
        app.axe("Settings, dark, English").await?;

        app.click("#appearance-language option[value='es']").await?;
        eventually(Duration::from_secs(10), "the page in Spanish", || async {
            let rail = app.text_of("a[data-view='drafts']").await.ok()?;
            (rail.trim() == "Borradores").then_some(())
        })
        .await?;
        let (_, lang, _) = applied(&app).await?;
        assert_eq!(lang, "es");
        // The screen on show is drawn again in the new language, not only the rail.
        let heading = app.text_of("#settings-appearance-title").await?;
        assert_eq!(heading, "Apariencia e idioma");
        assert_eq!(app.text_of("#switch-person").await?, "Cambiar de persona");
        app.axe("Settings, dark, Spanish").await?;

        // Ctrl + five times: 150 %, and every control still shows all its words.
        for _ in 0..5 {
            app.press(&[Key::Control], "=").await?;
        }
        eventually(Duration::from_secs(10), "the text at 150 %", || async {
            let (.., size) = applied(&app).await.ok()?;
            (size == "150%").then_some(())
        })
        .await?;
        app.click("a[data-view='onboard']").await?;
        app.click("#new-person").await?;
        app.wait_for_css(&format!("#{}", field_id("name.first")))
            .await?;
        let clipped = clipped_controls(&app).await?;
        if !clipped.is_empty() {
            return Err(format!("clipped at 150 %: {clipped:?}").into());
        }
        app.axe("a new onboarding, dark, Spanish, 150 %").await?;

        // Light again, in English: axe on the same screen.
        app.click("a[data-view='settings']").await?;
        app.click("#appearance-theme option[value='light']").await?;
        eventually(Duration::from_secs(10), "the light theme", || async {
            let (theme, ..) = applied(&app).await.ok()?;
            (theme == "light").then_some(())
        })
        .await?;
        app.axe("Settings, light, Spanish, 150 %").await?;
        app.click("#appearance-theme option[value='dark']").await?;
        Ok(())
    }
    .await;
    app.finish("appearance_applied", outcome).await;

    // Started again on the same data folder: the choices stand before anything is done.
    let app = App::launch_in(data_dir.path()).await;
    let outcome: Outcome = async {
        let (theme, lang, size) = eventually(
            Duration::from_secs(20),
            "the appearance applied",
            || async {
                let seen = applied(&app).await.ok()?;
                (seen.0 == "dark").then_some(seen)
            },
        )
        .await?;
        assert_eq!(
            (theme.as_str(), lang.as_str(), size.as_str()),
            ("dark", "es", "150%")
        );
        Ok(())
    }
    .await;
    app.finish("appearance_kept", outcome).await;
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_shortcuts_move_between_sections_drive_the_wizard_and_list_themselves() {
    App::journey("shortcuts", |app| async move {
        let outcome: Outcome = async {
            app.ensure_signed_in().await?;
            app.wait_for_css("#new-person").await?;
            app.driver.find(By::Id("main")).await?.focus().await?;

            // ? opens the sheet; Esc closes it and the focus is back where it was.
            app.click("#new-person").await?;
            app.wait_for_css(&format!("#{}", field_id("name.first")))
                .await?;
            app.driver.find(By::Id("step-title")).await?.focus().await?;
            app.press(&[], "?").await?;
            let sheet = app.wait_for_css("#shortcuts-dialog[open]").await?;
            assert!(sheet.text().await?.contains("Alt+N"));
            assert_eq!(app.focused_id().await?, "shortcuts-close");
            app.axe("the shortcuts sheet").await?;
            app.press(&[], Key::Escape).await?;
            eventually(Duration::from_secs(5), "the sheet closed", || async {
                let open = app.driver.find_all(By::Id("shortcuts-dialog")).await.ok()?;
                open.is_empty().then_some(())
            })
            .await?;
            assert_eq!(app.focused_id().await?, "step-title");

            // A ? typed into a field is a character, not the sheet.
            app.type_into(&field_id("name.first"), "Ana?").await?;
            assert!(app
                .driver
                .find_all(By::Id("shortcuts-dialog"))
                .await?
                .is_empty());

            // Ctrl+S saves at once.
            app.press(&[Key::Control], "s").await?;
            eventually(Duration::from_secs(10), "saved", || async {
                let text = app.text_of("#saved").await.ok()?;
                (!text.is_empty()).then_some(())
            })
            .await?;

            // Alt+→ is Next: the step has errors, so the focus goes to the first of them.
            app.press(&[Key::Alt], Key::Right).await?;
            eventually(
                Duration::from_secs(10),
                "the first error focused",
                || async {
                    let id = app.focused_id().await.ok()?;
                    (id.starts_with("f-") && id != field_id("name.first")).then_some(id)
                },
            )
            .await?;

            // Alt+D: Drafts, where Ctrl+F puts the focus in the search.
            app.press(&[Key::Alt], "d").await?;
            app.wait_for_css("a[data-view='drafts'][aria-current='page']")
                .await?;
            app.press(&[Key::Control], "f").await?;
            eventually(Duration::from_secs(5), "the search focused", || async {
                (app.focused_id().await.ok()? == "drafts-search").then_some(())
            })
            .await?;
            // Alt+R: the review queue; Alt+N: a new onboarding.
            app.press(&[Key::Alt], "r").await?;
            app.wait_for_css("a[data-view='review'][aria-current='page']")
                .await?;
            app.press(&[Key::Alt], "n").await?;
            app.wait_for_css("a[data-view='onboard'][aria-current='page']")
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
async fn with_espanol_chosen_a_rule_speaks_spanish_under_its_field() {
    App::journey("rule_in_spanish", |app| async move {
        let outcome: Outcome = async {
            app.ensure_signed_in().await?;
            app.click("a[data-view='settings']").await?;
            app.click("#appearance-language option[value='es']").await?;
            eventually(Duration::from_secs(10), "the page in Spanish", || async {
                let rail = app.text_of("a[data-view='drafts']").await.ok()?;
                (rail.trim() == "Borradores").then_some(())
            })
            .await?;

            // A new Cross River personal onboarding with an SSN no one is ever issued.
            app.click("a[data-view='onboard']").await?;
            // Leaving the field shows the rule's message under it, in Spanish.
            let message = crate::cos_personal::invalid_ssn_message(&app).await?;
            assert_eq!(
                message,
                "Este número de Seguro Social no es válido: no puede empezar por 000, 666 ni 9. \
                 Revise la tarjeta."
            );
            Ok(())
        }
        .await;
        (app, outcome)
    })
    .await;
}

/// How many screen pixels the page gives a CSS pixel: the window's outer width over the
/// page's own.
async fn page_scale(app: &App) -> WebDriverResult<f64> {
    let answer = app
        .driver
        .execute("return window.outerWidth / window.innerWidth;", vec![])
        .await?;
    Ok(answer.json().as_f64().unwrap_or_default())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_page_follows_the_systems_text_scale() {
    let data_dir = tempfile::tempdir().unwrap();
    // The system's text scale at 150 %, as GNOME's "Large Text" or a desktop's font DPI
    // gives every GTK app; the webview zooms the whole page by it, text and layout alike.
    let app = App::open_window(data_dir.path(), &[("GDK_DPI_SCALE", "1.5".into())]).await;
    let outcome: Outcome = async {
        app.wait_for_css("body[data-ready='true']").await?;
        // WebDriver's pointer does not follow the system's scale (it would click 1.5 times
        // too far from the corner), so this journey goes by keyboard, as staff can.
        app.wait_for_css("#signin [data-person='Trainee']:focus")
            .await?;
        app.press(&[], Key::Enter).await?;
        app.wait_for_css("body[data-person='Trainee']").await?;
        let scale = page_scale(&app).await?;
        if (scale - 1.5).abs() > 0.05 {
            return Err(format!("the page is drawn at {scale:.2}× with the system at 1.5×").into());
        }
        // Each screen whole at 853 CSS pixels wide: the welcome, the drafts list, the queue.
        for (screen, key, shown) in [
            ("Onboard", None, "#new-person"),
            ("Drafts", Some("d"), "#drafts-search"),
            ("Review", Some("r"), "#queue-search"),
        ] {
            if let Some(key) = key {
                app.press(&[Key::Alt], key).await?;
            }
            app.wait_for_css(shown).await?;
            let clipped = clipped_controls(&app).await?;
            if !clipped.is_empty() {
                return Err(format!("{screen}, clipped at the system's 150 %: {clipped:?}").into());
            }
            app.axe(&format!("{screen} at the system's 150 %")).await?;
        }
        Ok(())
    }
    .await;
    app.finish("system_text_scale", outcome).await;
}
