//! `audit verify` and `audit export`: the hash-chained audit log, checked against its
//! anchor in the keyring, and written out as JSON Lines that can be checked on their own.

use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use branchdesk_vault::VerifyReport;
use chrono::{DateTime, NaiveDate, Utc};

/// `audit verify`: the vault's log, or with `file`, an export of it.
pub fn verify(data_dir: Option<&Path>, file: Option<&Path>) -> Result<ExitCode> {
    let report = match file {
        Some(path) => {
            let input =
                std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            let report = branchdesk_vault::verify_audit_export(
                &mut BufReader::new(input),
                &crate::store::keyring(),
            )
            .with_context(|| format!("checking {}", path.display()))?;
            print_report("audit export", &report);
            report
        }
        None => {
            let (vault, _) = crate::store::open(data_dir)?;
            let report = vault.verify_audit()?;
            print_report("audit log", &report);
            report
        }
    };
    Ok(if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_report(what: &str, report: &VerifyReport) {
    if report.is_intact() {
        println!("{what} intact: {} entries checked", report.entries);
        return;
    }
    println!(
        "{what} BROKEN: {} problem(s) in {} entries",
        report.problems.len(),
        report.entries
    );
    for problem in &report.problems {
        println!("  {problem}");
    }
}

/// `audit export`: the entries of the date range into `file` (created, never overwritten).
pub fn export(
    data_dir: Option<&Path>,
    from: Option<&str>,
    to: Option<&str>,
    file: &Path,
) -> Result<ExitCode> {
    let from = from.map(|d| parse_date(d, false)).transpose()?;
    let to = to.map(|d| parse_date(d, true)).transpose()?;
    let (vault, _) = crate::store::open(data_dir)?;
    let out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .with_context(|| format!("creating {} (it must not exist yet)", file.display()))?;
    let mut out = BufWriter::new(out);
    let written = vault.export_audit(from, to, &mut out)?;
    out.flush()?;
    out.into_inner()
        .map_err(|e| e.into_error())?
        .sync_all()
        .with_context(|| format!("writing {}", file.display()))?;
    println!("{written} audit entries written to {}", file.display());
    Ok(ExitCode::SUCCESS)
}

/// A day (`2026-03-01`, UTC; `end` makes it inclusive: up to the next midnight) or an
/// RFC 3339 instant.
fn parse_date(text: &str, end: bool) -> Result<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
        bail!("`{text}` is not a date: write it as YYYY-MM-DD or as an RFC 3339 time");
    };
    let day = if end {
        day.succ_opt().context("the date is out of range")?
    } else {
        day
    };
    Ok(day
        .and_hms_opt(0, 0, 0)
        .context("the date is out of range")?
        .and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_day_includes_the_whole_day() {
        let from = parse_date("2026-03-01", false).unwrap();
        let to = parse_date("2026-03-01", true).unwrap();
        assert_eq!((to - from).num_hours(), 24);
        assert!(parse_date("yesterday", false).is_err());
        assert_eq!(
            parse_date("2026-03-01T10:00:00Z", true).unwrap(),
            from + chrono::Duration::hours(10)
        );
    }
}
