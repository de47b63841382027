//! Restoring a backup over a fresh installation: the open app's own data folder, which
//! holds the vault it made on its first start and nothing done since.
//!
//! A data folder with work in it is never restored over (that work would be lost), so a
//! restore needs to know, in so many words, that there is none: [`Vault::in_use`]. Then
//! the archive is read, authenticated and re-keyed beside the vault while it is still open
//! (a wrong passphrase or a damaged archive ends here, the vault untouched), the vault is
//! closed, its files are moved aside, the restored ones moved in, and the restored vault
//! opened. Should that last part fail, the moved-in files go and the fresh vault's come
//! back, so the installation is left as it was. The folder's lock is not this module's:
//! the caller holds it throughout, so nothing else opens the folder half-way.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::backup::stage;
use crate::{
    audit_head_entry, audit_key_entry, BackupSummary, Error, Result, SecretStore, Sensitive, Vault,
    ANCHORED_ACTION, DATABASE_FILE, SCANS_DIR,
};

/// What a vault holds that replacing it would lose. All zero on a fresh installation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InUse {
    /// Drafts of any state, archived ones included (scans and submissions belong to drafts).
    pub drafts: u64,
    /// Provider connections (their settings; their secrets are in the keyring).
    pub connections: u64,
    /// Audit entries beyond the vault's creation: every entry but `audit.anchored`, which
    /// an older vault gets by itself on its first open by this version.
    pub audit_entries: u64,
}

impl InUse {
    /// Whether the vault is a fresh installation's: nothing in it would be lost.
    pub fn is_fresh(&self) -> bool {
        *self == InUse::default()
    }
}

/// Folder entries that are the vault itself: what a restore over a fresh vault replaces.
/// The key check stays, since the database key is this computer's either way.
fn vault_files() -> [String; 5] {
    [
        DATABASE_FILE.to_owned(),
        format!("{DATABASE_FILE}-wal"),
        format!("{DATABASE_FILE}-shm"),
        format!("{DATABASE_FILE}-journal"),
        SCANS_DIR.to_owned(),
    ]
}

/// Where a fresh vault's files wait while a restore takes their place.
const ASIDE_PREFIX: &str = ".replaced-";

impl Vault {
    /// What this vault holds that a restore over it would lose; see [`InUse`].
    pub fn in_use(&self) -> Result<InUse> {
        let conn = self.reader();
        let count = |sql: &str, param: Option<&str>| -> Result<u64> {
            let n: i64 = match param {
                Some(p) => conn.query_row(sql, [p], |r| r.get(0))?,
                None => conn.query_row(sql, [], |r| r.get(0))?,
            };
            Ok(n.max(0) as u64)
        };
        Ok(InUse {
            drafts: count("SELECT count(*) FROM drafts", None)?,
            connections: count("SELECT count(*) FROM connections", None)?,
            audit_entries: count(
                "SELECT count(*) FROM audit_log WHERE action <> ?1",
                Some(ANCHORED_ACTION),
            )?,
        })
    }

    /// Refuses ([`Error::RestoreNotFresh`]) unless this vault is a fresh installation's.
    pub fn ensure_fresh(&self) -> Result<()> {
        let in_use = self.in_use()?;
        if in_use.is_fresh() {
            Ok(())
        } else {
            Err(Error::RestoreNotFresh(in_use))
        }
    }
}

/// Why a restore over a fresh vault did not happen, and the vault as it is now.
#[derive(Debug)]
pub struct NotRestored {
    pub error: Error,
    /// The fresh vault, open as it was before; the error opening it in the rare case that
    /// it could not be reopened after its files came back.
    pub vault: Result<Vault>,
}

/// Restores the backup read from `archive` into the folder of `vault`, which must be a
/// fresh installation's ([`Vault::ensure_fresh`]); see the module's documentation. Returns
/// the restored vault, open, or the fresh one as it was with the reason.
pub fn restore_over_fresh(
    vault: Vault,
    archive: &mut dyn Read,
    passphrase: &Sensitive<String>,
    secrets: &dyn SecretStore,
) -> std::result::Result<(Vault, BackupSummary), Box<NotRestored>> {
    if let Err(error) = vault.ensure_fresh() {
        return Err(Box::new(NotRestored {
            error,
            vault: Ok(vault),
        }));
    }
    let dir = vault.data_dir().to_path_buf();
    // Read and checked while the fresh vault is still open: a wrong passphrase or a
    // damaged archive never closes it.
    let staged = match stage(archive, passphrase, &dir, secrets) {
        Ok(staged) => staged,
        Err(error) => {
            return Err(Box::new(NotRestored {
                error,
                vault: Ok(vault),
            }))
        }
    };
    let restored_id = staged.vault_id().to_owned();
    let fresh_id = vault.anchor.vault_id().to_owned();
    // Closed: its connections are gone (and its audit head written) before its files move.
    drop(vault);

    let aside = dir.join(format!("{ASIDE_PREFIX}{}", uuid::Uuid::new_v4()));
    if let Err(error) = move_aside(&dir, &aside) {
        // Nothing restored was moved in: the fresh vault's files are where they were.
        return Err(Box::new(NotRestored {
            error,
            vault: Vault::open(&dir, secrets),
        }));
    }
    match staged.install(secrets) {
        Ok((restored, summary)) => {
            // The fresh vault had nothing in it: its files and its audit anchor go.
            let _ = std::fs::remove_dir_all(&aside);
            forget_anchor(secrets, &fresh_id);
            Ok((restored, summary))
        }
        Err(error) => {
            forget_anchor(secrets, &restored_id);
            let back = put_back(&dir, &aside).and_then(|()| Vault::open(&dir, secrets));
            Err(Box::new(NotRestored { error, vault: back }))
        }
    }
}

/// Moves the vault's files from `dir` into `aside`; on failure, moves back what had moved.
fn move_aside(dir: &Path, aside: &Path) -> Result<()> {
    std::fs::create_dir(aside).map_err(|e| Error::io("creating", aside, e))?;
    let mut moved = Vec::new();
    for name in vault_files() {
        let from = dir.join(&name);
        if !from.exists() {
            continue;
        }
        if let Err(e) = std::fs::rename(&from, aside.join(&name)) {
            for name in moved {
                let _ = std::fs::rename(aside.join(&name), dir.join(&name));
            }
            let _ = std::fs::remove_dir(aside);
            return Err(Error::io("moving aside", from, e));
        }
        moved.push(name);
    }
    Ok(())
}

/// After a failed install: every vault file of the fresh vault is in `aside`, so whatever
/// is under those names in `dir` was left by the restore (a database's journal from an
/// open that failed, say, which must never be read with the fresh database) and goes; then
/// the fresh vault's files come back.
fn put_back(dir: &Path, aside: &Path) -> Result<()> {
    for name in vault_files() {
        remove(&dir.join(&name))?;
    }
    for name in vault_files() {
        let from = aside.join(&name);
        if from.exists() {
            let to: PathBuf = dir.join(&name);
            std::fs::rename(&from, &to).map_err(|e| Error::io("moving back", to, e))?;
        }
    }
    std::fs::remove_dir_all(aside).map_err(|e| Error::io("removing", aside, e))
}

fn remove(path: &Path) -> Result<()> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match removed {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("removing", path, e)),
    }
}

/// Deletes a vault's audit key and head from the keyring once that vault is gone. Best
/// effort: an entry left behind names a vault id nothing uses, and holds nothing else.
fn forget_anchor(secrets: &dyn SecretStore, vault_id: &str) {
    let _ = secrets.delete(&audit_key_entry(vault_id));
    let _ = secrets.delete(&audit_head_entry(vault_id));
}
