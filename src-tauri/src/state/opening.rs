//! Opening the desk after the window rather than before it. The window and its page are
//! built at once; the vault (keyring, SQLCipher key), the Training sandbox and the outbox's
//! runner start on a thread of their own as soon as the page says it is drawn (or after
//! [`SHELL_WAIT`], should it never say so). Until they are in place the page shows
//! "Opening…" and calls nothing that needs them: it waits on [`Opening::wait`] (the
//! `app_open` command) first. A failure to open is told in the start-up message box, over
//! the window, and ends the process as before.
//!
//! Why after and not alongside: opening is mostly CPU (the keyring daemon's and SQLite's),
//! and on a two-core branch PC it slowed the page's first paint by about as much as it
//! took, while finishing no sooner.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use branchdesk_engine::setup::Settings;
use branchdesk_engine::store::FolderLock;
use tauri::{AppHandle, Manager};

use super::AppState;

/// The longest the desk waits for the page to be drawn before it opens anyway.
pub const SHELL_WAIT: Duration = Duration::from_secs(2);

/// How far the start has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Starting,
    /// The page is drawn: the desk may open.
    Drawn,
    /// The desk is open and in the commands' hands.
    Open,
}

/// What the window has from its first moment: when the process began, and how far the
/// start has come.
pub struct Opening {
    pub started: Instant,
    stage: tokio::sync::watch::Sender<Stage>,
}

impl Opening {
    pub fn new(started: Instant) -> Self {
        Self {
            started,
            stage: tokio::sync::watch::Sender::new(Stage::Starting),
        }
    }

    /// The page is drawn: the desk may open now (a later telling changes nothing).
    pub fn drawn(&self) {
        self.stage.send_if_modified(|stage| {
            let first = *stage == Stage::Starting;
            if first {
                *stage = Stage::Drawn;
            }
            first
        });
    }

    /// Returns once the desk is open (at once, after that).
    pub async fn wait(&self) {
        self.reached(Stage::Open).await;
    }

    async fn reached(&self, stage: Stage) {
        // The sender lives as long as this state, so the wait ends only by getting there.
        let _ = self.stage.subscribe().wait_for(|now| *now >= stage).await;
    }
}

/// Opens the vault and the desk on a thread of their own once the page is drawn, then
/// hands them to the commands. The thread blocks on keyring calls and SQLite, so it is not
/// one of the async runtime's few workers, which the page's first commands need.
pub fn open_when_drawn(
    app: AppHandle,
    data_dir: PathBuf,
    folder: FolderLock,
    settings: Settings,
    logs: Option<PathBuf>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("open-desk".into())
        .spawn(move || {
            let opening = app.state::<Opening>();
            tauri::async_runtime::block_on(async {
                let _ = tokio::time::timeout(SHELL_WAIT, opening.reached(Stage::Drawn)).await;
                // Shown already unless the page never said it was ready: then now, with
                // whatever it shows, rather than never.
                crate::window::show(&app).await;
            });
            // End-to-end tests hold the desk shut a while to see the window before it opens.
            #[cfg(feature = "e2e-hooks")]
            if let Some(ms) = std::env::var("BRANCHDESK_E2E_OPEN_DELAY_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
            {
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            let opened =
                tauri::async_runtime::block_on(AppState::start(data_dir, folder, &settings));
            match opened {
                Ok(state) => {
                    app.manage(state);
                    tracing::info!(
                        elapsed_ms = opening.started.elapsed().as_millis() as u64,
                        "desk open"
                    );
                    opening.stage.send_replace(Stage::Open);
                }
                Err(error) => {
                    // The message box belongs on the thread that runs the window's events.
                    let shown = app
                        .run_on_main_thread(move || crate::startup::fail(&error, logs.as_deref()));
                    if let Err(error) = shown {
                        tracing::error!(%error, "the start-up failure could not be shown");
                        std::process::exit(crate::startup::EXIT_CODE);
                    }
                }
            }
        })
        .map(|_| ())
}
