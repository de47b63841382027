use std::path::PathBuf;

use crate::{DraftId, PlanId, ScanId, StepId, StepStatus};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the operating system's keyring refused access: {0}. Unlock the keyring and try again."
    )]
    Keyring(String),
    #[error(
        "no folder for Branchdesk's data could be found; set {} to choose one",
        crate::DATA_DIR_ENV
    )]
    NoDataDir,
    #[error("the data folder {path} cannot be used: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "the database {path} exists but its key (keyring entry `{entry}`) is missing. Restore \
         the keyring from a backup of this computer's account; without the key the data \
         cannot be read. To start over, move the file aside (its drafts will be lost)."
    )]
    DatabaseKeyMissing { path: PathBuf, entry: &'static str },
    #[error(
        "the database {path} cannot be opened with the key in the keyring (entry `{entry}`): \
         the key is wrong or the file is not a Branchdesk database. Restore the matching \
         keyring entry, or move the file aside to start over (its drafts will be lost)."
    )]
    WrongDatabaseKey { path: PathBuf, entry: &'static str },
    #[error(
        "the keyring entry `{entry}` is not a 64-hex-digit key. Restore it from a backup; \
         deleting it makes the data it protects unreadable."
    )]
    InvalidKey { entry: &'static str },
    #[error(
        "the scans in {path} exist but their key (keyring entry `{entry}`) is missing. \
         Restore the keyring from a backup of this computer's account."
    )]
    ScanKeyMissing { path: PathBuf, entry: &'static str },
    #[error(
        "the audit log's key (keyring entry `{entry}`) is missing, so its entries cannot be \
         checked or added. Restore the keyring from a backup of this computer's account."
    )]
    AuditKeyMissing { entry: String },
    #[error(
        "the keyring entry `{entry}` is not a 64-hex-digit key. Restore it from a backup; \
         without it the audit log cannot be checked or added to."
    )]
    InvalidAuditKey { entry: String },
    #[error("a backup's passphrase needs at least {min} characters")]
    BackupPassphraseTooShort { min: usize },
    #[error("the file is not a Branchdesk backup")]
    NotABackup,
    #[error("the backup was made by a newer Branchdesk (archive format {format}); install the newer Branchdesk to restore it")]
    BackupTooNew { format: u8 },
    #[error("the passphrase is not the one this backup was made with (or the backup is damaged); nothing was restored")]
    BackupPassphrase,
    #[error("the backup is damaged or cut short; nothing was restored. Use another copy of it.")]
    BackupDamaged,
    #[error("a scan was deleted while the backup was being made; make the backup again")]
    BackupRaced,
    #[error(
        "the data folder {path} is not empty; a backup is only restored into an empty \
         folder. Choose another folder (--data-dir), or move this one's contents aside."
    )]
    RestoreTargetNotEmpty { path: PathBuf },
    #[error(
        "this build's SQLite has no SQLCipher encryption, so it must not store drafts. \
         Rebuild with rusqlite's `bundled-sqlcipher-vendored-openssl` feature."
    )]
    NotEncrypted,
    #[error(
        "the database {path} was written by a newer Branchdesk (schema version {found}; this \
         version knows up to {supported}). Install the newer Branchdesk to open it."
    )]
    DatabaseTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("upgrading the database to schema version {version} failed, nothing was changed: {source}. Report this as a bug.")]
    Migration {
        version: u32,
        source: rusqlite::Error,
    },
    #[error("the local database failed: {0}. Close other Branchdesk windows and try again; if it persists, report it.")]
    Database(#[from] rusqlite::Error),
    #[error("a stored value could not be read back ({0}); the database may have been edited by hand. Report this as a bug.")]
    Corrupt(String),
    #[error("a draft could not be stored as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{action} {path} failed: {source}. Check the disk has space and the data folder is writable.")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("draft {0} does not exist (it may have been deleted); reload the list of drafts")]
    DraftNotFound(DraftId),
    #[error("scan {0} does not exist (it may have been deleted); scan the document again")]
    ScanNotFound(ScanId),
    #[error("scan {0} failed its integrity check: the file was altered or cut short. Delete it and scan the document again.")]
    ScanCorrupt(ScanId),
    #[error("step {0} does not exist; the plan may have been deleted with its draft")]
    StepNotFound(StepId),
    #[error("step {step} is {from} and cannot become {to}; reload the submission's state")]
    StepTransition {
        step: StepId,
        from: StepStatus,
        to: StepStatus,
    },
    #[error("draft {draft} already has a submission in progress (plan {plan}); let it finish or fail before submitting again")]
    PlanInProgress { draft: DraftId, plan: PlanId },
    #[error("{0}")]
    InvalidInput(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
