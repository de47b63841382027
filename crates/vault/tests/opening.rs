//! Opening a vault that cannot be opened: each cause is its own error, and a failed open
//! changes no byte of the data folder and moves nothing aside.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use branchdesk_vault::{
    Error, MemoryStore, Provider, SecretStore, Sensitive, Vault, DATABASE_FILE, DATABASE_KEY_ENTRY,
    KEY_CHECK_FILE, SCHEMA_VERSION,
};

mod common;

/// Every file under `dir`, byte for byte.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A data folder holding one draft, closed again.
fn a_used_vault() -> (tempfile::TempDir, MemoryStore) {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let vault = Vault::open(dir.path(), &secrets).unwrap();
    vault
        .create_draft(&common::person("Ann Example", Provider::Cos))
        .unwrap();
    drop(vault);
    (dir, secrets)
}

fn another_key() -> Sensitive<String> {
    Sensitive::new("ab".repeat(32))
}

/// Opens, expects a failure, and checks that the folder is exactly as it was.
fn refused(dir: &Path, secrets: &MemoryStore) -> Error {
    let before = snapshot(dir);
    let error = Vault::open(dir, secrets).unwrap_err();
    assert_eq!(
        snapshot(dir),
        before,
        "a failed open changed the data folder ({error})"
    );
    error
}

#[test]
fn a_deleted_key_entry_is_reported_as_missing() {
    let (dir, secrets) = a_used_vault();
    secrets.delete(DATABASE_KEY_ENTRY).unwrap();
    let error = refused(dir.path(), &secrets);
    assert!(matches!(error, Error::DatabaseKeyMissing { .. }), "{error}");
    assert!(
        secrets.get(DATABASE_KEY_ENTRY).unwrap().is_none(),
        "no new key was made over the old database"
    );
}

#[test]
fn another_key_is_reported_as_a_wrong_key() {
    let (dir, secrets) = a_used_vault();
    secrets.set(DATABASE_KEY_ENTRY, &another_key()).unwrap();
    let error = refused(dir.path(), &secrets);
    assert!(matches!(error, Error::WrongDatabaseKey { .. }), "{error}");
}

#[test]
fn a_damaged_first_page_with_the_right_key_is_reported_as_corrupt() {
    let (dir, secrets) = a_used_vault();
    let db = dir.path().join(DATABASE_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    // Inside page 1, past SQLCipher's salt: its HMAC no longer matches.
    for byte in &mut bytes[200..260] {
        *byte ^= 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let error = refused(dir.path(), &secrets);
    assert!(matches!(error, Error::DatabaseCorrupt { .. }), "{error}");
    assert!(
        error.to_string().contains("not changed or moved"),
        "{error}"
    );
}

#[test]
fn a_file_that_is_not_a_database_at_all_is_reported_as_corrupt() {
    let (dir, secrets) = a_used_vault();
    std::fs::write(dir.path().join(DATABASE_FILE), vec![0x42; 8192]).unwrap();
    let error = refused(dir.path(), &secrets);
    assert!(matches!(error, Error::DatabaseCorrupt { .. }), "{error}");
}

#[test]
fn without_a_key_check_a_wrong_key_and_damage_cannot_be_told_apart_and_it_says_so() {
    let (dir, secrets) = a_used_vault();
    std::fs::remove_file(dir.path().join(KEY_CHECK_FILE)).unwrap();
    secrets.set(DATABASE_KEY_ENTRY, &another_key()).unwrap();
    let error = refused(dir.path(), &secrets);
    assert!(matches!(error, Error::DatabaseUnreadable { .. }), "{error}");
}

#[test]
fn an_older_database_gets_its_key_check_on_the_next_good_open() {
    let (dir, secrets) = a_used_vault();
    let check = dir.path().join(KEY_CHECK_FILE);
    std::fs::remove_file(&check).unwrap();
    drop(Vault::open(dir.path(), &secrets).unwrap());
    assert!(check.is_file());
    secrets.set(DATABASE_KEY_ENTRY, &another_key()).unwrap();
    let error = refused(dir.path(), &secrets);
    assert!(matches!(error, Error::WrongDatabaseKey { .. }), "{error}");
}

#[test]
fn a_schema_from_a_newer_version_is_reported_as_too_new() {
    let (dir, secrets) = a_used_vault();
    {
        let key = secrets.get(DATABASE_KEY_ENTRY).unwrap().unwrap();
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.expose()))
            .unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let error = refused(dir.path(), &secrets);
    match error {
        Error::DatabaseTooNew { found, .. } => assert_eq!(found, SCHEMA_VERSION + 1),
        other => panic!("{other}"),
    }
}
