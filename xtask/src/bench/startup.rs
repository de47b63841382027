//! Cold start and idle memory in `cargo xtask bench`, against a bare Tauri window built by
//! the same profile in the same run (`bench/bare-window`), on the same display. Each start
//! is a first start on a new data folder. `cargo xtask bench startup` prints this section
//! alone.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{descendants, median, verdict, KillOnDrop};
use crate::exe;

/// Runs of each binary, alternated so drift in the machine's load hits both alike.
const RUNS: usize = 7;
/// How long the window sits idle before its memory is read.
const SETTLE: Duration = Duration::from_secs(3);
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Cold start to an interactive window, and idle memory, as ratios to the bare window.
const START_GOAL: f64 = 1.10;
const MEMORY_GOAL: f64 = 1.15;

/// The medians, in milliseconds and MiB.
pub struct Startup {
    app_start: f64,
    bare_start: f64,
    app_open: f64,
    app_rss: f64,
    bare_rss: f64,
}

struct Measurement {
    /// The page drawn and taking input (`ui_ready` with the shell stage).
    ready: Duration,
    /// The desk open and shown (Branchdesk only: the bare window has no desk).
    open: Option<Duration>,
    rss_kib: u64,
}

/// Both binaries, already built into `release`, started [`RUNS`] times each, alternately.
pub fn measure(release: &Path) -> Result<Startup> {
    let app = release.join(exe("branchdesk"));
    let bare = release.join(exe("branchdesk-bare-window"));
    let mut app_runs = Vec::new();
    let mut bare_runs = Vec::new();
    for run in 0..RUNS {
        eprintln!("bench: start-up run {}/{RUNS}", run + 1);
        bare_runs.push(start(&bare, false)?);
        app_runs.push(start(&app, true)?);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mib = |m: &Measurement| m.rss_kib as f64 / 1024.0;
    Ok(Startup {
        app_start: median(app_runs.iter().map(|m| ms(m.ready)).collect()),
        bare_start: median(bare_runs.iter().map(|m| ms(m.ready)).collect()),
        app_open: median(app_runs.iter().filter_map(|m| m.open).map(ms).collect()),
        app_rss: median(app_runs.iter().map(mib).collect()),
        bare_rss: median(bare_runs.iter().map(mib).collect()),
    })
}

pub fn report(s: &Startup) -> String {
    let start_ratio = s.app_start / s.bare_start;
    let rss_ratio = s.app_rss / s.bare_rss;
    format!(
        "\n## Start-up and idle memory (vs a bare Tauri window)\n\n\
         Median of {RUNS} alternated runs each. Cold start is process spawn → the page reports\n\
         ready (`ui_ready` command): drawn, taking keys and clicks, with \"Opening\n\
         Branchdesk…\" where the desk is not open yet. The desk (vault, keyring, Training\n\
         sandbox, outbox) opens once the page is drawn; the desk's row is spawn → the page shows it\n\
         (sign-in), for which the bare window has no counterpart. Each start is a first start\n\
         on a new data folder. Memory is the resident set of the whole process tree (app +\n\
         WebKit web and network processes) after {settle} s idle.\n\n\
         | measure | Branchdesk | bare Tauri window | ratio | goal |\n\
         |---|---:|---:|---:|---|\n\
         | cold start to interactive (ms) | {app_start:.0} | {bare_start:.0} | {start_ratio:.2}× | ≤ {START_GOAL:.2}×: {start_met} |\n\
         | cold start to the open desk (ms) | {app_open:.0} | | | |\n\
         | idle RSS, process tree (MiB) | {app_rss:.1} | {bare_rss:.1} | {rss_ratio:.2}× | ≤ {MEMORY_GOAL:.2}×: {rss_met} |\n",
        settle = SETTLE.as_secs(),
        app_start = s.app_start,
        bare_start = s.bare_start,
        app_open = s.app_open,
        app_rss = s.app_rss,
        bare_rss = s.bare_rss,
        start_met = verdict(start_ratio <= START_GOAL),
        rss_met = verdict(rss_ratio <= MEMORY_GOAL),
    )
}

/// One cold start of `binary`; with `opens`, also waits for it to say its desk is open.
fn start(binary: &Path, opens: bool) -> Result<Measurement> {
    let data_dir = std::env::temp_dir().join(format!("branchdesk-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let started = Instant::now();
    let mut child = KillOnDrop(
        Command::new(binary)
            .env("BRANCHDESK_DATA_DIR", &data_dir)
            .env("BRANCHDESK_REPORT_READY", "1")
            .env("BRANCHDESK_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?,
    );
    let stdout = child.0.stdout.take().context("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            let line = line.trim();
            if line == "BRANCHDESK_READY" || line == "BRANCHDESK_OPEN" {
                let _ = tx.send((line.to_owned(), started.elapsed()));
            }
        }
    });
    let (_, ready) = rx
        .recv_timeout(READY_TIMEOUT)
        .ok()
        .filter(|(line, _)| line == "BRANCHDESK_READY")
        .with_context(|| format!("{} never reported ready", binary.display()))?;
    let open = if opens {
        let (_, open) = rx
            .recv_timeout(READY_TIMEOUT)
            .with_context(|| format!("{} never reported its desk open", binary.display()))?;
        Some(open)
    } else {
        None
    };
    std::thread::sleep(SETTLE);
    let pid = child.0.id();
    let rss_kib = std::iter::once(pid)
        .chain(descendants(pid))
        .map(rss_kib)
        .sum();
    drop(child);
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(Measurement {
        ready,
        open,
        rss_kib,
    })
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmRSS:")?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}
