//! Test-only helpers shared by several crates' tests (see README.md).

use std::process::{Command, Stdio};

/// Sets up the session and runs `$1` in it. As in `cargo xtask test`'s own session, the
/// keyring is started by D-Bus activation from a service file only the bus is told of
/// (through `XDG_DATA_HOME`): a client that asks early waits for it instead of racing it,
/// and a daemon that dies is started again, unlocked, on the same keyring file.
const SESSION: &str = r#"set -e
export HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
chmod 700 "$XDG_RUNTIME_DIR"
printf %s "$OWN_KEYRING_PASSWORD" > "$HOME/.keyring-password"
chmod 600 "$HOME/.keyring-password"
unset OWN_KEYRING_PASSWORD
printf '#!/bin/sh\nexec gnome-keyring-daemon --foreground --unlock --components=secrets < "$HOME/.keyring-password"\n' \
    > "$HOME/.secret-service"
chmod 700 "$HOME/.secret-service"
services="$HOME/.local/share/dbus-1/services"
mkdir -p "$services"
printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=%s\n' "$HOME/.secret-service" \
    > "$services/org.freedesktop.secrets.service"
XDG_DATA_HOME="$HOME/.local/share" exec dbus-run-session -- env -u XDG_DATA_HOME bash -c "set -e
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.StartServiceByName string:org.freedesktop.secrets uint32:0 >/dev/null
$1"
"#;

/// `script` (bash, `set -e`) in a session bus and an unlocked gnome-keyring of its own, with
/// a fresh `HOME` and `XDG_RUNTIME_DIR`, so its secrets are apart from the keyring the rest
/// of the run uses: another computer, or a keyring the test may lock or kill. The keyring
/// answers on the bus before the script runs. Standard input is empty; the caller sets the
/// environment and reads the output.
pub fn own_keyring(password: &str, script: &str) -> Command {
    let mut command = Command::new("bash");
    command
        .args(["-c", SESSION, "own-keyring", script])
        .env("OWN_KEYRING_PASSWORD", password)
        .stdin(Stdio::null());
    command
}
