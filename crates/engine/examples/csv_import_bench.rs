//! The customer-import figures of `cargo xtask bench csv` (xtask/src/bench/csv_import.rs):
//!
//! - `make FILE N`: writes N valid Personal customers as a CSV under the template's header.
//! - `import FILE`: a fresh vault (keys in memory), then the whole import timed: the file
//!   checked (`import_csv::check`) and its rows stored (`import_csv::store`). Prints JSON.
//! - `read FILE`: the reference, the same file read with the `csv` crate alone, every
//!   record parsed into strings. Prints JSON.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use branchdesk_engine::import_csv;
use branchdesk_engine::{cos_client, http_client, CosConnection, Desk, Environment};
use branchdesk_vault::{MemoryStore, Sensitive, Vault};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const HEADER: &str = "provider,kind,name.first,name.last,person.birthDate,person.citizenshipCountry,taxIds[0].number,addresses[0].street1,addresses[0].city,addresses[0].state,addresses[0].postalCode,phones[0].number,emails[0].address,identityDocuments[0].idType,identityDocuments[0].number,identityDocuments[0].issuedDate,identityDocuments[0].expiryDate,identityDocuments[0].issuingAuthority,identityDocuments[0].issuingStateOrProvince,cos.riskRating";

const FIRST: &[&str] = &[
    "Peter",
    "Lois",
    "Glenn",
    "Cleveland",
    "Joe",
    "Bonnie",
    "Meg",
    "Chris",
    "Stewie",
    "Brian",
];

fn letters(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return out;
        }
    }
}

fn make(file: &Path, count: usize) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    writeln!(out, "{HEADER}")?;
    for i in 0..count {
        // Distinct, issuable SSNs: areas 201 and up, group 45, serials 0001–9999.
        let ssn = format!("{}-45-{:04}", 201 + i / 9999, 1 + i % 9999);
        writeln!(
            out,
            "cos,person,{},Smith{},1970-0{}-1{},US,{ssn},\"{} Main Street, Apt {}\",Quahog,RI,02903,(201) 555-2345,c{i}@example.com,DriversLicense,D{i:08},2022-07-15,2030-07-14,New York DMV,NY,Low",
            FIRST[i % FIRST.len()],
            letters(i),
            1 + i % 9,
            i % 10,
            1 + i % 300,
            i % 40,
        )?;
    }
    out.flush()?;
    Ok(())
}

fn import(file: &Path) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let vault = Arc::new(Vault::open(
        &dir.path().join("vault"),
        &MemoryStore::default(),
    )?);
    // Never contacted: importing makes no request.
    let base_url = "http://127.0.0.1:9".to_owned();
    let connection = CosConnection {
        token_url: format!("{base_url}/connect/token"),
        base_url: base_url.clone(),
        client_id: "bench".to_owned(),
        client_secret: Sensitive::new("bench".to_owned()),
        partner_id: "6e80b097-693c-4592-8440-02f345335bbf".to_owned(),
    };
    let client = cos_client(http_client()?, &connection)?;
    let desk = Desk::new(
        Arc::clone(&vault),
        client,
        connection.partner_id.clone(),
        Environment::Sandbox,
        base_url,
    );
    let started = Instant::now();
    let check = import_csv::check(&desk, file)?;
    let checked = started.elapsed();
    let stored = import_csv::store(&desk, file, &check)?;
    let whole = started.elapsed();
    if check.problem_count > 0 || stored.ids.len() as u64 != check.rows {
        return Err(format!(
            "the bench file should be all valid: {} problems, {} of {} stored; first: {:?}",
            check.problem_count,
            stored.ids.len(),
            check.rows,
            check.problems.first()
        )
        .into());
    }
    Ok(format!(
        "{{\"ms\": {:.1}, \"check_ms\": {:.1}, \"rows\": {}, \"stored\": {}}}",
        whole.as_secs_f64() * 1000.0,
        checked.as_secs_f64() * 1000.0,
        check.rows,
        stored.ids.len()
    ))
}

fn read(file: &Path) -> Result<String> {
    let started = Instant::now();
    let mut reader = csv::Reader::from_path(file)?;
    let mut record = csv::StringRecord::new();
    let (mut rows, mut bytes) = (0u64, 0usize);
    while reader.read_record(&mut record)? {
        rows += 1;
        bytes += record.iter().map(str::len).sum::<usize>();
    }
    std::hint::black_box(bytes);
    Ok(format!(
        "{{\"ms\": {:.1}, \"rows\": {rows}}}",
        started.elapsed().as_secs_f64() * 1000.0
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["make", file, count] => count
            .parse()
            .map_err(Into::into)
            .and_then(|n| make(Path::new(file), n).map(|()| String::new())),
        ["import", file] => import(Path::new(file)),
        ["read", file] => read(Path::new(file)),
        _ => Err("usage: csv_import_bench make FILE N | import FILE | read FILE".into()),
    };
    match result {
        Ok(answer) if answer.is_empty() => {}
        Ok(answer) => println!("{answer}"),
        Err(error) => {
            eprintln!("csv_import_bench: {error}");
            std::process::exit(2);
        }
    }
}
