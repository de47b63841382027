//! Customers from a spreadsheet: one draft per row of a CSV file whose header names draft
//! fields by their paths (`name.first`, `taxIds[0].number`, `provider`). Shared by
//! `branchdesk-cli draft import FILE.csv` and the window's Import customers screen.
//!
//! The whole file is checked first ([`check`]): every problem is listed by the row's number
//! in the file and the column's header, in the rules' own words (the rules are the desk's,
//! [`Desk::validate`]). Nothing is stored until staff choose to store the valid rows
//! ([`store`]), in one transaction. The file is streamed both times, so memory stays
//! bounded whatever its size; a file that changed between the check and the store is
//! refused rather than stored unchecked.

use std::io::Read;
use std::path::Path;

use branchdesk_domain::draft::{Draft, PartyKind, Provider};
use branchdesk_domain::validate::Issue;
use branchdesk_vault::{DraftId, DraftState};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::drafts::{draft_input, template};
use crate::{Desk, Error, Result};

/// The largest file read: tens of thousands of customers, while a file of any size (or a
/// pipe that never ends) cannot fill the memory.
pub const MAX_CSV_BYTES: u64 = 50 * 1024 * 1024;
/// The most cells a row may have: a draft has fewer fields than this, so more is not a
/// customers' file (and a header of thousands of columns is not read).
pub const MAX_COLUMNS: usize = 200;
/// The longest cell, in bytes: longer than any field a provider takes, so longer is a
/// mistake (often a quote left open that swallowed the rest of the file).
pub const MAX_CELL_BYTES: usize = 4096;
/// Problems listed in full; the rest are counted. A file of bad rows still answers in a
/// size a screen (and the memory) can hold.
pub const MAX_LISTED_PROBLEMS: usize = 1000;
/// The highest list position a header may name (`addresses[9]`): ten of each.
pub const MAX_LIST_INDEX: usize = 9;

/// Why a file is not read as customers at all (per-row problems are [`RowProblem`]s).
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("it is not a regular file: choose a CSV file of customers")]
    NotAFile,
    #[error("it is {bytes} bytes; a customer import holds at most {MAX_CSV_BYTES} bytes (50 MiB): split it into several files")]
    TooLarge { bytes: u64 },
    #[error("it is empty: the first row must name the columns, e.g. name.first,name.last")]
    NoHeader,
    #[error("it holds no customers: only the header row")]
    NoRows,
    #[error("its header has {columns} columns; a customer import takes at most {MAX_COLUMNS}")]
    TooManyColumns { columns: usize },
    #[error("the header names columns a draft does not have: {}. Use the names in examples/drafts/customers-template.csv", .0.join(", "))]
    UnknownColumns(Vec<String>),
    #[error("the header names {0} twice")]
    DuplicateColumn(String),
    #[error("the header has an empty column name (column {0})")]
    EmptyColumnName(usize),
    #[error("row {row} is not UTF-8 text: save the file as \"CSV UTF-8\"")]
    NotUtf8 { row: u64 },
    #[error("it cannot be read: {0}")]
    Read(#[source] std::io::Error),
    #[error("it changed after it was checked: check it again before importing")]
    Changed,
    #[error("no file has been checked: choose the file again")]
    NotChecked,
}

/// One problem in the file: the row's number in the file (the header is row 1), the
/// column's header (or the draft path a rule names, empty for the row as a whole), and
/// the rule's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    #[ts(type = "number")]
    pub row: u64,
    pub column: String,
    /// The rule's code (`required`, `ssn_area`), or `cell` for a value the file itself
    /// gives wrongly (a yes/no that is neither, too long, a row of the wrong width).
    pub code: String,
    pub message: String,
}

/// The verdict on a whole file, before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CsvCheck {
    /// Customers in the file (blank rows are not counted).
    #[ts(type = "number")]
    pub rows: u64,
    /// Rows with no problem: what storing the valid rows stores.
    #[ts(type = "number")]
    pub valid_rows: u64,
    /// The first [`MAX_LISTED_PROBLEMS`] problems, in file order.
    pub problems: Vec<RowProblem>,
    /// Every problem, listed or not.
    #[ts(type = "number")]
    pub problem_count: u64,
    /// The file's SHA-256 as checked: storing refuses a file that differs.
    #[serde(skip)]
    #[ts(skip)]
    pub digest: [u8; 32],
}

/// What [`store`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// In file order.
    pub ids: Vec<DraftId>,
    /// Of those, the ready ones (the rest still need scans attached in the window).
    pub ready: usize,
}

/// The file's kind, size and header alone, refused as [`check`] would refuse them: what
/// can be said before a vault is opened.
pub fn check_header(path: &Path) -> Result<()> {
    let file = open_bounded(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(file.take(MAX_CSV_BYTES));
    let mut record = csv::StringRecord::new();
    if !read(&mut reader, &mut record)? {
        return Err(CsvError::NoHeader.into());
    }
    header(&record).map(|_| ())
}

/// The file opened for reading, when it is a regular file of at most [`MAX_CSV_BYTES`].
fn open_bounded(path: &Path) -> Result<std::fs::File> {
    let meta = std::fs::metadata(path).map_err(CsvError::Read)?;
    if !meta.is_file() {
        return Err(CsvError::NotAFile.into());
    }
    if meta.len() > MAX_CSV_BYTES {
        return Err(CsvError::TooLarge { bytes: meta.len() }.into());
    }
    Ok(std::fs::File::open(path).map_err(CsvError::Read)?)
}

/// Reads the whole file and lists its problems; stores nothing.
pub fn check(desk: &Desk, path: &Path) -> Result<CsvCheck> {
    let mut check = CsvCheck {
        rows: 0,
        valid_rows: 0,
        problems: Vec::new(),
        problem_count: 0,
        digest: [0; 32],
    };
    let digest = each_row(path, |row, found| {
        check.rows += 1;
        let problems = match found {
            Ok(draft) => rule_problems(desk, row, &draft).0,
            Err(problems) => problems,
        };
        if problems.is_empty() {
            check.valid_rows += 1;
        }
        check.problem_count += problems.len() as u64;
        let room = MAX_LISTED_PROBLEMS.saturating_sub(check.problems.len());
        check.problems.extend(problems.into_iter().take(room));
        Ok(())
    })?;
    if check.rows == 0 {
        return Err(CsvError::NoRows.into());
    }
    check.digest = digest;
    Ok(check)
}

/// Stores the rows of `path` that have no problem, in one transaction, each as a draft
/// (ready when nothing is left to do). `checked` is the check staff saw: a file that has
/// changed since is refused and nothing is stored.
pub fn store(desk: &Desk, path: &Path, checked: &CsvCheck) -> Result<Stored> {
    desk.vault().save_drafts(|batch| -> Result<Stored> {
        let mut stored = Stored {
            ids: Vec::new(),
            ready: 0,
        };
        let digest = each_row(path, |row, found| {
            let Ok(draft) = found else { return Ok(()) };
            let (problems, ready) = rule_problems(desk, row, &draft);
            if !problems.is_empty() {
                return Ok(());
            }
            let state = if ready {
                DraftState::Ready
            } else {
                DraftState::Draft
            };
            let id = DraftId::new();
            batch.save(id, &draft_input(&draft, state)?)?;
            stored.ids.push(id);
            stored.ready += usize::from(ready);
            Ok(())
        })?;
        // Returning an error rolls the transaction back: nothing of a changed file stays.
        if digest != checked.digest {
            return Err(CsvError::Changed.into());
        }
        Ok(stored)
    })
}

/// A row's problems under the desk's rules, and whether the draft is ready to send. A
/// missing scan is not the file's problem (a CSV cannot carry scans; staff attach them in
/// the window), but a draft waiting for one is not ready.
fn rule_problems(desk: &Desk, row: u64, draft: &Draft) -> (Vec<RowProblem>, bool) {
    let errors: Vec<Issue> = desk
        .validate(draft)
        .into_iter()
        .filter(Issue::is_error)
        .collect();
    let ready = errors.is_empty();
    let problems = errors
        .into_iter()
        .filter(|i| !(i.field == "scans" || i.field.starts_with("scans.")))
        .map(|i| RowProblem {
            row,
            column: i.field,
            code: i.code,
            message: i.message,
        })
        .collect();
    (problems, ready)
}

/// Streams the file's rows to `each` (row number, the draft or the row's own problems),
/// blank rows skipped; the file's SHA-256.
fn each_row(
    path: &Path,
    mut each: impl FnMut(u64, std::result::Result<Draft, Vec<RowProblem>>) -> Result<()>,
) -> Result<[u8; 32]> {
    let file = open_bounded(path)?;
    // One more byte than allowed: a file that grew since it was measured is caught below.
    let mut hashing = Hashing {
        inner: file.take(MAX_CSV_BYTES + 1),
        hash: Sha256::new(),
        bytes: 0,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Rows of the wrong width are a problem of that row, not of the whole file.
        .flexible(true)
        .from_reader(&mut hashing);
    // Text records: a file that is not UTF-8 anywhere is refused whole (its encoding is
    // wrong, and the rows that happen to read would be stored without the others).
    let mut record = csv::StringRecord::new();
    if !read(&mut reader, &mut record)? {
        return Err(CsvError::NoHeader.into());
    }
    let columns = header(&record)?;
    while read(&mut reader, &mut record)? {
        let row = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        each(row, draft_of(&columns, row, &record))?;
    }
    drop(reader);
    if hashing.bytes > MAX_CSV_BYTES {
        return Err(CsvError::TooLarge {
            bytes: hashing.bytes,
        }
        .into());
    }
    Ok(hashing.hash.finalize().into())
}

/// The next record into `record`; `false` at the end of the file. A record is bounded by
/// the file's size, which is.
fn read<R: Read>(reader: &mut csv::Reader<R>, record: &mut csv::StringRecord) -> Result<bool> {
    reader.read_record(record).map_err(|e| {
        let row = e.position().map_or(0, csv::Position::line);
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::from(CsvError::Read(io)),
            csv::ErrorKind::Utf8 { .. } => CsvError::NotUtf8 { row }.into(),
            other => CsvError::Read(std::io::Error::other(format!("{other:?}"))).into(),
        }
    })
}

/// A reader that hashes and counts what passes through it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(read) = buf.get(..n) {
            self.hash.update(read);
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

/// What a column holds, by its header.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    /// The JSON path into a draft: keys and list positions.
    path: Vec<Step>,
    leaf: Leaf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaf {
    Text,
    YesNo,
    Provider,
    Kind,
}

/// The header's columns, each a field of a draft; unknown names are refused together.
fn header(record: &csv::StringRecord) -> Result<Vec<Column>> {
    if record.len() > MAX_COLUMNS {
        return Err(CsvError::TooManyColumns {
            columns: record.len(),
        }
        .into());
    }
    let shape = shape();
    let mut columns: Vec<Column> = Vec::with_capacity(record.len());
    let mut unknown = Vec::new();
    for (n, cell) in record.iter().enumerate() {
        // A spreadsheet saved as "CSV UTF-8" starts with a byte order mark.
        let name = cell.trim_start_matches('\u{feff}').trim();
        if name.is_empty() {
            return Err(CsvError::EmptyColumnName(n + 1).into());
        }
        if columns.iter().any(|c| c.name == name) {
            return Err(CsvError::DuplicateColumn(name.to_owned()).into());
        }
        match column(&shape, name) {
            Some(column) => columns.push(column),
            None => unknown.push(shown(name)),
        }
    }
    if !unknown.is_empty() {
        return Err(CsvError::UnknownColumns(unknown).into());
    }
    Ok(columns)
}

/// A header name as a message may quote it: control characters shown as `?`, and cut
/// short, since a file that is not a customers' file can have anything in its first row.
fn shown(name: &str) -> String {
    let mut shown: String = name
        .chars()
        .take(60)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if name.chars().count() > 60 {
        shown.push('…');
    }
    format!("`{shown}`")
}

/// A draft with one entry in each of its lists, as JSON: the fields a header may name.
fn shape() -> Value {
    let mut draft = Draft {
        tax_ids: vec![Default::default()],
        addresses: vec![Default::default()],
        phones: vec![Default::default()],
        emails: vec![Default::default()],
        identity_documents: vec![Default::default()],
        associates: vec![Default::default()],
        ..Draft::default()
    };
    draft.cos.beneficial_owners = vec![Default::default()];
    let mut shape = serde_json::to_value(draft).unwrap_or_default();
    // Filled by Branchdesk, never by a file: scans and where values came from, and the
    // ids that tie them together.
    if let Some(object) = shape.as_object_mut() {
        object.remove("scans");
        object.remove("valueSources");
    }
    if let Some(document) = shape.pointer_mut("/identityDocuments/0") {
        if let Some(object) = document.as_object_mut() {
            object.remove("scanIds");
        }
    }
    if let Some(associate) = shape.pointer_mut("/associates/0") {
        if let Some(object) = associate.as_object_mut() {
            object.remove("id");
        }
    }
    shape
}

/// The column a header names, when it is a text or yes/no field of a draft.
fn column(shape: &Value, name: &str) -> Option<Column> {
    let mut path = Vec::new();
    let mut at = shape;
    for part in name.split('.') {
        let (key, index) = match part.split_once('[') {
            None => (part, None),
            Some((key, rest)) => {
                let digits = rest.strip_suffix(']')?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let index: usize = digits.parse().ok()?;
                if index > MAX_LIST_INDEX {
                    return None;
                }
                (key, Some(index))
            }
        };
        at = at.as_object()?.get(key)?;
        path.push(Step::Key(key.to_owned()));
        if let Some(index) = index {
            at = at.as_array()?.first()?;
            path.push(Step::Index(index));
        } else if at.is_array() {
            // A list is named by its entries' fields, with their positions.
            return None;
        }
    }
    let leaf = match (name, at) {
        ("provider", _) => Leaf::Provider,
        ("kind", _) => Leaf::Kind,
        (_, Value::String(_)) => Leaf::Text,
        (_, Value::Bool(_)) => Leaf::YesNo,
        _ => return None,
    };
    Some(Column {
        name: name.to_owned(),
        path,
        leaf,
    })
}

/// The row as a draft: a new draft's usual choices (as the window starts one), then the
/// row's cells over them. Cells are trimmed; empty ones leave the field as it was.
fn draft_of(
    columns: &[Column],
    row: u64,
    record: &csv::StringRecord,
) -> std::result::Result<Draft, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let problem = |column: &str, message: String| RowProblem {
        row,
        column: column.to_owned(),
        code: "cell".to_owned(),
        message,
    };
    if record.len() != columns.len() {
        problems.push(problem(
            "",
            format!(
                "this row has {} cells where the header names {} columns: a comma too many or too few, or a quote left open",
                record.len(),
                columns.len()
            ),
        ));
        return Err(problems);
    }
    let mut cells = Vec::with_capacity(columns.len());
    for (column, cell) in columns.iter().zip(record.iter()) {
        let text = cell.trim();
        if text.len() > MAX_CELL_BYTES {
            problems.push(problem(
                &column.name,
                format!(
                    "holds {} bytes; a cell holds at most {MAX_CELL_BYTES} (is a quote left open?)",
                    text.len()
                ),
            ));
        } else if text.chars().any(char::is_control) {
            problems.push(problem(
                &column.name,
                "holds a line break or another control character (is a quote left open?)"
                    .to_owned(),
            ));
        } else {
            cells.push((column, text));
        }
    }
    let mut provider = Provider::default();
    let mut kind = PartyKind::default();
    for (column, text) in &cells {
        if text.is_empty() {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        match column.leaf {
            Leaf::Provider => match lower.parse() {
                Ok(p) => provider = p,
                Err(_) => problems.push(problem(
                    &column.name,
                    format!("must be one of {}", names(Provider::ALL)),
                )),
            },
            Leaf::Kind => match lower.parse() {
                Ok(k) => kind = k,
                Err(_) => problems.push(problem(
                    &column.name,
                    format!("must be one of {}", names(PartyKind::ALL)),
                )),
            },
            Leaf::Text | Leaf::YesNo => {}
        }
    }
    let mut draft = template(kind);
    draft.provider = provider;
    let mut value = serde_json::to_value(&draft).unwrap_or_default();
    for (column, text) in cells {
        if text.is_empty() || matches!(column.leaf, Leaf::Provider | Leaf::Kind) {
            continue;
        }
        let cell = match column.leaf {
            Leaf::YesNo => match yes_no(text) {
                Some(yes) => Value::Bool(yes),
                None => {
                    problems.push(problem(
                        &column.name,
                        "must be yes or no (true or false)".to_owned(),
                    ));
                    continue;
                }
            },
            _ => Value::String(text.to_owned()),
        };
        set(&mut value, &column.path, cell);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    serde_json::from_value(value).map_err(|_| {
        vec![problem(
            "",
            "this row does not make a draft: check its columns against the template".to_owned(),
        )]
    })
}

fn names<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// Puts `cell` at `path`, making the objects and list entries on the way (an entry a
/// header skips over is an empty one, as the form's own empty rows are).
fn set(value: &mut Value, path: &[Step], cell: Value) {
    let mut at = value;
    for step in path {
        at = match step {
            Step::Key(key) => {
                if !at.is_object() {
                    *at = Value::Object(Default::default());
                }
                let Some(object) = at.as_object_mut() else {
                    return;
                };
                object.entry(key.clone()).or_insert(Value::Null)
            }
            Step::Index(index) => {
                if !at.is_array() {
                    *at = Value::Array(Vec::new());
                }
                let Some(list) = at.as_array_mut() else {
                    return;
                };
                while list.len() <= *index {
                    list.push(Value::Object(Default::default()));
                }
                let Some(entry) = list.get_mut(*index) else {
                    return;
                };
                entry
            }
        };
    }
    *at = cell;
}
