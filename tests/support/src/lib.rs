//! Test-only helpers shared by several crates' tests (see README.md).

use std::process::{Command, Stdio};

/// `script` (bash, `set -e`) in a session bus and an unlocked gnome-keyring of its own, with
/// a fresh `HOME` and `XDG_RUNTIME_DIR`, so its secrets are apart from the keyring the rest
/// of the run uses: another computer, or a keyring the test may lock. It waits until the
/// keyring answers on the bus before the script runs. Standard input is empty; the caller
/// sets the environment and reads the output.
pub fn own_keyring(password: &str, script: &str) -> Command {
    let inner = format!(
        "set -e; export HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d); \
         chmod 700 \"$XDG_RUNTIME_DIR\"; \
         eval \"$(printf %s \"$OWN_KEYRING_PASSWORD\" | gnome-keyring-daemon --unlock --components=secrets)\"; \
         for _ in $(seq 50); do dbus-send --session --print-reply \
           --dest=org.freedesktop.DBus /org/freedesktop/DBus \
           org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
           | grep -q 'boolean true' && break; sleep 0.1; done; \
         unset OWN_KEYRING_PASSWORD; {script}"
    );
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "bash", "-c", &inner])
        .env("OWN_KEYRING_PASSWORD", password)
        .stdin(Stdio::null());
    command
}
