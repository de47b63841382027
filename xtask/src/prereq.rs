//! System prerequisites. On Debian/Ubuntu the missing packages are installed with apt-get
//! when running as root; otherwise the exact command is printed and xtask stops. macOS and
//! Windows need nothing beyond Rust for building and running.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::shell::{self, which};
use crate::{exe, root};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
    Bench,
    Bundle,
}

const BUILD: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libdbus-1-dev",
    // libcrypto for SQLCipher (the vault's cipher).
    "libssl-dev",
    "ca-certificates",
];
/// Xvfb for a window without a display, WebKitWebDriver for end-to-end tests, xdotool for
/// the system's own file dialog (a window WebDriver cannot reach), a session bus and
/// gnome-keyring for a real Secret Service, npm for the TypeScript checker.
const TEST: &[&str] = &[
    "xvfb",
    "xauth",
    "xdotool",
    "webkit2gtk-driver",
    "dbus-daemon",
    "gnome-keyring",
    "nodejs",
    "npm",
];
const RUN: &[&str] = &["xvfb", "xauth", "dbus-daemon"];
/// libvips-tools brings `vipsthumbnail`, the reference for the scan thumbnail figures.
const BENCH: &[&str] = &[
    "xvfb",
    "xauth",
    "dbus-daemon",
    "curl",
    "wrk",
    "libvips-tools",
];

/// npm for tauri-cli (the bundler); a virtual display, a session bus and a keyring to start
/// the packaged app once (`cargo xtask bundle --check`).
const BUNDLE: &[&str] = &[
    "nodejs",
    "npm",
    "xvfb",
    "xauth",
    "dbus-daemon",
    "gnome-keyring",
];

pub fn ensure(purpose: Purpose) -> Result<()> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let mut wanted: Vec<&str> = BUILD.to_vec();
    wanted.extend(match purpose {
        Purpose::Run => RUN,
        Purpose::Test => TEST,
        Purpose::Bench => BENCH,
        Purpose::Bundle => BUNDLE,
    });
    // npm comes with NodeSource's nodejs; Debian splits it out. Ask only for what is absent.
    if which("npm") && which("node") {
        wanted.retain(|p| *p != "npm" && *p != "nodejs");
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !which("apt-get") {
        bail!(
            "these system packages are missing: {}. Install their equivalents for your \
             distribution (Tauri's Linux prerequisites), then run this again.",
            missing.join(" ")
        );
    }
    let install = format!(
        "apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    );
    if !is_root() {
        bail!("missing system packages. Run:\n  sudo apt-get update && sudo {install}\nthen run this again.");
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    apt(&["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    apt(&args)
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("install ok installed"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn apt(args: &[&str]) -> Result<()> {
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("running apt-get")?;
    if !status.success() {
        bail!("apt-get {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Tools installed into the workspace (`.tools/`), never system-wide.
pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// tauri-driver, the WebDriver bridge to the app window, built from crates.io.
pub fn tauri_driver() -> Result<PathBuf> {
    let path = tools_dir().join("bin").join(exe("tauri-driver"));
    if !path.is_file() {
        eprintln!("xtask: installing tauri-driver into .tools/");
        let root = tools_dir().to_string_lossy().into_owned();
        shell::cargo(&[
            "install",
            "--locked",
            "--quiet",
            "--root",
            &root,
            "tauri-driver@^2",
        ])?;
    }
    Ok(path)
}

/// cargo-fuzz, which builds and runs the libFuzzer targets of crates/documents/fuzz.
pub fn cargo_fuzz() -> Result<PathBuf> {
    let path = tools_dir().join("bin").join(exe("cargo-fuzz"));
    if !path.is_file() {
        eprintln!("xtask: installing cargo-fuzz into .tools/");
        let root = tools_dir().to_string_lossy().into_owned();
        shell::cargo(&[
            "install",
            "--locked",
            "--quiet",
            "--root",
            &root,
            "cargo-fuzz@^0.13",
        ])?;
    }
    Ok(path)
}

/// The npm packages the tests use, each pinned to its major version: the TypeScript checker
/// over `ui/`, and axe-core, which the journeys inject into the window to check accessibility.
const NODE_TOOLS: [&str; 2] = ["typescript@5", "axe-core@4"];

/// The TypeScript checker, from npm, as a development-only tool; axe-core is installed beside
/// it (`.tools/node/node_modules/axe-core/axe.min.js`) for the journeys.
pub fn tsc() -> Result<PathBuf> {
    let node_dir = tools_dir().join("node");
    let modules = node_dir.join("node_modules");
    let path = modules.join(".bin").join("tsc");
    let axe = modules.join("axe-core").join("axe.min.js");
    if !path.is_file() || !axe.is_file() {
        eprintln!("xtask: installing TypeScript and axe-core into .tools/node");
        std::fs::create_dir_all(&node_dir)?;
        let dir = node_dir.to_string_lossy().into_owned();
        let mut args = vec![
            "install",
            "--prefix",
            &dir,
            "--no-audit",
            "--no-fund",
            "--silent",
        ];
        args.extend(NODE_TOOLS);
        let status = shell::command("npm", &args)
            .status()
            .context("running npm (is Node.js installed?)")?;
        if !status.success() {
            bail!("npm install {} failed ({status})", NODE_TOOLS.join(" "));
        }
    }
    Ok(path)
}
