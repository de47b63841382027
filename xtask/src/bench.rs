//! `cargo xtask bench`: Branchdesk's cold start to a usable window, and its idle memory,
//! as ratios against a bare Tauri window built from the same workspace and measured in the
//! same run, on the same display; the sandbox's create-customer throughput; and the outbox
//! figures of `outbox.rs`. Results go to `bench/RESULTS.md`.

mod bvnk;
mod csv_import;
mod outbox;
mod prefill;
mod size;
mod startup;
mod thumbnail;
mod typing;
mod upload;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::prereq::{self, Purpose};
use crate::{exe, root, shell, target_dir};

/// How a figure stands against its goal, as every table here says it.
fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**not met**"
    }
}

/// `cargo xtask bench SECTION`: one section's figures, printed; bench/RESULTS.md is left to
/// the full run, so it always holds figures from one run of one build.
pub fn section(name: &str) -> Result<()> {
    prereq::ensure(Purpose::Bench)?;
    if name == "drain" && std::env::var_os("BRANCHDESK_BENCH_SESSION").is_none() {
        // The CLI keeps the connection's secret in the keyring: run inside a session bus
        // with a keyring of its own, never the user's.
        let me = std::env::current_exe()?;
        let me = me.to_string_lossy().into_owned();
        let status = shell::isolated_session(
            false,
            &format!("BRANCHDESK_BENCH_SESSION=1 exec '{me}' bench drain"),
        )
        .status()?;
        if !status.success() {
            bail!("the bench failed ({status})");
        }
        return Ok(());
    }
    if name == "startup" && std::env::var_os("DISPLAY").is_none() {
        // Windows need a display: the same section again inside a virtual one, with a
        // session bus and keyring of its own.
        let me = std::env::current_exe()?;
        let me = me.to_string_lossy().into_owned();
        let status =
            shell::isolated_session(true, &format!("exec '{me}' bench startup")).status()?;
        if !status.success() {
            bail!("the bench failed ({status})");
        }
        return Ok(());
    }
    let report = match name {
        "drain" => {
            shell::cargo(&["build", "--release", "--package", "branchdesk-cli"])?;
            build_outbox_tool()?;
            let release = target_dir().join("release");
            let tool = outbox::tool_path(&release);
            let drain = outbox::drain(&release.join(exe("branchdesk-cli")), &tool)?;
            let listing = outbox::drafts_list(&tool)?;
            outbox::report(&drain, &listing)
        }
        "upload" => upload::report(&upload::run()?),
        "bvnk" => bvnk::report(&bvnk::run()?),
        "thumbnail" => thumbnail::report(&thumbnail::run()?),
        "typing" => typing::report(&typing::run()?),
        "prefill" => prefill::report(&prefill::run()?),
        "csv" => csv_import::report(&csv_import::run()?),
        "size" => size::report(&size::run()?),
        "startup" => {
            build_windows()?;
            startup::report(&startup::measure(&target_dir().join("release"))?)
        }
        other => {
            bail!("no bench section {other:?}: drain, upload, bvnk, thumbnail, typing, prefill, csv, size or startup")
        }
    };
    print!("{report}");
    Ok(())
}

/// Builds one of a crate's examples in release (the bench's measuring tools) and gives
/// its path.
fn release_example(package: &str, example: &str) -> Result<std::path::PathBuf> {
    shell::cargo(&[
        "build",
        "--release",
        "--locked",
        "--package",
        package,
        "--example",
        example,
    ])?;
    Ok(target_dir()
        .join("release")
        .join("examples")
        .join(exe(example)))
}

/// The app and the bare reference window, then the app's document reader on its own (see
/// `build_reader`), in release.
fn build_windows() -> Result<()> {
    shell::cargo(&[
        "build",
        "--release",
        "--locked",
        "--package",
        "branchdesk-app",
        "--package",
        "branchdesk-bare-window",
    ])?;
    crate::build_reader(true)
}

fn build_outbox_tool() -> Result<()> {
    shell::cargo(&[
        "build",
        "--release",
        "--package",
        "xtask",
        "--features",
        "outbox-bench",
        "--bin",
        "bench-outbox",
    ])
}

pub fn run() -> Result<()> {
    if !cfg!(target_os = "linux") {
        bail!("the start-up bench reads /proc and runs on Linux only");
    }
    prereq::ensure(Purpose::Bench)?;
    if std::env::var_os("DISPLAY").is_none() {
        // Re-run this same bench inside a virtual display with its own session bus.
        let me = std::env::current_exe()?;
        let me = me.to_string_lossy().into_owned();
        let status = shell::isolated_session(true, &format!("exec '{me}' bench")).status()?;
        if !status.success() {
            bail!("the bench failed ({status})");
        }
        return Ok(());
    }

    build_windows()?;
    shell::cargo(&["build", "--release", "--package", "branchdesk-cli"])?;
    build_outbox_tool()?;
    let release = target_dir().join("release");
    let size = size::measure(&release)?;
    let cli = release.join(exe("branchdesk-cli"));
    let load = sandbox_load(&cli)?;
    let tool = outbox::tool_path(&release);
    let drain = outbox::drain(&cli, &tool)?;
    let listing = outbox::drafts_list(&tool)?;
    let upload = upload::run()?;
    let bvnk = bvnk::run()?;
    let thumbnail = thumbnail::run()?;
    let typing = typing::run()?;
    let prefill = prefill::run()?;
    let csv = csv_import::run()?;
    let start = startup::measure(&release)?;

    let report = format!(
        "# Benchmarks\n\n\
         Produced by `cargo xtask bench` on {date}, {cores} cores, under Xvfb (1280×800×24).\n\
         Release builds.\n\
         ## Provider sandbox throughput (wrk)\n\n\
         `branchdesk-cli sandbox` (release) on loopback, loaded by `wrk -t2 -c{conns} -d{secs}s`\n\
         (2 threads, {conns} connections) on the same 2 cores. The reference is the\n\
         sandbox's cheapest route (`GET /_sandbox/faults`, a constant JSON), measured right after.\n\n\
         | endpoint | requests/s | ratio to reference |\n\
         |---|---:|---:|\n\
         | `POST /core/v1/cm/customers` (valid Personal body, bearer token) | {create:.0} | {create_ratio:.2}× |\n\
         | `GET /_sandbox/faults` (reference) | {reference:.0} | 1.00× |\n",
        conns = WRK_CONNECTIONS,
        secs = WRK_SECONDS,
        create = load.create,
        reference = load.reference,
        create_ratio = load.create / load.reference,
        date = today(),
        cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    );
    let report = report + &startup::report(&start);
    let report = report + &outbox::report(&drain, &listing);
    let report = report + &upload::report(&upload);
    let report = report + &bvnk::report(&bvnk);
    let report = report + &thumbnail::report(&thumbnail);
    let report = report + &typing::report(&typing);
    let report = report + &prefill::report(&prefill);
    let report = report + &csv_import::report(&csv);
    let report = report + &size::report(&size);
    print!("{report}");
    let path = root().join("bench").join("RESULTS.md");
    std::fs::write(&path, report).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("bench: wrote {}", path.display());
    Ok(())
}

const WRK_CONNECTIONS: usize = 32;
const WRK_SECONDS: u64 = 10;

struct Load {
    create: f64,
    reference: f64,
}

/// `branchdesk-cli sandbox` on a free port, stopped when dropped.
struct Sandbox {
    _process: KillOnDrop,
    url: String,
    ready: serde_json::Value,
}

impl Sandbox {
    fn cos_field(&self, name: &str) -> String {
        self.ready["credentials"]["cos"][name]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

fn start_sandbox(cli: &Path) -> Result<Sandbox> {
    let mut process = KillOnDrop(
        Command::new(cli)
            .args(["sandbox", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the sandbox")?,
    );
    let mut line = String::new();
    BufReader::new(process.0.stdout.take().context("no stdout")?).read_line(&mut line)?;
    let ready: serde_json::Value =
        serde_json::from_str(&line).context("the sandbox's ready line")?;
    let url = ready["url"].as_str().context("no url")?.to_owned();
    Ok(Sandbox {
        _process: process,
        url,
        ready,
    })
}

/// Requests per second the sandbox sustains for create-customer, against its cheapest route.
fn sandbox_load(cli: &Path) -> Result<Load> {
    let sandbox = start_sandbox(cli)?;
    let url = sandbox.url.clone();
    let field = |name: &str| sandbox.cos_field(name);
    let token_answer = Command::new("curl")
        .args(["-sf", "-X", "POST", &format!("{url}/connect/token")])
        .args([
            "-d",
            "grant_type=client_credentials",
            "-d",
            &format!("client_id={}", field("client_id")),
        ])
        .args(["-d", &format!("client_secret={}", field("client_secret"))])
        .args(["-d", "audience=https://api.crbcos.com/"])
        .output()?;
    let token: serde_json::Value = serde_json::from_slice(&token_answer.stdout).context("token")?;
    let bearer = token["access_token"].as_str().context("no access_token")?;
    let body = serde_json::json!({
        "partnerId": field("partner_id"),
        "name": {"firstName": "Peter", "lastName": "Griffin"},
        "classification": "Personal",
        "profile": {"regO": false, "politicallyExposedPerson": false, "taxIdType": "Ssn",
                    "taxId": "119988776", "birthDate": "1953-09-22", "riskRating": "Low"}
    });
    let script = std::env::temp_dir().join(format!("branchdesk-wrk-{}.lua", std::process::id()));
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = {body:?}\n\
             wrk.headers[\"Content-Type\"] = \"application/json\"\n\
             wrk.headers[\"Authorization\"] = \"Bearer {bearer}\"\n",
            body = body.to_string()
        ),
    )?;
    let create = wrk(&[
        "-s",
        &script.to_string_lossy(),
        &format!("{url}/core/v1/cm/customers"),
    ])?;
    let reference = wrk(&[&format!("{url}/_sandbox/faults")])?;
    let _ = std::fs::remove_file(&script);
    drop(sandbox);
    Ok(Load { create, reference })
}

fn wrk(args: &[&str]) -> Result<f64> {
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{WRK_CONNECTIONS}"),
            &format!("-d{WRK_SECONDS}s"),
        ])
        .args(args)
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if text.contains("Non-2xx") {
        bail!("wrk saw failed answers:\n{text}");
    }
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:")?.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk's output:\n{text}"))
}

/// A child process (and everything below it) ended when this is dropped.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let pid = self.0.id();
        for child in descendants(pid) {
            let _ = Command::new("kill").arg(child.to_string()).status();
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every process below `pid`, from /proc's parent links.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // The command name may contain spaces; the fields after its ')' are fixed.
            let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
            if let Some(parent) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                parents.push((child, parent));
            }
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(current) = frontier.pop() {
        for (child, parent) in &parents {
            if *parent == current && !found.contains(child) {
                found.push(*child);
                frontier.push(*child);
            }
        }
    }
    found
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn today() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}
