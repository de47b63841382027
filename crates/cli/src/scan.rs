//! `scan check`: the verdict Branchdesk would give each file, without storing anything.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use branchdesk_documents::{human_bytes, CheckConfig, Format, Outcome, Report, Step};
use branchdesk_domain::kinds::Provider;
use branchdesk_engine::scans::check_config;

/// `provider`: check against that provider's upload limit (the engine's rule), as a scan
/// attached to one of its drafts is.
pub fn check(files: &[PathBuf], json: bool, provider: Option<Provider>) -> Result<ExitCode> {
    let config = provider.map_or_else(CheckConfig::default, check_config);
    let mut out = std::io::stdout().lock();
    let mut all_acceptable = true;
    for file in files {
        let report = match branchdesk_documents::inspect(file, &config) {
            Ok(report) => report,
            Err(error) => {
                // Unreadable (missing, a folder, no permission): a verdict like any other.
                all_acceptable = false;
                if json {
                    let line = serde_json::json!({
                        "file": file.display().to_string(),
                        "acceptable": false,
                        "errors": [{ "code": error.code(), "message": error.to_string() }],
                    });
                    writeln!(out, "{line}")?;
                } else {
                    writeln!(out, "{}: refused\n  ✗ {error}", file.display())?;
                }
                continue;
            }
        };
        all_acceptable &= report.acceptable;
        if json {
            let mut line = serde_json::to_value(&report)?;
            line["file"] = serde_json::Value::String(file.display().to_string());
            writeln!(out, "{line}")?;
        } else {
            write_text(&mut out, &file.display().to_string(), &report)?;
        }
    }
    Ok(if all_acceptable {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn write_text(out: &mut impl Write, name: &str, report: &Report) -> std::io::Result<()> {
    let verdict = if report.acceptable {
        "acceptable"
    } else {
        "refused"
    };
    let mut facts = vec![report.format.to_string(), human_bytes(report.file_bytes)];
    if let (Some(w), Some(h)) = (report.width, report.height) {
        facts.push(format!("{w}×{h} px"));
    }
    match report.pages {
        Some(pages) if pages > 1 || report.format == Format::Pdf => {
            facts.push(format!("{pages} page(s)"));
        }
        _ => {}
    }
    writeln!(out, "{name}: {verdict} · {}", facts.join(" · "))?;
    for error in &report.errors {
        writeln!(out, "  ✗ {}", error.message)?;
    }
    for check in &report.checks {
        let mark = if check.outcome == Outcome::Ok {
            "✓"
        } else {
            "⚠"
        };
        writeln!(out, "  {mark} {}", check.message)?;
    }
    for step in &report.plan {
        writeln!(out, "  → {}", describe(step))?;
    }
    Ok(())
}

fn describe(step: &Step) -> String {
    match step {
        Step::Convert { from, to, reason } => format!("convert {from} to {to} ({reason})"),
        Step::ApplyOrientation { description, .. } => format!("turn upright: {description}"),
        Step::Rotate { degrees_clockwise } => format!("rotate {degrees_clockwise}° clockwise"),
        Step::ReduceBitDepth => "reduce to 8 bits per sample".to_owned(),
        Step::FlattenTransparency => "paint transparent areas white".to_owned(),
        Step::KeepFirstPage { pages } => format!("keep the first of {pages} pages"),
        Step::StripMetadata => "remove EXIF, GPS and other metadata".to_owned(),
        Step::Downscale {
            from_width,
            from_height,
            to_width,
            to_height,
        } => {
            format!("downscale {from_width}×{from_height} → {to_width}×{to_height}")
        }
        Step::Recompress { quality } => format!("recompress as JPEG quality {quality}"),
        Step::KeepAsIs => "use the file as it is".to_owned(),
        Step::KeepCompressed => "keep the JPEG picture as it is, without re-encoding".to_owned(),
    }
}
