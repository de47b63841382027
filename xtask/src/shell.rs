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

/// The keyring's password in the test session.
const SESSION_PASSWORD: &str = "branchdesk-test";

/// Runs `script` (bash) in a session of its own (a session bus and a fresh, unlocked
/// gnome-keyring: see [`branchdesk_test_support::SESSION`]), optionally on a virtual
/// display.
pub fn isolated_session(display: bool, script: &str) -> Command {
    let home = std::env::var("HOME").unwrap_or_default();
    let session = [
        "bash",
        "-c",
        branchdesk_test_support::SESSION,
        "branchdesk-session",
        script,
    ];
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
    command.env("SESSION_KEYRING_PASSWORD", SESSION_PASSWORD);
    command
}
