//! `bench-outbox`: the pieces of `cargo xtask bench` that need the product's crates, kept out
//! of the everyday xtask binary (see xtask/Cargo.toml). Each subcommand prints one JSON line.
//!
//! - `drafts N FILE`: N valid Personal drafts (unique names and SSNs) as an import file.
//! - `drain URL CLIENT_ID PARTNER_ID FILE CONCURRENCY` (client secret on stdin): the
//!   reference for `submit --wait`: the requests the outbox would send for every draft of
//!   FILE, with nothing stored.
//! - `list N RUNS`: the Drafts list's first page and a name search over N stored drafts, as
//!   the app calls them, against the same query on a plain SQLite copy of the same rows.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use branchdesk_domain::cos as wire;
use branchdesk_domain::draft::Draft;
use branchdesk_engine::drafts::{draft_input, without_blank_rows, DRAFT_LIST_PAGE};
use branchdesk_engine::{cos_client, http_client, CosConnection, Desk, Environment};
use branchdesk_vault::{DraftFilter, DraftId, DraftState, MemoryStore, Sensitive, Vault};
use futures::StreamExt;
use serde_json::{json, Value};

const FIRST: [&str; 20] = [
    "James", "Maria", "Robert", "Linda", "Michael", "Ana", "William", "Elena", "David", "Sofia",
    "Thomas", "Grace", "Daniel", "Nora", "Joseph", "Irene", "Samuel", "Laura", "Peter", "Alice",
];
const LAST: [&str; 50] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Ortega",
];
/// What the search measurement types: one surname of the fifty, so 1 row in 50 matches.
const SEARCH: &str = "ortega";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["drafts", count, file] => count
            .parse()
            .context("N")
            .and_then(|n| write_drafts(n, Path::new(file))),
        ["drain", url, client_id, partner_id, file, concurrency] => {
            concurrency.parse().context("CONCURRENCY").and_then(|c| {
                drain(url, client_id, partner_id, Path::new(file), c).map(|v| println!("{v}"))
            })
        }
        ["list", count, runs] => count
            .parse()
            .context("N")
            .and_then(|n| Ok((n, runs.parse().context("RUNS")?)))
            .and_then(|(n, r)| list(n, r).map(|v| println!("{v}"))),
        _ => {
            eprintln!(
                "usage: bench-outbox drafts N FILE | drain URL CLIENT_ID PARTNER_ID FILE CONCURRENCY | list N RUNS"
            );
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("bench-outbox: {error:#}");
        std::process::exit(1);
    }
}

/// An SSN that passes the rules for every `i` below 9,999 × 99 × 565: area 101–665, group
/// 01–99, serial 0001–9999.
fn ssn(i: usize) -> String {
    let serial = 1 + i % 9999;
    let group = 1 + (i / 9999) % 99;
    let area = 101 + i / (9999 * 99);
    format!("{area:03}-{group:02}-{serial:04}")
}

fn person(i: usize) -> Value {
    let first = FIRST[i % FIRST.len()];
    // Every combination of first and last name before any repeats, then a number after it.
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let round = i / (FIRST.len() * LAST.len());
    let last = if round == 0 {
        last.to_owned()
    } else {
        format!("{last}-{}", LAST[round % LAST.len()])
    };
    json!({
        "kind": "person",
        "name": { "first": first, "last": last },
        "person": { "birthDate": "1970-01-15", "citizenshipCountry": "US" },
        "taxIds": [{ "idType": "Ssn", "number": ssn(i), "country": "US" }],
        "addresses": [{
            "addressType": "Home", "classification": "Residential", "isPrimary": true,
            "street1": format!("{} Main Street", i + 1), "city": "Quahog", "state": "RI",
            "postalCode": "02903", "country": "US"
        }],
        "phones": [{ "phoneType": "Mobile", "isPrimary": true, "number": "(201) 555-2345" }],
        "emails": [{ "emailType": "Personal", "isPrimary": true, "address": format!("customer{i}@example.com") }],
        "identityDocuments": [{
            "idType": "DriversLicense", "isPrimary": true, "number": format!("D{i:08}"),
            "issuedDate": "2022-07-15", "expiryDate": "2030-07-14",
            "issuingAuthority": "New York DMV", "issuingStateOrProvince": "NY", "issuingCountry": "US"
        }],
        "cos": { "riskRating": "Low" }
    })
}

fn people(count: usize) -> Vec<Value> {
    (0..count).map(person).collect()
}

fn write_drafts(count: usize, file: &Path) -> Result<()> {
    std::fs::write(file, Value::Array(people(count)).to_string())
        .with_context(|| format!("writing {}", file.display()))?;
    println!("{}", json!({ "drafts": count, "file": file }));
    Ok(())
}

/// The same requests the outbox sends for each draft — the bodies built by the same function
/// as `Desk::submit`, one idempotency key per step, the steps of a draft in order and
/// `concurrency` drafts side by side — with one token, and no vault, plan or audit log.
fn drain(
    url: &str,
    client_id: &str,
    partner_id: &str,
    file: &Path,
    concurrency: usize,
) -> Result<Value> {
    let mut secret = String::new();
    std::io::stdin().read_to_string(&mut secret)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let drafts: Vec<Draft> = serde_json::from_str(&text).context("the drafts file")?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let base = url.trim_end_matches('/');
        let started = Instant::now();
        let token: Value = http
            .post(format!("{base}/connect/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret.trim()),
                ("audience", branchdesk_api::cos::AUDIENCE),
            ])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let bearer = token["access_token"]
            .as_str()
            .context("no access_token")?
            .to_owned();
        let today = chrono::Local::now().date_naive();
        let sent: Vec<Result<usize>> = futures::stream::iter(&drafts)
            .map(|draft| send_draft(&http, base, &bearer, partner_id, draft, today))
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        let requests = sent.into_iter().sum::<Result<usize>>()?;
        let seconds = started.elapsed().as_secs_f64();
        Ok(json!({ "drafts": drafts.len(), "requests": requests, "seconds": seconds }))
    })
}

async fn send_draft(
    http: &reqwest::Client,
    base: &str,
    bearer: &str,
    partner_id: &str,
    draft: &Draft,
    today: chrono::NaiveDate,
) -> Result<usize> {
    let onboarding = wire::onboarding(partner_id, &without_blank_rows(draft), today)?;
    let created = post(
        http,
        &format!("{base}/core/v1/cm/customers"),
        bearer,
        serde_json::to_vec(&onboarding.customer)?,
    )
    .await?;
    let customer = created["id"].as_str().context("no customer id")?.to_owned();
    let rows = [
        ("addresses", bodies(&onboarding.addresses)?),
        ("phones", bodies(&onboarding.phones)?),
        ("emails", bodies(&onboarding.emails)?),
        ("identifications", bodies(&onboarding.identifications)?),
        ("beneficial-owners", bodies(&onboarding.beneficial_owners)?),
    ];
    let mut requests = 1;
    for (path, bodies) in rows {
        for body in bodies {
            post(
                http,
                &format!("{base}/core/v1/cm/customers/{customer}/{path}"),
                bearer,
                body,
            )
            .await?;
            requests += 1;
        }
    }
    Ok(requests)
}

fn bodies<T: serde::Serialize>(rows: &[T]) -> Result<Vec<Vec<u8>>> {
    rows.iter()
        .map(|row| Ok(serde_json::to_vec(row)?))
        .collect()
}

async fn post(http: &reqwest::Client, url: &str, bearer: &str, body: Vec<u8>) -> Result<Value> {
    let response = http
        .post(url)
        .header("Authorization", format!("Bearer {bearer}"))
        .header("Accept", "application/json")
        .header("idempotency-Key", uuid::Uuid::new_v4().to_string())
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let answer = response.bytes().await?;
    if !status.is_success() {
        bail!("{url}: {status}: {}", String::from_utf8_lossy(&answer));
    }
    Ok(serde_json::from_slice(&answer).unwrap_or(Value::Null))
}

/// The list query of `Vault::list_drafts`, word for word, run on the plain copy.
const LIST_SQL: &str = "SELECT id, provider, kind, display_name, masked_tax_id, state, created_at, updated_at, archived FROM drafts
             WHERE (?1 IS NULL OR instr(search_key, ?1) > 0 OR instr(customer_ids, ?1) > 0)
               AND (?2 IS NULL OR provider = ?2)
               AND (?3 IS NULL OR state IN (SELECT value FROM json_each(?3)))
               AND (?5 IS NULL OR archived = ?5)
             ORDER BY updated_at DESC, id
             LIMIT ?4";

fn list(count: usize, runs: usize) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let vault = Arc::new(Vault::open(
        &dir.path().join("vault"),
        &MemoryStore::default(),
    )?);
    let filled = Instant::now();
    let states = [
        DraftState::Submitted,
        DraftState::Submitted,
        DraftState::Draft,
        DraftState::Ready,
        DraftState::NeedsAttention,
    ];
    for (i, value) in people(count).into_iter().enumerate() {
        let draft: Draft = serde_json::from_value(value)?;
        vault.save_draft(
            DraftId::new(),
            &draft_input(&draft, states[i % states.len()])?,
        )?;
    }
    let fill_seconds = filled.elapsed().as_secs_f64();
    let plain = plain_copy(&vault, &dir.path().join("plain.db"))?;

    // Never contacted: listing drafts makes no request.
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

    // What the `draft_list` command does and hands to the window: the desk's list, as JSON.
    let app = |search: &str| -> Result<usize> {
        let items = desk.list_drafts(search, "")?;
        let answer = serde_json::to_vec(&items)?;
        std::hint::black_box(answer);
        Ok(items.len())
    };
    // `archived`: the Drafts list shows the drafts not archived; `None` is every draft.
    let reference =
        |search: Option<&str>, limit: Option<u32>, archived: Option<bool>| -> Result<usize> {
            let mut statement = plain.prepare_cached(LIST_SQL)?;
            let rows = statement.query_map(
                rusqlite::params![
                    search,
                    Option::<&str>::None,
                    Option::<&str>::None,
                    limit.map_or(-1, i64::from),
                    archived
                ],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, Option<String>>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                        row.get::<_, bool>(8)?,
                    ))
                },
            )?;
            let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            let n = rows.len();
            std::hint::black_box(rows);
            Ok(n)
        };

    let time = |f: &dyn Fn() -> Result<usize>| -> Result<(f64, usize)> {
        let started = Instant::now();
        let n = f()?;
        Ok((started.elapsed().as_secs_f64() * 1000.0, n))
    };
    // Warm both caches once, so every run reads from memory alike.
    app("")?;
    reference(None, None, None)?;
    let (mut list_ms, mut list_ref_ms, mut search_ms, mut search_ref_ms) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut all_ms, mut all_ref_ms) = (Vec::new(), Vec::new());
    let (mut listed, mut shown, mut shown_ref) = (0, 0, 0);
    let page = Some(DRAFT_LIST_PAGE);
    // Alternated, so drift in the machine's load hits both sides alike.
    for _ in 0..runs {
        let (ms, n) = time(&|| app(""))?;
        list_ms.push(ms);
        listed = n;
        list_ref_ms.push(time(&|| reference(None, page, Some(false)))?.0);
        let (ms, n) = time(&|| app(SEARCH))?;
        search_ms.push(ms);
        shown = n;
        let (ms, n) = time(&|| reference(Some(SEARCH), page, Some(false)))?;
        search_ref_ms.push(ms);
        shown_ref = n;
        // Every row, as the list would cost without its page: the vault's query alone.
        all_ms.push(time(&|| Ok(vault.list_drafts(&DraftFilter::default())?.len()))?.0);
        all_ref_ms.push(time(&|| reference(None, None, None))?.0);
    }
    let page_rows = count.min(DRAFT_LIST_PAGE as usize);
    if listed != page_rows || shown != shown_ref {
        bail!(
            "the two sides disagree: {listed} listed (page {page_rows}), {shown} vs {shown_ref} found"
        );
    }
    Ok(json!({
        "drafts": count,
        "runs": runs,
        "page": DRAFT_LIST_PAGE,
        "fill_seconds": fill_seconds,
        "search": SEARCH,
        "matches": reference(Some(SEARCH), None, Some(false))?,
        "shown": shown,
        "list_ms": median(list_ms),
        "list_ref_ms": median(list_ref_ms),
        "search_ms": median(search_ms),
        "search_ref_ms": median(search_ref_ms),
        "all_ms": median(all_ms),
        "all_ref_ms": median(all_ref_ms),
    }))
}

/// The vault's drafts, row for row (timestamps included), in an unencrypted SQLite file with
/// the vault's own drafts schema, its list index included.
fn plain_copy(vault: &Vault, path: &Path) -> Result<rusqlite::Connection> {
    let mut plain = rusqlite::Connection::open(path)?;
    plain.pragma_update(None, "journal_mode", "WAL")?;
    plain.execute_batch(include_str!(
        "../../crates/vault/migrations/0001_drafts.sql"
    ))?;
    plain.execute_batch(include_str!(
        "../../crates/vault/migrations/0006_drafts_list_index.sql"
    ))?;
    plain.execute_batch(include_str!(
        "../../crates/vault/migrations/0008_drafts_archived.sql"
    ))?;
    // The search key's trigger is on the outbox's steps.
    plain.execute_batch(include_str!(
        "../../crates/vault/migrations/0003_outbox.sql"
    ))?;
    plain.execute_batch(include_str!(
        "../../crates/vault/migrations/0010_drafts_search_key.sql"
    ))?;
    let tx = plain.transaction()?;
    for summary in vault.list_drafts(&DraftFilter::default())? {
        let body = vault
            .get_draft(summary.id)?
            .context("a listed draft vanished")?
            .body;
        tx.execute(
            "INSERT INTO drafts (id, provider, kind, display_name, name_folded, masked_tax_id,
                                 state, body, created_at, updated_at, search_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![
                summary.id.to_string(),
                summary.provider.as_str(),
                summary.kind.as_str(),
                summary.display_name,
                summary.display_name.trim().to_lowercase(),
                summary.masked_tax_id.as_ref().map(|m| m.as_str()),
                summary.state.as_str(),
                body.to_string(),
                stamp(summary.created_at),
                stamp(summary.updated_at),
                // The vault's key for the bench's plain ASCII names: the name lower-cased,
                // then the tax id's last four.
                format!(
                    "{}\n{}",
                    summary.display_name.trim().to_lowercase(),
                    summary.masked_tax_id.as_ref().map_or(String::new(), |m| m
                        .as_str()
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect())
                ),
            ],
        )?;
    }
    tx.commit()?;
    Ok(plain)
}

/// The vault's timestamp text (RFC 3339, microseconds, `Z`), so both sort alike.
fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}
