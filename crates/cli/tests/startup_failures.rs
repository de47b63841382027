//! The CLI on a data folder it cannot open: the keyring out of reach, the database's key
//! deleted or replaced, the database damaged or from a newer version. Each time it says what
//! happened and what to do, exits 2 without a panic, writes the same to its log, and leaves
//! every file of the data folder as it was (only `logs/` gains the line). And a keyring
//! that dies while answering: the CLI asks once more and carries on.
//!
//! These change the keyring's entries, so they need the isolated Secret Service that
//! `cargo xtask test` starts (and its own test binary, so no other test sees the changes).

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use branchdesk_vault::{
    KeyringStore, SecretStore, Sensitive, DATABASE_FILE, DATABASE_KEY_ENTRY, SCHEMA_VERSION,
};

/// The CLI's own namespace: debug builds share `dev`.
fn keyring() -> KeyringStore {
    KeyringStore::new(if cfg!(debug_assertions) {
        "dev"
    } else {
        "production"
    })
}

struct Folder {
    root: tempfile::TempDir,
}

impl Folder {
    /// A data folder with a vault made by the CLI itself.
    fn used() -> Folder {
        let folder = Folder {
            root: tempfile::tempdir().unwrap(),
        };
        let out = folder.run(&["draft", "list"], &[]);
        assert!(out.status.success(), "{out:?}");
        folder
    }

    fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_branchdesk-cli"));
        command
            .arg("--data-dir")
            .arg(self.data())
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null());
        command.output().unwrap()
    }

    /// Every file outside `logs/`, byte for byte, but the folder's lock files.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut pending = vec![self.data()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if path.file_name().is_some_and(|n| n != "logs") {
                        pending.push(path);
                    }
                } else if !path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("branchdesk.lock"))
                {
                    // The folder's lock (and who holds it) is no data: taken by every start.
                    files.insert(path.clone(), std::fs::read(&path).unwrap());
                }
            }
        }
        files
    }

    fn log(&self) -> String {
        let mut text = String::new();
        for entry in std::fs::read_dir(self.data().join("logs")).unwrap() {
            text += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
        }
        text
    }

    /// Opens the vault and expects the refusal `expected` says, with nothing changed.
    fn refused(&self, expected: &str, env: &[(&str, &str)]) {
        let before = self.snapshot();
        assert!(before.keys().any(|p| p.ends_with(DATABASE_FILE)));
        let out = self.run(&["draft", "list"], env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert_eq!(self.snapshot(), before, "the data folder changed: {stderr}");
        let log = self.log();
        let failed = log
            .lines()
            .find(|l| l.contains("ERROR") && l.contains("failed"))
            .unwrap_or_else(|| panic!("no error line in the log: {log}"));
        assert!(failed.contains(expected), "{failed}");
    }
}

/// Runs `script` in a session bus and gnome-keyring of its own, unlocked, with no display
/// (so an unlock prompt is dismissed at once instead of waiting for someone). `$CLI` is the
/// binary under test and `$DATA` the folder's data directory.
fn in_own_keyring(folder: &Folder, script: &str) -> Output {
    branchdesk_test_support::own_keyring("own-keyring", script)
        .env("CLI", env!("CARGO_BIN_EXE_branchdesk-cli"))
        .env("DATA", folder.data())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

fn random_key() -> Sensitive<String> {
    let bytes: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .chain(uuid::Uuid::new_v4().simple().to_string().chars())
        .collect();
    Sensitive::new(bytes)
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn start_up_failures_are_told_logged_and_change_nothing() {
    // No Secret Service at all: the session bus is not there.
    let folder = Folder::used();
    folder.refused(
        "keyring could not be reached",
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")],
    );

    // The database's key entry deleted.
    let folder = Folder::used();
    let store = keyring();
    let kept = store.get(DATABASE_KEY_ENTRY).unwrap().unwrap();
    store.delete(DATABASE_KEY_ENTRY).unwrap();
    folder.refused("is missing from the keyring", &[]);
    assert!(
        store.get(DATABASE_KEY_ENTRY).unwrap().is_none(),
        "no new key was made over the database"
    );
    store.set(DATABASE_KEY_ENTRY, &kept).unwrap();

    // Another key in the entry.
    let folder = Folder::used();
    store.set(DATABASE_KEY_ENTRY, &random_key()).unwrap();
    folder.refused("was made with a different key", &[]);
    store.set(DATABASE_KEY_ENTRY, &kept).unwrap();
    // The right key back: the same folder opens, nothing was lost.
    let out = folder.run(&["draft", "list"], &[]);
    assert!(out.status.success(), "{out:?}");

    // Damage inside the first page, the right key in the keyring.
    let folder = Folder::used();
    let db = folder.data().join(DATABASE_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    for byte in &mut bytes[300..340] {
        *byte ^= 0xa5;
    }
    std::fs::write(&db, &bytes).unwrap();
    folder.refused("is damaged", &[]);
    assert!(db.is_file(), "not moved aside");

    // A schema from a newer version.
    let folder = Folder::used();
    {
        let conn = rusqlite::Connection::open(folder.data().join(DATABASE_FILE)).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", kept.expose()))
            .unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    folder.refused("was written by a newer Branchdesk", &[]);
}

#[test]
#[ignore = "needs dbus-run-session and gnome-keyring: run by cargo xtask test"]
fn a_locked_keyring_is_told_logged_and_changes_nothing() {
    // Its own keyring, since a locked collection cannot be unlocked again without a
    // person at a prompt: a vault is made, the collection locked, the folder copied, and
    // the CLI run again on it.
    let folder = Folder {
        root: tempfile::tempdir().unwrap(),
    };
    let before = folder.root.path().join("before");
    let out = in_own_keyring(
        &folder,
        &format!(
            "\"$CLI\" --data-dir \"$DATA\" draft list >/dev/null; \
             dbus-send --session --print-reply --dest=org.freedesktop.secrets \
               /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock \
               array:objpath:/org/freedesktop/secrets/collection/login >/dev/null; \
             cp -a \"$DATA\" '{}'; \
             set +e; \"$CLI\" --data-dir \"$DATA\" draft list; echo \"exit=$?\"",
            before.display()
        ),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("exit=2"), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let expected = "keyring is locked";
    assert!(stderr.contains(expected), "{stderr}");
    let copy = Folder {
        root: tempfile::tempdir().unwrap(),
    };
    std::fs::rename(&before, copy.data()).unwrap();
    let relative = |folder: &Folder| -> BTreeMap<PathBuf, Vec<u8>> {
        folder
            .snapshot()
            .into_iter()
            .map(|(path, bytes)| (path.strip_prefix(folder.data()).unwrap().to_owned(), bytes))
            .collect()
    };
    assert!(relative(&folder).contains_key(std::path::Path::new(DATABASE_FILE)));
    assert!(
        relative(&folder) == relative(&copy),
        "the data folder changed"
    );
    let log = folder.log();
    let failed = log
        .lines()
        .find(|l| l.contains("ERROR") && l.contains("failed"))
        .unwrap_or_else(|| panic!("no error line in the log: {log}"));
    assert!(failed.contains(expected), "{failed}");
}

#[test]
#[ignore = "needs dbus-run-session and gnome-keyring: run by cargo xtask test"]
fn a_keyring_that_dies_while_answering_is_asked_once_more_and_nothing_is_lost() {
    // Its own keyring, since the test kills it. The keyring is stopped (SIGSTOP), the CLI
    // started, and the keyring killed only once the bus has passed it the CLI's call, so
    // the call is in flight when the service goes: the bus answers "disconnected without
    // replying", and the session bus starts the keyring again for the next call.
    let folder = Folder {
        root: tempfile::tempdir().unwrap(),
    };
    let out = in_own_keyring(
        &folder,
        r#""$CLI" --data-dir "$DATA" draft list >/dev/null
keyring=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets \
    | awk '/uint32/ { print $2 }')
dbus-monitor --session "type='method_call',destination='org.freedesktop.secrets'" > "$HOME/calls" &
calls() { grep -c 'method call.*destination=org.freedesktop.secrets' "$HOME/calls" || true; }
for _ in $(seq 100); do
    [ "$(calls)" -gt 0 ] && break
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
        org.freedesktop.DBus.Peer.Ping >/dev/null
    sleep 0.1
done
seen=$(calls)
kill -STOP "$keyring"
"$CLI" --data-dir "$DATA" draft list > "$HOME/during" 2>&1 &
cli=$!
for _ in $(seq 100); do [ "$(calls)" -gt "$seen" ] && break; sleep 0.1; done
echo "in flight: $(( $(calls) - seen ))"
kill -KILL "$keyring"
set +e
wait "$cli"; echo "during=$?"
cat "$HOME/during" >&2
"$CLI" --data-dir "$DATA" draft list >/dev/null; echo "after=$?"
"#,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("in flight: 1"), "{stdout}\n{stderr}");
    assert!(stdout.contains("during=0"), "{stdout}\n{stderr}");
    assert!(stdout.contains("after=0"), "{stdout}\n{stderr}");
    let log = folder.log();
    assert!(
        log.contains("the keyring's service stopped while answering; asking it once more"),
        "{log}"
    );
    assert!(!log.contains("ERROR"), "{log}");
}
