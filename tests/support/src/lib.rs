//! Test-only helpers shared by several crates' tests and `cargo xtask test` (see README.md).

use std::process::{Command, Stdio};

/// Bash that sets up a session of its own and runs `$1` in it: a fresh `HOME` and runtime
/// folder, and a session bus whose Secret Service is a fresh gnome-keyring (a real one, not
/// the user's), unlocked with the password in `SESSION_KEYRING_PASSWORD`.
///
/// The keyring is started by D-Bus activation from a service file in the session's own data
/// folder, which the bus (and it alone) is told of through `XDG_DATA_HOME` and which wins
/// over the system's. So a client that asks before the daemon is up waits for it instead of
/// racing it, and a daemon that dies half-way is started again on the same keyring file,
/// unlocked, instead of the system's service starting a second, locked keyring that fails
/// every later call. A second start is said on standard error, so a run shows it happened.
/// The session's own programs do not see `XDG_DATA_HOME`: a test that starts a keyring of
/// its own (another computer's) must not find this one's files through it.
pub const SESSION: &str = r#"set -e
export HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
chmod 700 "$XDG_RUNTIME_DIR"
printf %s "$SESSION_KEYRING_PASSWORD" > "$HOME/.keyring-password"
chmod 600 "$HOME/.keyring-password"
unset SESSION_KEYRING_PASSWORD
cat > "$HOME/.secret-service" <<'EOF'
#!/bin/sh
starts=$(( $(cat "$HOME/.secret-service-starts" 2>/dev/null || echo 0) + 1 ))
echo "$starts" > "$HOME/.secret-service-starts"
if [ "$starts" -gt 1 ]; then
    echo "session: the Secret Service had stopped; started it again on the same keyring (start $starts)" >&2
fi
exec gnome-keyring-daemon --foreground --unlock --components=secrets < "$HOME/.keyring-password"
EOF
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

/// `script` (bash, `set -e`) in a [`SESSION`] of its own unlocked with `password`, apart
/// from the keyring the rest of the run uses: another computer, or a keyring the test may
/// lock or kill. The keyring answers on the bus before the script runs. Standard input is
/// empty; the caller sets the environment and reads the output.
pub fn own_keyring(password: &str, script: &str) -> Command {
    let mut command = Command::new("bash");
    command
        .args(["-c", SESSION, "own-keyring", script])
        .env("SESSION_KEYRING_PASSWORD", password)
        .stdin(Stdio::null());
    command
}
