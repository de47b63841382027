//! The outbox figures of `cargo xtask bench`: draining 1,000 drafts through the real CLI
//! against a bare loop of the same requests, and the Drafts list over 10,000 stored drafts
//! against plain SQLite. Both references are measured in the same run, on the same machine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;

use super::{median, start_sandbox, verdict, Sandbox};

const DRAFTS: usize = 1000;
const CONCURRENCY: usize = 8;
/// Each run drains 1,000 drafts; a few alternated runs are enough to see the spread.
const DRAIN_RUNS: usize = 3;
const LISTED: usize = 10_000;
const LIST_RUNS: usize = 20;
const DRAIN_GOAL: f64 = 1.5;
const LIST_GOAL_MS: f64 = 20.0;
const SEARCH_GOAL_MS: f64 = 50.0;

pub struct Drain {
    real_s: f64,
    bare_s: f64,
    /// The same submit with the data folder on tmpfs.
    in_memory_s: Option<f64>,
    requests: u64,
    filesystem: String,
}

/// Medians of alternated runs, each on a fresh sandbox (the sandbox counts a repeated SSN
/// as a duplicate customer) and, for the CLI, a fresh data folder.
pub fn drain(cli: &Path, tool: &Path) -> Result<Drain> {
    let work = std::env::temp_dir().join(format!("branchdesk-bench-outbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let drafts = work.join("drafts.json");
    succeeded(
        Command::new(tool)
            .args(["drafts", &DRAFTS.to_string()])
            .arg(&drafts)
            .output()?,
        "bench-outbox drafts",
    )?;
    let filesystem = filesystem(&work);
    // The same run with the data folder in memory, where fsync costs nothing: it tells how
    // much of the gap is durability and how much is work.
    let memory = Path::new("/dev/shm").is_dir().then(|| {
        PathBuf::from("/dev/shm").join(format!("branchdesk-bench-{}", std::process::id()))
    });
    let (mut real, mut bare, mut in_memory) = (Vec::new(), Vec::new(), Vec::new());
    let mut requests = 0;
    for run in 0..DRAIN_RUNS {
        eprintln!("bench: outbox drain {}/{DRAIN_RUNS}", run + 1);
        let (seconds, bare_requests) = bare_drain(cli, tool, &drafts)?;
        bare.push(seconds);
        let (seconds, real_requests) = real_drain(cli, &drafts, &work.join(format!("data-{run}")))?;
        real.push(seconds);
        // The reference must make exactly the calls the outbox made, or the ratio means nothing.
        ensure!(
            real_requests == bare_requests,
            "the bare loop's requests differ from the CLI's:\n{bare_requests}\n{real_requests}"
        );
        requests = count_requests(&real_requests);
        if let Some(memory) = &memory {
            let (seconds, _) = real_drain(cli, &drafts, &memory.join(format!("data-{run}")))?;
            in_memory.push(seconds);
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    if let Some(memory) = &memory {
        let _ = std::fs::remove_dir_all(memory);
    }
    Ok(Drain {
        real_s: median(real),
        bare_s: median(bare),
        in_memory_s: (!in_memory.is_empty()).then(|| median(in_memory)),
        requests,
        filesystem,
    })
}

fn real_drain(cli: &Path, drafts: &Path, data: &Path) -> Result<(f64, Value)> {
    let sandbox = start_sandbox(cli)?;
    let command = || {
        let mut command = Command::new(cli);
        command.arg("--data-dir").arg(data);
        command
    };
    let mut add = command()
        .args(["connection", "add", "cos", "--base-url", &sandbox.url])
        .args(["--client-id", &sandbox.cos_field("client_id")])
        .args(["--partner-id", &sandbox.cos_field("partner_id")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("branchdesk-cli connection add")?;
    add.stdin
        .take()
        .context("no stdin")?
        .write_all(sandbox.cos_field("client_secret").as_bytes())?;
    succeeded(add.wait_with_output()?, "connection add cos")?;
    succeeded(
        command().args(["draft", "import"]).arg(drafts).output()?,
        "draft import",
    )?;
    let started = Instant::now();
    let out = command()
        .args([
            "submit",
            "--wait",
            "--concurrency",
            &CONCURRENCY.to_string(),
        ])
        .output()?;
    let seconds = started.elapsed().as_secs_f64();
    let text = succeeded(out, "submit --wait")?;
    ensure!(
        text.starts_with(&format!("{DRAFTS} submitted, 0 waiting")),
        "submit did not send every draft: {text}"
    );
    Ok((seconds, sent_requests(&sandbox)?))
}

fn bare_drain(cli: &Path, tool: &Path, drafts: &Path) -> Result<(f64, Value)> {
    let sandbox = start_sandbox(cli)?;
    let started = Instant::now();
    let mut child = Command::new(tool)
        .args([
            "drain",
            &sandbox.url,
            &sandbox.cos_field("client_id"),
            &sandbox.cos_field("partner_id"),
        ])
        .arg(drafts)
        .arg(CONCURRENCY.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("bench-outbox drain")?;
    child
        .stdin
        .take()
        .context("no stdin")?
        .write_all(sandbox.cos_field("client_secret").as_bytes())?;
    let out = child.wait_with_output()?;
    let seconds = started.elapsed().as_secs_f64();
    succeeded(out, "bench-outbox drain")?;
    Ok((seconds, sent_requests(&sandbox)?))
}

/// The sandbox's per-endpoint answer counts once every draft is in, after checking that
/// each draft became exactly one customer. The token request is left out: the CLI may renew.
fn sent_requests(sandbox: &Sandbox) -> Result<Value> {
    let answer = Command::new("curl")
        .args(["-sf", &format!("{}/_sandbox/stats", sandbox.url)])
        .output()?;
    let stats: Value = serde_json::from_slice(&answer.stdout).context("the sandbox's stats")?;
    ensure!(
        stats["customers"]["cos"] == DRAFTS && stats["duplicates"] == 0,
        "expected {DRAFTS} customers and no duplicate: {stats}"
    );
    let mut requests = stats["requests"].clone();
    if let Some(map) = requests.as_object_mut() {
        map.retain(|endpoint, _| !endpoint.contains("/connect/token"));
    }
    Ok(requests)
}

fn count_requests(requests: &Value) -> u64 {
    requests
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(Value::as_object)
        .flat_map(|by_status| by_status.values())
        .filter_map(Value::as_u64)
        .sum()
}

fn filesystem(path: &Path) -> String {
    Command::new("df")
        .args(["--output=fstype"])
        .arg(path)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .last()
                .map(|l| l.trim().to_owned())
        })
        .unwrap_or_default()
}

/// Standard output of a command that must have succeeded.
fn succeeded(out: Output, what: &str) -> Result<String> {
    if !out.status.success() {
        bail!(
            "{what} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub struct Listing(Value);

pub fn drafts_list(tool: &Path) -> Result<Listing> {
    eprintln!("bench: drafts list over {LISTED} drafts");
    let text = succeeded(
        Command::new(tool)
            .args(["list", &LISTED.to_string(), &LIST_RUNS.to_string()])
            .output()?,
        "bench-outbox list",
    )?;
    Ok(Listing(
        serde_json::from_str(text.trim()).context("bench-outbox list's answer")?,
    ))
}

pub fn tool_path(release: &Path) -> PathBuf {
    release.join(crate::exe("bench-outbox"))
}

/// 1000 → "1,000", as the prose around it writes numbers.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn report(drain: &Drain, listing: &Listing) -> String {
    let ratio = drain.real_s / drain.bare_s;
    let l = &listing.0;
    let number = |key: &str| l[key].as_f64().unwrap_or(f64::NAN);
    let (list_ms, list_ref) = (number("list_ms"), number("list_ref_ms"));
    let (search_ms, search_ref) = (number("search_ms"), number("search_ref_ms"));
    let (drafts, listed) = (thousands(DRAFTS), thousands(LISTED));
    let page = &l["page"];
    let memory_row = drain.in_memory_s.map_or(String::new(), |s| {
        format!(
            "\nThe same `submit` with the data folder on tmpfs (`/dev/shm`, where fsync is free)\n\
             took {s:.2} s ({:.2}× the bare loop): of the {gap:.2} s gap, waiting for the disk\n\
             accounts for {disk:.2} s and the vault's own work (encryption, statements,\n\
             bookkeeping) for {work:.2} s.\n",
            s / drain.bare_s,
            gap = drain.real_s - drain.bare_s,
            disk = drain.real_s - s,
            work = s - drain.bare_s,
        )
    });
    let lines = [
        format!("\n## Outbox drain: {drafts} drafts (vs a bare reqwest loop)\n"),
        format!("{drafts} valid Personal drafts (each with an address, a phone, an e-mail and a driver's"),
        format!("licence: 5 COS requests a draft, {} in all) sent to `branchdesk-cli sandbox`", thousands(usize::try_from(drain.requests).unwrap_or(0))),
        format!("(release, loopback, a fresh sandbox each run) with {CONCURRENCY} drafts in flight."),
        format!("Median of {DRAIN_RUNS} alternated runs; each side timed from process spawn to exit.\n"),
        format!("- **Branchdesk**: `branchdesk-cli --data-dir DIR submit --wait --concurrency {CONCURRENCY}`, after"),
        "  `connection add cos --base-url URL --client-id ID --partner-id GUID` (secret on stdin)".to_owned(),
        "  and `draft import drafts.json` (neither timed). Includes planning every draft into the".to_owned(),
        "  encrypted vault's outbox, and recording each step, its answer and its audit entry;".to_owned(),
        "  the command ends only once every record is on disk".to_owned(),
        format!("  (data folder on {}, synchronous=FULL).", drain.filesystem),
        "- **Reference**: `bench-outbox drain` (`xtask/src/bench_outbox.rs`): one token, then per".to_owned(),
        "  draft the same POSTs in the same order (create customer, address, phone, e-mail,".to_owned(),
        "  identification; bodies from the same `cos::onboarding`, one `idempotency-Key` each)".to_owned(),
        format!("  with {CONCURRENCY} drafts in flight, nothing stored.\n"),
        format!("Every run ends with {drafts} COS customers and 0 duplicates at the sandbox, and both"),
        "sides' per-endpoint request counts there are checked equal.\n".to_owned(),
        "| measure | Branchdesk | bare reqwest loop | ratio | goal |".to_owned(),
        "|---|---:|---:|---:|---|".to_owned(),
        format!(
            "| wall time, {drafts} drafts (s) | {:.2} | {:.2} | {ratio:.2}× | ≤ {DRAIN_GOAL}×: {} |",
            drain.real_s,
            drain.bare_s,
            verdict(ratio <= DRAIN_GOAL)
        ),
        format!(
            "| drafts/s | {:.0} | {:.0} | | |",
            DRAFTS as f64 / drain.real_s,
            DRAFTS as f64 / drain.bare_s
        ),
        memory_row,
        format!("## Drafts list over {listed} drafts (vs plain SQLite)\n"),
        format!("`bench-outbox list {LISTED} {LIST_RUNS}`: {listed} Personal drafts saved into a vault (SQLCipher,"),
        format!("keys in a memory store) through `Vault::save_draft`, then the median of {LIST_RUNS} alternated"),
        format!("runs. The Drafts list's first page is the newest {page}, measured as the `draft_list`"),
        "command makes it: `Desk::list_drafts(\"\", \"\")` and its JSON. The search is".to_owned(),
        format!(
            "`Desk::list_drafts(\"{search}\", \"\")` ({matches} matches, the page shows {shown}) and its JSON.",
            search = l["search"].as_str().unwrap_or_default(),
            matches = l["matches"],
            shown = l["shown"]
        ),
        "The reference runs the vault's SQL word for word (same `LIMIT`) on an unencrypted SQLite".to_owned(),
        "copy of the same rows (same schema, same timestamps), reading the columns into strings.\n".to_owned(),
        "| measure | Branchdesk | plain SQLite | ratio | goal |".to_owned(),
        "|---|---:|---:|---:|---|".to_owned(),
        format!(
            "| first page of the Drafts list, newest {page} of {listed} (ms) | {list_ms:.1} | {list_ref:.1} | {:.2}× | ≤ {LIST_GOAL_MS} ms: {} |",
            list_ms / list_ref,
            verdict(list_ms <= LIST_GOAL_MS)
        ),
        format!(
            "| search by name (ms) | {search_ms:.1} | {search_ref:.1} | {:.2}× | ≤ {SEARCH_GOAL_MS} ms: {} |\n",
            search_ms / search_ref,
            verdict(search_ms <= SEARCH_GOAL_MS)
        ),
        format!(
            "For scale, every row without the page: the vault's query alone (`Vault::list_drafts`,\n\
             no limit) {:.1} ms, the plain query {:.1} ms.",
            number("all_ms"),
            number("all_ref_ms")
        ),
    ];
    let mut text = lines.join("\n");
    text.push('\n');
    text
}
