//! Telling a wrong key from a damaged database.
//!
//! SQLCipher answers "file is not a database" both when the key is wrong and when the first
//! page is damaged: each page carries an HMAC under the key, and either fault fails it. So
//! next to the database sits a small key check file: a fixed header and
//! HMAC-SHA256(key, label). It reveals nothing about the key (an HMAC output under a random
//! 256-bit key), and it depends only on the key, not on the database's contents, so damage
//! to the database leaves it intact. When the database cannot be read:
//!
//! - the check matches the keyring's key: the key is right, so the file is damaged;
//! - it does not match: the keyring holds another key;
//! - there is none (a database made before key checks, or the file deleted): no verdict.
//!
//! It is written once the database has been opened with the key (on creation, and on the
//! first successful open of an older database), never when opening fails, so a failed
//! start-up changes nothing in the data folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::keys::Key;
use crate::{Error, Result};

/// The key check's file name inside the data folder.
pub const KEY_CHECK_FILE: &str = "branchdesk.keycheck";

/// Starts every key check file; the version lets a later format live beside this one.
const HEADER: &[u8] = b"branchdesk key check v1\n";
const LABEL: &[u8] = b"branchdesk database key check";

/// What the key check says about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Matches,
    Differs,
    /// No key check file, or one this version cannot read.
    Unknown,
}

pub(crate) fn path(dir: &Path) -> PathBuf {
    dir.join(KEY_CHECK_FILE)
}

fn value(key: &Key) -> Vec<u8> {
    // HMAC takes keys of any length; a 32-byte key cannot be refused.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref()) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(LABEL);
    let mut out = HEADER.to_vec();
    out.extend_from_slice(&mac.finalize().into_bytes());
    out
}

/// Compares the stored check with `key`. Reads only.
pub(crate) fn verdict(dir: &Path, key: &Key) -> Verdict {
    let Ok(stored) = std::fs::read(path(dir)) else {
        return Verdict::Unknown;
    };
    if !stored.starts_with(HEADER) {
        return Verdict::Unknown;
    }
    // Not secret-dependent timing worth guarding: the value is public and stored in clear.
    if stored == value(key) {
        Verdict::Matches
    } else {
        Verdict::Differs
    }
}

/// Records the check for `key`, which has just opened the database, unless it is there
/// already. Written to a temporary file, flushed and renamed, so it is never half there.
pub(crate) fn record(dir: &Path, key: &Key) -> Result<()> {
    if verdict(dir, key) == Verdict::Matches {
        return Ok(());
    }
    let target = path(dir);
    let temporary = dir.join(format!("{KEY_CHECK_FILE}.new"));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&value(key))?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)
    };
    write().map_err(|source| Error::io("writing the key check", &target, source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::random_key;

    #[test]
    fn the_check_tells_the_right_key_from_another_and_says_so_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let key = random_key();
        assert_eq!(verdict(dir.path(), &key), Verdict::Unknown);
        record(dir.path(), &key).unwrap();
        assert_eq!(verdict(dir.path(), &key), Verdict::Matches);
        assert_eq!(verdict(dir.path(), &random_key()), Verdict::Differs);
        let stored = std::fs::read(path(dir.path())).unwrap();
        assert!(
            !stored.windows(32).any(|w| w == key.as_ref()),
            "the key itself is not stored"
        );
        std::fs::write(path(dir.path()), b"something else").unwrap();
        assert_eq!(verdict(dir.path(), &key), Verdict::Unknown);
    }
}
