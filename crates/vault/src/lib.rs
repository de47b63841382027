//! Local storage for Branchdesk: its data folder, the secrets it keeps in the operating
//! system's keyring (never in files, logs or the webview), and the [`Vault`]: an encrypted
//! SQLite database (drafts, the submission outbox, the hash-chained audit log) and encrypted
//! scan files, whose keys live only in that keyring.

mod archive;
mod audit;
mod audit_anchor;
mod audit_export;
mod backup;
mod checks;
mod committer;
mod connections;
mod db;
mod draft_search;
mod drafts;
mod error;
mod fresh_restore;
mod keycheck;
mod keys;
mod lock;
mod outbox;
mod paths;
mod people;
mod review;
mod scans;
mod secrets;
mod types;

pub use archive::NEVER_PLANNED;
pub use audit::{
    Actor, AuditEntry, AuditFilter, AuditProblem, AuditProblemKind, AuditRecord, AuditWindow,
    VerifyReport,
};
pub use audit_anchor::{
    audit_head_entry, audit_key_entry, ANCHORED_ACTION, AUDIT_HEAD_ENTRY_PREFIX,
    AUDIT_KEY_ENTRY_PREFIX,
};
pub use audit_export::verify_audit_export;
pub use backup::{restore, BackupSummary, MIN_PASSPHRASE_CHARS, RESTORED_ACTION};
pub use committer::Committer;
pub use connections::{secret_entry, Connection, NewConnection};
pub use db::{Vault, DATABASE_FILE, SCHEMA_VERSION};
pub use drafts::{Draft, DraftBatch, DraftFilter, DraftInput, DraftSummary, MaskedTaxId};
pub use error::{Error, LogForm, Result};
pub use fresh_restore::{restore_over_fresh, InUse, NotRestored};
pub use keycheck::KEY_CHECK_FILE;
pub use keys::{DATABASE_KEY_ENTRY, SCAN_KEY_ENTRY};
pub use lock::{FolderLock, LOCK_FILE};
pub use outbox::{AfterStep, Claim, Hold, NewStep, Plan, PlannedSubmission, Step, StepFailure};
pub use paths::{data_dir, DATA_DIR_ENV};
pub use people::{NewStaff, Role, StaffChange, StaffProfile};
pub use review::{HeldPlan, NewDecision, ProviderStatus, ReviewClaim, ReviewDecision, ReviewNote};
pub use scans::{ScanInfo, ScanReader, SCANS_DIR};
pub use secrets::{KeyringStore, MemoryStore, SecretStore, Sensitive, SERVICE_PREFIX};
pub use types::{
    AuditOutcome, ConnectionId, DraftId, DraftState, Environment, PartyKind, PlanId, Provider,
    ScanId, StepId, StepStatus,
};
