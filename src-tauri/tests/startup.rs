//! The app binary on a data folder it cannot open: the keyring out of reach, the database's
//! key deleted or replaced, the database damaged or from a newer version. Each time the
//! message box says what happened and what to do (its text recorded through the
//! `e2e-hooks` feature's `BRANCHDESK_E2E_DIALOGS`, as if staff had pressed OK), the log in
//! the data folder says the same, the process exits with code 2 without a panic, and every
//! file of the data folder is as it was (only `logs/` gains the lines).
//!
//! `cargo xtask test` runs these under Xvfb with their own session bus and an unlocked
//! gnome-keyring, since they change the keyring's entries.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use branchdesk_vault::{
    KeyringStore, SecretStore, Sensitive, Vault, DATABASE_FILE, DATABASE_KEY_ENTRY, SCHEMA_VERSION,
};

/// The app's namespace in a debug build.
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

struct Ended {
    code: Option<i32>,
    stderr: String,
    dialog: String,
}

impl Folder {
    /// A data folder with a vault in it, made with the keyring's current key.
    fn used() -> Folder {
        let folder = Folder {
            root: tempfile::tempdir().unwrap(),
        };
        drop(Vault::open(&folder.data(), &keyring()).unwrap());
        folder
    }

    fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// Starts the app on this folder and waits for it to end (a window that opens instead
    /// is a failure: it is closed after a minute).
    fn start(&self, env: &[(&str, &str)]) -> Ended {
        let dialogs = self.root.path().join("dialogs.txt");
        let _ = std::fs::remove_file(&dialogs);
        let mut app = Command::new(env!("CARGO_BIN_EXE_branchdesk"));
        // The window opens before the vault does, so the app needs the display even where
        // the keyring's own prompts must not have it (see the locked keyring's test).
        if let Some(display) = std::env::var_os(APP_DISPLAY) {
            app.env("DISPLAY", display);
        }
        let mut child = app
            .env("BRANCHDESK_DATA_DIR", self.data())
            .env("BRANCHDESK_E2E_DIALOGS", &dialogs)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                child.kill().unwrap();
                panic!("the app started instead of refusing the folder");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        Ended {
            code: out.status.code(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            dialog: std::fs::read_to_string(&dialogs).unwrap_or_default(),
        }
    }

    /// Every file outside `logs/` and `webview/`, byte for byte, but the folder's lock
    /// files. The window opens while the vault does, so WebKit may have made its own storage
    /// (`webview/`) by the time the failure is shown; the page keeps nothing there.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut pending = vec![self.data()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if path
                        .file_name()
                        .is_some_and(|n| n != "logs" && n != "webview")
                    {
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

    /// Starts the app and expects the refusal titled `title`, its text holding `says`.
    fn refused(&self, title: &str, says: &str, env: &[(&str, &str)]) {
        let before = self.snapshot();
        assert!(before.keys().any(|p| p.ends_with(DATABASE_FILE)));
        let ended = self.start(env);
        assert_eq!(ended.code, Some(2), "{}", ended.stderr);
        assert!(!ended.stderr.contains("panicked"), "{}", ended.stderr);
        let mut lines = ended.dialog.lines();
        assert_eq!(lines.next(), Some(title), "{}", ended.dialog);
        assert!(ended.dialog.contains(says), "{}", ended.dialog);
        assert!(
            ended
                .dialog
                .contains(&self.data().join("logs").display().to_string()),
            "the message says where the log is: {}",
            ended.dialog
        );
        assert_eq!(self.snapshot(), before, "the data folder changed");
        let log = self.log();
        let failed = log
            .lines()
            .find(|l| l.contains("ERROR") && l.contains("start-up failed"))
            .unwrap_or_else(|| panic!("no start-up line in the log: {log}"));
        assert!(failed.contains(title) && failed.contains(says), "{failed}");
    }
}

fn another_key() -> Sensitive<String> {
    let hex: String = [uuid(), uuid()].concat();
    Sensitive::new(hex)
}

fn uuid() -> String {
    // 32 hex digits from the clock and the process; only needs to differ from the real key.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:032x}", nanos ^ u128::from(std::process::id()))
}

#[test]
#[ignore = "needs the e2e-hooks build, a display and an isolated Secret Service: run by cargo xtask test"]
fn start_up_failures_are_shown_logged_and_change_nothing() {
    let folder = Folder::used();
    folder.refused(
        "Branchdesk cannot reach the keyring",
        "could not be reached",
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")],
    );

    let store = keyring();
    let folder = Folder::used();
    let kept = store.get(DATABASE_KEY_ENTRY).unwrap().unwrap();
    store.delete(DATABASE_KEY_ENTRY).unwrap();
    folder.refused(
        "The database's key is missing",
        "is missing from the keyring",
        &[],
    );
    assert!(store.get(DATABASE_KEY_ENTRY).unwrap().is_none());
    store.set(DATABASE_KEY_ENTRY, &kept).unwrap();

    let folder = Folder::used();
    store.set(DATABASE_KEY_ENTRY, &another_key()).unwrap();
    folder.refused(
        "The database's key does not match",
        "was made with a different key",
        &[],
    );
    store.set(DATABASE_KEY_ENTRY, &kept).unwrap();

    let folder = Folder::used();
    let db = folder.data().join(DATABASE_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    for byte in &mut bytes[300..340] {
        *byte ^= 0xa5;
    }
    std::fs::write(&db, &bytes).unwrap();
    folder.refused(
        "The database is damaged",
        "has not changed or moved it",
        &[],
    );

    let folder = Folder::used();
    {
        let conn = rusqlite::Connection::open(db_of(&folder)).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", kept.expose()))
            .unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    folder.refused(
        "The database is from a newer Branchdesk",
        "Install the newer Branchdesk",
        &[],
    );
}

fn db_of(folder: &Folder) -> PathBuf {
    folder.data().join(DATABASE_FILE)
}

/// Set in the copy of this test that runs inside its own keyring session.
const INSIDE: &str = "BRANCHDESK_TEST_INSIDE_OWN_KEYRING";
/// The display the app's window opens on, there: the session's own programs (the keyring's
/// unlock prompt) have none.
const APP_DISPLAY: &str = "BRANCHDESK_TEST_APP_DISPLAY";

#[test]
#[ignore = "needs the e2e-hooks build, dbus-run-session and gnome-keyring: run by cargo xtask test"]
fn a_locked_keyring_is_shown_logged_and_changes_nothing() {
    if std::env::var_os(INSIDE).is_none() {
        // A locked collection cannot be unlocked again without a person at a prompt, so
        // this test runs again in a session bus and keyring of its own; without a display
        // there, the unlock prompt is dismissed at once instead of waiting for someone.
        let name = "a_locked_keyring_is_shown_logged_and_changes_nothing";
        let script = format!("\"$SELF\" --ignored --exact {name} --nocapture");
        let out = branchdesk_test_support::own_keyring("own-keyring", &script)
            .env("SELF", std::env::current_exe().unwrap())
            .env(INSIDE, "1")
            .env(APP_DISPLAY, std::env::var_os("DISPLAY").unwrap_or_default())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}\n{stderr}"
        );
        return;
    }
    let folder = Folder::used();
    let locked = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(locked.status.success(), "{locked:?}");
    folder.refused("The keyring is locked", "Unlock it", &[]);
}
