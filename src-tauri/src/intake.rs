//! Files coming in other than through the file dialog: the watched scanner folder and files
//! dropped onto the window. In both cases the paths stay here, in Rust; the page learns
//! names and ids, and asks for a file to be attached to a slot by that id.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use branchdesk_engine::scanner::{ScannerFolder, TrayFile};
use serde::Serialize;
use tauri::ipc::Channel;
use ts_rs::TS;

/// What the "From scanner" tray shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrayView {
    /// The watched folder, or none when no folder is set in Settings.
    pub folder: Option<String>,
    pub files: Vec<TrayFile>,
    /// Why the folder is not being watched, when it is set but cannot be.
    pub problem: Option<String>,
}

type Listener = Arc<Mutex<Option<Channel<TrayView>>>>;

/// The watched scanner folder and the page's subscription to its tray.
#[derive(Default)]
pub struct Scanner {
    folder: Mutex<Option<ScannerFolder>>,
    problem: Mutex<Option<String>>,
    listener: Listener,
}

impl Scanner {
    /// Watches `dir` (or stops watching when `None`) and tells the page.
    pub fn set_folder(&self, dir: Option<&Path>) {
        let mut folder = self.folder.lock().unwrap_or_else(PoisonError::into_inner);
        // The old watch stops before the new one starts, so two never feed the tray.
        *folder = None;
        let mut problem = None;
        if let Some(dir) = dir {
            let listener = Arc::clone(&self.listener);
            let shown = dir.display().to_string();
            match ScannerFolder::watch(dir, move |files| {
                notify(&listener, &shown, files);
            }) {
                Ok(watch) => *folder = Some(watch),
                Err(error) => problem = Some(error.to_string()),
            }
        }
        *self.problem.lock().unwrap_or_else(PoisonError::into_inner) = problem;
        let view = view_of(folder.as_ref(), dir, self.problem());
        drop(folder);
        self.send(view);
    }

    /// Subscribes the page to tray changes (replacing an earlier subscription: the page
    /// subscribes again after each reload) and returns the tray as it is.
    pub fn subscribe(&self, channel: Channel<TrayView>) -> TrayView {
        *self.listener.lock().unwrap_or_else(PoisonError::into_inner) = Some(channel);
        self.view()
    }

    pub fn view(&self) -> TrayView {
        let folder = self.folder.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = folder.as_ref().map(|f| f.dir().to_path_buf());
        view_of(folder.as_ref(), dir.as_deref(), self.problem())
    }

    /// Runs `f` with the watched folder, or says none is set.
    pub fn with_folder<T>(
        &self,
        f: impl FnOnce(&ScannerFolder) -> branchdesk_engine::Result<T>,
    ) -> branchdesk_engine::Result<T> {
        let folder = self.folder.lock().unwrap_or_else(PoisonError::into_inner);
        match folder.as_ref() {
            Some(folder) => f(folder),
            None => Err(branchdesk_engine::Error::ScannerFolderNotSet),
        }
    }

    fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn send(&self, view: TrayView) {
        if let Some(channel) = self
            .listener
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            // A page that went away (reload) simply stops listening.
            let _ = channel.send(view);
        }
    }
}

fn notify(listener: &Listener, folder: &str, files: Vec<TrayFile>) {
    if let Some(channel) = listener
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
    {
        let _ = channel.send(TrayView {
            folder: Some(folder.to_owned()),
            files,
            problem: None,
        });
    }
}

fn view_of(
    folder: Option<&ScannerFolder>,
    dir: Option<&Path>,
    problem: Option<String>,
) -> TrayView {
    TrayView {
        folder: dir.map(|d| d.display().to_string()),
        files: folder.map(ScannerFolder::files).unwrap_or_default(),
        problem,
    }
}

/// What the page hears while files are dragged over the window. Positions are in CSS
/// pixels from the top left of the page, so it can find the slot under the pointer.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DropEvent {
    Over {
        x: f64,
        y: f64,
    },
    Leave,
    Drop {
        id: u32,
        x: f64,
        y: f64,
        /// File names only; the paths stay in Rust.
        names: Vec<String>,
    },
}

/// Files dropped onto the window, kept until the page attaches one or the next drop.
#[derive(Default)]
pub struct Drops {
    next: Mutex<u32>,
    dropped: Mutex<HashMap<u32, Vec<PathBuf>>>,
    listener: Mutex<Option<Channel<DropEvent>>>,
}

impl Drops {
    pub fn subscribe(&self, channel: Channel<DropEvent>) {
        *self.listener.lock().unwrap_or_else(PoisonError::into_inner) = Some(channel);
    }

    pub fn over(&self, x: f64, y: f64) {
        self.send(DropEvent::Over { x, y });
    }

    pub fn leave(&self) {
        self.send(DropEvent::Leave);
    }

    /// Keeps the dropped paths under a new id and tells the page. Only the latest drop is
    /// kept: an older one the page did not use is forgotten.
    pub fn dropped(&self, paths: Vec<PathBuf>, x: f64, y: f64) -> u32 {
        let id = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            *next = next.wrapping_add(1);
            *next
        };
        let names = paths
            .iter()
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        {
            let mut dropped = self.dropped.lock().unwrap_or_else(PoisonError::into_inner);
            dropped.clear();
            dropped.insert(id, paths);
        }
        self.send(DropEvent::Drop { id, x, y, names });
        id
    }

    /// The one file of drop `id`. A drop of several files onto one slot is refused: which
    /// of them was meant is a guess staff should not have to undo.
    pub fn take(&self, id: u32) -> branchdesk_engine::Result<PathBuf> {
        let mut dropped = self.dropped.lock().unwrap_or_else(PoisonError::into_inner);
        let paths = dropped
            .remove(&id)
            .ok_or(branchdesk_engine::Error::NotFound)?;
        match <[PathBuf; 1]>::try_from(paths) {
            Ok([path]) => Ok(path),
            Err(paths) => Err(branchdesk_engine::Error::SeveralFilesDropped(paths.len())),
        }
    }

    fn send(&self, event: DropEvent) {
        if let Some(channel) = self
            .listener
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            let _ = channel.send(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_is_taken_once_and_only_the_latest_is_kept() {
        let drops = Drops::default();
        let first = drops.dropped(vec![PathBuf::from("/scans/a.jpg")], 10.0, 20.0);
        let second = drops.dropped(vec![PathBuf::from("/scans/b.jpg")], 10.0, 20.0);
        assert!(matches!(
            drops.take(first),
            Err(branchdesk_engine::Error::NotFound)
        ));
        assert_eq!(drops.take(second).unwrap(), PathBuf::from("/scans/b.jpg"));
        assert!(drops.take(second).is_err(), "a drop is used once");
    }

    #[test]
    fn several_files_on_one_slot_are_refused_with_a_reason() {
        let drops = Drops::default();
        let id = drops.dropped(
            vec![PathBuf::from("/a.jpg"), PathBuf::from("/b.jpg")],
            0.0,
            0.0,
        );
        let error = drops.take(id).unwrap_err().to_string();
        assert!(error.contains("2 files"), "{error}");
    }

    #[test]
    fn an_unset_folder_says_where_to_set_it() {
        let scanner = Scanner::default();
        let error = scanner.with_folder(|_| Ok(())).unwrap_err().to_string();
        assert!(error.contains("Settings"), "{error}");
        assert!(scanner.view().folder.is_none());
    }
}
