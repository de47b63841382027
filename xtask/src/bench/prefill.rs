//! The prefill figures of `cargo xtask bench`: reading a licence's BACK (decode, find and
//! decode the PDF417 barcode, parse the AAMVA text) with Branchdesk's reader against the
//! ZXing C++ reader (PyPI `zxing-cpp`, in a virtualenv under `.tools/`) decoding the same
//! file in the same run; and reading a passport's machine-readable zone on a 12-megapixel
//! photo. Both sides are timed in-process around the work (no process start-up), median
//! of several runs, the two alternated. `cargo xtask bench prefill` runs this alone.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{ensure, Context, Result};
use serde_json::Value;

use crate::prereq::tools_dir;
use crate::root;

/// Rounds of each reader, alternated; each round is `RUNS` reads in one process.
const ROUNDS: usize = 3;
const RUNS: &str = "15";
const GOAL_RATIO: f64 = 1.5;
const GOAL_MRZ_MS: f64 = 1000.0;
/// The reference reader's version, pinned so figures stay comparable run to run.
const ZXING: &str = "zxing-cpp==3.1.1";

pub struct Prefill {
    ours_ms: f64,
    zxing_ms: f64,
    fields: u64,
    mrz_ms: f64,
    mrz_fields: u64,
    /// The licence read in one process, and through `branchdesk-reader` as the app does.
    in_process_ms: f64,
    reader_ms: f64,
}

pub fn run() -> Result<Prefill> {
    let tool = super::release_example("branchdesk-documents", "prefill_bench")?;
    crate::build_reader(true)?;
    let python = zxing_python()?;
    let script = std::env::temp_dir().join(format!("branchdesk-zxing-{}.py", std::process::id()));
    std::fs::write(&script, include_str!("zxing_read.py"))?;
    let licence = root().join("tests/fixtures/licence-back.jpg");
    let photo =
        std::env::temp_dir().join(format!("branchdesk-passport-{}.jpg", std::process::id()));
    let result = measure(&tool, &python, &script, &licence, &photo);
    let _ = std::fs::remove_file(&script);
    let _ = std::fs::remove_file(&photo);
    result
}

/// A virtualenv with the reference reader, made once under `.tools/`.
fn zxing_python() -> Result<PathBuf> {
    let venv = tools_dir().join("zxing-venv");
    let python = venv.join("bin").join("python");
    let ready = Command::new(&python)
        .args(["-c", "import zxingcpp, PIL"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        eprintln!("xtask: installing {ZXING} and Pillow into .tools/zxing-venv");
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?;
        ensure!(made.success(), "python3 -m venv failed ({made})");
        let pip = venv.join("bin").join("pip");
        let installed = Command::new(pip)
            .args(["install", "--quiet", ZXING, "pillow"])
            .status()?;
        ensure!(
            installed.success(),
            "pip install {ZXING} failed ({installed})"
        );
    }
    Ok(python)
}

fn json_of(command: &mut Command) -> Result<Value> {
    let out = command.output()?;
    ensure!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).context("reading a timing line")
}

fn measure(
    tool: &Path,
    python: &Path,
    script: &Path,
    licence: &Path,
    photo: &Path,
) -> Result<Prefill> {
    let (mut ours, mut zxing) = (Vec::new(), Vec::new());
    let mut fields = 0;
    for _ in 0..ROUNDS {
        let mine = json_of(Command::new(tool).arg("pdf417").arg(licence).arg(RUNS))?;
        ours.push(mine["median_ms"].as_f64().unwrap_or(f64::NAN));
        fields = mine["fields"].as_u64().unwrap_or(0);
        let theirs = json_of(Command::new(python).arg(script).arg(licence).arg(RUNS))?;
        ensure!(
            theirs["found"].as_u64() == Some(1),
            "ZXing C++ found no barcode: {theirs}"
        );
        zxing.push(theirs["median_ms"].as_f64().unwrap_or(f64::NAN));
    }
    let passport = root().join("examples/drafts/scans/passport.jpg");
    let made = Command::new(tool)
        .arg("photo")
        .arg(&passport)
        .arg(photo)
        .status()?;
    ensure!(made.success(), "prefill_bench photo failed ({made})");
    let zone = json_of(Command::new(tool).arg("mrz").arg(photo).arg("5"))?;
    let reader = crate::target_dir()
        .join("release")
        .join(crate::exe(crate::READER));
    let isolated = json_of(
        Command::new(tool)
            .arg("reader")
            .arg(licence)
            .arg(RUNS)
            .arg(&reader),
    )?;
    Ok(Prefill {
        in_process_ms: isolated["in_process_ms"].as_f64().unwrap_or(f64::NAN),
        reader_ms: isolated["reader_ms"].as_f64().unwrap_or(f64::NAN),
        ours_ms: super::median(ours),
        zxing_ms: super::median(zxing),
        fields,
        mrz_ms: zone["median_ms"].as_f64().unwrap_or(f64::NAN),
        mrz_fields: zone["fields"].as_u64().unwrap_or(0),
    })
}

pub fn report(p: &Prefill) -> String {
    let ratio = p.ours_ms / p.zxing_ms;
    format!(
        "\n## Prefill: reading the document itself\n\n\
         `cargo xtask bench prefill`. Release build of `crates/documents/examples/prefill_bench.rs`; \
         each side timed in-process around the work on the file's bytes already in memory \
         (medians of {ROUNDS} alternated rounds of {RUNS} reads).\n\n\
         | measure | Branchdesk | reference | ratio | goal |\n\
         |---|---:|---:|---:|---:|\n\
         | licence BACK (`tests/fixtures/licence-back.jpg`, turned a quarter): decode, PDF417, AAMVA parse ({} fields) vs ZXing C++ ({ZXING}, Pillow decode + read) | {:.1} ms | {:.1} ms | {ratio:.2}× | ≤ {GOAL_RATIO}× |\n\
         | passport zone on a 12-megapixel photo (4000 × 3000 JPEG of `examples/drafts/scans/passport.jpg` on a desk): decode, find, read, check digits ({} fields) | {:.0} ms | — | — | ≤ {GOAL_MRZ_MS:.0} ms |\n\
         | the licence read through `branchdesk-reader`, as the app reads it (a process started, the bytes sent, the answer read) vs the same read in one process (median of {RUNS} each) | {:.1} ms | {:.1} ms | {:.2}× | — |\n",
        p.fields,
        p.ours_ms,
        p.zxing_ms,
        p.mrz_fields,
        p.mrz_ms,
        p.reader_ms,
        p.in_process_ms,
        p.reader_ms / p.in_process_ms,
    )
}
