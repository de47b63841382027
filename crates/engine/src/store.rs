//! What the desktop shell opens before a desk exists — the data folder and its lock, the
//! operating system's keyring, the vault, its backups — named here so the shell builds on
//! the engine alone.

pub use branchdesk_vault::{
    data_dir, restore_over_fresh, BackupSummary, Error as VaultError, FolderLock, KeyringStore,
    MemoryStore, NotRestored, Result as VaultResult, Role, StaffProfile, Vault,
    MIN_PASSPHRASE_CHARS,
};
