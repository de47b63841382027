//! Customers imported from a CSV file: the whole file checked first with every problem by
//! row and column, nothing stored until the valid rows are chosen, and hostile files
//! refused cleanly.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use branchdesk_engine::import_csv::{self, CsvCheck, RowProblem};
use branchdesk_engine::{Desk, Error};
use branchdesk_vault::DraftState;

mod common;
use common::World;

fn template() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/drafts/customers-template.csv"),
    )
    .unwrap()
}

fn write(world: &World, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = world.files.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stored_names(desk: &Desk) -> Vec<String> {
    let mut names: Vec<String> = desk
        .list_drafts("", "")
        .unwrap()
        .into_iter()
        .map(|d| d.display_name)
        .collect();
    names.sort();
    names
}

fn refusal(result: Result<CsvCheck, Error>) -> String {
    match result {
        Err(Error::Csv(error)) => Error::Csv(error).to_string(),
        other => panic!("expected the file refused, got {other:?}"),
    }
}

/// The template plus two bad rows: row 5 with a bad SSN area and no birth date, row 6
/// with a yes/no that is neither and a provider that is none.
fn mixed() -> String {
    let mut text = template();
    let first = text.lines().nth(1).unwrap().to_owned();
    let good: Vec<&str> = first.split(',').collect();
    let mut bad = good.clone();
    bad[2] = "Meg";
    bad[4] = "";
    bad[6] = "666-12-3456";
    let mut worse = good.clone();
    worse[0] = "paypal";
    worse[2] = "Chris";
    text.push_str(&bad.join(","));
    text.push('\n');
    text.push_str(&worse.join(","));
    text.push('\n');
    text
}

#[tokio::test]
async fn every_problem_is_listed_by_row_and_column_and_nothing_is_stored_unchosen() {
    let world = World::new().await;
    let desk = world.desk();
    let file = write(&world, "customers.csv", mixed());

    let check = import_csv::check(&desk, &file).unwrap();
    assert_eq!((check.rows, check.valid_rows), (5, 3), "{check:?}");
    let at = |row: u64, column: &str| -> Vec<&RowProblem> {
        check
            .problems
            .iter()
            .filter(|p| p.row == row && p.column == column)
            .collect()
    };
    assert_eq!(at(5, "taxIds[0].number")[0].code, "ssn_area");
    assert_eq!(at(5, "person.birthDate")[0].code, "required");
    assert!(!at(5, "person.birthDate")[0].message.is_empty());
    assert!(at(6, "provider")[0].message.contains("cos, fin, bvnk"));
    assert!(check.problems.iter().all(|p| p.row == 5 || p.row == 6));
    assert_eq!(check.problem_count, check.problems.len() as u64);
    assert!(stored_names(&desk).is_empty(), "a check stores nothing");

    let stored = import_csv::store(&desk, &file, &check).unwrap();
    assert_eq!((stored.ids.len(), stored.ready), (3, 3));
    assert_eq!(
        stored_names(&desk),
        ["Glenn Quagmire", "Lois Griffin", "Peter Griffin"]
    );
    let first = desk.get_draft(&stored.ids[0].to_string()).unwrap();
    assert_eq!(first.state, DraftState::Ready);
    assert_eq!(first.draft.tax_ids[0].number, "119-98-8776");
    // What the file left out is a new draft's usual choice.
    assert_eq!(first.draft.tax_ids[0].id_type, "Ssn");
    assert_eq!(first.draft.addresses[0].street1, "31 Spooner Street");
    let third = desk.get_draft(&stored.ids[2].to_string()).unwrap();
    assert_eq!(third.draft.addresses[0].street1, "29 Spooner Street, Apt 2");
    assert_eq!(third.draft.cos.risk_rating, "Medium");
}

#[tokio::test]
async fn cells_are_trimmed_yes_no_read_and_blank_rows_skipped() {
    let world = World::new().await;
    let desk = world.desk();
    let mut text = template();
    let header = text.lines().next().unwrap().to_owned();
    let row: Vec<String> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|c| format!("  {c} "))
        .collect();
    text = format!(
        "{header},cos.politicallyExposedPerson\n{},yes\n,,,,\n\n",
        row.join(",")
    );
    let file = write(&world, "trim.csv", text);
    let check = import_csv::check(&desk, &file).unwrap();
    // The short blank row is skipped, not counted as a row of the wrong width.
    assert_eq!((check.rows, check.valid_rows), (1, 1), "{check:?}");
    let stored = import_csv::store(&desk, &file, &check).unwrap();
    let draft = desk.get_draft(&stored.ids[0].to_string()).unwrap().draft;
    assert_eq!(draft.name.first, "Peter");
    assert!(draft.cos.politically_exposed_person);
}

#[tokio::test]
async fn a_file_changed_after_its_check_stores_nothing() {
    let world = World::new().await;
    let desk = world.desk();
    let file = write(&world, "customers.csv", template());
    let check = import_csv::check(&desk, &file).unwrap();
    std::fs::write(&file, mixed()).unwrap();
    let error = import_csv::store(&desk, &file, &check).unwrap_err();
    assert!(
        error.to_string().contains("changed after it was checked"),
        "{error}"
    );
    assert!(stored_names(&desk).is_empty());
}

#[tokio::test]
async fn unknown_columns_are_refused_by_name() {
    let world = World::new().await;
    let desk = world.desk();
    let text = template().replacen(
        "name.first,",
        "name.frist,scans,addresses[10].city,taxIds,",
        1,
    );
    let file = write(&world, "unknown.csv", text);
    let said = refusal(import_csv::check(&desk, &file));
    for name in [
        "`name.frist`",
        "`scans`",
        "`addresses[10].city`",
        "`taxIds`",
    ] {
        assert!(said.contains(name), "{said}");
    }
    let twice = write(&world, "twice.csv", "name.first,name.first\nA,B\n");
    assert!(refusal(import_csv::check(&desk, &twice)).contains("names name.first twice"));
    let only_header = write(&world, "header.csv", "name.first,name.last\n");
    assert!(refusal(import_csv::check(&desk, &only_header)).contains("holds no customers"));
    let empty = write(&world, "empty.csv", "");
    assert!(refusal(import_csv::check(&desk, &empty)).contains("is empty"));
}

#[tokio::test]
async fn hostile_files_are_refused_cleanly() {
    let world = World::new().await;
    let desk = world.desk();
    let header = template().lines().next().unwrap().to_owned();
    let good = template().lines().nth(1).unwrap().to_owned();

    // A huge field: one cell of a mebibyte is that cell's problem, not a crash.
    let huge = good.replacen("Peter", &"P".repeat(1024 * 1024), 1);
    let file = write(&world, "huge.csv", format!("{header}\n{huge}\n"));
    let check = import_csv::check(&desk, &file).unwrap();
    assert_eq!(check.valid_rows, 0);
    assert_eq!(check.problems[0].column, "name.first");
    assert!(check.problems[0].message.contains("at most 4096"));

    // Binary bytes: not UTF-8, said with the row.
    let mut binary = format!("{header}\n{good}\n").into_bytes();
    binary.extend_from_slice(&[0xff, 0xfe, 0x00, 0x89, b'P', b'N', b'G', b'\n']);
    let file = write(&world, "binary.csv", binary);
    let said = refusal(import_csv::check(&desk, &file));
    assert!(said.contains("row 3 is not UTF-8"), "{said}");

    // The wrong encoding: Latin-1 from an old spreadsheet.
    let latin1: Vec<u8> = format!("{header}\n{}\n", good.replacen("Peter", "Jos\u{e9}", 1))
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let file = write(&world, "latin1.csv", latin1);
    assert!(refusal(import_csv::check(&desk, &file)).contains("save the file as \"CSV UTF-8\""));

    // UTF-16, as some spreadsheets save "Unicode text".
    let utf16: Vec<u8> = std::iter::once(0xfeff_u16)
        .chain(format!("{header}\n{good}\n").encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let file = write(&world, "utf16.csv", utf16);
    let said = refusal(import_csv::check(&desk, &file));
    assert!(
        said.contains("not UTF-8") || said.contains("columns"),
        "{said}"
    );

    // A quote left open swallows the rest of the file into one row: that row's problem.
    let open = good.replacen("Peter", "\"Peter", 1);
    let file = write(
        &world,
        "open.csv",
        format!("{header}\n{open}\n{good}\n{good}\n"),
    );
    let check = import_csv::check(&desk, &file).unwrap();
    assert_eq!((check.rows, check.valid_rows), (1, 0), "{check:?}");
    assert_eq!(check.problems[0].row, 2);
    assert!(
        check.problems[0].message.contains("quote left open"),
        "{check:?}"
    );

    // Too many columns, and a file over the limit, before anything else is read.
    let wide = vec!["name.first"; import_csv::MAX_COLUMNS + 1].join(",");
    let file = write(&world, "wide.csv", format!("{wide}\n"));
    assert!(refusal(import_csv::check(&desk, &file)).contains("at most 200"));
    let big = world.files.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(import_csv::MAX_CSV_BYTES + 1)
        .unwrap();
    assert!(refusal(import_csv::check(&desk, &big)).contains("at most 52428800 bytes"));
    // A folder is not a file.
    assert!(refusal(import_csv::check(&desk, world.files.path())).contains("not a regular file"));
    assert!(stored_names(&desk).is_empty());
}

#[tokio::test]
async fn a_spreadsheet_byte_order_mark_and_crlf_lines_are_read() {
    let world = World::new().await;
    let desk = world.desk();
    let text = format!("\u{feff}{}", template().replace('\n', "\r\n"));
    let file = write(&world, "excel.csv", text);
    let check = import_csv::check(&desk, &file).unwrap();
    assert_eq!((check.rows, check.valid_rows), (3, 3), "{check:?}");
}
