//! The BVNK documents figures of `cargo xtask bench`: a 25 MB scan sent through
//! `BvnkClient::add_documents` (one JSON array whose base64 is made while it is sent)
//! against `curl --data-binary` of the same body, written to a file beforehand, to the same
//! standalone sandbox, in the same run, alternated; and how much the sending process's
//! resident memory grew while it sent the scan.
//!
//! As in `upload.rs`, both sides time the same span, from connecting to the sandbox to its
//! 202: curl by its own `time_total`, the client inside its process on a fresh connection
//! after a first signed request. Timing whole processes would measure start-up instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;

use super::upload::{write_scan, Spread, SCAN_BYTES};
use super::{start_sandbox, Sandbox};

/// A run takes some 150 ms, most of it the sandbox reading, hashing and parsing 33 MB of
/// JSON, so one stray compile step on the other core moves a single run by half: many runs,
/// as for Fin.com, and the spread beside the median.
const RUNS: usize = 31;
/// Runs made first and not counted: the first ones pay for cold caches on both sides.
const WARM_UP: usize = 2;
const TIME_GOAL: f64 = 1.3;
const MEMORY_GOAL_MIB: f64 = 16.0;

pub struct Documents {
    /// Seconds.
    client: Spread,
    curl: Spread,
    /// Each client run over the curl run made beside it, in the same conditions.
    paired_ratio: Spread,
    /// Seconds of CPU the client's threads spent during the call: reading the file and
    /// making its base64 included, and little moved by the rest of the machine's load.
    client_cpu: Spread,
    growth_mib: Spread,
    body_bytes: u64,
}

/// Builds the measuring example (release) and measures.
pub fn run() -> Result<Documents> {
    let tool = super::release_example("branchdesk-api", "bvnk_documents_bench")?;
    measure(&tool)
}

/// The files a run leaves in the temporary directory, removed however it ends.
struct TempFiles(Vec<PathBuf>);

impl Drop for TempFiles {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn measure(tool: &Path) -> Result<Documents> {
    // The sandbox runs in a process of its own, so its memory is not counted.
    let sandbox = start_sandbox(tool)?;
    let reference = tool_json(tool, &sandbox, &["setup", &sandbox.url])?["reference"]
        .as_str()
        .context("no reference from setup")?
        .to_owned();
    let temp = std::env::temp_dir();
    let scan = temp.join(format!("branchdesk-bvnk-scan-{}.pdf", std::process::id()));
    let body = temp.join(format!("branchdesk-bvnk-body-{}.json", std::process::id()));
    let _cleanup = TempFiles(vec![scan.clone(), body.clone()]);
    write_scan(&scan)?;
    // Made once, by the client itself, outside any timing: curl sends it from the file.
    let made = Command::new(tool)
        .arg("body")
        .args([&scan, &body])
        .output()
        .context("running bvnk_documents_bench body")?;
    ensure!(
        made.status.success(),
        "bvnk_documents_bench body failed: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let body_bytes = std::fs::metadata(&body)?.len();
    let path = format!("/platform/v1/customers/{reference}/documents");

    let (mut client, mut curl, mut growth) = (Vec::new(), Vec::new(), Vec::new());
    let mut client_cpu = Vec::new();
    for run in 0..WARM_UP + RUNS {
        eprintln!("bench: BVNK documents {}/{}", run + 1, WARM_UP + RUNS);
        // Each side goes first in turn, so neither always follows the other's leftovers.
        let (curl_s, answer) = if run % 2 == 0 {
            let curl_s = curl_documents(tool, &sandbox, &path, &body)?;
            (curl_s, client_documents(tool, &sandbox, &reference, &scan)?)
        } else {
            let answer = client_documents(tool, &sandbox, &reference, &scan)?;
            (curl_documents(tool, &sandbox, &path, &body)?, answer)
        };
        if run < WARM_UP {
            continue;
        }
        curl.push(curl_s);
        client.push(answer["seconds"].as_f64().context("no seconds")?);
        client_cpu.push(answer["cpu_seconds"].as_f64().context("no cpu_seconds")?);
        growth.push(answer["rss_growth_kib"].as_f64().context("no growth")? / 1024.0);
    }
    drop(sandbox);
    let paired_ratio = client.iter().zip(&curl).map(|(c, r)| c / r).collect();
    Ok(Documents {
        client: Spread::of(client),
        curl: Spread::of(curl),
        paired_ratio: Spread::of(paired_ratio),
        client_cpu: Spread::of(client_cpu),
        growth_mib: Spread::of(growth),
        body_bytes,
    })
}

pub fn report(documents: &Documents) -> String {
    let ms = |s: f64| s * 1000.0;
    let (client, curl, ratio) = (&documents.client, &documents.curl, &documents.paired_ratio);
    format!(
        "\n## Document upload (BVNK)\n\n\
         A {mib} MB scan (incompressible) as one COMPANY_DOC to the sandbox's\n\
         `POST /platform/v1/customers/{{reference}}/documents` on loopback: a {body:.1} MB\n\
         JSON array with the scan's base64 inside. {RUNS} runs of each side after {WARM_UP}\n\
         uncounted, alternated, each side going first in turn. Both time the same span, from\n\
         connecting to the sandbox to its 202, on a fresh connection with a fresh Hawk header\n\
         and `X-Idempotency-Key`: `BvnkClient::add_documents` (the file read on a thread in\n\
         256 KiB chunks, its base64 made as the connection takes it) timed inside its\n\
         process, and `curl --data-binary` of the same body, made by the client beforehand\n\
         and read into memory by curl before its clock starts, by its own `time_total`. The\n\
         span includes the sandbox reading, hashing and parsing the whole body, alike for\n\
         both. The ratio under spread is that of each client run to the curl run beside it.\n\n\
         | measure | BvnkClient | curl --data-binary | ratio | goal |\n\
         |---|---:|---:|---:|---:|\n\
         | wall time, median (ms) | {c:.1} | {r:.1} | {median_ratio:.2}× | ≤ {TIME_GOAL:.1}× |\n\
         | spread, quartiles (ms) | {c1:.1}–{c3:.1} | {r1:.1}–{r3:.1} | {p1:.2}–{p3:.2}× | |\n\
         | spread, fastest–slowest (ms) | {cmin:.1}–{cmax:.1} | {rmin:.1}–{rmax:.1} | {pmin:.2}–{pmax:.2}× | |\n\n\
         CPU time of the client's threads during the call: median {cpu:.1} ms (quartiles\n\
         {cpu1:.1}–{cpu3:.1} ms).\n\n\
         Resident memory growth of the sending process during the call (peak minus\n\
         before): median {growth:.1} MiB, worst {worst:.1} MiB (goal ≤ {MEMORY_GOAL_MIB:.0} MiB).\n",
        mib = SCAN_BYTES / (1024 * 1024),
        // In the scan's own unit (MiB, written MB as in the Fin.com section).
        body = documents.body_bytes as f64 / (1024.0 * 1024.0),
        c = ms(client.median),
        r = ms(curl.median),
        median_ratio = client.median / curl.median,
        c1 = ms(client.q1),
        c3 = ms(client.q3),
        r1 = ms(curl.q1),
        r3 = ms(curl.q3),
        p1 = ratio.q1,
        p3 = ratio.q3,
        cmin = ms(client.min),
        cmax = ms(client.max),
        rmin = ms(curl.min),
        rmax = ms(curl.max),
        pmin = ratio.min,
        pmax = ratio.max,
        cpu = ms(documents.client_cpu.median),
        cpu1 = ms(documents.client_cpu.q1),
        cpu3 = ms(documents.client_cpu.q3),
        growth = documents.growth_mib.median,
        worst = documents.growth_mib.max,
    )
}

/// Runs the tool with the sandbox's Hawk id and key on stdin; its stdout, trimmed.
fn tool_stdout(tool: &Path, sandbox: &Sandbox, args: &[&str]) -> Result<String> {
    let hawk = |name: &str| {
        sandbox.ready["credentials"]["bvnk"][name]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", tool.display()))?;
    {
        let mut stdin = child.stdin.take().context("no stdin")?;
        writeln!(stdin, "{}", hawk("hawk_id"))?;
        writeln!(stdin, "{}", hawk("hawk_key"))?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "bvnk_documents_bench {} failed: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn tool_json(tool: &Path, sandbox: &Sandbox, args: &[&str]) -> Result<Value> {
    serde_json::from_str(&tool_stdout(tool, sandbox, args)?).context("the tool's answer")
}

/// Seconds curl reports for the whole exchange, its connection included. The Hawk header
/// is made just before (a nonce serves once); `Expect:` is turned off so curl does not
/// wait for a `100 Continue` the client would not pay for.
fn curl_documents(tool: &Path, sandbox: &Sandbox, path: &str, body: &Path) -> Result<f64> {
    let authorization = tool_stdout(tool, sandbox, &["hawk", &sandbox.url, "POST", path])?;
    // A fresh random (v4) UUID from the kernel: every run is a new request, never a replay
    // of the stored answer. (xtask's everyday build has no uuid crate; the bench reads /proc
    // anyway.)
    let key = std::fs::read_to_string("/proc/sys/kernel/random/uuid")
        .context("a UUID from /proc/sys/kernel/random/uuid")?;
    let output = Command::new("curl")
        .args([
            "-sS",
            "-f",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{time_total}",
        ])
        .args(["-H", "Expect:", "-H", "Content-Type: application/json"])
        .args([
            "-H",
            &format!("X-Idempotency-Key: {}", key.trim()),
            "-H",
            &format!("Authorization: {authorization}"),
        ])
        .arg("--data-binary")
        .arg(format!("@{}", body.display()))
        .arg(format!("{}{path}", sandbox.url))
        .output()
        .context("running curl")?;
    let text = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success(),
        "curl documents failed ({text}): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (code, seconds) = text.trim().split_once(' ').context("curl's -w output")?;
    ensure!(code == "202", "curl documents answered {code}, not 202");
    seconds
        .replace(',', ".")
        .parse()
        .context("curl's time_total")
}

fn client_documents(tool: &Path, sandbox: &Sandbox, reference: &str, scan: &Path) -> Result<Value> {
    let scan = scan.to_string_lossy();
    tool_json(
        tool,
        sandbox,
        &["documents", &sandbox.url, reference, &scan],
    )
}

#[cfg(test)]
mod tests {
    /// Only this part of the bench: `cargo test -p xtask --bin xtask bvnk -- --ignored --nocapture`.
    #[test]
    #[ignore = "builds in release and takes a minute"]
    fn bvnk_alone() {
        let documents = super::run().unwrap();
        println!("{}", super::report(&documents));
    }
}
