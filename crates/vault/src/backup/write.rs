//! Making a backup: the manifest, a consistent copy of the database, and every scan,
//! sealed chunk by chunk into one file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::EncryptorBE32;
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::XChaCha20Poly1305;
use chrono::{DateTime, Utc};
use rusqlite::params;
use zeroize::Zeroizing;

use crate::keys::{self, encode_hex, random_bytes, random_key, Key};
use crate::types::timestamp;
use crate::{Error, Result, ScanId, Sensitive, Vault, DATABASE_KEY_ENTRY};

use super::format::*;
use super::stream::*;

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
