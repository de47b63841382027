//! Cold start and idle memory in `cargo xtask bench`, against a bare Tauri window built by
//! the same profile in the same run (`bench/bare-window`), on the same display. Each start
//! is a first start on a new data folder. `cargo xtask bench startup` prints this section
//! alone.
//!
//! On Linux the app draws its page without WebKit's GPU compositing layers (see
//! `draw_without_gpu_layers` in the app), which a bare window does not. So the bare window
//! is measured twice: as Tauri makes it (the goals' reference), and drawn the same way as
//! the app (WebKit's own `WEBKIT_DISABLE_COMPOSITING_MODE`, which the app sets for itself),
//! so the report also shows what the app costs over a window that draws alike.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{descendants, median, verdict, KillOnDrop};
use crate::exe;

/// Runs of each binary, alternated so drift in the machine's load hits both alike. Seven
/// runs' medians moved by ±0.1× from one bench to the next on 2 cores; eleven steady it.
const RUNS: usize = 11;
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
    /// The bare window drawn as the app is (Linux), or `None` where the two draw alike.
    same_drawing: Option<Reference>,
}

/// The bare window's medians when it draws as the app does.
struct Reference {
    start: f64,
    rss: f64,
}

/// What makes WebKitGTK draw as the app does: the app sets the same for itself at start.
const SAME_DRAWING: (&str, &str) = ("WEBKIT_DISABLE_COMPOSITING_MODE", "1");

struct Measurement {
    /// The page's first picture on screen (`ui_ready` with the drawn stage; the bare window
    /// reports at the same point: the frame after next).
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
    let mut same_runs = Vec::new();
    for run in 0..RUNS {
        eprintln!("bench: start-up run {}/{RUNS}", run + 1);
        bare_runs.push(start(&bare, false, None)?);
        if cfg!(target_os = "linux") {
            same_runs.push(start(&bare, false, Some(SAME_DRAWING))?);
        }
        app_runs.push(start(&app, true, None)?);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mib = |m: &Measurement| m.rss_kib as f64 / 1024.0;
    let starts = |runs: &[Measurement]| median(runs.iter().map(|m| ms(m.ready)).collect());
    let rss = |runs: &[Measurement]| median(runs.iter().map(mib).collect());
    Ok(Startup {
        app_start: starts(&app_runs),
        bare_start: starts(&bare_runs),
        app_open: median(app_runs.iter().filter_map(|m| m.open).map(ms).collect()),
        app_rss: rss(&app_runs),
        bare_rss: rss(&bare_runs),
        same_drawing: (!same_runs.is_empty()).then(|| Reference {
            start: starts(&same_runs),
            rss: rss(&same_runs),
        }),
    })
}

pub fn report(s: &Startup) -> String {
    let start_ratio = s.app_start / s.bare_start;
    let rss_ratio = s.app_rss / s.bare_rss;
    let same_rows = s.same_drawing.as_ref().map_or(String::new(), |same| {
        format!(
            "| cold start to interactive (ms), bare window without GPU layers | {app_start:.0} | {start:.0} | {ratio_start:.2}× | |\n\
             | idle RSS, process tree (MiB), bare window without GPU layers | {app_rss:.1} | {rss:.1} | {ratio_rss:.2}× | |\n",
            app_start = s.app_start,
            start = same.start,
            ratio_start = s.app_start / same.start,
            app_rss = s.app_rss,
            rss = same.rss,
            ratio_rss = s.app_rss / same.rss,
        )
    });
    format!(
        "\n## Start-up and idle memory (vs a bare Tauri window)\n\n\
         Median of {RUNS} alternated runs each. Cold start is process spawn → the page reports\n\
         ready (`ui_ready` command) in both windows once its first picture is on screen (two\n\
         animation frames after it is shown): taking keys and clicks, with \"Opening\n\
         Branchdesk…\" where the desk is not open yet. The desk (vault, keyring, Training\n\
         sandbox, outbox) opens once the page is drawn; the desk's row is spawn → the page shows it\n\
         (sign-in), for which the bare window has no counterpart. Each start is a first start\n\
         on a new data folder. Memory is the resident set of the whole process tree (app +\n\
         WebKit web and network processes) after {settle} s idle. On Linux the app draws without\n\
         WebKit's GPU compositing layers; the goals are judged against the bare window as Tauri\n\
         makes it, and the last two rows set the app against the bare window drawn the same\n\
         way (`WEBKIT_DISABLE_COMPOSITING_MODE=1`).\n\n\
         | measure | Branchdesk | bare Tauri window | ratio | goal |\n\
         |---|---:|---:|---:|---|\n\
         | cold start to interactive (ms) | {app_start:.0} | {bare_start:.0} | {start_ratio:.2}× | ≤ {START_GOAL:.2}×: {start_met} |\n\
         | cold start to the open desk (ms) | {app_open:.0} | | | |\n\
         | idle RSS, process tree (MiB) | {app_rss:.1} | {bare_rss:.1} | {rss_ratio:.2}× | ≤ {MEMORY_GOAL:.2}×: {rss_met} |\n\
         {same_rows}",
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

/// One cold start of `binary`, with `env` set if given; with `opens`, also waits for it to
/// say its desk is open.
fn start(binary: &Path, opens: bool, env: Option<(&str, &str)>) -> Result<Measurement> {
    let data_dir = std::env::temp_dir().join(format!("branchdesk-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let started = Instant::now();
    let mut child = KillOnDrop(
        Command::new(binary)
            .env("BRANCHDESK_DATA_DIR", &data_dir)
            .env("BRANCHDESK_REPORT_READY", "1")
            .env("BRANCHDESK_LOG", "warn")
            .envs(env)
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
