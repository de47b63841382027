//! `draft import FILE.csv`: customers from a spreadsheet, one draft per row. The engine
//! checks the whole file first (`branchdesk_engine::import_csv`); this says what it found
//! and stores nothing unless every row is valid or `--valid-rows` chose the valid ones.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use branchdesk_engine::import_csv;

use crate::terminal::printable;

/// Whether a file is read as CSV: by its name, as spreadsheets save it.
pub fn is_csv(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

pub fn import(data_dir: Option<&Path>, file: &Path, valid_rows: bool) -> Result<ExitCode> {
    let shown = file.display();
    // What can be refused from the file alone is refused before the vault is opened.
    import_csv::check_header(file).with_context(|| format!("{shown}"))?;
    let (vault, _) = crate::store::open(data_dir)?;
    let desk = crate::store::local_desk(vault)?;
    let check = import_csv::check(&desk, file).with_context(|| format!("{shown}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{shown}: {} customer(s), {} valid, {} problem(s)",
        check.rows, check.valid_rows, check.problem_count
    )?;
    for problem in &check.problems {
        let column = if problem.column.is_empty() {
            String::new()
        } else {
            format!(", {}", printable(&problem.column))
        };
        writeln!(
            out,
            "  row {}{column}: {}",
            problem.row,
            printable(&problem.message)
        )?;
    }
    let unlisted = check.problem_count - check.problems.len() as u64;
    if unlisted > 0 {
        writeln!(out, "  … and {unlisted} more problem(s)")?;
    }
    if check.problem_count > 0 && !valid_rows {
        writeln!(
            out,
            "nothing stored: fix the rows above, or store the {} valid row(s) with --valid-rows",
            check.valid_rows
        )?;
        return Ok(ExitCode::FAILURE);
    }
    if check.valid_rows == 0 {
        writeln!(out, "nothing stored: no row is valid")?;
        return Ok(ExitCode::FAILURE);
    }
    let stored = import_csv::store(&desk, file, &check).with_context(|| format!("{shown}"))?;
    writeln!(
        out,
        "stored {} draft(s), {} ready to submit",
        stored.ids.len(),
        stored.ready
    )?;
    for id in &stored.ids {
        if let Some(draft) = desk.vault().get_draft(*id)? {
            let s = draft.summary;
            writeln!(out, "{}  {}  {}", s.id, s.state, printable(&s.display_name))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
