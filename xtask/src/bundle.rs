//! `cargo xtask bundle`: the release installers this platform can build offline, made by the
//! Tauri bundler from `src-tauri/tauri.conf.json` (its `bundle` section). On Linux a `.deb`
//! and an `.rpm`; the same configuration makes `.msi` and NSIS installers on Windows and an
//! `.app` and `.dmg` on macOS. tauri-cli comes from npm (`@tauri-apps/cli`, a prebuilt
//! binary) into `.tools/tauri-cli`. AppImage is left out: its bundler downloads its tools
//! while building.
//!
//! `cargo xtask bundle --check` then installs the `.deb` into a temporary folder and checks
//! it (see `check.rs`); `--debug` does the same with a debug build's `.deb` (every check but
//! the release binary's size), which is what `cargo xtask test` runs: a release build takes
//! about 20 minutes here. `cargo xtask bundle icons` regenerates `src-tauri/icons` from
//! `src-tauri/icons/source.svg`.

mod check;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::prereq::{self, Purpose};
use crate::{exe, root, target_dir, READER};

/// The bundler, pinned to the major version of the `tauri` crate.
const TAURI_CLI: &str = "@tauri-apps/cli@2";

/// The release binary's budget (12 MB), checked in the `.deb` and reported by the bench.
pub const MAX_BINARY_BYTES: u64 = 12_000_000;

/// The icons `src-tauri/tauri.conf.json` lists, all generated from `source.svg`: PNGs at the
/// sizes of the freedesktop icon theme (the first one is also the window's own icon, kept
/// small because it is compiled into the binary as raw pixels), `.icns` for macOS and
/// `.ico` for Windows.
pub const ICON_FILES: &[&str] = &[
    "16x16.png",
    "24x24.png",
    "32x32.png",
    "48x48.png",
    "64x64.png",
    "128x128.png",
    "256x256.png",
    "icon.png",
    "icon.icns",
    "icon.ico",
];

/// The installer kinds built on this platform, as the bundler names them.
fn bundles() -> &'static [&'static str] {
    if cfg!(target_os = "windows") {
        &["msi", "nsis"]
    } else if cfg!(target_os = "macos") {
        &["app", "dmg"]
    } else {
        &["deb", "rpm"]
    }
}

/// Which cargo profile the packaged binary is built in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Release,
    /// Quick to build; packaged and checked like a release, but for its size.
    Debug,
}

impl Profile {
    fn dir(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Debug => "debug",
        }
    }
}

/// What `build` made.
pub struct Built {
    /// The installers, each with its kind (`deb`, `rpm`, …).
    pub installers: Vec<(String, PathBuf)>,
    /// The binary the installers hold.
    pub binary: PathBuf,
    /// The document reader installed beside it.
    pub reader: PathBuf,
    pub profile: Profile,
    pub seconds: f64,
}

impl Built {
    pub fn installer(&self, kind: &str) -> Option<&Path> {
        self.installers
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, path)| path.as_path())
    }
}

pub fn run(args: &[String]) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let profile = if args.contains(&"--debug") {
        Profile::Debug
    } else {
        Profile::Release
    };
    match args.iter().copied().find(|a| *a != "--debug") {
        None => build(profile, bundles()).map(|built| summary(&built)),
        Some("--check") => {
            let built = build(profile, bundles())?;
            summary(&built);
            let checked = check::run(&built)?;
            if checked.failed.is_empty() {
                eprintln!("bundle: the .deb passed every check");
                Ok(())
            } else {
                bail!("the .deb failed: {}", checked.failed.join(", "))
            }
        }
        Some("icons") => icons(),
        Some(other) => bail!("unknown bundle option {other:?}: --check, --debug or icons"),
    }
}

/// `cargo xtask test`'s part: a debug build's `.deb`, checked as an installed package.
/// Gives the checks passed and the names of those failed.
pub fn test_debug_package() -> Result<check::Checked> {
    let built = build(Profile::Debug, &["deb"])?;
    summary(&built);
    check::run(&built)
}

/// tauri-cli, from npm, as a development-only tool in `.tools/tauri-cli`.
pub fn tauri_cli() -> Result<PathBuf> {
    let dir = prereq::tools_dir().join("tauri-cli");
    let bin = if cfg!(windows) { "tauri.cmd" } else { "tauri" };
    let path = dir.join("node_modules").join(".bin").join(bin);
    if !path.is_file() {
        eprintln!("xtask: installing tauri-cli ({TAURI_CLI}) into .tools/tauri-cli");
        std::fs::create_dir_all(&dir)?;
        let status = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
            .arg("install")
            .arg("--prefix")
            .arg(&dir)
            .args(["--no-audit", "--no-fund", "--silent", TAURI_CLI])
            .status()
            .context("running npm (is Node.js installed?)")?;
        if !status.success() {
            bail!("npm install {TAURI_CLI} failed ({status})");
        }
    }
    Ok(path)
}

/// Builds the app in `profile` and the installers of `kinds` with `tauri build` (the app
/// always has `tauri`'s `custom-protocol`: the compiled-in page under the configured CSP).
pub fn build(profile: Profile, kinds: &[&str]) -> Result<Built> {
    prereq::ensure(Purpose::Bundle)?;
    let tauri = tauri_cli()?;
    let built_in = target_dir().join(profile.dir());
    let out = built_in.join("bundle");
    for kind in kinds {
        // Only this run's installers are found afterwards, never an older version's.
        match std::fs::remove_dir_all(out.join(kind)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                return Err(error).with_context(|| format!("clearing {}", out.display()))
            }
            _ => {}
        }
    }
    let debug: &[&str] = if profile == Profile::Debug {
        &["--debug"]
    } else {
        &[]
    };
    let reader_config = stage_reader(profile)?;
    eprintln!(
        "\n==> tauri build {}--bundles {}",
        debug.iter().map(|d| format!("{d} ")).collect::<String>(),
        kinds.join(",")
    );
    let started = Instant::now();
    let status = Command::new(&tauri)
        .args(["build", "--ci"])
        .args(debug)
        .args(["--bundles", &kinds.join(",")])
        .args(["--config", &reader_config])
        .args(["--", "--locked"])
        .current_dir(root().join("src-tauri"))
        .status()
        .with_context(|| format!("running {}", tauri.display()))?;
    if !status.success() {
        bail!("tauri build failed ({status})");
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut installers = Vec::new();
    for kind in kinds {
        let dir = out.join(kind);
        let entries = std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()));
        for entry in entries?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == *kind) {
                installers.push(((*kind).to_owned(), path));
            }
        }
    }
    Ok(Built {
        installers,
        binary: built_in.join(exe("branchdesk")),
        reader: built_in.join(exe(READER)),
        profile,
        seconds,
    })
}

/// Builds the document reader on its own (`build_reader`) and puts it where the bundler
/// takes an external binary from, named for the target as it expects. Gives the
/// configuration that adds it to the installers: only here, since the app's build script
/// refuses a listed external binary that is not there, and plain `cargo build` of the app
/// has none.
fn stage_reader(profile: Profile) -> Result<String> {
    crate::build_reader(profile == Profile::Release)?;
    let host = host_triple()?;
    let staged = root().join("src-tauri").join("binaries");
    std::fs::create_dir_all(&staged)?;
    let built = target_dir().join(profile.dir()).join(exe(READER));
    let to = staged.join(exe(&format!("{READER}-{host}")));
    std::fs::copy(&built, &to)
        .with_context(|| format!("copying {} to {}", built.display(), to.display()))?;
    Ok(
        serde_json::json!({ "bundle": { "externalBin": [format!("binaries/{READER}")] } })
            .to_string(),
    )
}

/// The triple rustc builds for here, as the bundler names external binaries.
fn host_triple() -> Result<String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .context("running rustc -vV")?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")
}

fn summary(built: &Built) {
    eprintln!(
        "\nbundle: {} build and installers in {:.0} s",
        built.profile.dir(),
        built.seconds
    );
    for binary in [&built.binary, &built.reader] {
        eprintln!("bundle: {} ({})", binary.display(), megabytes(binary));
    }
    for (_, path) in &built.installers {
        eprintln!("bundle: {} ({})", path.display(), megabytes(path));
    }
}

fn megabytes(path: &Path) -> String {
    std::fs::metadata(path).map_or_else(
        |_| "missing".to_owned(),
        |m| format!("{:.2} MB", m.len() as f64 / 1e6),
    )
}

/// `cargo xtask bundle icons`: every icon of `ICON_FILES`, rendered again by `tauri icon`
/// from `src-tauri/icons/source.svg` (the PNGs and `.ico` come out byte for byte the same).
fn icons() -> Result<()> {
    let tauri = tauri_cli()?;
    let icons = root().join("src-tauri").join("icons");
    let source = icons.join("source.svg");
    let scratch = target_dir().join("icons");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    // The default set (32 to 512 px, .icns, .ico), then the theme's other sizes.
    let sizes: &[&str] = &["-p", "16", "-p", "24", "-p", "48", "-p", "256"];
    for extra in [&[][..], sizes] {
        let status = Command::new(&tauri)
            .arg("icon")
            .arg(&source)
            .arg("-o")
            .arg(&scratch)
            .args(extra)
            .status()
            .with_context(|| format!("running {}", tauri.display()))?;
        if !status.success() {
            bail!("tauri icon failed ({status})");
        }
    }
    for name in ICON_FILES {
        std::fs::copy(scratch.join(name), icons.join(name))
            .with_context(|| format!("copying {name} into {}", icons.display()))?;
    }
    std::fs::remove_dir_all(&scratch)?;
    eprintln!(
        "bundle: wrote {} icons into {}",
        ICON_FILES.len(),
        icons.display()
    );
    Ok(())
}
