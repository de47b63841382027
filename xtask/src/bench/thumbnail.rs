//! The scan figures of `cargo xtask bench`: a 12-megapixel phone photo through the app's
//! own `documents::normalise_with` up to the preview staff see when they attach a scan
//! (sniff, decode, quality checks, the upright thumbnail), against `vipsthumbnail` of the
//! same file; and the whole normalise, upload copy included, beside it. Each run is a
//! process of its own, timed from spawn to exit, alternated with the others.
//! `cargo xtask bench thumbnail` runs this alone.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use serde_json::Value;

use super::median;

const RUNS: usize = 9;
const GOAL: f64 = 1.5;
const THUMBNAIL_PX: u32 = 320;

pub struct Thumbnail {
    ours_ms: f64,
    vips_ms: f64,
    ours_cpu_ms: f64,
    vips_cpu_ms: f64,
    whole_ms: f64,
    whole_cpu_ms: f64,
    photo_bytes: u64,
    upload_bytes: u64,
    vips_version: String,
    /// One in-process run of each step, in ms (see the example's `stages`).
    stages: Value,
}

/// Builds the measuring example (release) and measures.
pub fn run() -> Result<Thumbnail> {
    let tool = super::release_example("branchdesk-documents", "thumbnail_bench")?;
    let work =
        std::env::temp_dir().join(format!("branchdesk-bench-thumbnail-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let result = measure(&tool, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(tool: &Path, work: &Path) -> Result<Thumbnail> {
    let photo = work.join("photo.jpg");
    let made = Command::new(tool).arg("photo").arg(&photo).status()?;
    ensure!(made.success(), "thumbnail_bench photo failed ({made})");
    let photo_bytes = std::fs::metadata(&photo)?.len();
    let ours_out = work.join("ours.jpg");
    let vips_out: PathBuf = work.join("vips.jpg");
    let mut ours = Command::new(tool);
    ours.arg("preview").arg(&photo).arg(&ours_out);
    let mut whole = Command::new(tool);
    whole
        .arg("normalise")
        .arg(&photo)
        .arg(work.join("whole.jpg"));
    let mut vips = Command::new("vipsthumbnail");
    vips.arg(&photo)
        .args(["-s", &THUMBNAIL_PX.to_string(), "-o"])
        .arg(format!("{}[Q=80,strip]", vips_out.display()));

    let (mut ours_wall, mut ours_cpu, mut vips_wall, mut vips_cpu) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut whole_wall, mut whole_cpu) = (Vec::new(), Vec::new());
    let mut answer = Value::Null;
    for run in 0..RUNS {
        eprintln!("bench: thumbnail {}/{RUNS}", run + 1);
        let (wall, cpu, _) = timed(&mut vips)?;
        vips_wall.push(wall);
        vips_cpu.push(cpu);
        let (wall, cpu, _) = timed(&mut ours)?;
        ours_wall.push(wall);
        ours_cpu.push(cpu);
        let (wall, cpu, stdout) = timed(&mut whole)?;
        whole_wall.push(wall);
        whole_cpu.push(cpu);
        answer = serde_json::from_slice(&stdout).context("thumbnail_bench's answer")?;
    }
    // Both must have produced the same upright thumbnail, or the times compare different work.
    let ours_size = image_size(&ours_out)?;
    let vips_size = image_size(&vips_out)?;
    ensure!(
        ours_size == vips_size,
        "thumbnails differ in size: ours {ours_size:?}, vipsthumbnail {vips_size:?}"
    );
    let stages = Command::new(tool).arg("stages").arg(&photo).output()?;
    let stages = serde_json::from_slice(&stages.stdout).unwrap_or(Value::Null);
    let vips_version = Command::new("vipsthumbnail")
        .arg("--vips-version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    Ok(Thumbnail {
        ours_ms: median(ours_wall),
        vips_ms: median(vips_wall),
        ours_cpu_ms: median(ours_cpu),
        vips_cpu_ms: median(vips_cpu),
        whole_ms: median(whole_wall),
        whole_cpu_ms: median(whole_cpu),
        photo_bytes,
        upload_bytes: answer["bytes"].as_u64().unwrap_or(0),
        vips_version,
        stages,
    })
}

/// Wall time and CPU time (user + system, from the kernel's count for reaped children) in
/// ms, and what the process printed. CPU time is what a busy machine cannot inflate.
fn timed(command: &mut Command) -> Result<(f64, f64, Vec<u8>)> {
    let cpu_before = children_cpu_ms();
    let started = Instant::now();
    let output = command.output().context("running a thumbnail maker")?;
    let wall = started.elapsed().as_secs_f64() * 1000.0;
    ensure!(
        output.status.success(),
        "{command:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((wall, children_cpu_ms() - cpu_before, output.stdout))
}

/// cutime + cstime of /proc/self/stat, in ms (Linux counts in 1/100 s).
fn children_cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may contain spaces; the fields after its ')' are fixed, from field 3.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let ticks: f64 = after
        .split_whitespace()
        .skip(13)
        .take(2)
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    ticks * 10.0
}

fn image_size(path: &Path) -> Result<(u32, u32)> {
    let out = Command::new("vipsheader")
        .args(["-f", "width"])
        .arg(path)
        .output()?;
    let width = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    let out = Command::new("vipsheader")
        .args(["-f", "height"])
        .arg(path)
        .output()?;
    let height = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    Ok((width, height))
}

pub fn report(t: &Thumbnail) -> String {
    let ratio = t.ours_ms / t.vips_ms;
    let cpu_ratio = t.ours_cpu_ms / t.vips_cpu_ms;
    let stage = |name: &str| t.stages[name].as_f64().unwrap_or(f64::NAN);
    format!(
        "\n## Scan thumbnail: a 12-megapixel photo (vs vipsthumbnail)\n\n\
         A deterministic 4000 × 3000 phone-like JPEG ({photo_mb:.1} MB, 4:2:0, quality 90,\n\
         EXIF orientation 6), median of {RUNS} alternated runs, each side a process timed from\n\
         spawn to exit. CPU time is user + system of that process.\n\n\
         - **Branchdesk, preview**: `documents::normalise_with` (`crates/documents/examples/thumbnail_bench.rs`\n\
           `preview`, release) up to the moment it hands staff the checks and the thumbnail,\n\
           where the process writes the thumbnail and exits: sniff, completeness walk, full\n\
           decode, one box-averaged small copy, quality checks on its 1000 px grey version,\n\
           and the {THUMBNAIL_PX} px thumbnail turned upright, at quality 80. The app shows the\n\
           slot at this point (the attach commands' `onPreview` channel) and finishes the upload copy after.\n\
         - **Branchdesk, whole normalise**: the same run to the end, adding the full picture\n\
           turned upright and the upload JPEG at quality 92 ({upload_mb:.1} MB): the time until\n\
           the scan is stored and can be sent.\n\
         - **Reference**: `vipsthumbnail photo.jpg -s {THUMBNAIL_PX} -o thumb.jpg[Q=80,strip]`\n\
           ({vips}): also upright, but it decodes the JPEG at 1/8 size (shrink-on-load) and\n\
           makes no checks.\n\n\
         | measure | Branchdesk | vipsthumbnail | ratio | goal |\n\
         |---|---:|---:|---:|---:|\n\
         | preview, wall time (ms) | {ours:.0} | {vips_ms:.0} | {ratio:.2}× | ≤ {GOAL:.1}× |\n\
         | preview, CPU time (ms) | {ours_cpu:.0} | {vips_cpu:.0} | {cpu_ratio:.2}× | |\n\
         | whole normalise, wall time (ms) | {whole:.0} | {vips_ms:.0} | {whole_ratio:.2}× | |\n\
         | whole normalise, CPU time (ms) | {whole_cpu:.0} | {vips_cpu:.0} | {whole_cpu_ratio:.2}× | |\n\n\
         Where the time goes (CPU ms, medians of 7 in-process runs): read {read:.0}, full decode\n\
         {decode:.0}, checks and thumbnail {checks:.0}, so preview {preview:.0}; then the upload copy\n\
         (upright full picture, encode, hash) {upload:.0}, whole normalise {normalise:.0}. The full-size\n\
         decode and the upload copy are work vipsthumbnail does not do: the upload keeps every\n\
         pixel and the checks look at the picture at 1000 px, not 1/8 of it.\n",
        photo_mb = t.photo_bytes as f64 / 1e6,
        upload_mb = t.upload_bytes as f64 / 1e6,
        vips = t.vips_version,
        ours = t.ours_ms,
        vips_ms = t.vips_ms,
        ours_cpu = t.ours_cpu_ms,
        vips_cpu = t.vips_cpu_ms,
        whole = t.whole_ms,
        whole_cpu = t.whole_cpu_ms,
        whole_ratio = t.whole_ms / t.vips_ms,
        whole_cpu_ratio = t.whole_cpu_ms / t.vips_cpu_ms,
        read = stage("read"),
        decode = stage("decode"),
        checks = stage("checks and thumbnail"),
        preview = stage("preview"),
        upload = stage("upload copy"),
        normalise = stage("normalise"),
    )
}
