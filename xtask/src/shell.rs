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

/// Runs `script` in its own session bus with a fresh, unlocked gnome-keyring (a real Secret
/// Service that is not the user's), optionally on a virtual display.
/// The daemon answers before it owns its bus name; a client that asks in between gets a
/// second, locked keyring started by D-Bus activation. Wait (up to 5 s) for the name.
const WAIT_FOR_SECRET_SERVICE: &str = "for _ in $(seq 50); do \
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
    | grep -q 'boolean true' && break; sleep 0.1; done;";

pub fn isolated_session(display: bool, script: &str) -> Command {
    let home = std::env::var("HOME").unwrap_or_default();
    let inner = format!(
        "set -e; export HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d); chmod 700 \"$XDG_RUNTIME_DIR\"; \
         eval \"$(printf %s branchdesk-test | gnome-keyring-daemon --unlock --components=secrets)\"; \
         {WAIT_FOR_SECRET_SERVICE} {script}"
    );
    let mut command = if display {
        command(
            "xvfb-run",
            &[
                "-a",
                "-s",
                "-screen 0 1280x800x24",
                "dbus-run-session",
                "--",
                "bash",
                "-c",
                &inner,
            ],
        )
    } else {
        command("dbus-run-session", &["--", "bash", "-c", &inner])
    };
    // The session gets its own HOME; cargo and rustup must still find the real toolchain.
    for (var, default) in [("CARGO_HOME", ".cargo"), ("RUSTUP_HOME", ".rustup")] {
        if std::env::var_os(var).is_none() {
            command.env(var, PathBuf::from(&home).join(default));
        }
    }
    command
}
