//! The Fin.com upload figures of `cargo xtask bench`: a 25 MB scan sent through
//! `FinClient::upload` (streamed multipart) against `curl -F` of the same file to the same
//! standalone sandbox, in the same run, alternated; and how much the uploading process's
//! resident memory grew while it sent the file.
//!
//! Both sides time the same span, from connecting to the sandbox to its answer: curl by its
//! own `time_total`, the client inside its process on a fresh connection, after start-up
//! and the token. Starting a process costs more than sending 25 MB over loopback, so timing
//! whole processes would measure start-up instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;

use super::{start_sandbox, Sandbox};

pub(super) const SCAN_BYTES: usize = 25 * 1024 * 1024;
/// An upload takes some 20 ms, so one stray compile step on the other core moves a single
/// run by half: many runs, and the spread beside the median.
const RUNS: usize = 31;
/// Runs made first and not counted: the first ones pay for cold caches on both sides.
const WARM_UP: usize = 2;
const TIME_GOAL: f64 = 1.2;
const MEMORY_GOAL_MIB: f64 = 16.0;

/// Lowest, quartiles, median and highest of a set of runs.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    pub(super) min: f64,
    pub(super) q1: f64,
    pub(super) median: f64,
    pub(super) q3: f64,
    pub(super) max: f64,
}

impl Spread {
    pub(super) fn of(mut values: Vec<f64>) -> Self {
        values.sort_by(f64::total_cmp);
        Self {
            min: quantile(&values, 0.0),
            q1: quantile(&values, 0.25),
            median: quantile(&values, 0.5),
            q3: quantile(&values, 0.75),
            max: quantile(&values, 1.0),
        }
    }
}

/// Linear interpolation between the two nearest ranks of sorted values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let at = p * last as f64;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
}

pub struct Upload {
    /// Seconds.
    client: Spread,
    curl: Spread,
    /// Each client run over the curl run made beside it, in the same conditions.
    paired_ratio: Spread,
    /// Seconds of CPU the client's threads spent during the upload: its own cost, which the
    /// load from the rest of the machine moves far less than its wall time.
    client_cpu: Spread,
    growth_mib: Spread,
}

/// Builds the measuring example (release) and measures.
pub fn run() -> Result<Upload> {
    let tool = super::release_example("branchdesk-api", "fin_upload_bench")?;
    measure(&tool)
}

fn measure(tool: &Path) -> Result<Upload> {
    // The CLI's sandbox keeps Fin.com's usual 10 MB limit; the tool serves one that takes
    // the 25 MB scan, in a process of its own so its memory is not counted.
    let sandbox = start_sandbox(tool)?;
    let scan = scan_file()?;
    let token = token(&sandbox)?;
    let customer = create_customer(&sandbox, &token)?;
    let (mut client, mut curl, mut growth) = (Vec::new(), Vec::new(), Vec::new());
    let mut client_cpu = Vec::new();
    for run in 0..WARM_UP + RUNS {
        eprintln!("bench: upload {}/{}", run + 1, WARM_UP + RUNS);
        // Each side goes first in turn, so neither always follows the other's leftovers.
        let (curl_s, answer) = if run % 2 == 0 {
            let curl_s = curl_upload(&sandbox, &token, &customer, &scan)?;
            (curl_s, client_upload(tool, &sandbox, &customer, &scan)?)
        } else {
            let answer = client_upload(tool, &sandbox, &customer, &scan)?;
            (curl_upload(&sandbox, &token, &customer, &scan)?, answer)
        };
        if run < WARM_UP {
            continue;
        }
        curl.push(curl_s);
        client.push(answer["seconds"].as_f64().context("no seconds")?);
        client_cpu.push(answer["cpu_seconds"].as_f64().context("no cpu_seconds")?);
        growth.push(answer["rss_growth_kib"].as_f64().context("no growth")? / 1024.0);
    }
    let _ = std::fs::remove_file(&scan);
    drop(sandbox);
    let paired_ratio = client.iter().zip(&curl).map(|(c, r)| c / r).collect();
    Ok(Upload {
        client: Spread::of(client),
        curl: Spread::of(curl),
        paired_ratio: Spread::of(paired_ratio),
        client_cpu: Spread::of(client_cpu),
        growth_mib: Spread::of(growth),
    })
}

pub fn report(upload: &Upload) -> String {
    let ms = |s: f64| s * 1000.0;
    let (client, curl, ratio) = (&upload.client, &upload.curl, &upload.paired_ratio);
    format!(
        "\n## Document upload (Fin.com)\n\n\
         A {mib} MB scan (incompressible) to the sandbox's `POST /v1/customers/upload` on\n\
         loopback, {RUNS} runs of each side after {WARM_UP} uncounted, alternated, each side\n\
         going first in turn. Both time the same span, from connecting to the sandbox to its\n\
         answer, on a fresh connection with the token already obtained:\n\
         `FinClient::upload` (streamed multipart, the file read on a thread in 256 KiB\n\
         chunks) timed inside its process, and `curl -F` of the same file by its own\n\
         `time_total`. The ratio under spread is that of each client run to the curl run\n\
         beside it.\n\n\
         | measure | FinClient | curl -F | ratio | goal |\n\
         |---|---:|---:|---:|---:|\n\
         | wall time, median (ms) | {c:.1} | {r:.1} | {median_ratio:.2}× | ≤ {TIME_GOAL:.1}× |\n\
         | spread, quartiles (ms) | {c1:.1}–{c3:.1} | {r1:.1}–{r3:.1} | {p1:.2}–{p3:.2}× | |\n\
         | spread, fastest–slowest (ms) | {cmin:.1}–{cmax:.1} | {rmin:.1}–{rmax:.1} | {pmin:.2}–{pmax:.2}× | |\n\n\
         CPU time of the client's threads during the upload: median {cpu:.1} ms (quartiles\n\
         {cpu1:.1}–{cpu3:.1} ms).\n\n\
         Resident memory growth of the uploading process during the upload (peak minus\n\
         before): median {growth:.1} MiB, worst {worst:.1} MiB (goal ≤ {MEMORY_GOAL_MIB:.0} MiB).\n",
        mib = SCAN_BYTES / (1024 * 1024),
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
        cpu = ms(upload.client_cpu.median),
        cpu1 = ms(upload.client_cpu.q1),
        cpu3 = ms(upload.client_cpu.q3),
        growth = upload.growth_mib.median,
        worst = upload.growth_mib.max,
    )
}

fn scan_file() -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("branchdesk-scan-{}.pdf", std::process::id()));
    write_scan(&path)?;
    Ok(path)
}

/// A 25 MB scan at `path`: a PDF header and pseudo-random bytes, so nothing along the way
/// can compress it.
pub(super) fn write_scan(path: &Path) -> Result<()> {
    let mut data = Vec::with_capacity(SCAN_BYTES);
    data.extend_from_slice(b"%PDF-1.4\n");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while data.len() < SCAN_BYTES {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(SCAN_BYTES);
    std::fs::write(path, data).with_context(|| format!("writing {}", path.display()))
}

fn credential(sandbox: &Sandbox, name: &str) -> String {
    sandbox.ready["credentials"]["fin"][name]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn curl_json(args: &[&str], body: &Value) -> Result<Value> {
    let output = Command::new("curl")
        .args(["-sS", "-f", "-H", "Content-Type: application/json", "-d"])
        .arg(body.to_string())
        .args(args)
        .output()
        .context("running curl")?;
    ensure!(
        output.status.success(),
        "curl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).context("curl's answer")
}

fn token(sandbox: &Sandbox) -> Result<String> {
    let answer = curl_json(
        &[&format!("{}/v1/oauth/token", sandbox.url)],
        &serde_json::json!({
            "client_id": credential(sandbox, "client_id"),
            "client_secret": credential(sandbox, "client_secret"),
        }),
    )?;
    Ok(answer["data"]["access_token"]
        .as_str()
        .context("no access_token")?
        .to_owned())
}

fn create_customer(sandbox: &Sandbox, token: &str) -> Result<String> {
    let body = serde_json::json!({
        "verification_type": "STANDARD",
        "basic_info": {
            "first_name": "Maria", "last_name": "Garcia", "dob": "1990-04-15",
            "email": "maria.garcia@example.com", "phone": "+14155552671",
            "country_of_residence": "USA", "primary_nationality": "USA",
            "tax_info": [{"country_code": "USA", "document_type": "SSN", "document_id": "123-45-6789"}]
        },
        "address": {
            "street_line_1": "123 Market Street", "city": "San Francisco",
            "subdivision_code": "US-CA", "postal_code": "94103", "country": "USA"
        },
        "financial_profile": {
            "employment_status": "EMPLOYED", "occupation_id": 42, "purpose_id": 3,
            "source_of_fund_ids": [1], "monthly_volume_usd": 5000
        }
    });
    let answer = curl_json(
        &[
            "-H",
            &format!("Authorization: Bearer {token}"),
            &format!("{}/v2/customers/individual", sandbox.url),
        ],
        &body,
    )?;
    Ok(answer["data"]["customer_id"]
        .as_str()
        .context("no customer_id")?
        .to_owned())
}

/// Seconds curl reports for the whole exchange, its connection included. `Expect:` is
/// turned off so curl does not wait for a `100 Continue` the reference would otherwise pay
/// for.
fn curl_upload(sandbox: &Sandbox, token: &str, customer: &str, scan: &Path) -> Result<f64> {
    let output = Command::new("curl")
        .args(["-sS", "-f", "-o", "/dev/null", "-w", "%{time_total}"])
        .args([
            "-H",
            "Expect:",
            "-H",
            &format!("Authorization: Bearer {token}"),
        ])
        .args(["-F", &format!("customer_id={customer}")])
        .args([
            "-F",
            &format!("scan=@{};type=application/pdf", scan.display()),
        ])
        .arg(format!("{}/v1/customers/upload", sandbox.url))
        .output()
        .context("running curl")?;
    ensure!(
        output.status.success(),
        "curl upload failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .replace(',', ".")
        .parse()
        .context("curl's time_total")
}

fn client_upload(tool: &Path, sandbox: &Sandbox, customer: &str, scan: &Path) -> Result<Value> {
    let mut child = Command::new(tool)
        .arg("upload")
        .arg(&sandbox.url)
        .arg(customer)
        .arg(scan)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", tool.display()))?;
    {
        let mut stdin = child.stdin.take().context("no stdin")?;
        writeln!(stdin, "{}", credential(sandbox, "client_id"))?;
        writeln!(stdin, "{}", credential(sandbox, "client_secret"))?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "fin_upload_bench upload failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout).context("fin_upload_bench's answer")
}

#[cfg(test)]
mod tests {
    /// Only this part of the bench: `cargo test -p xtask --bin xtask upload -- --ignored --nocapture`.
    #[test]
    #[ignore = "builds in release and takes a minute"]
    fn upload_alone() {
        let upload = super::run().unwrap();
        println!("{}", super::report(&upload));
    }
}
