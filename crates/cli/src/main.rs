//! `branchdesk-cli`: the same core as the app, without a window: the provider sandbox,
//! provider connections, drafts imported from files and their submission through the same
//! vault and outbox as the app, and scripted checks.
//!
//! Why one file (about 700 lines): clap's command tree is one declaration read top to
//! bottom, with the dispatch beside it; each command's work lives in its own module.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use branchdesk_domain::draft::{Person, Provider};
use branchdesk_domain::validate;
use clap::{Parser, Subcommand};

mod audit;
mod backup;
mod connection;
mod onboarding;
mod people;
mod resolve;
mod review;
mod scan;
mod scan_read;
mod store;
mod terminal;

#[derive(Parser)]
#[command(name = "branchdesk-cli", version, about)]
struct Cli {
    /// Where local data lives (overrides BRANCHDESK_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Who acts, by staff profile. Once the data folder has profiles, every recorded
    /// action needs it: the profile's PIN is then read from standard input (its first
    /// line; typed without echo at a terminal), never from an argument. Without profiles,
    /// actions are recorded under this name, else the computer's user, as before.
    #[arg(long, global = true, value_name = "NAME")]
    staff: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the provider sandbox (COS, Fin.com, BVNK) until Ctrl-C. Prints one JSON line
    /// with its URL and credentials when ready.
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Seed for every random choice, so fault runs repeat.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Fault settings as JSON (see crates/sandbox/README.md).
        #[arg(long, value_name = "FILE.json")]
        faults: Option<PathBuf>,
        /// Keep the sandbox's state in this SQLite file across restarts.
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
    },
    /// Provider connections (the secret is read from standard input, kept in the keyring).
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Work with onboarding drafts.
    #[command(subcommand)]
    Draft(DraftCommand),
    /// Plan every ready draft into the outbox and send it to its provider (COS, Fin.com or
    /// BVNK).
    Submit {
        /// Keep sending until every submission is done or needs a person.
        #[arg(long)]
        wait: bool,
        /// How many drafts are sent side by side (one draft's steps always go in order).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
    },
    /// Where each draft is: state, steps done, COS ids and compliance checks; for Fin.com the
    /// customer, its status, the terms to show the customer, and Fin.com's reasons; for
    /// BVNK the agreements to show, the reference, the status and each associate's reference.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Fin.com's terms of service, and BVNK's agreements.
    #[command(subcommand)]
    Tos(TosCommand),
    /// Fin.com onboardings that need a person.
    #[command(subcommand)]
    Fin(FinCommand),
    /// Cross River (COS) onboardings that need a person.
    #[command(subcommand)]
    Cos(CosCommand),
    /// BVNK onboardings that need a person.
    #[command(subcommand)]
    Bvnk(BvnkCommand),
    /// The hash-chained audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Work with document scans.
    #[command(subcommand)]
    Scan(ScanCommand),
    /// Write the whole vault (drafts, outbox, audit log, scans) to FILE, encrypted under a
    /// passphrase typed at the terminal (twice) or piped in as the first line of standard
    /// input. The app may keep running meanwhile.
    Backup {
        /// The archive to create (it must not exist yet).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Restore a backup into the data folder, which must be empty; its keys go into this
    /// computer's keyring. The passphrase is read as for `backup`.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Staff profiles: who works at this desk, with which role.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Desk settings only an admin changes (an admin's --staff, PIN on standard input).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// The review queue: cases that wait for a person, and reviewers' decisions.
    #[command(subcommand)]
    Review(ReviewCommand),
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a staff profile. The new person's PIN (4 to 64 characters) is read from
    /// standard input. The first profile of a data folder must be an admin and needs no
    /// --staff: standard input then carries its PIN alone. After it only an admin adds
    /// people: `--staff ADMIN`, and standard input carries two lines, the admin's PIN
    /// first, then the new person's. From the first profile on, every recorded action
    /// needs --staff.
    Add {
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(long, value_enum)]
        role: people::RoleArg,
    },
    /// The profiles: name, role, disabled, locked until (never a PIN or its hash).
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Maker-checker (four eyes): whether submissions wait for a reviewer who is not
    /// their maker before anything is sent. Off by default in Training and Sandbox, on in
    /// Production.
    MakerChecker {
        #[arg(value_enum)]
        state: people::OnOff,
        /// The environment to set it for (default: the one this desk works in, its
        /// connections').
        #[arg(long, value_enum, ignore_case = true)]
        environment: Option<people::EnvironmentArg>,
    },
}

#[derive(Subcommand)]
enum ReviewCommand {
    /// The cases waiting for a person, longest waiting first, with why in words and how
    /// long each has waited.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One case: its fields (identifying numbers masked), scans with their checks,
    /// history, notes and decisions. It is not taken in hand.
    Show {
        #[arg(value_name = "DRAFT_ID")]
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Decide a case as the reviewer --staff names (PIN on standard input). Never the
    /// case's maker; rejecting or sending back needs --reason (and --because, else
    /// `other`); sending back needs at least one --mark. Exits 1 when a rule refuses it.
    #[command(group(clap::ArgGroup::new("decision").required(true).multiple(false)))]
    Decide {
        #[arg(value_name = "DRAFT_ID")]
        id: String,
        /// Approve: a held submission goes to the outbox as it was checked.
        #[arg(long, group = "decision")]
        approve: bool,
        /// Reject the case.
        #[arg(long, group = "decision")]
        reject: bool,
        /// Send the draft back to its maker with the fields to fix.
        #[arg(long, group = "decision")]
        send_back: bool,
        /// The common reason, by code.
        #[arg(long, value_name = "CODE", value_parser = clap::builder::PossibleValuesParser::new(review::reason_codes()))]
        because: Option<String>,
        /// Why, in your own words (required to reject or send back).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// A draft field (`taxIds[0].number`) or scan (`scan:FRONT`) for the maker to fix,
        /// when sending back; repeatable.
        #[arg(long = "mark", value_name = "PATH")]
        marks: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ConnectionCommand {
    /// Add a provider connection, replacing that provider's previous one. The client
    /// secret (BVNK: the Hawk key) is read from standard input.
    Add {
        #[arg(value_enum)]
        provider: connection::ProviderArg,
        #[arg(long, value_name = "URL")]
        base_url: String,
        /// Token URL (default: the provider's token path under --base-url).
        #[arg(long, value_name = "URL")]
        auth_url: Option<String>,
        #[arg(long, value_name = "ID")]
        client_id: Option<String>,
        /// COS: the partner GUID.
        #[arg(long, value_name = "GUID")]
        partner_id: Option<String>,
        /// BVNK: the Hawk id.
        #[arg(long, value_name = "ID")]
        hawk_id: Option<String>,
        /// Required unless the URL is on this machine (then sandbox).
        #[arg(long, value_enum)]
        environment: Option<connection::EnvironmentArg>,
        /// Fin.com: its client configuration asks for a selfie with every set of documents.
        #[arg(long)]
        selfie_required: bool,
    },
    /// The configured connections (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a connection and its secret.
    Remove { id: String },
}

#[derive(Subcommand)]
enum TosCommand {
    /// Record that the customer has read and accepted Fin.com's terms or BVNK's agreements
    /// (the link `status` shows), so the submission goes on.
    Confirm {
        #[arg(value_name = "DRAFT_ID")]
        draft: String,
        /// Who at the branch saw the customer accept, for the audit log (with profiles:
        /// signed in, the PIN on standard input).
        #[arg(long, value_name = "NAME")]
        staff: String,
    },
}

#[derive(Subcommand)]
enum FinCommand {
    /// Say what you found at Fin.com about a customer whose creation went unanswered (the
    /// draft needs attention with `unknown_outcome`; `status` shows the reference to look
    /// for): its customer id, and the onboarding goes on with that customer; or, without
    /// --customer-id, that it was not created, and `submit` sends the request again.
    Resolve {
        #[arg(value_name = "DRAFT_ID")]
        draft: String,
        /// The customer's id at Fin.com, when it was created.
        #[arg(long, value_name = "ID")]
        customer_id: Option<String>,
        /// Who checked at Fin.com, for the audit log (with profiles: signed in, the PIN
        /// on standard input).
        #[arg(long, value_name = "NAME")]
        staff: String,
    },
}

#[derive(Subcommand)]
enum BvnkCommand {
    /// Say what you found at BVNK about a customer whose creation's answer could not be
    /// read (the draft needs attention with `unknown_outcome`; `status` shows the external
    /// reference to look for): its reference, and the onboarding goes on with that
    /// customer; or, without --reference, that it was not created, and `submit` plans it
    /// again (BVNK refuses a second customer with the same external reference).
    Resolve {
        #[arg(value_name = "DRAFT_ID")]
        draft: String,
        /// The customer's reference at BVNK, when it was created.
        #[arg(long, value_name = "REFERENCE")]
        reference: Option<String>,
        /// Who checked at BVNK, for the audit log (with profiles: signed in, the PIN
        /// on standard input).
        #[arg(long, value_name = "NAME")]
        staff: String,
    },
}

#[derive(Subcommand)]
enum CosCommand {
    /// Say what you found at Cross River about a customer whose creation's outcome is
    /// unknown (the draft needs attention with `unknown_outcome`; `status` shows the client
    /// identifier to look for): its customer id, and the onboarding goes on with that
    /// customer; or, without --customer-id, that it was not created, and `submit` sends the
    /// request again.
    Resolve {
        #[arg(value_name = "DRAFT_ID")]
        draft: String,
        /// The customer's id at Cross River, when it was created.
        #[arg(long, value_name = "ID")]
        customer_id: Option<String>,
        /// Who checked at Cross River, for the audit log (with profiles: signed in, the PIN
        /// on standard input).
        #[arg(long, value_name = "NAME")]
        staff: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the log's keyed hash chain and its anchor in the keyring (entries cut off the
    /// end, or the database rolled back to an older copy); with --file, check an export
    /// instead, with nothing but the log's key. Exits 1 when it is broken.
    Verify {
        /// An export written by `audit export`.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Write the log's entries as JSON Lines with their chain values (sequence number,
    /// previous hash, hash), closed by a sealed last line, for `audit verify --file`.
    Export {
        /// The first day (YYYY-MM-DD, UTC) or instant (RFC 3339) to include.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// The last day to include (the whole day), or the instant to stop before.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// The file to create (it must not exist yet).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum DraftCommand {
    /// Store the drafts of a JSON file (one draft object or an array) in the vault. Drafts
    /// the rules accept are ready to submit; exits 1 if any needs fixing first.
    ///
    /// A `.csv` file holds one customer per row under a header of draft paths (see
    /// examples/drafts/customers-template.csv). It is checked whole first: any problem lists
    /// every one by row and column, stores nothing and exits 1, unless --valid-rows.
    Import {
        #[arg(value_name = "FILE.json|FILE.csv")]
        file: PathBuf,
        /// CSV only: store the rows without problems, list the others; exits 0 when any
        /// row was stored.
        #[arg(long)]
        valid_rows: bool,
    },
    /// The stored drafts, tax ids masked.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Check Personal-customer drafts (JSON) against the rules; `-` reads one per line
    /// from standard input. Exits 1 when any draft has an error.
    Check {
        #[arg(required = true, value_name = "FILE.json")]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ScanCommand {
    /// Check scan files as Branchdesk would before storing or uploading them: type by
    /// content, limits, quality, and what normalisation would do. Exits 0 when every file
    /// is acceptable, 1 otherwise.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// One JSON report per line instead of text.
        #[arg(long)]
        json: bool,
        /// Apply this provider's upload limit (after conversion).
        #[arg(long, value_enum)]
        provider: Option<connection::ProviderArg>,
    },
    /// Read what each document says about its holder from its own data — a licence's PDF417
    /// barcode (AAMVA) — in the draft's formats (dates YYYY-MM-DD), or say why nothing was
    /// read. Exits 0 when every file gave a read, 1 otherwise. Nothing is stored or sent.
    Read {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// One JSON line per file instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    // Started as the document reader (`--read-document`): one read, then out.
    if let Some(code) = branchdesk_documents::worker::serve_or_isolate() {
        return code;
    }
    let cli = Cli::parse();
    let command = command_name(&cli.command);
    store::set_command(command);
    match run(cli) {
        Ok(code) => {
            tracing::info!(command, "finished");
            code
        }
        Err(error) => {
            // An error can carry a provider's message: its control characters are escaped.
            eprintln!(
                "branchdesk-cli: {}",
                terminal::printable_lines(&format!("{error:#}"))
            );
            tracing::error!(command, error = %for_log(&error), "failed");
            // A desk's rule saying no (a role, a PIN, the review's rules) is the command's
            // own "no"; anything else a usage or runtime error.
            ExitCode::from(if people::is_refusal(&error) { 1 } else { 2 })
        }
    }
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Sandbox { .. } => "sandbox",
        Command::Connection(ConnectionCommand::Add { .. }) => "connection add",
        Command::Connection(ConnectionCommand::List { .. }) => "connection list",
        Command::Connection(ConnectionCommand::Remove { .. }) => "connection remove",
        Command::Draft(DraftCommand::Import { .. }) => "draft import",
        Command::Draft(DraftCommand::List { .. }) => "draft list",
        Command::Draft(DraftCommand::Check { .. }) => "draft check",
        Command::Submit { .. } => "submit",
        Command::Status { .. } => "status",
        Command::Tos(_) => "tos confirm",
        Command::Fin(_) => "fin resolve",
        Command::Cos(_) => "cos resolve",
        Command::Bvnk(_) => "bvnk resolve",
        Command::Audit(AuditCommand::Verify { .. }) => "audit verify",
        Command::Audit(AuditCommand::Export { .. }) => "audit export",
        Command::Backup { .. } => "backup",
        Command::Restore { .. } => "restore",
        Command::Scan(ScanCommand::Check { .. }) => "scan check",
        Command::Scan(ScanCommand::Read { .. }) => "scan read",
        Command::Staff(StaffCommand::Add { .. }) => "staff add",
        Command::Staff(StaffCommand::List { .. }) => "staff list",
        Command::Settings(SettingsCommand::MakerChecker { .. }) => "settings maker-checker",
        Command::Review(ReviewCommand::List { .. }) => "review list",
        Command::Review(ReviewCommand::Show { .. }) => "review show",
        Command::Review(ReviewCommand::Decide { .. }) => "review decide",
    }
}

/// The failure as the log keeps it: the typed error's log form when the chain holds one
/// (codes and statuses, no provider texts); otherwise only that the command failed, since
/// the CLI's own messages quote file names and draft contents. The full text went to
/// standard error.
fn for_log(error: &anyhow::Error) -> String {
    for cause in error.chain() {
        if let Some(error) = cause.downcast_ref::<branchdesk_engine::Error>() {
            return error.for_log().to_string();
        }
        if let Some(error) = cause.downcast_ref::<branchdesk_vault::Error>() {
            return format!("vault: {}", error.for_log());
        }
    }
    "the command refused its input or arguments (told on standard error)".into()
}

fn run(cli: Cli) -> Result<ExitCode> {
    let staff = people::Staff {
        name: cli.staff.clone(),
    };
    match cli.command {
        Command::Sandbox {
            port,
            seed,
            faults,
            db,
        } => {
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .init();
            // The sandbox keeps nothing in the data folder unless asked; resolving it
            // still validates --data-dir so a typo is reported, not ignored.
            if cli.data_dir.is_some() {
                branchdesk_vault::data_dir(cli.data_dir.as_deref())?;
            }
            let mut config = branchdesk_sandbox::SandboxConfig {
                port,
                seed,
                db,
                ..Default::default()
            };
            if let Some(path) = faults {
                config.faults = branchdesk_sandbox::Faults::from_json_file(&path)
                    .with_context(|| format!("reading faults from {}", path.display()))?;
            }
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(branchdesk_sandbox::serve_standalone(config))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Draft(DraftCommand::Check { files }) => check(&files),
        Command::Draft(DraftCommand::Import { file, valid_rows }) => {
            if onboarding::import_csv::is_csv(&file) {
                onboarding::import_csv::import(cli.data_dir.as_deref(), &file, valid_rows)
            } else if valid_rows {
                anyhow::bail!(
                    "--valid-rows is for CSV files: a JSON file imports whole or not at all"
                )
            } else {
                onboarding::import(cli.data_dir.as_deref(), &file, &staff)
            }
        }
        Command::Draft(DraftCommand::List { json }) => {
            onboarding::list(cli.data_dir.as_deref(), json)
        }
        Command::Connection(ConnectionCommand::Add {
            provider,
            base_url,
            auth_url,
            client_id,
            partner_id,
            hawk_id,
            environment,
            selfie_required,
        }) => connection::add(
            cli.data_dir.as_deref(),
            &connection::Add {
                provider,
                environment,
                base_url,
                auth_url,
                client_id,
                partner_id,
                hawk_id,
                selfie_required,
            },
        ),
        Command::Connection(ConnectionCommand::List { json }) => {
            connection::list(cli.data_dir.as_deref(), json)
        }
        Command::Connection(ConnectionCommand::Remove { id }) => {
            connection::remove(cli.data_dir.as_deref(), &id)
        }
        Command::Submit { wait, concurrency } => {
            let (vault, secrets) = store::open(cli.data_dir.as_deref())?;
            let (desk, reach) = store::desk(vault, &secrets)?;
            // The maker of what is planned now; nobody signs in only to send what was
            // planned (and checked) before.
            let maker = if onboarding::has_ready(&desk)? {
                Some(staff.person(&desk)?)
            } else {
                None
            };
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(onboarding::submit(
                std::sync::Arc::new(desk),
                reach,
                maker,
                wait,
                usize::from(concurrency),
            ))
        }
        Command::Status { json } => {
            let (vault, secrets) = store::open(cli.data_dir.as_deref())?;
            let (desk, _) = store::desk(vault, &secrets)?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(onboarding::status(&desk, json))
        }
        Command::Tos(TosCommand::Confirm { draft, staff: name }) => {
            onboarding::confirm_terms(cli.data_dir.as_deref(), &draft, &name)
        }
        Command::Fin(FinCommand::Resolve {
            draft,
            customer_id,
            staff: name,
        }) => resolve(
            cli.data_dir.as_deref(),
            Provider::Fin,
            &draft,
            customer_id,
            &name,
        ),
        Command::Cos(CosCommand::Resolve {
            draft,
            customer_id,
            staff: name,
        }) => resolve(
            cli.data_dir.as_deref(),
            Provider::Cos,
            &draft,
            customer_id,
            &name,
        ),
        Command::Bvnk(BvnkCommand::Resolve {
            draft,
            reference,
            staff: name,
        }) => resolve(
            cli.data_dir.as_deref(),
            Provider::Bvnk,
            &draft,
            reference,
            &name,
        ),
        Command::Audit(AuditCommand::Verify { file }) => {
            audit::verify(cli.data_dir.as_deref(), file.as_deref())
        }
        Command::Audit(AuditCommand::Export { from, to, file }) => audit::export(
            cli.data_dir.as_deref(),
            from.as_deref(),
            to.as_deref(),
            &file,
        ),
        Command::Backup { file } => backup::backup(cli.data_dir.as_deref(), &file),
        Command::Restore { file } => backup::restore(cli.data_dir.as_deref(), &file),
        Command::Scan(ScanCommand::Check {
            files,
            json,
            provider,
        }) => scan::check(&files, json, provider.map(Into::into)),
        Command::Scan(ScanCommand::Read { files, json }) => scan_read::read(&files, json),
        Command::Staff(StaffCommand::Add { name, role }) => {
            people::add(cli.data_dir.as_deref(), &staff, &name, role.into())
        }
        Command::Staff(StaffCommand::List { json }) => people::list(cli.data_dir.as_deref(), json),
        Command::Settings(SettingsCommand::MakerChecker { state, environment }) => {
            people::maker_checker(
                cli.data_dir.as_deref(),
                &staff,
                matches!(state, people::OnOff::On),
                environment.map(Into::into),
            )
        }
        Command::Review(ReviewCommand::List { json }) => {
            review::list(cli.data_dir.as_deref(), json)
        }
        Command::Review(ReviewCommand::Show { id, json }) => {
            review::show(cli.data_dir.as_deref(), &staff, &id, json)
        }
        Command::Review(ReviewCommand::Decide {
            id,
            approve,
            reject,
            send_back: _,
            because,
            reason,
            marks,
        }) => {
            use branchdesk_engine::review::DecisionKind;
            let kind = if approve {
                DecisionKind::Approve
            } else if reject {
                DecisionKind::Reject
            } else {
                DecisionKind::SendBack
            };
            review::decide(
                cli.data_dir.as_deref(),
                &staff,
                &id,
                review::Decide {
                    kind,
                    because,
                    reason,
                    marks,
                },
            )
        }
    }
}

fn resolve(
    data_dir: Option<&std::path::Path>,
    provider: Provider,
    draft: &str,
    customer_id: Option<String>,
    name: &str,
) -> Result<ExitCode> {
    let (vault, secrets) = store::open(data_dir)?;
    let (desk, reach) = store::desk(vault, &secrets)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(resolve::resolve_customer(
        &desk,
        reach,
        provider,
        draft,
        customer_id.as_deref(),
        name,
    ))
}

fn check(files: &[PathBuf]) -> Result<ExitCode> {
    let mut drafts = Vec::new();
    for file in files {
        if file.as_os_str() == "-" {
            for (n, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line?;
                if !line.trim().is_empty() {
                    drafts.push((format!("stdin:{}", n + 1), line));
                }
            }
        } else {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            drafts.push((file.display().to_string(), text));
        }
    }
    let mut out = std::io::stdout().lock();
    let mut all_ok = true;
    for (name, text) in drafts {
        let person: Person = serde_json::from_str(&text)
            .with_context(|| format!("{name} is not a Personal-customer draft"))?;
        let issues = validate::person(&person);
        if issues.iter().any(validate::Issue::is_error) {
            all_ok = false;
        }
        let line = serde_json::json!({ "draft": name, "issues": issues });
        writeln!(out, "{line}")?;
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
