//! Reading a backup back: nothing in the data folder changes until the whole archive is
//! read and authenticated; everything is staged under one-off keys, re-keyed to this
//! computer, and only then moved in.

use std::io::{BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::DecryptorBE32;
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::XChaCha20Poly1305;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use zeroize::Zeroizing;

use crate::audit::check_chain;
use crate::audit_anchor::{audit_head_entry, audit_key_entry, seal_with};
use crate::keys::{self, decode_hex, encode_hex, random_key, Key};
use crate::scans::{encrypt_scan, read_full, rewrap_scan, sync_dir};
use crate::{
    Actor, AuditOutcome, AuditRecord, Error, Result, ScanId, SecretStore, Sensitive, Vault,
    DATABASE_FILE, DATABASE_KEY_ENTRY, SCANS_DIR, SCAN_KEY_ENTRY, SCHEMA_VERSION,
};

use super::format::*;
use super::stream::*;

impl Vault {
    /// Removes database copies that backups cut short by a crash left in the data folder.
    pub(crate) fn sweep_backup_leftovers(&self) -> Result<()> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) => return Err(Error::io("listing", &self.dir, e)),
        };
        let now = std::time::SystemTime::now();
        for entry in entries.filter_map(std::result::Result::ok) {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age >= SNAPSHOT_AGE);
            if stale
                && entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(SNAPSHOT_PREFIX)
            {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|e| Error::io("deleting", &path, e))?;
            }
        }
        Ok(())
    }
}

/// Whether `dir` holds anything (a missing folder holds nothing; nor does one with only the
/// folder's lock). What a restore cut off by a crash left behind, its staging folder, does
/// not count: it is removed, since its
/// one-off keys died with that process.
pub(super) fn occupied(dir: &Path) -> Result<bool> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io("listing", dir, e)),
    };
    let mut leftovers = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("listing", dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(STAGING_PREFIX) {
            leftovers.push(entry.path());
        } else if name.starts_with(crate::LOCK_FILE) {
            // The folder's lock, taken by the restoring process itself: no data.
        } else {
            return Ok(true);
        }
    }
    for leftover in leftovers {
        std::fs::remove_dir_all(&leftover).map_err(|e| Error::io("removing", &leftover, e))?;
    }
    Ok(false)
}

/// Restores the backup read from `archive` into the empty (or missing) data folder
/// `data_dir`, its keys going into `secrets`: see the module's documentation. On any
/// failure the folder is left as it was.
pub fn restore(
    archive: &mut dyn Read,
    passphrase: &Sensitive<String>,
    data_dir: &Path,
    secrets: &dyn SecretStore,
) -> Result<BackupSummary> {
    if occupied(data_dir)? {
        return Err(Error::RestoreTargetNotEmpty {
            path: data_dir.to_path_buf(),
        });
    }
    let staged = stage(archive, passphrase, data_dir, secrets)?;
    let (vault, summary) = staged.install(secrets)?;
    drop(vault);
    Ok(summary)
}

/// A backup read, authenticated and re-keyed to this computer's keys in a staging folder
/// inside the data folder, not yet in place: nothing the data folder's vault uses has been
/// touched. Dropped without [`Staged::install`], the staging folder goes.
pub(crate) struct Staged {
    dir: PathBuf,
    rekeyed: PathBuf,
    scans: PathBuf,
    vault_id: String,
    audit_key: Key,
    head: serde_json::Value,
    manifest: Manifest,
    entries_restored: u64,
    intact: bool,
    created_at: DateTime<Utc>,
    cleanup: Cleanup,
}

/// Reads the whole archive into a staging folder in `data_dir` and re-keys it: see the
/// module's documentation. Leaves everything else in the folder as it was.
pub(crate) fn stage(
    archive: &mut dyn Read,
    passphrase: &Sensitive<String>,
    data_dir: &Path,
    secrets: &dyn SecretStore,
) -> Result<Staged> {
    let dir = crate::data_dir(Some(data_dir))?;
    let staging = dir.join(format!("{STAGING_PREFIX}{}", uuid::Uuid::new_v4()));
    crate::data_dir(Some(&staging))?;
    let cleanup = Cleanup {
        paths: vec![staging.clone()],
    };

    let mut archive = BufReader::with_capacity(SEALED_CHUNK, archive);
    let mut header = [0u8; HEADER_LEN];
    let got = read_full(&mut archive, &mut header)
        .map_err(|e| Error::io("reading", "the backup archive", e))?;
    if got < HEADER_LEN || &header[..MAGIC.len()] != MAGIC {
        return Err(Error::NotABackup);
    }
    if header[MAGIC.len()] != FORMAT {
        return Err(Error::BackupTooNew {
            format: header[MAGIC.len()],
        });
    }
    let field = |i: usize| {
        let at = MAGIC.len() + 1 + 4 * i;
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let params = [field(0), field(1), field(2)];
    if params[0] > ARGON_MAX_MEMORY_KIB
        || params[1] > ARGON_MAX_PASSES
        || params[2] > ARGON_MAX_LANES
    {
        return Err(Error::BackupDamaged);
    }
    let salt = &header[MAGIC.len() + 13..MAGIC.len() + 13 + SALT_LEN];
    let nonce = &header[HEADER_LEN - STREAM_NONCE_LEN..];
    let key = derive(passphrase, salt, params)?;
    let cipher = XChaCha20Poly1305::new(GenericArray::from_slice(key.as_ref()));
    let mut first = vec![0u8; SEALED_CHUNK];
    let len = read_full(&mut archive, &mut first)
        .map_err(|e| Error::io("reading", "the backup archive", e))?;
    first.truncate(len);
    let mut opener = Opener {
        input: archive,
        decryptor: Some(DecryptorBE32::from_aead(
            cipher,
            GenericArray::from_slice(nonce),
        )),
        sealed: first,
        plain: Zeroizing::new(Vec::new()),
        pos: 0,
        aad: header.to_vec(),
        first: true,
        finished: false,
    };

    // 1. Read and authenticate everything into the staging folder.
    if opener.u8()? != RECORD_MANIFEST {
        return Err(Error::BackupDamaged);
    }
    let manifest_len = opener.u32()?;
    if manifest_len > MAX_MANIFEST {
        return Err(Error::BackupDamaged);
    }
    let mut manifest_json = Zeroizing::new(vec![0u8; manifest_len as usize]);
    opener.read_exact(&mut manifest_json)?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_json).map_err(|_| Error::BackupDamaged)?;
    if manifest.schema_version > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            path: PathBuf::from("the backup archive"),
            found: manifest.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let decode = |text: &str| decode_hex(text).ok_or(Error::BackupDamaged);
    let audit_key = decode(&manifest.audit_key)?;
    let snapshot_key = decode(&manifest.snapshot_key)?;
    let created_at =
        crate::types::parse_timestamp(&manifest.created_at).map_err(|_| Error::BackupDamaged)?;

    let staged_db = staging.join(DATABASE_FILE);
    let staged_scans = staging.join(SCANS_DIR);
    crate::data_dir(Some(&staged_scans))?;
    let staging_key = random_key();
    let mut scan_ids = Vec::new();
    let mut database = false;
    loop {
        match opener.u8()? {
            RECORD_DATABASE if !database => {
                let file = crate::scans::new_private_file(&staged_db)
                    .map_err(|e| Error::io("creating", &staged_db, e))?;
                let mut out = BufWriter::new(file);
                opener.copy_record(&mut out, &staged_db)?;
                out.into_inner()
                    .map_err(|e| Error::io("writing", &staged_db, e.into_error()))?
                    .sync_all()
                    .map_err(|e| Error::io("writing", &staged_db, e))?;
                database = true;
            }
            RECORD_SCAN => {
                let mut id = [0u8; 16];
                opener.read_exact(&mut id)?;
                let id = ScanId(uuid::Uuid::from_bytes(id));
                let path = staged_scans.join(format!("{id}.bin"));
                let mut reader = RecordReader {
                    opener: &mut opener,
                    left_in_frame: 0,
                    done: false,
                    error: None,
                };
                let written = encrypt_scan(&staging_key, id, &path, &mut reader);
                if let Some(error) = reader.error.take() {
                    return Err(error);
                }
                written?;
                scan_ids.push(id);
            }
            RECORD_END => break,
            _ => return Err(Error::BackupDamaged),
        }
    }
    if !database || !opener.at_end()? || scan_ids.len() as u64 != manifest.scans {
        return Err(Error::BackupDamaged);
    }

    // 2. The database under this computer's key, with a vault id of its own.
    let staged = crate::db::connect(&staged_db, true, &snapshot_key)?;
    let chain = check_chain(&staged, manifest.keyed_from, |message| {
        seal_with(&audit_key, message)
    })?;
    let database_key = match keys::load(secrets, DATABASE_KEY_ENTRY)? {
        Some(key) => key,
        None => keys::create(secrets, DATABASE_KEY_ENTRY)?,
    };
    let scan_key = match keys::load(secrets, SCAN_KEY_ENTRY)? {
        Some(key) => key,
        None => keys::create(secrets, SCAN_KEY_ENTRY)?,
    };
    let rekeyed = staging.join("rekeyed.db");
    crate::scans::new_private_file(&rekeyed).map_err(|e| Error::io("creating", &rekeyed, e))?;
    staged.execute(
        "ATTACH DATABASE ?1 AS rekeyed KEY ?2",
        params![
            rekeyed.to_string_lossy(),
            raw_key_literal(&database_key).as_str()
        ],
    )?;
    staged.query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))?;
    staged.pragma_update(
        Some(rusqlite::DatabaseName::Attached("rekeyed")),
        "user_version",
        manifest.schema_version,
    )?;
    let vault_id = uuid::Uuid::new_v4().to_string();
    staged.execute(
        "UPDATE rekeyed.audit_anchor SET vault_id = ?1 WHERE one = 1",
        [&vault_id],
    )?;
    staged.execute_batch("DETACH DATABASE rekeyed")?;
    drop(staged);
    verify_rekeyed(&rekeyed, &database_key)?;

    for id in &scan_ids {
        rewrap_scan(
            &staged_scans.join(format!("{id}.bin")),
            *id,
            &staging_key,
            &scan_key,
        )?;
    }

    let head = serde_json::json!({
        "seq": chain.last_seq,
        "hash": encode_hex(&chain.last_hash).as_str(),
        "keyedFrom": manifest.keyed_from,
    });
    Ok(Staged {
        dir,
        rekeyed,
        scans: staged_scans,
        vault_id,
        audit_key,
        head,
        entries_restored: chain.entries,
        intact: chain.problems.is_empty(),
        manifest,
        created_at,
        cleanup,
    })
}

impl Staged {
    /// Last, the audit log's key and anchor in the keyring, then the database and scans into
    /// place (where none may be), and the restored vault opened with its first new entry.
    /// On failure, what it moved into place is removed again.
    pub(crate) fn install(mut self, secrets: &dyn SecretStore) -> Result<(Vault, BackupSummary)> {
        let key_entry = audit_key_entry(&self.vault_id);
        secrets.set(
            &key_entry,
            &Sensitive::new(encode_hex(self.audit_key.as_ref()).to_string()),
        )?;
        secrets.set(
            &audit_head_entry(&self.vault_id),
            &Sensitive::new(self.head.to_string()),
        )?;

        let dir = self.dir.clone();
        let final_db = dir.join(DATABASE_FILE);
        let final_scans = dir.join(SCANS_DIR);
        std::fs::rename(&self.scans, &final_scans)
            .map_err(|e| Error::io("moving the restored scans to", &final_scans, e))?;
        self.cleanup.paths.push(final_scans.clone());
        std::fs::rename(&self.rekeyed, &final_db)
            .map_err(|e| Error::io("moving the restored database to", &final_db, e))?;
        self.cleanup.paths.push(final_db.clone());
        sync_dir(&dir)?;

        let vault = Vault::open(&dir, secrets)?;
        vault.append_audit(&AuditRecord {
            draft_id: None,
            actor: Actor::System,
            action: RESTORED_ACTION.to_owned(),
            provider: None,
            endpoint: None,
            status: None,
            provider_ids: serde_json::json!({
                "backupOf": self.manifest.created_at,
                "fromVault": self.manifest.vault_id,
                "entriesRestored": self.entries_restored,
                "intactWhenRestored": self.intact,
            }),
            outcome: AuditOutcome::Success,
        })?;
        // Kept: only the staging folder goes.
        self.cleanup.paths.truncate(1);
        Ok((
            vault,
            BackupSummary {
                created_at: self.created_at,
                drafts: self.manifest.drafts,
                scans: self.manifest.scans,
                audit_entries: self.manifest.audit_entries,
            },
        ))
    }

    /// The vault id the restored copy gets, under which its audit entries are kept.
    pub(crate) fn vault_id(&self) -> &str {
        &self.vault_id
    }
}

/// Opens the re-keyed copy with the key it is meant to have, before it replaces anything.
pub(super) fn verify_rekeyed(path: &Path, key: &Key) -> Result<()> {
    let conn: Connection = crate::db::connect(path, true, key)?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::BackupDamaged);
    }
    Ok(())
}
