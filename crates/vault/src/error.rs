use std::path::PathBuf;

use crate::{DraftId, DraftState, PlanId, ScanId, StepId, StepStatus};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the operating system's keyring refused access: {0}. Unlock the keyring and try again."
    )]
    Keyring(String),
    /// No keyring service answered: on Linux, no Secret Service in the session.
    #[error(
        "the operating system's keyring could not be reached ({detail}). Branchdesk keeps its \
         keys there: on Linux it needs a Secret Service (GNOME Keyring or KWallet) running in \
         your desktop session. Log in to a desktop session, or start the keyring, then open \
         Branchdesk again. Nothing was changed."
    )]
    KeyringUnavailable { detail: String },
    /// The keyring answered but is locked, or refused to unlock.
    #[error(
        "the operating system's keyring is locked ({detail}). Unlock it (log in again, or \
         unlock the \"Login\" keyring in your keyring app), then open Branchdesk again. \
         Nothing was changed."
    )]
    KeyringLocked { detail: String },
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
        "the database {path} exists but its key (keyring entry `{entry}`) is missing from \
         the keyring. Without that key the data cannot be read. Restore the keyring from a \
         backup of this computer's account, then open Branchdesk again. Branchdesk has not \
         changed the database."
    )]
    DatabaseKeyMissing { path: PathBuf, entry: &'static str },
    /// The key in the keyring is not the one the database was made with: its key check
    /// (see `keycheck.rs`) does not match.
    #[error(
        "the database {path} was made with a different key from the one in the keyring \
         (entry `{entry}`): the keyring entry was replaced, or the data folder comes from \
         another computer or account. Restore the matching keyring entry from a backup, then \
         open Branchdesk again. Branchdesk has not changed the database."
    )]
    WrongDatabaseKey { path: PathBuf, entry: &'static str },
    /// The key is right (its key check matches) but the file fails SQLCipher's page checks
    /// or SQLite's structure checks.
    #[error(
        "the database {path} is damaged: the key in the keyring is the right one, but the \
         file's contents fail their integrity checks. Branchdesk has not changed or moved it. \
         Restore the file from a backup of the data folder; report this if it happens again."
    )]
    DatabaseCorrupt { path: PathBuf },
    /// The database cannot be read with the keyring's key and has no key check to say
    /// whether the key or the file is at fault (a database made before key checks).
    #[error(
        "the database {path} cannot be read with the key in the keyring (entry `{entry}`): \
         either the key is not this database's or the file is damaged, and the file has no \
         key check to tell which. Restore the keyring entry or the file from a backup, then \
         open Branchdesk again. Branchdesk has not changed the database."
    )]
    DatabaseUnreadable { path: PathBuf, entry: &'static str },
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
    /// A restore into an open app's data folder, which already holds work it would lose.
    #[error("{}", not_fresh_words(.0))]
    RestoreNotFresh(crate::InUse),
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
    /// Another runner claimed the step between reading and marking it: it sends it, this
    /// one does not.
    #[error("step {0} was taken by another runner; it is sent once, by that runner")]
    StepClaimed(StepId),
    #[error("draft {draft} already has a submission in progress (plan {plan}); let it finish or fail before submitting again")]
    PlanInProgress { draft: DraftId, plan: PlanId },
    #[error("draft {draft} is {state}: it has been, or may have been, sent to a provider, so it is kept; archive it instead of deleting it")]
    DeleteRefused { draft: DraftId, state: DraftState },
    #[error("draft {draft} is {state} and cannot be archived now: a draft never sent is deleted instead, and one being sent can be archived once sending has ended")]
    ArchiveRefused { draft: DraftId, state: DraftState },
    #[error("{0}")]
    InvalidInput(String),
    #[error("someone called {0} already works at this desk; choose another name")]
    StaffNameTaken(String),
    #[error("nobody called {0} works at this desk")]
    StaffNotFound(String),
    /// The plan is no longer held for its check: withdrawn by its maker, or decided.
    #[error("draft {0} is no longer waiting for a check; reload the queue")]
    NotHeld(DraftId),
    #[error("{reviewer} has this case in hand; an admin can release it")]
    ClaimedBy { draft: DraftId, reviewer: String },
    /// Another process works on this data folder; only one may, so no step is sent twice.
    #[error(
        "the data folder {path} is in use by {holder}. Close it (or wait for it to finish) \
         and try again; two programs on one data folder could send a customer twice."
    )]
    FolderInUse { path: PathBuf, holder: String },
}

pub type Result<T> = std::result::Result<T, Error>;

/// "Restore is only possible on a fresh installation: this one already has 3 drafts and 1
/// connection. …", naming only what there is.
fn not_fresh_words(in_use: &crate::InUse) -> String {
    let counted = |n: u64, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        counted(in_use.drafts, "draft", "drafts"),
        counted(
            in_use.connections,
            "provider connection",
            "provider connections",
        ),
        counted(in_use.audit_entries, "audit entry", "audit entries"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let listed = match parts.as_slice() {
        [] => "work in it".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!(
        "Restore is only possible on a fresh installation: this one already has {listed}, \
         which a restore would replace. Restore on a new installation, \
         or with the command line into an empty data folder."
    )
}

/// See [`Error::for_log`].
pub struct LogForm<'a>(&'a Error);

impl std::fmt::Display for LogForm<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            // A decoder's complaint can quote the value it could not read.
            Error::Corrupt(_) => f.write_str("a stored value could not be read back"),
            Error::Json(_) => f.write_str("a draft could not be stored as JSON"),
            // Files, keyring entries, ids, states and SQLite's own codes.
            other => write!(f, "{other}"),
        }
    }
}

impl Error {
    /// The error as a log file may keep it: nothing that quotes a stored value.
    pub fn for_log(&self) -> LogForm<'_> {
        LogForm(self)
    }

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
