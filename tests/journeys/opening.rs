//! The window comes before the desk: while the vault, the keyring and the Training sandbox
//! open beside it, the page is already shown and drawn, says "Opening Branchdesk…", and
//! answers the keyboard; once the desk is open it shows the sign-in, with nothing asked
//! twice.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{eventually, App, Outcome};

/// How long the test build holds the desk shut (`BRANCHDESK_E2E_OPEN_DELAY_MS`): long
/// enough to look at the window before it opens, on a busy machine too.
const HELD_SHUT_MS: u64 = 6000;

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_window_is_usable_while_the_desk_opens_and_signs_in_once_it_has() {
    let data = tempfile::tempdir().expect("a data folder");
    let app = App::open_window(
        data.path(),
        &[(
            "BRANCHDESK_E2E_OPEN_DELAY_MS",
            HELD_SHUT_MS.to_string().into(),
        )],
    )
    .await;
    let outcome: Outcome = async {
        let opening = app
            .wait_for_css("main[aria-busy='true'] .opening[role='status']")
            .await?;
        let said = opening.text().await?;
        if said != "Opening Branchdesk…" {
            return Err(format!("the opening window says {said:?}").into());
        }
        if app.driver.find(By::Css("#signin")).await.is_ok() {
            return Err("the sign-in was shown before the desk was open".into());
        }
        // The window is built hidden and shown by its page's first "ready": shown it is,
        // before the desk opens.
        let visibility = app
            .driver
            .execute("return document.visibilityState;", vec![])
            .await?;
        if visibility.json().as_str() != Some("visible") {
            return Err(format!("the window is not shown: {}", visibility.json()).into());
        }
        // Interactive meanwhile: the shortcuts sheet opens from the keyboard and closes
        // with Escape, focus going back where it was.
        app.audit("the window while the desk opens").await;
        app.click("#shortcuts-open").await?;
        app.wait_for_css("#shortcuts-dialog[open]").await?;
        app.press(&[], Key::Escape).await?;
        eventually(Duration::from_secs(5), "the sheet to close", || async {
            app.driver
                .find(By::Id("shortcuts-dialog"))
                .await
                .is_err()
                .then_some(())
        })
        .await?;
        // Then the desk opens by itself: the sign-in replaces "Opening…".
        app.wait_for_css("body[data-ready='true']").await?;
        app.wait_for_css("#signin [data-person='Trainee']").await?;
        if app.driver.find(By::Css("main[aria-busy]")).await.is_ok() {
            return Err("the page still says it is busy once the desk is open".into());
        }
        if app.driver.find(By::Css(".opening")).await.is_ok() {
            return Err("\"Opening…\" stays on screen once the desk is open".into());
        }
        // The desk's screens are styled by desk.css, loaded with the desk rather than
        // before the first paint: the sign-in covers the window.
        let position = app
            .driver
            .execute(
                "return getComputedStyle(document.getElementById('signin')).position;",
                vec![],
            )
            .await?;
        if position.json().as_str() != Some("fixed") {
            return Err(format!("the sign-in is not styled: position {}", position.json()).into());
        }
        app.sign_in("Trainee", "").await?;
        app.wait_for_css("#new-person").await?;
        drawn_without_gpu_layers(data.path())?;
        csp_in_force(&app).await
    }
    .await;
    app.finish("window_before_desk", outcome).await;
}

/// On Linux the page's web process was started with WebKit's compositing off: the app sets
/// it before WebKit starts (`draw_without_gpu_layers`), and the web process inherits it. The
/// web process is told apart from any other by the data folder in its environment, which
/// it inherits from this app alone.
fn drawn_without_gpu_layers(data: &std::path::Path) -> Outcome {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let folder = format!("BRANCHDESK_DATA_DIR={}", data.display());
    // Whether each of this window's web processes was started with the switch.
    let mut web_processes = Vec::new();
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let dir = entry.path();
        let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        // `comm` holds the first 15 bytes of the name.
        if !name.starts_with("WebKitWebProces") {
            continue;
        }
        let Ok(environ) = std::fs::read(dir.join("environ")) else {
            continue;
        };
        let vars: Vec<String> = environ
            .split(|b| *b == 0)
            .map(|var| String::from_utf8_lossy(var).into_owned())
            .collect();
        if vars.contains(&folder) {
            web_processes.push(
                vars.iter()
                    .any(|var| var == "WEBKIT_DISABLE_COMPOSITING_MODE=1"),
            );
        }
    }
    if web_processes.is_empty() {
        return Err("no web process of this window was found".into());
    }
    if !web_processes.iter().all(|&switched_off| switched_off) {
        return Err("the window's web process was started with WebKit's compositing on".into());
    }
    Ok(())
}

/// The page runs under the configured Content Security Policy, as an installed app does:
/// a script put into the page from outside its own files does not run, and the policy the
/// refusal reports names every directive.
async fn csp_in_force(app: &App) -> Outcome {
    app.driver
        .execute(
            "document.addEventListener('securitypolicyviolation', \
               (e) => { window.__refusedBy = e.originalPolicy; }, { once: true }); \
             const script = document.createElement('script'); \
             script.textContent = 'window.__injected = true;'; \
             document.head.append(script);",
            vec![],
        )
        .await?;
    let policy = eventually(Duration::from_secs(5), "the policy's refusal", || async {
        let answer = app
            .driver
            .execute(
                "return [window.__refusedBy || null, window.__injected === true];",
                vec![],
            )
            .await
            .ok()?;
        Some((
            answer.json()[0].as_str().map(str::to_owned),
            answer.json()[1].as_bool() == Some(true),
        ))
        .filter(|(policy, ran)| policy.is_some() || *ran)
    })
    .await?;
    let (policy, ran) = policy;
    if ran {
        return Err("an inline script put into the page ran".into());
    }
    let policy = policy.unwrap_or_default();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ] {
        if !policy.contains(directive) {
            return Err(format!("the page's policy lacks {directive:?}: {policy:?}").into());
        }
    }
    Ok(())
}
