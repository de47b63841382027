//! The encrypted database: opening it with its key, and the schema migrations.

use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::keycheck::{self, Verdict};
use crate::keys::{self, Key, DATABASE_KEY_ENTRY, SCAN_KEY_ENTRY};
use crate::{Error, Result, SecretStore};

/// The database's file name inside the data folder.
pub const DATABASE_FILE: &str = "branchdesk.db";

/// The schema, one numbered step at a time. `PRAGMA user_version` records how many have been
/// applied; a step is never edited once released, only followed by a new one.
pub(crate) const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../migrations/0001_drafts.sql")),
    (2, include_str!("../migrations/0002_scans.sql")),
    (3, include_str!("../migrations/0003_outbox.sql")),
    (4, include_str!("../migrations/0004_audit.sql")),
    (5, include_str!("../migrations/0005_connections.sql")),
    (6, include_str!("../migrations/0006_drafts_list_index.sql")),
    (7, include_str!("../migrations/0007_fin_selfie.sql")),
    (8, include_str!("../migrations/0008_drafts_archived.sql")),
    (9, include_str!("../migrations/0009_audit_anchor.sql")),
    (10, include_str!("../migrations/0010_drafts_search_key.sql")),
    (11, include_str!("../migrations/0011_people_and_review.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Branchdesk's local store: drafts, scans, the submission outbox and the audit log.
///
/// One connection behind a lock: the app's writes are small and few, and a single writer
/// keeps SQLite's locking out of the way.
pub struct Vault {
    pub(crate) dir: PathBuf,
    pub(crate) db_path: PathBuf,
    conn: Mutex<Connection>,
    /// A second connection for the outbox runner's reads: in WAL mode it reads the last
    /// commit while the writer holds `conn` for the next one, so starting a draft never
    /// waits for another's disk flush or a batch of plans being written.
    reader: Mutex<Connection>,
    /// Writes waiting for the next group commit; see [`Vault::write_grouped`].
    queued: Mutex<Vec<Box<dyn GroupedWrite>>>,
    pub(crate) scan_key: Key,
    /// The audit log's key and its anchor in the keyring.
    pub(crate) anchor: crate::audit_anchor::Anchor,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("db_path", &self.db_path)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Opens the vault in `data_dir`, creating it on first use. The keys come from `secrets`:
    /// made there (from the OS's random source) when neither they nor the database exist
    /// yet, and never replaced when a database exists but its key is missing or wrong.
    pub fn open(data_dir: &Path, secrets: &dyn SecretStore) -> Result<Vault> {
        let dir = crate::data_dir(Some(data_dir))?;
        let db_path = dir.join(DATABASE_FILE);
        let exists = db_path
            .try_exists()
            .map_err(|source| Error::io("checking", &db_path, source))?;
        let key = match keys::load(secrets, DATABASE_KEY_ENTRY)? {
            Some(key) => key,
            None if exists => {
                return Err(Error::DatabaseKeyMissing {
                    path: db_path,
                    entry: DATABASE_KEY_ENTRY,
                })
            }
            None => keys::create(secrets, DATABASE_KEY_ENTRY)?,
        };
        let mut conn = connect(&db_path, exists, &key)
            .map_err(|error| unreadable(error, &dir, &db_path, &key))?;
        // The first page decrypted with this key, so from here on a page that fails its
        // checks is damage, not a wrong key.
        let db_file = db_path.clone();
        let as_damage = move |error| damaged(error, &db_file);
        migrate(&mut conn, &db_path).map_err(&as_damage)?;
        let anchor = crate::audit_anchor::Anchor::open(&mut conn, secrets)?;
        let reader = connect(&db_path, true, &key).map_err(&as_damage)?;
        keycheck::record(&dir, &key)?;

        let scan_key = match keys::load(secrets, SCAN_KEY_ENTRY)? {
            Some(key) => key,
            None => {
                let scans: i64 = conn
                    .query_row("SELECT count(*) FROM scans", [], |r| r.get(0))
                    .map_err(|e| as_damage(e.into()))?;
                if scans > 0 {
                    return Err(Error::ScanKeyMissing {
                        path: dir.join(crate::scans::SCANS_DIR),
                        entry: SCAN_KEY_ENTRY,
                    });
                }
                keys::create(secrets, SCAN_KEY_ENTRY)?
            }
        };

        let vault = Vault {
            dir,
            db_path,
            conn: Mutex::new(conn),
            reader: Mutex::new(reader),
            queued: Mutex::new(Vec::new()),
            scan_key,
            anchor,
        };
        vault.sweep_scans().map_err(&as_damage)?;
        vault.sweep_backup_leftovers()?;
        Ok(vault)
    }

    /// The database file.
    pub fn database_path(&self) -> &Path {
        &self.db_path
    }

    /// The data folder the vault lives in.
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // rusqlite rolls back an open transaction when it is dropped during a panic, so the
        // connection behind a poisoned lock is still consistent.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connection for reads that need not wait for a write in progress: they see the
    /// database as of the last commit.
    pub(crate) fn reader(&self) -> MutexGuard<'_, Connection> {
        self.reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `work` in a transaction shared with the other threads' grouped writes waiting
    /// at the same time, and returns once that transaction is committed: with
    /// synchronous=FULL a commit is one fsync, so writers that queue up behind a commit in
    /// progress share the next one instead of each paying their own. Nothing is returned
    /// before its commit, and a write that fails is rolled back alone (a savepoint each),
    /// leaving the others in the group to commit.
    pub(crate) fn write_grouped<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (sender, receiver) = sync_channel(1);
        self.enqueue(work, move |answer| {
            // The caller is blocked on the other end until this arrives.
            let _ = sender.send(answer);
        });
        {
            // Whoever holds the connection next commits everything queued by then. If an
            // earlier holder took this write, it was committed and answered before the
            // lock came free.
            let mut conn = self.conn();
            let group = std::mem::take(&mut *self.queue());
            if !group.is_empty() {
                commit_group(&mut conn, group);
                self.settle_anchor(&conn);
            }
        }
        receiver.recv().map_err(|_| {
            Error::Corrupt("a grouped write was dropped without an answer".to_owned())
        })?
    }

    /// Queues `work` for the next group commit; `answer` is called with its result once
    /// that commit is on disk, or has failed. Whoever next holds the connection commits it.
    pub(crate) fn enqueue<T, F, A>(&self, work: F, answer: A)
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
        A: FnOnce(Result<T>) + Send + 'static,
    {
        self.queue().push(Box::new(Queued {
            work: Some(work),
            result: None,
            answer: Some(answer),
        }));
    }

    /// Commits every write queued so far in one transaction; how many it carried.
    pub(crate) fn commit_queued(&self) -> usize {
        let mut conn = self.conn();
        let group = std::mem::take(&mut *self.queue());
        let carried = group.len();
        if carried > 0 {
            commit_group(&mut conn, group);
            self.settle_anchor(&conn);
        }
        carried
    }

    fn queue(&self) -> MutexGuard<'_, Vec<Box<dyn GroupedWrite>>> {
        self.queued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Raw SQL access for tests that tamper with the database behind the API's back.
    #[cfg(test)]
    pub(crate) fn raw(&self) -> MutexGuard<'_, Connection> {
        self.conn()
    }
}

/// A write queued for a group commit, its result type erased.
trait GroupedWrite: Send {
    /// Runs the write inside the group's transaction; `false` if it failed.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the group's fate is known.
    fn answer(self: Box<Self>, commit: std::result::Result<(), &rusqlite::Error>);
}

struct Queued<T, F, A> {
    work: Option<F>,
    result: Option<Result<T>>,
    answer: Option<A>,
}

impl<T, F, A> GroupedWrite for Queued<T, F, A>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T> + Send,
    A: FnOnce(Result<T>) + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let result = match self.work.take() {
            Some(work) => work(conn),
            None => Err(Error::Corrupt("a grouped write ran twice".to_owned())),
        };
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn answer(self: Box<Self>, commit: std::result::Result<(), &rusqlite::Error>) {
        let Queued { result, answer, .. } = *self;
        let result = match (commit, result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(Error::Corrupt("a grouped write never ran".to_owned())),
            (Err(error), _) => Err(Error::Database(copy_error(error))),
        };
        if let Some(answer) = answer {
            answer(result);
        }
    }
}

fn commit_group(conn: &mut Connection, mut group: Vec<Box<dyn GroupedWrite>>) {
    let outcome = run_group(conn, &mut group);
    for write in group {
        write.answer(outcome.as_ref().copied());
    }
}

fn run_group(conn: &mut Connection, group: &mut [Box<dyn GroupedWrite>]) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for write in group {
        // Prepared once and kept: a group commit runs these for every write it carries.
        tx.prepare_cached("SAVEPOINT grouped_write")?.execute([])?;
        if !write.run(&tx) {
            tx.prepare_cached("ROLLBACK TO grouped_write")?
                .execute([])?;
        }
        tx.prepare_cached("RELEASE grouped_write")?.execute([])?;
    }
    tx.commit()
}

/// The same failure for each write of a group that did not commit.
fn copy_error(error: &rusqlite::Error) -> rusqlite::Error {
    match error {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    }
}

/// Why a database whose first page would not decrypt cannot be read, as its key check
/// tells: a wrong key, a damaged file, or no way to know.
fn unreadable(error: Error, dir: &Path, path: &Path, key: &Key) -> Error {
    let Error::WrongDatabaseKey { entry, .. } = error else {
        return error;
    };
    let path = path.to_path_buf();
    match keycheck::verdict(dir, key) {
        Verdict::Matches => Error::DatabaseCorrupt { path },
        Verdict::Differs => Error::WrongDatabaseKey { path, entry },
        Verdict::Unknown => Error::DatabaseUnreadable { path, entry },
    }
}

/// A failure reading a database already opened with its key: SQLite's "malformed" and
/// SQLCipher's failed page check both mean the file is damaged.
fn damaged(error: Error, path: &Path) -> Error {
    let code = match &error {
        Error::Database(rusqlite::Error::SqliteFailure(e, _))
        | Error::Migration {
            source: rusqlite::Error::SqliteFailure(e, _),
            ..
        } => Some(e.code),
        Error::WrongDatabaseKey { .. } => Some(ErrorCode::NotADatabase),
        _ => None,
    };
    match code {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Error::DatabaseCorrupt {
            path: path.to_path_buf(),
        },
        _ => error,
    }
}

pub(crate) fn connect(path: &Path, exists: bool, key: &Key) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if !exists {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;

    // Without SQLCipher linked in, `PRAGMA key` is silently ignored and everything would be
    // written in the clear: refuse rather than trust the build's feature flags.
    let cipher: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |row| row.get(0))
        .ok();
    if cipher.as_deref().is_none_or(str::is_empty) {
        return Err(Error::NotEncrypted);
    }

    // A raw key skips SQLCipher's passphrase derivation: the key is already random.
    let pragma = zeroize::Zeroizing::new(format!(
        "PRAGMA key = \"x'{}'\";",
        keys::encode_hex(key.as_ref()).as_str()
    ));
    conn.execute_batch(&pragma)?;

    // The key is only checked when a page is read. A first page that fails its check is
    // reported as a wrong key here; `unreadable` asks the key check which it really is.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(error, _)) if error.code == ErrorCode::NotADatabase => {
            return Err(Error::WrongDatabaseKey {
                path: path.to_path_buf(),
                entry: DATABASE_KEY_ENTRY,
            })
        }
        Err(error) => return Err(error.into()),
    }

    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Corrupt(format!(
            "the database refused WAL mode (it stayed in `{mode}`)"
        )));
    }
    // A draft saved is a draft kept, even through a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // macOS's fsync does not reach the disk's platters; F_FULLFSYNC does.
    #[cfg(target_os = "macos")]
    {
        conn.pragma_update(None, "fullfsync", "ON")?;
        conn.pragma_update(None, "checkpoint_fullfsync", "ON")?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement and savepoint journals, sorts and temporary tables stay in memory: no page
    // of the database ever goes to a temporary file, and a grouped write's savepoint costs
    // no file writes.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    // A step that rebuilds a table drops it: with foreign keys on, that would delete every
    // row that refers to it. SQLite's documented procedure turns them off around the
    // transaction (it cannot be changed inside one) and checks them before each commit.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = migrate_steps(conn, path);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrated
}

fn migrate_steps(conn: &mut Connection, path: &Path) -> Result<()> {
    loop {
        // IMMEDIATE takes the write lock before reading the version, so two processes
        // opening an old database at once apply each step exactly once.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: u32 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::DatabaseTooNew {
                path: path.to_path_buf(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Some((version, sql)) = MIGRATIONS.iter().find(|(v, _)| *v == found + 1) else {
            return Ok(());
        };
        tx.execute_batch(sql)
            .and_then(|()| fill_in_rust(&tx, *version))
            .and_then(|()| foreign_keys_hold(&tx))
            .and_then(|()| tx.pragma_update(None, "user_version", version))
            .map_err(|source| Error::Migration {
                version: *version,
                source,
            })?;
        tx.commit()?;
    }
}

/// Refuses a step that left a row referring to one that is gone.
fn foreign_keys_hold(conn: &Connection) -> rusqlite::Result<()> {
    let broken: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |row| row.get(0))
        .optional()?;
    match broken {
        None => Ok(()),
        Some(table) => Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
            Some(format!("a row of `{table}` refers to one that is gone")),
        )),
    }
}

/// What a step needs that SQL cannot compute, in the step's own transaction.
fn fill_in_rust(conn: &Connection, version: u32) -> rusqlite::Result<()> {
    match version {
        10 => crate::draft_search::fill_search_keys(conn),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vault_can_be_shared_between_threads() {
        // The app keeps one vault in its state and calls it from async commands.
        fn shareable<T: Send + Sync>() {}
        shareable::<Vault>();
    }

    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (index, (version, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version as usize, index + 1);
        }
    }

    #[test]
    fn a_new_vault_is_encrypted_in_wal_mode_at_the_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = crate::MemoryStore::default();
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        let conn = vault.raw();
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let temp: i64 = conn
            .pragma_query_value(None, "temp_store", |r| r.get(0))
            .unwrap();
        assert_eq!(temp, 2, "MEMORY");
    }
}
