use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::root;

/// A command that runs in the workspace root.
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(root());
    command
}

/// Runs `cargo ARGS` with the same toolchain that runs xtask, failing on a non-zero exit.
pub fn cargo(args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = command(&cargo, args)
        .status()
        .with_context(|| format!("running cargo {args:?}"))?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

pub fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Sets up a session of its own and runs `$1` in it: a fresh HOME and runtime folder, and a
/// session bus whose Secret Service is a fresh gnome-keyring (a real one, not the user's),
/// unlocked with a known password.
///
/// The keyring is started by D-Bus activation from a service file in the session's own data
/// folder, which the bus (and it alone) is told of through `XDG_DATA_HOME` and which wins
/// over the system's. So a client that asks before the daemon is up waits for it instead of
/// racing it, and a daemon that dies half-way is started again on the same keyring file,
/// unlocked, instead of the system's service starting a second, locked keyring that fails
/// every later test. A second start is said on standard error, so a run shows it happened.
/// The session's own programs do not see `XDG_DATA_HOME`: a test that starts a keyring of
/// its own (another computer's) must not find this one's files through it.
const SESSION: &str = r#"set -e
export HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
chmod 700 "$XDG_RUNTIME_DIR"
services="$HOME/.local/share/dbus-1/services"
mkdir -p "$services"
cat > "$HOME/.secret-service" <<'EOF'
#!/bin/sh
starts=$(( $(cat "$HOME/.secret-service-starts" 2>/dev/null || echo 0) + 1 ))
echo "$starts" > "$HOME/.secret-service-starts"
if [ "$starts" -gt 1 ]; then
    echo "session: the Secret Service had stopped; started it again on the same keyring (start $starts)" >&2
fi
printf %s branchdesk-test | exec gnome-keyring-daemon --foreground --unlock --components=secrets
EOF
chmod 700 "$HOME/.secret-service"
printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=%s\n' "$HOME/.secret-service" \
    > "$services/org.freedesktop.secrets.service"
XDG_DATA_HOME="$HOME/.local/share" exec dbus-run-session -- env -u XDG_DATA_HOME bash -c "set -e
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.StartServiceByName string:org.freedesktop.secrets uint32:0 >/dev/null
$1"
"#;

/// Runs `script` (bash) in a session of its own (see [`SESSION`]), optionally on a virtual
/// display.
pub fn isolated_session(display: bool, script: &str) -> Command {
    let home = std::env::var("HOME").unwrap_or_default();
    let session = ["bash", "-c", SESSION, "branchdesk-session", script];
    let mut command = if display {
        let mut args = vec!["-a", "-s", "-screen 0 1280x800x24"];
        args.extend(session);
        command("xvfb-run", &args)
    } else {
        command(session[0], &session[1..])
    };
    // The session gets its own HOME; cargo and rustup must still find the real toolchain.
    for (var, default) in [("CARGO_HOME", ".cargo"), ("RUSTUP_HOME", ".rustup")] {
        if std::env::var_os(var).is_none() {
            command.env(var, PathBuf::from(&home).join(default));
        }
    }
    command
}
