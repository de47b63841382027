//! The Fin.com upload figures of `cargo xtask bench` (see xtask/src/bench/upload.rs).
//!
//! - `sandbox [--port N]`: the sandbox, standalone, taking files up to 64 MB (its default
//!   10 MB limit would refuse the bench's 25 MB scan), its ready line on stdout.
//! - `upload URL CUSTOMER_ID FILE` (client id and secret on stdin, one per line): one
//!   `FinClient::upload` of FILE, timed from connecting to the answer, printing one JSON
//!   line with the wall time and how much this process's resident memory grew during the
//!   upload.

use std::io::BufRead;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use branchdesk_api::fin::{CancellationToken, FinClient, FinConfig, ProgressFn, UploadFile};
use branchdesk_domain::Sensitive;

#[path = "common/measure.rs"]
mod measure;

use measure::{cpu_ns, status_kib};

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Runtime::new()?;
    match args.first().map(String::as_str) {
        Some("sandbox") => {
            let port = args
                .iter()
                .position(|a| a == "--port")
                .and_then(|i| args.get(i + 1))
                .map(|p| p.parse())
                .transpose()?
                .unwrap_or(0);
            let config = branchdesk_sandbox::SandboxConfig {
                port,
                fin_upload_limit_bytes: 64 * 1024 * 1024,
                ..Default::default()
            };
            runtime.block_on(branchdesk_sandbox::serve_standalone(config))?;
            Ok(())
        }
        Some("upload") if args.len() == 4 => runtime.block_on(upload(&args[1], &args[2], &args[3])),
        _ => Err("usage: fin_upload_bench sandbox [--port N] | upload URL CUSTOMER_ID FILE".into()),
    }
}

async fn upload(url: &str, customer_id: &str, file: &str) -> Result<(), Failure> {
    let mut lines = std::io::stdin().lock().lines();
    let client_id = lines.next().ok_or("no client id on stdin")??;
    let secret = lines.next().ok_or("no client secret on stdin")??;
    let mut config = FinConfig::new(url, client_id, Sensitive::new(secret));
    config.upload_limit_bytes = 64 * 1024 * 1024;
    // No connection is kept from obtaining the token: the timed upload connects afresh,
    // as curl, its reference, does within the time it reports.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let client = FinClient::new(http, config)?;
    // The token before the clock starts, as in the app, where it is usually already there.
    client.check_credentials().await?;
    let files = [UploadFile::from_path(file, "application/pdf").await?];
    let length = files[0].length;
    let reports = Arc::new(AtomicU64::new(0));
    let counted = reports.clone();
    let progress: ProgressFn = Arc::new(move |_| {
        counted.fetch_add(1, Ordering::Relaxed);
    });

    let before = status_kib("VmRSS:");
    // Restarts the peak (VmHWM) from the current resident set (Linux 4.0+).
    let peak_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let cpu_before = cpu_ns();
    let started = Instant::now();
    let uris = client
        .upload(customer_id, &files, progress, &CancellationToken::new())
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_ns().saturating_sub(cpu_before) as f64 / 1e9;
    let peak = status_kib("VmHWM:");
    if uris.len() != 1 {
        return Err("no URI in the answer".into());
    }
    println!(
        "{}",
        serde_json::json!({
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "bytes": length,
            "rss_before_kib": before,
            "rss_peak_kib": peak,
            "rss_growth_kib": peak.saturating_sub(before),
            "peak_reset": peak_reset,
            "progress_reports": reports.load(Ordering::Relaxed),
        })
    );
    Ok(())
}
