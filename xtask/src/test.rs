//! `cargo xtask test`: every check CI runs, in order, counted. Each lint or type check
//! counts as one; each Rust test counts as itself. The last line is `N passed, N failed`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{bail, Context, Result};

use crate::prereq::{self, Purpose};
use crate::shell;
use crate::{exe, root, target_dir};

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    lines: Vec<String>,
}

impl Tally {
    fn record(&mut self, name: &str, passed: usize, failed: usize, started: Instant) {
        self.passed += passed;
        self.failed += failed;
        let verdict = if failed == 0 { "ok" } else { "FAILED" };
        self.lines.push(format!(
            "{verdict:>6}  {name}: {passed} passed, {failed} failed ({:.0} s)",
            started.elapsed().as_secs_f64()
        ));
    }

    /// A check that is one pass or one failure.
    fn check(&mut self, name: &str, command: &mut Command) {
        eprintln!("\n==> {name}");
        let started = Instant::now();
        let ok = command.status().is_ok_and(|s| s.success());
        self.record(name, usize::from(ok), usize::from(!ok), started);
    }

    /// A test run: counts what libtest reports; a run that fails without reporting a failed
    /// test (a build error, a crash) counts as one failure.
    fn tests(&mut self, name: &str, command: &mut Command) {
        eprintln!("\n==> {name}");
        let started = Instant::now();
        let (passed, failed, ok) = run_counting(command);
        let failed = if !ok && failed == 0 { 1 } else { failed };
        self.record(name, passed, failed, started);
    }
}

/// What a run from an empty target folder writes (debug builds, test binaries, the fuzz
/// build, cargo-fuzz's own build), measured on a clean clone, with some margin.
const DISK_NEEDED_GIB: f64 = 8.0;

/// A full disk fails the run half-way with "No space left on device" from whichever step
/// was writing; saying so up front tells the reader why.
fn warn_if_disk_is_short() {
    let target = crate::target_dir();
    let probe = if target.exists() {
        target
    } else {
        crate::root()
    };
    let Ok(out) = std::process::Command::new("df")
        .arg("-Pk")
        .arg(&probe)
        .output()
    else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let free_kib = text
        .lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|field| field.parse::<f64>().ok());
    if let Some(free) = free_kib.map(|kib| kib / (1024.0 * 1024.0)) {
        if free < DISK_NEEDED_GIB {
            eprintln!(
                "xtask: warning: only {free:.1} GiB free where {} lives; a run from an empty \
                 target folder writes about {DISK_NEEDED_GIB:.0} GiB. Free some space or point \
                 CARGO_TARGET_DIR at a larger disk.",
                probe.display()
            );
        }
    }
}

pub fn run() -> Result<()> {
    let mut tally = Tally::default();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());

    let started = Instant::now();
    let tools =
        prereq::ensure(Purpose::Test).and_then(|()| Ok((prereq::tauri_driver()?, prereq::tsc()?)));
    let (driver, tsc) = match tools {
        Ok(tools) => {
            tally.record("prerequisites", 1, 0, started);
            tools
        }
        Err(error) => {
            eprintln!("xtask: {error:#}");
            tally.record("prerequisites", 0, 1, started);
            return finish(tally);
        }
    };
    warn_if_disk_is_short();
    let app_data_before = app_data_stamps();

    tally.check(
        "cargo fmt --check",
        &mut shell::command(&cargo, &["fmt", "--all", "--", "--check"]),
    );
    tally.check(
        "cargo clippy -D warnings",
        &mut shell::command(
            &cargo,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );
    tally.check(
        "cargo clippy (test-only features) -D warnings",
        // The crash-test hook and the app's test hooks, and the test files that need them
        // (which the run above skips for want of their features).
        &mut shell::command(
            &cargo,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--features",
                "branchdesk-cli/failpoints,branchdesk-app/e2e-hooks",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );
    tally.check(
        "cargo clippy (bench tools) -D warnings",
        &mut shell::command(
            &cargo,
            &[
                "clippy",
                "--locked",
                "-p",
                "xtask",
                "--all-targets",
                "--features",
                "outbox-bench",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );
    tally.tests(
        "Rust tests",
        &mut shell::command(
            &cargo,
            &[
                "test",
                "--workspace",
                "--exclude",
                "branchdesk-e2e",
                "--no-fail-fast",
                "--locked",
            ],
        ),
    );
    tally.tests(
        "keyring against a real Secret Service",
        &mut shell::isolated_session(
            false,
            // The CLI's crash tests need its crash-test hook, which only a build with the
            // `failpoints` feature has. The start-up failure tests change the keyring's
            // entries: they are a test binary of their own, and cargo runs one at a time.
            &format!(
                "{cargo} test --locked --workspace --features branchdesk-cli/failpoints \
                 --test secret_service --test startup_failures -- --ignored"
            ),
        ),
    );
    tally.tests(
        "document reader crashes and memory cap",
        // The same build as the step above; no keyring needed.
        &mut shell::command(
            &cargo,
            &[
                "test",
                "--locked",
                "--workspace",
                "--features",
                "branchdesk-cli/failpoints",
                "--test",
                "reader",
            ],
        ),
    );
    tally.check(
        "tsc --noEmit (ui/)",
        &mut shell::command(
            &tsc.to_string_lossy(),
            &["--noEmit", "-p", "ui/tsconfig.json"],
        ),
    );

    fuzz_briefly(&mut tally);

    eprintln!("\n==> building the app for the end-to-end tests");
    let started = Instant::now();
    if let Err(error) = shell::cargo(&[
        "build",
        "--locked",
        "--package",
        "branchdesk-app",
        // Lets the journeys answer the native file dialog; release builds never have it.
        "--features",
        "e2e-hooks",
        // Every scan the journeys attach is read by it, beside the app.
        "--package",
        crate::READER,
    ]) {
        eprintln!("xtask: {error:#}");
        tally.record("end-to-end (app build)", 0, 1, started);
    } else {
        let app = target_dir().join("debug").join(exe("branchdesk"));
        let mut e2e = shell::isolated_session(
            true,
            &format!(
                "{cargo} test --locked --workspace --test journeys -- --ignored --test-threads=1"
            ),
        );
        e2e.env("BRANCHDESK_APP", &app).env("TAURI_DRIVER", &driver);
        tally.tests("end-to-end in the real window", &mut e2e);
        // The same build, started on data folders it must refuse: the message box's text
        // (recorded through the `e2e-hooks` feature), the log, the exit code, and every
        // file of the data folder unchanged.
        let mut startup = shell::isolated_session(
            true,
            &format!(
                "{cargo} test --locked --package branchdesk-app --features e2e-hooks \
                 --test startup -- --ignored --test-threads=1"
            ),
        );
        tally.tests("app start-up failures in the real binary", &mut startup);
    }

    // Last, since it builds the app again without the journeys' hooks: a debug build's
    // `.deb`, unpacked, read and started as an installed package (see bundle/check.rs).
    eprintln!("\n==> the .deb as installed (debug build)");
    let started = Instant::now();
    match crate::bundle::test_debug_package() {
        Ok(checked) => {
            for name in &checked.failed {
                eprintln!("xtask: the .deb failed: {name}");
            }
            tally.record(
                "the .deb as installed",
                checked.passed,
                checked.failed.len(),
                started,
            );
        }
        Err(error) => {
            eprintln!("xtask: {error:#}");
            tally.record("the .deb as installed", 0, 1, started);
        }
    }

    let started = Instant::now();
    let untouched = app_data_stamps() == app_data_before;
    if !untouched {
        eprintln!(
            "xtask: a test wrote to the real app-data folders: {:?}",
            app_data_dirs()
        );
    }
    tally.record(
        "real app-data folders untouched",
        usize::from(untouched),
        usize::from(!untouched),
        started,
    );

    finish(tally)
}

/// The libFuzzer targets of crates/documents/fuzz, in the order they run.
pub const FUZZ_TARGETS: &[&str] = &["sniff", "decode", "pdf"];
/// Per target in `cargo xtask test`: enough to get from the seeds into mutated structure
/// (a few hundred thousand inputs for `sniff`), while the three targets and their build
/// stay near two minutes. Longer runs are `cargo xtask fuzz`.
const FUZZ_TEST_SECONDS: u64 = 20;

/// Each fuzz target counts as one test; not being able to build them counts as one failure.
fn fuzz_briefly(tally: &mut Tally) {
    eprintln!("\n==> fuzzing crates/documents ({FUZZ_TEST_SECONDS} s a target)");
    let started = Instant::now();
    // A debug build of the targets: about 2 min to build against 10 for release (cargo-fuzz
    // builds release in one codegen unit). It tries far fewer inputs in 20 s: from a fresh
    // clone's seeds, sniff 9,245 against 367,483, decode 547 against 20,234, pdf 732
    // against 45,339. That is a smoke run: every seed under ASan and a few hundred
    // mutations of them on every change. The fuzzing proper is `cargo xtask fuzz`, in
    // release.
    let fuzzer = match prepare_fuzzing(true) {
        Ok(path) => path,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            tally.record("fuzz (build)", 0, 1, started);
            return;
        }
    };
    for target in FUZZ_TARGETS {
        let started = Instant::now();
        let run = fuzz_target(&fuzzer, target, FUZZ_TEST_SECONDS, false);
        let name = match run.runs {
            Some(runs) => format!("fuzz {target} ({runs} inputs)"),
            None => format!("fuzz {target}"),
        };
        tally.record(&name, usize::from(run.ok), usize::from(!run.ok), started);
    }
}

/// `cargo xtask fuzz [TARGET|all] [SECONDS]`: the same targets for as long as wanted, with
/// libFuzzer's progress shown. A crash leaves its input in crates/documents/fuzz/artifacts.
pub fn fuzz(args: &[String]) -> Result<()> {
    let mut targets: Vec<&str> = FUZZ_TARGETS.to_vec();
    let mut seconds = 300;
    for arg in args {
        if let Ok(n) = arg.parse() {
            seconds = n;
        } else if FUZZ_TARGETS.contains(&arg.as_str()) {
            targets = vec![arg.as_str()];
        } else if arg != "all" {
            bail!(
                "unknown fuzz target {arg:?}; the targets are {}",
                FUZZ_TARGETS.join(", ")
            );
        }
    }
    let fuzzer = prepare_fuzzing(false)?;
    let mut failed = Vec::new();
    for target in &targets {
        eprintln!("\n==> fuzz {target} for {seconds} s");
        let run = fuzz_target(&fuzzer, target, seconds, true);
        let runs = run.runs.map_or("?".to_owned(), |n| n.to_string());
        eprintln!(
            "fuzz {target}: {} after {runs} inputs",
            if run.ok { "no crash" } else { "FAILED" }
        );
        if !run.ok {
            failed.push(*target);
        }
    }
    if !failed.is_empty() {
        bail!(
            "fuzzing failed: {} (inputs in crates/documents/fuzz/artifacts)",
            failed.join(", ")
        );
    }
    Ok(())
}

fn fuzz_crate() -> PathBuf {
    root().join("crates").join("documents")
}

/// cargo-fuzz, and whether the targets are built without optimisation (`--dev`).
struct Fuzzer {
    cargo_fuzz: PathBuf,
    dev: bool,
}

/// Installs cargo-fuzz if needed, writes the seed corpora and builds every target.
fn prepare_fuzzing(dev: bool) -> Result<Fuzzer> {
    let fuzzer = Fuzzer {
        cargo_fuzz: prereq::cargo_fuzz()?,
        dev,
    };
    let corpus = fuzz_crate().join("fuzz").join("corpus");
    let corpus = corpus.to_string_lossy().into_owned();
    shell::cargo(&[
        "run",
        "--locked",
        "--quiet",
        "--package",
        "branchdesk-documents",
        "--example",
        "fuzz_seeds",
        "--",
        &corpus,
    ])?;
    let status = fuzz_command(&fuzzer, "build")
        .status()
        .context("running cargo-fuzz")?;
    if !status.success() {
        bail!("cargo fuzz build failed ({status})");
    }
    Ok(fuzzer)
}

/// cargo-fuzz asks for nightly-only compiler flags (sanitizer, coverage instrumentation);
/// RUSTC_BOOTSTRAP lets the pinned stable toolchain accept them, so CI needs no nightly.
/// Each kind of build has a target folder of its own, so neither rebuilds the other.
fn fuzz_command(fuzzer: &Fuzzer, subcommand: &str) -> Command {
    let mut command = Command::new(&fuzzer.cargo_fuzz);
    command.args(["fuzz", subcommand]);
    if fuzzer.dev {
        command.arg("--dev");
    }
    command
        .arg("--target-dir")
        .arg(target_dir().join(if fuzzer.dev { "fuzz-dev" } else { "fuzz" }))
        .current_dir(fuzz_crate())
        .env("RUSTC_BOOTSTRAP", "1");
    command
}

struct FuzzRun {
    ok: bool,
    /// Inputs tried, from libFuzzer's closing `Done N runs` line.
    runs: Option<u64>,
}

fn fuzz_target(fuzzer: &Fuzzer, target: &str, seconds: u64, progress: bool) -> FuzzRun {
    let mut command = fuzz_command(fuzzer, "run");
    command.args([
        target,
        "--",
        &format!("-max_total_time={seconds}"),
        // Decoding is capped at 64 MiB a picture by the target's limits; more is a leak
        // or a limit that does not hold.
        "-rss_limit_mb=1024",
        // A picture within the target's limits takes well under a second even under
        // ASan; far longer is a hang, not a slow input.
        "-timeout=30",
    ]);
    let child = command.stderr(Stdio::piped()).spawn();
    let Ok(mut child) = child else {
        return FuzzRun {
            ok: false,
            runs: None,
        };
    };
    let mut runs = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr)
            .lines()
            .map_while(std::result::Result::ok)
        {
            // libFuzzer reports every new coverage point on a `#N NEW` line and ends with
            // a suggested dictionary (`"…" # Uses: N`); only its periodic `pulse` lines are
            // worth a person's attention, and none in CI logs.
            let status_line = line.starts_with('#') || line.starts_with('"');
            if !status_line || (progress && line.contains("pulse")) {
                eprintln!("{line}");
            }
            if let Some(n) = line
                .strip_prefix("Done ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
            {
                runs = Some(n);
            }
        }
    }
    let ok = child.wait().is_ok_and(|s| s.success());
    FuzzRun { ok, runs }
}

fn finish(tally: Tally) -> Result<()> {
    eprintln!("\nsummary:");
    for line in &tally.lines {
        eprintln!("{line}");
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

fn run_counting(command: &mut Command) -> (usize, usize, bool) {
    let child = command.stdout(Stdio::piped()).spawn();
    let Ok(mut child) = child else {
        return (0, 0, false);
    };
    let (mut passed, mut failed) = (0, 0);
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            println!("{line}");
            if let Some((p, f)) = parse_result_line(&line) {
                passed += p;
                failed += f;
            }
        }
    }
    let ok = child.wait().is_ok_and(|s| s.success());
    (passed, failed, ok)
}

/// `test result: ok. 12 passed; 0 failed; 1 ignored; …` → (12, 0).
fn parse_result_line(line: &str) -> Option<(usize, usize)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let count = |word: &str| {
        rest.split(';').find_map(|part| {
            part.trim()
                .strip_suffix(word)?
                .trim()
                .rsplit(' ')
                .next()?
                .parse()
                .ok()
        })
    };
    Some((count(" passed").unwrap_or(0), count(" failed").unwrap_or(0)))
}

/// The folders the app would use if a test forgot to isolate itself.
fn app_data_dirs() -> Vec<PathBuf> {
    let home = PathBuf::from(std::env::var("HOME").unwrap_or_default());
    ["com.branchdesk.app", "branchdesk"]
        .iter()
        .flat_map(|name| {
            [
                home.join(".local/share").join(name),
                home.join(".config").join(name),
                home.join(".cache").join(name),
            ]
        })
        .collect()
}

fn app_data_stamps() -> Vec<Option<SystemTime>> {
    app_data_dirs()
        .iter()
        .map(|dir| std::fs::metadata(dir).and_then(|m| m.modified()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_result_line;

    #[test]
    fn libtest_summaries_are_counted() {
        assert_eq!(
            parse_result_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"),
            Some((12, 0))
        );
        assert_eq!(
            parse_result_line("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured"),
            Some((3, 2))
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
    }
}
