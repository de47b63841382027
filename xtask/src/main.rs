//! `cargo xtask run | test | bench | fuzz | bindings`: the project's commands, prerequisites
//! included, so they work from a fresh clone on a new machine.

mod arrows;
mod bench;
mod bundle;
mod ocrb;
mod prereq;
mod shell;
mod test;

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run [-- ARGS]   install missing prerequisites, build, and open Branchdesk in Training mode
  test            every check CI runs; ends with `N passed, N failed`
  bench           start-up, memory, sandbox and outbox figures as ratios; writes bench/RESULTS.md
  bench SECTION   one section alone, printed (bench/RESULTS.md is left to the full run):
                  drain (outbox drain and draft list), upload (25 MB scan vs curl -F),
                  bvnk (25 MB scan as base64 JSON vs curl --data-binary),
                  thumbnail (12 MP scan vs vipsthumbnail),
                  typing (fields typed by hand vs prefilled, in the window), size (release binary),
                  prefill (licence barcode vs ZXing C++, passport zone on a 12 MP photo),
                  csv (10,000 customers imported from CSV vs the csv crate reading it)
  bundle [--check]
                  release build and installers (.deb and .rpm on Linux) into
                  target/release/bundle; --check unpacks the .deb and starts it under Xvfb
  bundle icons    regenerate src-tauri/icons from src-tauri/icons/source.svg
  ocrb-templates [FONT]
                  render the MRZ reader's OCR-B glyph templates (default: Debian's fonts-ocr-b)
  fuzz [TARGET] [SECONDS]
                  run the document fuzz targets (sniff, decode, pdf; default all) for
                  SECONDS each (default 300); a crash's input lands in crates/documents/fuzz/artifacts
  bindings        regenerate ui/types/bindings.d.ts and ui/types/lists.js from the Rust code";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test::run(),
        Some("bench") => match args.get(1).map(String::as_str) {
            None => bench::run(),
            Some(section) => bench::section(section),
        },
        Some("bundle") => bundle::run(&args[1..]),
        Some("fuzz") => test::fuzz(&args[1..]),
        Some("bindings") => bindings(),
        Some("ocrb-templates") => ocrb::run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("xtask: {error:#}");
        std::process::exit(1);
    }
}

/// The workspace root: xtask lives one level below it.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn run(extra: &[String]) -> Result<()> {
    prereq::ensure(prereq::Purpose::Run)?;
    // The app reads every scan through the reader beside it (a debug build: its size does
    // not matter here, so both are built at once).
    shell::cargo(&["build", "--package", "branchdesk-app", "--package", READER])?;
    let binary = target_dir().join("debug").join(exe("branchdesk"));
    let extra: Vec<&str> = extra
        .iter()
        .skip_while(|a| *a == "--")
        .map(String::as_str)
        .collect();
    let status = if cfg!(target_os = "linux") && !has_display() {
        // No desktop session: bring a virtual display, a session bus and a keyring of its
        // own. That keyring lasts one run, so the data folder does too (a vault cannot be
        // opened without the key it was made with).
        eprintln!("xtask: no display found; opening Branchdesk on a virtual display (Xvfb)");
        let mut script =
            String::from("export BRANCHDESK_DATA_DIR=${BRANCHDESK_DATA_DIR:-$(mktemp -d)}; exec");
        let binary = binary.to_string_lossy().into_owned();
        for arg in std::iter::once(binary.as_str()).chain(extra) {
            script.push_str(&format!(" '{}'", arg.replace('\'', "'\\''")));
        }
        shell::isolated_session(true, &script).status()?
    } else {
        shell::command(&binary.to_string_lossy(), &extra).status()?
    };
    if !status.success() {
        bail!("Branchdesk exited with {status}");
    }
    Ok(())
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// The document reader, a program of its own installed beside the app.
pub use branchdesk_documents::worker::READER_NAME as READER;

/// Builds the document reader on its own. Built in one cargo run with the app, it would
/// give the app the decoders the reader needs (features unify across the packages built
/// together): the installers and the bench build it this way.
pub fn build_reader(release: bool) -> Result<()> {
    let mut args = vec!["build", "--locked", "--package", READER];
    if release {
        args.push("--release");
    }
    shell::cargo(&args)
}

pub fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

fn bindings() -> Result<()> {
    shell::command(
        "cargo",
        &["test", "--package", "branchdesk-app", "--lib", "bindings"],
    )
    .env("BRANCHDESK_WRITE_BINDINGS", "1")
    .status()?;
    println!("wrote ui/types/bindings.d.ts");
    Ok(())
}
