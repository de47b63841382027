//! Opening the encrypted database: keys, restarts, schema versions and encryption at rest.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use branchdesk_vault::{
    Error, Provider, SecretStore, Sensitive, Vault, DATABASE_FILE, DATABASE_KEY_ENTRY,
    SCHEMA_VERSION,
};
use common::{person, Fixture};

#[test]
fn the_first_open_makes_a_key_and_later_opens_reuse_it() {
    let fx = Fixture::new();
    assert!(fx.secrets.get(DATABASE_KEY_ENTRY).unwrap().is_none());
    let id = fx
        .open()
        .create_draft(&person("Ada Lovelace", Provider::Cos))
        .unwrap()
        .id;
    let key = fx.secrets.get(DATABASE_KEY_ENTRY).unwrap().unwrap();
    assert_eq!(key.expose().len(), 64);

    // A new process: the same key, the same draft.
    let vault = fx.open();
    assert_eq!(fx.secrets.get(DATABASE_KEY_ENTRY).unwrap().unwrap(), key);
    let draft = vault.get_draft(id).unwrap().unwrap();
    assert_eq!(draft.summary.display_name, "Ada Lovelace");
    assert_eq!(draft.body["person"]["ssn"], "123-45-6789");
}

#[test]
fn a_missing_key_for_an_existing_database_is_an_error_and_the_file_is_untouched() {
    let fx = Fixture::new();
    drop(
        fx.open()
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap(),
    );
    let path = fx.dir.path().join(DATABASE_FILE);
    let before = std::fs::read(&path).unwrap();

    fx.secrets.delete(DATABASE_KEY_ENTRY).unwrap();
    let err = Vault::open(fx.dir.path(), &fx.secrets).unwrap_err();
    assert!(matches!(err, Error::DatabaseKeyMissing { .. }), "{err}");
    assert!(err.to_string().contains("database-key"), "{err}");
    // No new key was made behind the user's back, and the file is as it was.
    assert!(fx.secrets.get(DATABASE_KEY_ENTRY).unwrap().is_none());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_wrong_key_is_an_error_and_the_data_is_still_there_with_the_right_one() {
    let fx = Fixture::new();
    let id = fx
        .open()
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let right = fx.secrets.get(DATABASE_KEY_ENTRY).unwrap().unwrap();

    fx.secrets
        .set(DATABASE_KEY_ENTRY, &Sensitive::new("ab".repeat(32)))
        .unwrap();
    let err = Vault::open(fx.dir.path(), &fx.secrets).unwrap_err();
    assert!(matches!(err, Error::WrongDatabaseKey { .. }), "{err}");

    fx.secrets
        .set(DATABASE_KEY_ENTRY, &Sensitive::new("not a key".into()))
        .unwrap();
    let err = Vault::open(fx.dir.path(), &fx.secrets).unwrap_err();
    assert!(matches!(err, Error::InvalidKey { .. }), "{err}");

    fx.secrets.set(DATABASE_KEY_ENTRY, &right).unwrap();
    assert!(fx.open().get_draft(id).unwrap().is_some());
}

#[test]
fn a_plain_sqlite_file_in_the_way_is_not_overwritten() {
    let fx = Fixture::new();
    let path = fx.dir.path().join(DATABASE_FILE);
    {
        let plain = rusqlite::Connection::open(&path).unwrap();
        plain
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Vault::open(fx.dir.path(), &fx.secrets).unwrap_err();
    assert!(matches!(err, Error::DatabaseKeyMissing { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let fx = Fixture::new();
    drop(fx.open());
    fx.raw()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = Vault::open(fx.dir.path(), &fx.secrets).unwrap_err();
    match &err {
        Error::DatabaseTooNew {
            found, supported, ..
        } => {
            assert_eq!(*found, SCHEMA_VERSION + 1);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string().contains("Install the newer Branchdesk"),
        "{err}"
    );
}

#[test]
fn the_files_on_disk_hold_no_plaintext_of_a_draft() {
    let fx = Fixture::new();
    let name = "Zebediah Quuxworth-Plaintextcanary";
    let vault = fx.open();
    let mut input = person(name, Provider::Fin);
    input.body["person"]["ssn"] = "987-65-4321".into();
    let id = vault.create_draft(&input).unwrap().id;
    vault.save_draft(id, &input).unwrap();

    // While open (the WAL holds the latest pages) and after closing (checkpointed).
    let check = |when: &str| {
        for entry in std::fs::read_dir(fx.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for needle in [
                "Zebediah".as_bytes(),
                b"zebediah",
                b"Plaintextcanary",
                b"987-65-4321",
                b"987654321",
                b"SQLite format 3",
            ] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{} holds {:?} {when}",
                    path.display(),
                    String::from_utf8_lossy(needle)
                );
            }
        }
    };
    check("while open");
    drop(vault);
    check("after closing");
    assert!(
        std::fs::metadata(fx.dir.path().join(DATABASE_FILE))
            .unwrap()
            .len()
            > 0
    );
}
