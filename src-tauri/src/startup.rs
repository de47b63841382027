//! Start-up before any window: the data folder, the log, the vault and the desk. When one
//! of them fails (the keyring cannot be reached or is locked, the database's key is gone or
//! is not its key, the database is damaged or from a newer version), Branchdesk says what
//! happened and what to do in a native message box, writes the same to its log, and ends
//! with exit code [`EXIT_CODE`] — without a panic, and without changing or moving anything
//! in the data folder (it is left for the person who restores it).

use std::path::Path;

use branchdesk_engine::store::VaultError;
use branchdesk_engine::Error;

/// The exit code of a start-up that could not go on (the CLI uses the same for a refusal).
pub const EXIT_CODE: i32 = 2;

/// A start-up failure as staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Says what failed, in a few words.
    pub title: &'static str,
    /// What happened and what to do; the error's own text, which ends with the remedy.
    pub message: String,
}

impl Problem {
    pub fn of(error: &Error, logs: Option<&Path>) -> Problem {
        let title = match error {
            Error::Vault(vault) => match vault {
                VaultError::KeyringUnavailable { .. } => "Branchdesk cannot reach the keyring",
                VaultError::KeyringLocked { .. } => "The keyring is locked",
                VaultError::Keyring(_) => "The keyring refused access",
                VaultError::DatabaseKeyMissing { .. } => "The database's key is missing",
                VaultError::WrongDatabaseKey { .. } => "The database's key does not match",
                VaultError::DatabaseCorrupt { .. } => "The database is damaged",
                VaultError::DatabaseUnreadable { .. } => "The database cannot be read",
                VaultError::DatabaseTooNew { .. } => "The database is from a newer Branchdesk",
                VaultError::ScanKeyMissing { .. } => "The scans' key is missing",
                VaultError::InvalidKey { .. } => "A key in the keyring is damaged",
                VaultError::NoDataDir | VaultError::DataDir { .. } => {
                    "Branchdesk's data folder cannot be used"
                }
                _ => "Branchdesk could not start",
            },
            _ => "Branchdesk could not start",
        };
        let mut message = error.to_string();
        if let Some(logs) = logs {
            message.push_str(&format!(
                "\n\nThis is also written to the log in {}.",
                logs.display()
            ));
        }
        Problem { title, message }
    }
}

/// Logs the problem, shows it, and ends the process.
pub fn fail(error: &Error, logs: Option<&Path>) -> ! {
    let problem = Problem::of(error, logs);
    // The vault's start-up errors name files, keyring entries and versions, never data.
    tracing::error!(title = problem.title, error = %error.for_log(), "start-up failed");
    eprintln!("branchdesk: {}: {}", problem.title, problem.message);
    show(&problem);
    tracing::info!(code = EXIT_CODE, "exiting");
    std::process::exit(EXIT_CODE);
}

/// A blocking message box, before any event loop exists. With the `e2e-hooks` feature and
/// `BRANCHDESK_E2E_DIALOGS` set, the box is not shown: its title and text are appended to
/// that file instead, as if staff had read it and pressed OK.
fn show(problem: &Problem) {
    #[cfg(feature = "e2e-hooks")]
    if let Some(file) = std::env::var_os("BRANCHDESK_E2E_DIALOGS") {
        use std::io::Write;
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| writeln!(f, "{}\n{}", problem.title, problem.message));
        if let Err(error) = written {
            tracing::error!(%error, "the dialog's text could not be recorded");
        }
        return;
    }
    if !has_display() {
        return;
    }
    // A toolkit that cannot start must not turn a clear message into a crash: the text is
    // already on standard error and in the log. (Release builds abort on panic, so there
    // the process ends here instead, after the same text has gone to both.)
    let shown = std::panic::catch_unwind(|| {
        rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title(problem.title)
            .set_description(problem.message.as_str())
            .set_buttons(rfd::MessageButtons::Ok)
            .show()
    });
    if shown.is_err() {
        tracing::error!("the message box could not be shown");
    }
}

/// On Linux and the BSDs a window needs an X or Wayland display; elsewhere there is always
/// one.
fn has_display() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn each_start_up_failure_has_its_own_title_and_says_what_to_do() {
        let path = PathBuf::from("/data/branchdesk.db");
        let cases = [
            VaultError::KeyringUnavailable {
                detail: "no Secret Service".into(),
            },
            VaultError::KeyringLocked {
                detail: "locked".into(),
            },
            VaultError::DatabaseKeyMissing {
                path: path.clone(),
                entry: "database-key",
            },
            VaultError::WrongDatabaseKey {
                path: path.clone(),
                entry: "database-key",
            },
            VaultError::DatabaseCorrupt { path: path.clone() },
            VaultError::DatabaseTooNew {
                path,
                found: 9,
                supported: 7,
            },
        ];
        let mut titles = Vec::new();
        for case in cases {
            let problem = Problem::of(&Error::Vault(case), Some(Path::new("/data/logs")));
            assert!(problem.message.contains("/data/logs"), "{problem:?}");
            assert!(
                ["again", "Restore", "Install"]
                    .iter()
                    .any(|remedy| problem.message.contains(remedy)),
                "says what to do: {problem:?}"
            );
            titles.push(problem.title);
        }
        let count = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), count, "{titles:?}");
    }
}
