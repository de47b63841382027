//! The native file dialog for scans, opened from Rust so the page needs no dialog or file
//! permission at all. It is `rfd` itself (what Tauri's dialog plugin wraps): the plugin
//! would add its own commands and a file-system plugin the page must never reach.

use std::path::PathBuf;

use rfd::AsyncFileDialog;

/// The formats the scan checks accept or convert; anything else can still be picked via
/// "All files" and is then refused with a reason.
const SCAN_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "pdf", "tif", "tiff", "webp", "heic", "heif",
];

pub async fn pick_scan(app: &tauri::AppHandle) -> Option<PathBuf> {
    pick(app, Pick::Scan).await
}

pub async fn pick_folder(app: &tauri::AppHandle) -> Option<PathBuf> {
    pick(app, Pick::Folder).await
}

/// Where to save a backup: the system's save dialog, which asks before replacing a file.
pub async fn pick_backup_file(app: &tauri::AppHandle) -> Option<PathBuf> {
    pick(app, Pick::Backup).await
}

/// The backup to restore: the system's open dialog.
pub async fn pick_backup_to_restore(app: &tauri::AppHandle) -> Option<PathBuf> {
    pick(app, Pick::Restore).await
}

/// A spreadsheet of customers to import, saved as CSV.
pub async fn pick_customers_file(app: &tauri::AppHandle) -> Option<PathBuf> {
    pick(app, Pick::Customers).await
}

enum Pick {
    Scan,
    Customers,
    Folder,
    Backup,
    Restore,
}

/// Opens the dialog and waits for staff's answer; `None` when they cancel.
async fn pick(app: &tauri::AppHandle, what: Pick) -> Option<PathBuf> {
    #[cfg(feature = "e2e-hooks")]
    if let Some(path) = e2e::next_pick() {
        return Some(path);
    }
    // From the home folder, not GTK's "Recent" list, which holds no folders to choose.
    let home = tauri::Manager::path(app).home_dir().ok();
    // The dialog is built on the main thread (GTK's and AppKit's rule); its answer is a
    // future that may be awaited anywhere.
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let opened = app.run_on_main_thread(move || {
        let _ = sender.send(open(what, home));
    });
    if opened.is_err() {
        return None;
    }
    let picked = receiver.await.ok()?.await?;
    Some(picked.path().to_path_buf())
}

type Answer = std::pin::Pin<Box<dyn std::future::Future<Output = Option<rfd::FileHandle>> + Send>>;

const ALL_FILES: (&str, &[&str]) = ("All files", &["*"]);
const BACKUPS: (&str, &[&str]) = ("Branchdesk backups", &["bdbackup"]);

fn open(what: Pick, home: Option<PathBuf>) -> Answer {
    let mut dialog = AsyncFileDialog::new().set_can_create_directories(true);
    if let Some(home) = home {
        dialog = dialog.set_directory(home);
    }
    let (title, filters): (Option<&str>, &[(&str, &[&str])]) = match what {
        Pick::Scan => (None, &[("Scans and photos", SCAN_EXTENSIONS), ALL_FILES]),
        Pick::Customers => (
            Some("The customers to import (CSV)"),
            &[("CSV files", &["csv"]), ALL_FILES],
        ),
        Pick::Folder => (Some("The folder your scanner saves into"), &[]),
        Pick::Backup => (Some("Save the backup as"), &[BACKUPS]),
        Pick::Restore => (Some("The backup to restore"), &[BACKUPS, ALL_FILES]),
    };
    if let Some(title) = title {
        dialog = dialog.set_title(title);
    }
    for (name, extensions) in filters {
        dialog = dialog.add_filter(*name, extensions);
    }
    match what {
        Pick::Folder => Box::pin(dialog.pick_folder()),
        Pick::Backup => Box::pin(
            dialog
                .set_file_name(format!(
                    "branchdesk-{}.bdbackup",
                    chrono::Local::now().format("%Y-%m-%d")
                ))
                .save_file(),
        ),
        Pick::Scan | Pick::Customers | Pick::Restore => Box::pin(dialog.pick_file()),
    }
}

/// End-to-end tests cannot click a native dialog: with the `e2e-hooks` feature, the paths
/// in `BRANCHDESK_E2E_PICKS` (separated by the platform's path-list separator) answer the
/// dialogs in order.
#[cfg(feature = "e2e-hooks")]
mod e2e {
    use std::collections::VecDeque;
    use std::path::PathBuf;
    use std::sync::{Mutex, OnceLock};

    static PICKS: OnceLock<Mutex<VecDeque<PathBuf>>> = OnceLock::new();

    pub fn next_pick() -> Option<PathBuf> {
        let picks = PICKS.get_or_init(|| {
            let list = std::env::var_os("BRANCHDESK_E2E_PICKS").unwrap_or_default();
            // An unset or empty list answers nothing: the real dialog opens.
            Mutex::new(
                std::env::split_paths(&list)
                    .filter(|path| !path.as_os_str().is_empty())
                    .collect(),
            )
        });
        picks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop_front()
    }
}
