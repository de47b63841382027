//! The archive's format, as both sides read it: the header's constants, the record
//! marks, the manifest, and the key derived from the passphrase.

use std::path::PathBuf;

use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::keys::{encode_hex, Key};
use crate::{Error, Result, Sensitive};

pub(super) const MAGIC: &[u8; 8] = b"BDBACKUP";
pub(super) const FORMAT: u8 = 1;
pub(super) const SALT_LEN: usize = 16;
pub(super) const STREAM_NONCE_LEN: usize = 19;
pub(super) const HEADER_LEN: usize = MAGIC.len() + 1 + 12 + SALT_LEN + STREAM_NONCE_LEN;
pub(super) const MAX_MANIFEST: u32 = 1024 * 1024;

/// Argon2id as OWASP suggests for interactive use: 64 MiB, 3 passes, 1 lane.
pub(super) const ARGON_MEMORY_KIB: u32 = 64 * 1024;
pub(super) const ARGON_PASSES: u32 = 3;
pub(super) const ARGON_LANES: u32 = 1;
/// What a restore accepts from a header, so a hostile one cannot ask for gigabytes.
pub(super) const ARGON_MAX_MEMORY_KIB: u32 = 256 * 1024;
pub(super) const ARGON_MAX_PASSES: u32 = 16;
pub(super) const ARGON_MAX_LANES: u32 = 8;

/// The shortest passphrase a backup accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// The audit action recorded first in a restored vault.
pub const RESTORED_ACTION: &str = "vault.restored";

pub(super) const RECORD_MANIFEST: u8 = b'M';
pub(super) const RECORD_DATABASE: u8 = b'D';
pub(super) const RECORD_SCAN: u8 = b'S';
pub(super) const RECORD_END: u8 = b'E';

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Manifest {
    pub(super) created_at: String,
    pub(super) schema_version: u32,
    pub(super) vault_id: String,
    pub(super) keyed_from: i64,
    pub(super) audit_key: String,
    pub(super) snapshot_key: String,
    pub(super) drafts: u64,
    pub(super) scans: u64,
    pub(super) audit_entries: u64,
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
pub(super) fn derive(passphrase: &Sensitive<String>, salt: &[u8], params: [u32; 3]) -> Result<Key> {
    let [memory, passes, lanes] = params;
    let params = Params::new(memory, passes, lanes, Some(32)).map_err(|_| Error::BackupDamaged)?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.expose().as_bytes(), salt, key.as_mut())
        .map_err(|_| Error::BackupDamaged)?;
    Ok(key)
}

/// Removes a path when dropped, unless kept.
pub(super) struct Cleanup {
    pub(super) paths: Vec<PathBuf>,
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

pub(super) fn raw_key_literal(key: &Key) -> Zeroizing<String> {
    Zeroizing::new(format!("x'{}'", encode_hex(key.as_ref()).as_str()))
}

pub(super) fn ensure_passphrase(passphrase: &Sensitive<String>) -> Result<()> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::BackupPassphraseTooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

pub(super) const STAGING_PREFIX: &str = ".restoring-";
pub(super) const SNAPSHOT_PREFIX: &str = ".backup-";
/// A backup's database copy lives for the seconds it takes to stream it; one older than
/// this was left by a backup that died, and its one-off key died with it.
pub(super) const SNAPSHOT_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);
