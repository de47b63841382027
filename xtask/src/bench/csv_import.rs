//! The customer-import figures of `cargo xtask bench`: a 10,000-row CSV of customers
//! imported as staff would (`import_csv::check` then `import_csv::store`: every row parsed,
//! checked by the desk's rules and stored in the encrypted vault in one transaction),
//! against reading the same file with the `csv` crate alone, in the same run. Both through
//! `crates/engine/examples/csv_import_bench.rs` (release), each run a process of its own,
//! alternated. `cargo xtask bench csv` runs this alone.

use std::path::Path;
use std::process::Command;

use anyhow::{ensure, Context, Result};
use serde_json::Value;

use super::median;

const ROWS: usize = 10_000;
const RUNS: usize = 5;
const GOAL_S: f64 = 5.0;

pub struct CsvImport {
    import_ms: f64,
    check_ms: f64,
    read_ms: f64,
    file_bytes: u64,
}

/// Builds the measuring example (release) and measures.
pub fn run() -> Result<CsvImport> {
    let tool = super::release_example("branchdesk-engine", "csv_import_bench")?;
    let work = std::env::temp_dir().join(format!("branchdesk-bench-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let result = measure(&tool, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(tool: &Path, work: &Path) -> Result<CsvImport> {
    let file = work.join("customers.csv");
    answer(
        Command::new(tool)
            .arg("make")
            .arg(&file)
            .arg(ROWS.to_string()),
    )?;
    let file_bytes = std::fs::metadata(&file)?.len();
    let (mut import, mut check, mut read) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..RUNS {
        eprintln!("bench: csv import {}/{RUNS}", run + 1);
        let ours = answer(Command::new(tool).arg("import").arg(&file))?;
        ensure!(
            ours["stored"].as_u64() == Some(ROWS as u64),
            "not every row was stored: {ours}"
        );
        import.push(ours["ms"].as_f64().unwrap_or(f64::NAN));
        check.push(ours["check_ms"].as_f64().unwrap_or(f64::NAN));
        let reference = answer(Command::new(tool).arg("read").arg(&file))?;
        ensure!(
            reference["rows"].as_u64() == Some(ROWS as u64),
            "the reference read {reference}"
        );
        read.push(reference["ms"].as_f64().unwrap_or(f64::NAN));
    }
    Ok(CsvImport {
        import_ms: median(import),
        check_ms: median(check),
        read_ms: median(read),
        file_bytes,
    })
}

/// What the tool printed, as JSON (`null` when it printed nothing).
fn answer(command: &mut Command) -> Result<Value> {
    let output = command.output().context("running csv_import_bench")?;
    ensure!(
        output.status.success(),
        "{command:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    if output.stdout.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&output.stdout).context("csv_import_bench's answer")
}

pub fn report(c: &CsvImport) -> String {
    let seconds = c.import_ms / 1000.0;
    let met = super::verdict(seconds < GOAL_S);
    format!(
        "\n## Customer import: a 10,000-row CSV (vs the `csv` crate alone)\n\n\
         `crates/engine/examples/csv_import_bench.rs` (release) writes {ROWS} valid Personal\n\
         customers under the template's header (20 columns, {mb:.1} MB), then, median of {RUNS}\n\
         alternated runs, each a process of its own, timed inside the process:\n\n\
         - **Branchdesk**: `import_csv::check` then `import_csv::store` on a fresh vault (SQLCipher,\n\
           keys in a memory store), as `draft import FILE.csv` and the window's Import customers\n\
           do: the file streamed twice (checked, then stored), each row made into a draft and\n\
           checked by `Desk::validate`, the valid rows stored in one transaction.\n\
         - **Reference**: the same file read with the `csv` crate alone, every record parsed\n\
           into strings, nothing checked or stored.\n\n\
         | measure | Branchdesk | csv crate alone | ratio | goal |\n\
         |---|---:|---:|---:|---|\n\
         | 10,000 rows imported (ms) | {import:.0} | {read:.1} | {ratio:.0}× | < {GOAL_S:.0} s: {met} |\n\
         | of which the check (ms) | {check:.0} | | | |\n",
        mb = c.file_bytes as f64 / 1e6,
        import = c.import_ms,
        read = c.read_ms,
        ratio = c.import_ms / c.read_ms,
        check = c.check_ms,
    )
}
