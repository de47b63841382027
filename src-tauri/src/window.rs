//! The window's own commands: its start (`ui_ready`, `app_open`), what it shows before any
//! section (`app_info`, the appearance, the first-minute welcome) and the online indicator.
//! Like every command they run off the main thread (see `commands.rs`).

use branchdesk_engine::records::DraftRecord;
use branchdesk_engine::setup::{self, Appearance, Settings};
use branchdesk_engine::{connectivity, Environment};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use crate::state::{AppState, Opening};
use crate::words;
use crate::UiError;

type Answer<T> = Result<T, UiError>;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub environment: Environment,
    pub version: String,
    /// Where the built-in sandbox listens, in Training mode.
    pub training_url: Option<String>,
    /// Why the configured connection is not in use, when Training was chosen instead.
    pub problem: Option<String>,
    /// The theme and language staff chose, applied before the page shows anything.
    pub appearance: Appearance,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Connectivity {
    pub online: bool,
}

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        environment: state.desk().environment(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        training_url: state.training_url(),
        problem: state
            .problem()
            .map(|problem| crate::words::say(&problem, crate::words::current())),
        appearance: Settings::load(&state.data_dir).appearance.bounded(),
    }
}

/// Remembers the window's theme and language; the page applies them at once.
#[tauri::command(async)]
pub fn appearance_set(state: State<'_, AppState>, appearance: Appearance) -> Answer<Appearance> {
    let settings = Settings {
        appearance: appearance.bounded(),
        ..Settings::load(&state.data_dir)
    };
    settings.save(&state.data_dir)?;
    // Rust's messages follow the page into the language just chosen.
    crate::words::choose(settings.appearance.language);
    Ok(settings.appearance)
}

/// Whether the Onboard screen shows the first-minute welcome: a new desk in Training.
#[tauri::command(async)]
pub fn welcome_get(state: State<'_, AppState>) -> Answer<bool> {
    Ok(setup::welcome_due(&state.data_dir, &state.desk())?)
}

/// The welcome was used or put away: it is not offered again.
#[tauri::command(async)]
pub fn welcome_dismiss(state: State<'_, AppState>) -> Answer<()> {
    Ok(setup::welcome_seen(&state.data_dir)?)
}

/// The guided onboarding: a new Cross River Personal draft filled with the sample customer.
#[tauri::command(async)]
pub fn draft_create_sample(state: State<'_, AppState>) -> Answer<DraftRecord> {
    let record = state.desk().create_sample_draft()?;
    setup::welcome_seen(&state.data_dir)?;
    Ok(words::record(record, words::current()))
}

/// How far the page has come, for the start-up's log line and its bench.
#[derive(Debug, Clone, Copy, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReadyStage {
    /// The page's script has run and it takes keys and clicks: the window is shown.
    Shell,
    /// The shown page's first picture is on screen; the desk may still be opening.
    Drawn,
    /// The desk is open and the page shows it (sign-in, or the section staff were in).
    Open,
}

/// The page calls this once it can be used (which shows the window), once its first
/// picture is on screen, and once it shows the open desk; start-up is measured up to the
/// picture.
#[tauri::command]
pub async fn ui_ready(
    app: AppHandle,
    opening: State<'_, Opening>,
    stage: ReadyStage,
    page_ms: Option<u64>,
) -> Answer<()> {
    match stage {
        ReadyStage::Shell => show(&app).await,
        ReadyStage::Drawn => opening.drawn(),
        ReadyStage::Open => {}
    }
    let elapsed_ms = opening.started.elapsed().as_millis() as u64;
    // `page_ms` is the page's own clock (since its navigation began): the difference is when
    // the webview started loading it.
    tracing::info!(elapsed_ms, ?stage, page_ms, "window ready");
    if std::env::var_os("BRANCHDESK_REPORT_READY").is_some() {
        match stage {
            ReadyStage::Shell => {}
            ReadyStage::Drawn => println!("BRANCHDESK_READY"),
            ReadyStage::Open => println!("BRANCHDESK_OPEN"),
        }
    }
    Ok(())
}

/// Waits until the desk is open: the page calls it before any command that needs the
/// vault, the desk or the person signed in.
#[tauri::command]
pub async fn app_open(opening: State<'_, Opening>) -> Answer<()> {
    opening.wait().await;
    Ok(())
}

#[tauri::command]
pub async fn connectivity(state: State<'_, AppState>) -> Answer<Connectivity> {
    Ok(Connectivity {
        online: connectivity::reachable(state.desk().cos_base_url()).await,
    })
}

/// Shows the window, which is built hidden, and returns once it is shown.
///
/// Why hidden until its page can be used: WebKitGTK, drawing without compositing layers,
/// waits up to half a second on the window's thread for the page's first picture whenever
/// it must draw the window before the page has sent one. That thread is also the one that
/// hands the page its own files, so the page cannot make that picture until the wait gives
/// up: on about half of all starts the window stood blank for 0.5 s more (`bench/RESULTS.md`).
/// Shown once the page's script has run, it draws at once. The desk's opening calls this
/// too, after its wait for the page (`state::opening::SHELL_WAIT`), so a page that never
/// says it is ready still brings up its window.
pub async fn show(app: &AppHandle) {
    let (shown, done) = tokio::sync::oneshot::channel();
    let window = app.get_webview_window("main");
    // On the window's thread, where showing is done at once rather than queued.
    let asked = app.run_on_main_thread(move || {
        if let Some(window) = window {
            if let Err(error) = window.show() {
                tracing::warn!(%error, "the window could not be shown");
            }
        }
        let _ = shown.send(());
    });
    match asked {
        // Bounded: a window thread that is gone or stuck must not hold the caller forever.
        Ok(()) => {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), done).await;
        }
        Err(error) => tracing::warn!(%error, "the window could not be shown"),
    }
}
