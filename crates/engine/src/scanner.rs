//! The scanner folder: a folder a flatbed scanner or a phone-sync tool writes into, chosen
//! in Settings and watched, so new scans appear in a "From scanner" tray and staff assign
//! each to a slot of the draft in front of them.
//!
//! A scanner writes a file over a second or two; a file counts as ready only once its size
//! and modification time have stopped changing, so a half-written page is never checked.
//! Once a file is attached it is removed from the folder: the only copy left is the
//! encrypted one in the vault, and a customer's ID does not linger in plaintext on a
//! shared folder.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};
use serde::Serialize;
use ts_rs::TS;

use crate::{Desk, Error, Result};

/// How long a file must stay unchanged before it is offered.
const SETTLED: Duration = Duration::from_millis(800);
/// Events arrive in bursts while a file is written; the folder is read once per burst.
const QUIET: Duration = Duration::from_millis(150);

/// A file waiting in the scanner folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrayFile {
    /// The file's name in the folder; it is only ever looked up among the folder's
    /// current files, so it cannot name anything outside it.
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Seconds since the Unix epoch of its last change, newest first in the tray.
    #[ts(type = "number")]
    pub modified: i64,
}

/// Watches one folder; dropping it stops the watch.
pub struct ScannerFolder {
    dir: PathBuf,
    files: Arc<Mutex<Vec<TrayFile>>>,
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for ScannerFolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScannerFolder")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl ScannerFolder {
    /// Starts watching `dir`. `changed` is called, from a thread of the watcher's own, with
    /// the whole tray each time it changes.
    pub fn watch(
        dir: &Path,
        changed: impl Fn(Vec<TrayFile>) + Send + 'static,
    ) -> Result<ScannerFolder> {
        if !dir.is_dir() {
            return Err(Error::ScannerFolderUnreadable(dir.to_path_buf()));
        }
        let dir = dir.to_path_buf();
        let files = Arc::new(Mutex::new(Vec::new()));
        let (events, inbox) = mpsc::channel::<()>();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if event.is_ok() {
                    let _ = events.send(());
                }
            })
            .map_err(|e| Error::ScannerWatch {
                path: dir.clone(),
                source: Box::new(e),
            })?;
        watcher
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|e| Error::ScannerWatch {
                path: dir.clone(),
                source: Box::new(e),
            })?;

        let shared = Arc::clone(&files);
        let folder = dir.clone();
        std::thread::Builder::new()
            .name("scanner-folder".into())
            .spawn(move || follow(&folder, &shared, &inbox, &changed))
            .map_err(|e| Error::ScannerWatch {
                path: dir.clone(),
                source: Box::new(e),
            })?;
        Ok(ScannerFolder {
            dir,
            files,
            _watcher: watcher,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The files ready to be assigned, newest first.
    pub fn files(&self) -> Vec<TrayFile> {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The path of a file in the tray, or `NotFound` for any name that is not one of the
    /// folder's current files (a stale tray, or a name with a path in it). A file swapped
    /// since the tray was read for a pipe, a device, a folder or a link out of the folder
    /// is refused ([`crate::scan_path::checked_scan_path`]).
    pub fn path_of(&self, name: &str) -> Result<PathBuf> {
        if self.files().iter().any(|f| f.name == name) {
            let path = self.dir.join(name);
            crate::scan_path::checked_scan_path(&path, Some(&self.dir))?;
            Ok(path)
        } else {
            Err(Error::NotFound)
        }
    }
}

/// Checks the scanner-folder file at `path`, stores it encrypted in `slot` of the draft, and
/// removes it from the folder. A refused file stays in the folder so staff can see which it
/// was. `on_preview` as in [`Desk::attach_scan_with`].
pub fn assign(
    desk: &Desk,
    draft: &str,
    slot: &str,
    path: &Path,
    on_preview: &mut dyn FnMut(crate::scans::ScanPreview),
) -> Result<AssignedScan> {
    // Checked again against its own folder, nearer the read: the file may have been swapped
    // for a link out of the folder since the tray listed it.
    crate::scan_path::checked_scan_path(path, path.parent())?;
    let scans = desk.attach_scan_with(draft, slot, path, on_preview)?;
    let removed = std::fs::remove_file(path).is_ok();
    if !removed {
        tracing::warn!("a scanner file was attached but could not be removed from the folder");
    }
    Ok(AssignedScan { scans, removed })
}

/// What assigning a tray file did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AssignedScan {
    pub scans: Vec<branchdesk_domain::draft::ScanSlot>,
    /// False when the file stayed in the folder (a read-only share, say): staff should
    /// delete it there themselves.
    pub removed: bool,
}

/// The watcher thread: reads the folder after each burst of events, and again while any
/// file is still being written, until the watch is dropped.
fn follow(
    dir: &Path,
    files: &Mutex<Vec<TrayFile>>,
    inbox: &mpsc::Receiver<()>,
    changed: &dyn Fn(Vec<TrayFile>),
) {
    let mut pending = true;
    loop {
        if pending {
            let (ready, unsettled) = read_folder(dir);
            let mut current = files.lock().unwrap_or_else(PoisonError::into_inner);
            if *current != ready {
                current.clone_from(&ready);
                drop(current);
                changed(ready);
            }
            pending = unsettled;
        }
        let wait = if pending {
            SETTLED
        } else {
            Duration::from_secs(3600)
        };
        match inbox.recv_timeout(wait) {
            Ok(()) => {
                // Let the burst finish, then read once.
                while inbox.recv_timeout(QUIET).is_ok() {}
                pending = true;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The watcher, which holds the only sender, was dropped with its folder.
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// The folder's scan-like files that have settled, newest first, and whether any other
/// file is still changing.
fn read_folder(dir: &Path) -> (Vec<TrayFile>, bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), false);
    };
    let now = SystemTime::now();
    let mut unsettled = false;
    let mut ready = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !offered(&name) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(now);
        if now.duration_since(modified).unwrap_or_default() < SETTLED || meta.len() == 0 {
            unsettled = true;
            continue;
        }
        let seconds = modified
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        ready.push(TrayFile {
            name,
            bytes: meta.len(),
            modified: seconds,
        });
    }
    ready.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.name.cmp(&b.name)));
    (ready, unsettled)
}

/// Hidden files and the partial files scanners and sync tools write before renaming.
fn offered(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !(lower.starts_with('.')
        || lower.starts_with('~')
        || lower.ends_with('~')
        || [".part", ".tmp", ".crdownload", ".partial", ".download"]
            .iter()
            .any(|s| lower.ends_with(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_and_hidden_files_are_not_offered() {
        for name in [
            "scan.jpg.part",
            ".DS_Store",
            "~scan.tmp",
            "page.pdf.crdownload",
        ] {
            assert!(!offered(name), "{name}");
        }
        for name in ["scan 001.jpg", "Licence-front.PNG", "bill.pdf"] {
            assert!(offered(name), "{name}");
        }
    }
}
