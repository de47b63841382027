//! The Fin.com upload figures of `cargo xtask bench`: a 25 MB scan sent through
//! `FinClient::upload` (streamed multipart) against `curl -F` of the same file to the same
//! standalone sandbox, in the same run, alternated; and how much the uploading process's
//! resident memory grew while it sent the file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;

use super::{median, start_sandbox, Sandbox};
use crate::{exe, shell, target_dir};

const SCAN_BYTES: usize = 25 * 1024 * 1024;
const RUNS: usize = 5;
const TIME_GOAL: f64 = 1.2;
const MEMORY_GOAL_MIB: f64 = 16.0;

pub struct Upload {
    client_s: f64,
    curl_s: f64,
    growth_mib: f64,
    worst_growth_mib: f64,
}

/// Builds the measuring example (release) and measures.
pub fn run() -> Result<Upload> {
    shell::cargo(&[
        "build",
        "--release",
        "--package",
        "branchdesk-api",
        "--example",
        "fin_upload_bench",
    ])?;
    let tool = target_dir()
        .join("release")
        .join("examples")
        .join(exe("fin_upload_bench"));
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
    for run in 0..RUNS {
        eprintln!("bench: upload {}/{RUNS}", run + 1);
        curl.push(curl_upload(&sandbox, &token, &customer, &scan)?);
        let answer = client_upload(tool, &sandbox, &customer, &scan)?;
        client.push(answer["seconds"].as_f64().context("no seconds")?);
        growth.push(answer["rss_growth_kib"].as_f64().context("no growth")? / 1024.0);
    }
    let _ = std::fs::remove_file(&scan);
    drop(sandbox);
    Ok(Upload {
        client_s: median(client),
        curl_s: median(curl),
        worst_growth_mib: growth.iter().copied().fold(0.0, f64::max),
        growth_mib: median(growth),
    })
}

pub fn report(upload: &Upload) -> String {
    let ratio = upload.client_s / upload.curl_s;
    format!(
        "\n## Document upload (Fin.com)\n\n\
         A {mib} MB scan (incompressible) to the sandbox's `POST /v1/customers/upload` on\n\
         loopback, median of {RUNS} alternated runs: `FinClient::upload` (streamed multipart,\n\
         read in 64 KiB chunks, token obtained before the clock starts) against\n\
         `curl -F` of the same file (curl's own `time_total`).\n\n\
         | measure | FinClient | curl -F | ratio | goal |\n\
         |---|---:|---:|---:|---:|\n\
         | wall time (ms) | {client:.0} | {curl:.0} | {ratio:.2}× | ≤ {TIME_GOAL:.1}× |\n\n\
         Resident memory growth of the uploading process during the upload (peak minus\n\
         before): median {growth:.1} MiB, worst {worst:.1} MiB (goal ≤ {MEMORY_GOAL_MIB:.0} MiB).\n",
        mib = SCAN_BYTES / (1024 * 1024),
        client = upload.client_s * 1000.0,
        curl = upload.curl_s * 1000.0,
        growth = upload.growth_mib,
        worst = upload.worst_growth_mib,
    )
}

/// A PDF header and pseudo-random bytes: nothing along the way can compress it.
fn scan_file() -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("branchdesk-scan-{}.pdf", std::process::id()));
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
    std::fs::write(&path, data).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
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

/// Seconds curl reports for the whole exchange. `Expect:` is turned off so curl does not
/// wait for a `100 Continue` the reference would otherwise pay for.
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
