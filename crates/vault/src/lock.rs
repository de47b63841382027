//! One process per data folder. Two runners on one outbox could both send a step whose
//! provider takes no idempotency key (a Fin.com create) and make two customers; the app
//! and the CLI therefore take this lock before they open the vault, and hold it for as
//! long as they run. The operating system releases it when the process ends, however it
//! ends, so a crash never leaves the folder locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The file whose exclusive lock is the data folder's.
pub const LOCK_FILE: &str = "branchdesk.lock";

/// Who holds the lock, written beside it for the next process's message. A separate file,
/// because on Windows a locked file cannot be read by another process.
const HOLDER_FILE: &str = "branchdesk.lock.holder";

/// The data folder, held by this process until dropped.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
    path: PathBuf,
}

impl FolderLock {
    /// Takes the data folder for this process, `program` naming it for anyone who finds the
    /// folder taken ("Branchdesk", "branchdesk-cli submit"). Refuses with
    /// [`Error::FolderInUse`] when another process holds it.
    pub fn acquire(data_dir: &Path, program: &str) -> Result<FolderLock> {
        let path = data_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| Error::io("opening the lock file", &path, source))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::FolderInUse {
                    path: data_dir.to_path_buf(),
                    holder: read_holder(data_dir),
                })
            }
            Err(TryLockError::Error(source)) => {
                return Err(Error::io("locking", &path, source));
            }
        }
        let holder = data_dir.join(HOLDER_FILE);
        // Only a courtesy for the message: the lock itself is what protects the folder.
        let written = File::create(&holder)
            .and_then(|mut f| writeln!(f, "{program} (process {})", std::process::id()));
        if let Err(error) = written {
            tracing_free_warning(&holder, &error);
        }
        Ok(FolderLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Who holds the folder, as its holder wrote it; unknown if it could not be read. The
/// holder writes it just after taking the lock, so a process that meets the lock in that
/// moment waits a little for it.
fn read_holder(data_dir: &Path) -> String {
    for _ in 0..20 {
        let holder = std::fs::read_to_string(data_dir.join(HOLDER_FILE))
            .ok()
            .map(|text| text.trim().chars().take(200).collect::<String>())
            .filter(|text| !text.is_empty());
        if let Some(holder) = holder {
            return holder;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    "another Branchdesk process".to_owned()
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // The next holder writes its own; an old one left by a crash is overwritten then.
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::remove_file(dir.join(HOLDER_FILE));
        }
    }
}

/// The vault has no logger of its own; a holder file that cannot be written only makes the
/// other process's message vaguer, so it is said on standard error and otherwise ignored.
fn tracing_free_warning(path: &Path, error: &std::io::Error) {
    eprintln!("branchdesk: could not write {}: {error}", path.display());
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_told_who_has_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let first = FolderLock::acquire(dir.path(), "branchdesk-cli submit").unwrap();
        match FolderLock::acquire(dir.path(), "Branchdesk") {
            Err(Error::FolderInUse { holder, .. }) => {
                assert!(holder.contains("branchdesk-cli submit"), "{holder}");
                assert!(holder.contains(&std::process::id().to_string()), "{holder}");
            }
            other => panic!("expected FolderInUse, got {other:?}"),
        }
        drop(first);
        // Released with its holder: the next process takes it.
        FolderLock::acquire(dir.path(), "Branchdesk").unwrap();
    }
}
