//! Why one file (about 670 lines): writing and reading an archive are the two halves of one
//! format — the record layout, the manifest and the staging of a restore must change
//! together; the cipher stream itself is already apart in `backup/stream.rs`.
//!
//! Backups: the whole vault (drafts, outbox, audit log, connections' settings, scans) in
//! one file protected by a passphrase, restorable on another computer.
//!
//! The archive is `header || STREAM ciphertext`. The header (magic, format version,
//! Argon2id parameters, salt, stream nonce) is in the clear and authenticated with every
//! chunk; the key is Argon2id(passphrase, salt), never the keyring's, so the archive opens
//! anywhere the passphrase is known. The body is XChaCha20-Poly1305 STREAM over 64 KiB
//! chunks, as the scans use: memory stays at a few chunks whatever the vault's size, and a
//! changed, reordered or cut-off chunk fails.
//!
//! Inside, a sequence of records: a manifest (JSON: when, how many of what, the audit
//! log's key and vault id, and the key of the database snapshot), the database, each scan
//! decrypted, and an end mark. The database is a SQLCipher copy made by `sqlcipher_export`
//! in one read transaction, so it is consistent while the app goes on writing; it is
//! encrypted under a one-off key that travels only in the manifest.
//!
//! A restore writes nothing in the data folder until the whole archive has been read and
//! authenticated: everything is staged in a folder of its own under one-off keys, then
//! the database is re-keyed to this computer's database key, each scan's key is re-wrapped
//! under this computer's scan key, and only then are they moved into place. The audit
//! log's key comes from the archive (its chain was made with it and must verify with it),
//! stored under a new vault id, so a restored copy never shares an anchor with the vault it
//! came from; a first entry `vault.restored` records the backup it came from.
//!
//! Provider connections' secrets are not in the archive: they stay in the keyring of the
//! computer they were added on, and are added again after a restore.
//!
//! Why one file (about 680 lines): the archive's format, writing and reading are one
//! contract; a change to one side must be read beside the other.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::XChaCha20Poly1305;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::audit::check_chain;
use crate::audit_anchor::{audit_head_entry, audit_key_entry, seal_with};
use crate::keys::{self, decode_hex, encode_hex, random_bytes, random_key, Key};
use crate::scans::{encrypt_scan, read_full, rewrap_scan, sync_dir};
use crate::types::timestamp;
use crate::{
    Actor, AuditOutcome, AuditRecord, Error, Result, ScanId, SecretStore, Sensitive, Vault,
    DATABASE_FILE, DATABASE_KEY_ENTRY, SCANS_DIR, SCAN_KEY_ENTRY, SCHEMA_VERSION,
};

mod stream;

use stream::{write_record, Opener, RecordReader, Sealer, CHUNK, SEALED_CHUNK};

const MAGIC: &[u8; 8] = b"BDBACKUP";
const FORMAT: u8 = 1;
const SALT_LEN: usize = 16;
const STREAM_NONCE_LEN: usize = 19;
const HEADER_LEN: usize = MAGIC.len() + 1 + 12 + SALT_LEN + STREAM_NONCE_LEN;
const MAX_MANIFEST: u32 = 1024 * 1024;

/// Argon2id as OWASP suggests for interactive use: 64 MiB, 3 passes, 1 lane.
const ARGON_MEMORY_KIB: u32 = 64 * 1024;
const ARGON_PASSES: u32 = 3;
const ARGON_LANES: u32 = 1;
/// What a restore accepts from a header, so a hostile one cannot ask for gigabytes.
const ARGON_MAX_MEMORY_KIB: u32 = 256 * 1024;
const ARGON_MAX_PASSES: u32 = 16;
const ARGON_MAX_LANES: u32 = 8;

/// The shortest passphrase a backup accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// The audit action recorded first in a restored vault.
pub const RESTORED_ACTION: &str = "vault.restored";

const RECORD_MANIFEST: u8 = b'M';
const RECORD_DATABASE: u8 = b'D';
const RECORD_SCAN: u8 = b'S';
const RECORD_END: u8 = b'E';

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    created_at: String,
    schema_version: u32,
    vault_id: String,
    keyed_from: i64,
    audit_key: String,
    snapshot_key: String,
    drafts: u64,
    scans: u64,
    audit_entries: u64,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupSummary {
    pub created_at: DateTime<Utc>,
    pub drafts: u64,
    pub scans: u64,
    pub audit_entries: u64,
}

/// Stretches the passphrase into the archive's key.
fn derive(passphrase: &Sensitive<String>, salt: &[u8], params: [u32; 3]) -> Result<Key> {
    let [memory, passes, lanes] = params;
    let params = Params::new(memory, passes, lanes, Some(32)).map_err(|_| Error::BackupDamaged)?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.expose().as_bytes(), salt, key.as_mut())
        .map_err(|_| Error::BackupDamaged)?;
    Ok(key)
}

/// Removes a path when dropped, unless kept.
struct Cleanup {
    paths: Vec<PathBuf>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for path in self.paths.drain(..).rev() {
            if path.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn raw_key_literal(key: &Key) -> Zeroizing<String> {
    Zeroizing::new(format!("x'{}'", encode_hex(key.as_ref()).as_str()))
}

fn ensure_passphrase(passphrase: &Sensitive<String>) -> Result<()> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::BackupPassphraseTooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

impl Vault {
    /// Writes a backup of the whole vault to `out`, encrypted under `passphrase`. The
    /// vault stays usable meanwhile; the database is copied as of one moment.
    pub fn backup(
        &self,
        out: &mut dyn Write,
        passphrase: &Sensitive<String>,
    ) -> Result<BackupSummary> {
        ensure_passphrase(passphrase)?;
        let created_at = Utc::now();
        let snapshot_key = random_key();
        let snapshot = self
            .dir
            .join(format!("{SNAPSHOT_PREFIX}{}.db", uuid::Uuid::new_v4()));
        let mut journal = snapshot.clone().into_os_string();
        journal.push("-journal");
        let cleanup = Cleanup {
            paths: vec![snapshot.clone(), PathBuf::from(journal)],
        };
        let (manifest, scan_ids) = self.snapshot(&snapshot, &snapshot_key, created_at)?;

        let salt: [u8; SALT_LEN] = random_bytes();
        let nonce: [u8; STREAM_NONCE_LEN] = random_bytes();
        let params = [ARGON_MEMORY_KIB, ARGON_PASSES, ARGON_LANES];
        let mut header = MAGIC.to_vec();
        header.push(FORMAT);
        for value in params {
            header.extend_from_slice(&value.to_be_bytes());
        }
        header.extend_from_slice(&salt);
        header.extend_from_slice(&nonce);
        let write_error = |e| Error::io("writing", "the backup archive", e);
        out.write_all(&header).map_err(write_error)?;

        let key = derive(passphrase, &salt, params)?;
        let cipher = XChaCha20Poly1305::new(GenericArray::from_slice(key.as_ref()));
        let mut sealer = Sealer {
            out: BufWriter::with_capacity(SEALED_CHUNK, out),
            encryptor: Some(EncryptorBE32::from_aead(
                cipher,
                GenericArray::from_slice(&nonce),
            )),
            buffer: Zeroizing::new(Vec::with_capacity(CHUNK)),
            aad: header,
        };

        let manifest_json = Zeroizing::new(serde_json::to_vec(&manifest)?);
        sealer
            .write_all(&[RECORD_MANIFEST])
            .and_then(|()| sealer.write_all(&(manifest_json.len() as u32).to_be_bytes()))
            .and_then(|()| sealer.write_all(&manifest_json))
            .and_then(|()| sealer.write_all(&[RECORD_DATABASE]))
            .map_err(write_error)?;
        let mut file = File::open(&snapshot).map_err(|e| Error::io("reading", &snapshot, e))?;
        write_record(&mut sealer, &mut file, &snapshot)?;
        drop(file);
        // Streamed: the copy goes now, not after the scans, however long they take.
        drop(cleanup);

        for id in &scan_ids {
            let mut reader = match self.open_scan(*id) {
                Ok(reader) => reader,
                Err(Error::ScanNotFound(_)) => return Err(Error::BackupRaced),
                Err(error) => return Err(error),
            };
            sealer
                .write_all(&[RECORD_SCAN])
                .and_then(|()| sealer.write_all(id.0.as_bytes()))
                .map_err(write_error)?;
            write_record(&mut sealer, &mut reader, Path::new("a scan")).map_err(
                |error| match error {
                    // A scan that fails its check is not copied as if it were sound.
                    Error::Io { source, .. }
                        if source.kind() == std::io::ErrorKind::InvalidData =>
                    {
                        Error::ScanCorrupt(*id)
                    }
                    other => other,
                },
            )?;
        }
        sealer.write_all(&[RECORD_END]).map_err(write_error)?;
        let out = sealer.finish().map_err(write_error)?;
        out.into_inner()
            .map_err(|e| write_error(e.into_error()))?
            .flush()
            .map_err(write_error)?;
        Ok(BackupSummary {
            created_at,
            drafts: manifest.drafts,
            scans: manifest.scans,
            audit_entries: manifest.audit_entries,
        })
    }

    /// Copies the database into `path` under `key`, as of one read transaction, and says
    /// what it holds.
    fn snapshot(
        &self,
        path: &Path,
        key: &Key,
        created_at: DateTime<Utc>,
    ) -> Result<(Manifest, Vec<ScanId>)> {
        let database_key = keys::load(self.anchor.secrets().as_ref(), DATABASE_KEY_ENTRY)?.ok_or(
            Error::DatabaseKeyMissing {
                path: self.db_path.clone(),
                entry: DATABASE_KEY_ENTRY,
            },
        )?;
        // A connection of its own: the copy neither waits for the vault's writes nor holds
        // them up, and sees the database as of its one read transaction.
        let conn = crate::db::connect(&self.db_path, true, &database_key)?;
        // The vault's connections may not create files; an empty one is an empty database.
        crate::scans::new_private_file(path).map_err(|e| Error::io("creating", path, e))?;
        conn.execute(
            "ATTACH DATABASE ?1 AS snapshot KEY ?2",
            params![path.to_string_lossy(), raw_key_literal(key).as_str()],
        )?;
        conn.execute_batch("BEGIN")?;
        let copied = (|| -> Result<(Manifest, Vec<ScanId>)> {
            let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            conn.query_row("SELECT sqlcipher_export('snapshot')", [], |_| Ok(()))?;
            conn.pragma_update(
                Some(rusqlite::DatabaseName::Attached("snapshot")),
                "user_version",
                version,
            )?;
            let count = |sql: &str| -> Result<u64> {
                Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
            };
            let mut statement = conn.prepare("SELECT id FROM scans ORDER BY id")?;
            let scan_ids = statement
                .query_map([], |row| crate::types::column::<ScanId>(row, 0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((
                Manifest {
                    created_at: timestamp(created_at),
                    schema_version: version,
                    vault_id: self.anchor.vault_id().to_owned(),
                    keyed_from: self.anchor.keyed_from(),
                    audit_key: encode_hex(self.anchor.key().as_ref()).to_string(),
                    snapshot_key: encode_hex(key.as_ref()).to_string(),
                    drafts: count("SELECT count(*) FROM drafts")?,
                    scans: scan_ids.len() as u64,
                    audit_entries: count("SELECT count(*) FROM audit_log")?,
                },
                scan_ids,
            ))
        })();
        let ended = conn.execute_batch(if copied.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let copied = copied?;
        ended?;
        conn.execute_batch("DETACH DATABASE snapshot")?;
        Ok(copied)
    }
}

const STAGING_PREFIX: &str = ".restoring-";
const SNAPSHOT_PREFIX: &str = ".backup-";
/// A backup's database copy lives for the seconds it takes to stream it; one older than
/// this was left by a backup that died, and its one-off key died with it.
const SNAPSHOT_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

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
fn occupied(dir: &Path) -> Result<bool> {
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
fn verify_rekeyed(path: &Path, key: &Key) -> Result<()> {
    let conn: Connection = crate::db::connect(path, true, key)?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::BackupDamaged);
    }
    Ok(())
}
