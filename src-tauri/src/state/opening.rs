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
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use branchdesk_engine::store::FolderLock;
use tauri::{AppHandle, Manager};

use super::AppState;

/// The longest the desk waits for the page to be drawn before it opens anyway.
pub const SHELL_WAIT: Duration = Duration::from_secs(2);

/// What the window has from its first moment: when the process began, and whether the desk
/// is open yet.
pub struct Opening {
    pub started: Instant,
    open: tokio::sync::watch::Sender<bool>,
    /// Told once the page is drawn; taken by the first telling.
    drawn: Mutex<Option<mpsc::SyncSender<()>>>,
    until_drawn: Mutex<Option<mpsc::Receiver<()>>>,
}

impl Opening {
    pub fn new(started: Instant) -> Self {
        let (drawn, until_drawn) = mpsc::sync_channel(1);
        Self {
            started,
            open: tokio::sync::watch::Sender::new(false),
            drawn: Mutex::new(Some(drawn)),
            until_drawn: Mutex::new(Some(until_drawn)),
        }
    }

    /// The page is drawn: the desk may open now.
    pub fn drawn(&self) {
        let sender = self
            .drawn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(sender) = sender {
            // The opening thread may have stopped waiting already; nothing is lost then.
            let _ = sender.try_send(());
        }
    }

    /// Returns once the desk is open (at once, after that).
    pub async fn wait(&self) {
        let mut open = self.open.subscribe();
        // The sender lives as long as this state, so the wait ends only by opening.
        let _ = open.wait_for(|open| *open).await;
    }
}

/// Opens the vault and the desk on a thread of its own, then hands them to the commands.
/// The thread blocks on keyring calls and SQLite, so it is not one of the async runtime's
/// few workers, which the page's first commands need.
pub fn open_beside(
    app: AppHandle,
    data_dir: PathBuf,
    folder: FolderLock,
    logs: Option<PathBuf>,
) -> std::io::Result<()> {
    let until_drawn = app
        .state::<Opening>()
        .until_drawn
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    std::thread::Builder::new()
        .name("open-desk".into())
        .spawn(move || {
            if let Some(until_drawn) = until_drawn {
                let _ = until_drawn.recv_timeout(SHELL_WAIT);
            }
            // End-to-end tests hold the desk shut a while to see the window before it opens.
            #[cfg(feature = "e2e-hooks")]
            if let Some(ms) = std::env::var("BRANCHDESK_E2E_OPEN_DELAY_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
            {
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            let opened = tauri::async_runtime::block_on(AppState::start(data_dir, folder));
            match opened {
                Ok(state) => {
                    app.manage(state);
                    let opening = app.state::<Opening>();
                    tracing::info!(
                        elapsed_ms = opening.started.elapsed().as_millis() as u64,
                        "desk open"
                    );
                    opening.open.send_replace(true);
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
