//! Drafts from files, their submission through the desk's outbox, and where they are.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use branchdesk_domain::draft::{Draft, ProviderChoice};
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_domain::validate::{Issue, Severity};
use branchdesk_engine::desk::{draft_input, Submission, AWAITING_TERMS};
use branchdesk_engine::fin::{TERMS_CONFIRMED, UNKNOWN_OUTCOME};
use branchdesk_engine::{Desk, Error as EngineError};
use branchdesk_vault::{
    AuditFilter, DraftFilter, DraftId, DraftState, Provider, StepStatus, Vault,
};

use crate::store::Reach;
use crate::terminal::printable;
use futures::StreamExt;

/// How an import file names a draft in the same file, e.g. `"primaryOwnerCustomerId":
/// "@peter"` for the draft with `"ref": "peter"`.
const REF_PREFIX: char = '@';
/// How a stored draft names another stored draft until that one has a COS customer id.
const DRAFT_PREFIX: &str = "draft:";
/// Stands in for an owner not yet at COS when checking a draft, so only the draft's own
/// problems are reported.
const PLACEHOLDER_GUID: &str = "00000000-0000-4000-8000-000000000000";

/// The import field naming scan files by slot: `"scanFiles": {"FRONT": "front.jpg"}`.
const SCAN_FILES: &str = "scanFiles";

struct Imported {
    reference: Option<String>,
    draft: Draft,
    /// Slot → file, resolved against the import file's folder, each already checked.
    scans: BTreeMap<String, PathBuf>,
}

/// The largest import file read: thousands of drafts' worth of JSON, while a file of any
/// size (or a pipe that never ends) cannot fill the memory.
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024;

/// The import file's text, refused when it is not a regular file or is over
/// [`MAX_IMPORT_BYTES`].
fn read_bounded(file: &Path) -> Result<String> {
    use std::io::Read;
    let too_large = |bytes: u64| {
        anyhow::anyhow!(
            "{} is {bytes} bytes; a draft import holds at most {MAX_IMPORT_BYTES} bytes (1 MiB) of JSON: split it into several files",
            file.display()
        )
    };
    let meta = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?;
    if !meta.is_file() {
        bail!(
            "{} is not a regular file: name a JSON file of drafts",
            file.display()
        );
    }
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_IMPORT_BYTES + 1).read_to_string(&mut text))
        .with_context(|| format!("reading {}", file.display()))?;
    // It may have grown since it was measured.
    if text.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_large(text.len() as u64));
    }
    Ok(text)
}

/// Reads and checks the whole file before anything is stored, so a bad file stores nothing.
fn read_import(file: &Path) -> Result<Vec<Imported>> {
    let text = read_bounded(file)?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not JSON (a draft object, or an array of them)",
            file.display()
        )
    })?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => bail!(
            "{} must hold a draft object or an array of them",
            file.display()
        ),
    };
    if items.is_empty() {
        bail!("{} holds no drafts", file.display());
    }
    let mut drafts = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    for (n, mut item) in items.into_iter().enumerate() {
        let at = format!("{}: draft {}", file.display(), n + 1);
        let Some(object) = item.as_object_mut() else {
            bail!("{at} is not a JSON object");
        };
        let reference = match object.remove("ref") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(r)) if !r.trim().is_empty() => {
                if !seen.insert(r.trim().to_owned()) {
                    bail!("{at}: the ref `{r}` is used twice");
                }
                Some(r.trim().to_owned())
            }
            Some(_) => bail!("{at}: `ref` must be a non-empty string"),
        };
        let scan_files = object.remove(SCAN_FILES);
        let draft: Draft =
            serde_json::from_value(item).with_context(|| format!("{at} is not a draft"))?;
        if !draft.scans.is_empty() {
            bail!("{at}: `scans` is filled in by Branchdesk; name the files in `{SCAN_FILES}` instead");
        }
        let scans = scan_files_of(&at, file, scan_files, draft.provider)?;
        drafts.push(Imported {
            reference,
            draft,
            scans,
        });
    }
    for (n, imported) in drafts.iter().enumerate() {
        for owner in owner_ids(&imported.draft) {
            if let Some(name) = owner.strip_prefix(REF_PREFIX) {
                if !seen.contains(name) {
                    bail!(
                        "{}: draft {}: `{owner}` names no draft in this file (give that draft \"ref\": \"{name}\")",
                        file.display(),
                        n + 1
                    );
                }
            }
        }
    }
    Ok(drafts)
}

/// Reads `scanFiles` and checks each file as attaching would, so a file that would be
/// refused stops the import before anything is stored.
fn scan_files_of(
    at: &str,
    file: &Path,
    value: Option<serde_json::Value>,
    provider: ProviderChoice,
) -> Result<BTreeMap<String, PathBuf>> {
    let entries = match value {
        None | Some(serde_json::Value::Null) => return Ok(BTreeMap::new()),
        Some(serde_json::Value::Object(entries)) => entries,
        Some(_) => bail!(
            "{at}: `{SCAN_FILES}` must map scan slots to files, e.g. {{\"FRONT\": \"front.jpg\"}}"
        ),
    };
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let config = branchdesk_engine::scans::check_config(provider);
    let mut scans = BTreeMap::new();
    for (slot, path) in entries {
        if !branchdesk_engine::scans::SLOTS.contains(&slot.as_str()) {
            bail!(
                "{at}: `{slot}` is not a scan slot (use {})",
                branchdesk_engine::scans::SLOTS.join(", ")
            );
        }
        let Some(path) = path.as_str().filter(|p| !p.trim().is_empty()) else {
            bail!("{at}: the {slot} scan must be a file path");
        };
        // Relative to the JSON file, so a folder of drafts and scans imports from anywhere.
        let path = folder.join(path);
        let refused =
            |why: String| anyhow::anyhow!("{at}: the {slot} scan {}: {why}", path.display());
        // Before it is opened: a pipe, a device, a folder or a link out of the import
        // file's folder is refused.
        branchdesk_engine::scan_path::checked_scan_path(&path, Some(folder))
            .map_err(|e| refused(e.to_string()))?;
        let report =
            branchdesk_documents::inspect(&path, &config).map_err(|e| refused(e.to_string()))?;
        if !report.acceptable {
            let why: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
            return Err(refused(why.join("; ")));
        }
        scans.insert(slot, path);
    }
    Ok(scans)
}

fn owner_ids(draft: &Draft) -> Vec<&str> {
    std::iter::once(draft.cos.primary_owner_customer_id.as_str())
        .chain(
            draft
                .cos
                .beneficial_owners
                .iter()
                .map(|o| o.owner_customer_id.as_str()),
        )
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn map_owner_ids(draft: &mut Draft, mut f: impl FnMut(&str) -> Option<String>) {
    let mut apply = |id: &mut String| {
        if let Some(new) = f(id.trim()) {
            *id = new;
        }
    };
    apply(&mut draft.cos.primary_owner_customer_id);
    for owner in &mut draft.cos.beneficial_owners {
        apply(&mut owner.owner_customer_id);
    }
}

/// The rules' errors on a draft, for the provider it goes to, owners still to be resolved
/// counting as valid. A Fin.com draft also needs the scans its attach will carry: without
/// them the customer would be created at Fin.com and then stall at the attach. `fin_attach`
/// is the configured Fin.com connection's setting (a selfie with every set, or not).
fn problems(desk: &Desk, draft: &Draft, fin_attach: FinAttachConfig) -> Vec<Issue> {
    let mut checked = draft.clone();
    map_owner_ids(&mut checked, |id| {
        id.starts_with(DRAFT_PREFIX)
            .then(|| PLACEHOLDER_GUID.to_owned())
    });
    let mut issues: Vec<Issue> = desk
        .validate(&checked)
        .into_iter()
        .filter(Issue::is_error)
        .collect();
    if draft.provider == ProviderChoice::Fin {
        issues.extend(missing_fin_scans(draft, fin_attach));
    }
    issues
}

fn missing_fin_scans(draft: &Draft, config: FinAttachConfig) -> Vec<Issue> {
    use branchdesk_domain::fin;
    let Some(document) = fin::fin_identity_document_index(draft) else {
        return Vec::new();
    };
    let id_type = &draft.identity_documents[document].id_type;
    fin::slot_needs(id_type, config)
        .into_iter()
        .filter(|need| need.required && !draft.scans.iter().any(|s| s.slot == need.slot))
        .map(|need| Issue {
            field: fin::scan_field(&need.slot),
            code: "required".to_owned(),
            message: format!(
                "Fin.com needs the {} scan: name its file in `{SCAN_FILES}`.",
                need.slot
            ),
            severity: Severity::Error,
        })
        .collect()
}

pub fn import(data_dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let drafts = read_import(file)?;
    let (vault, _) = crate::store::open(data_dir)?;
    let fin_attach = vault
        .connection_for(Provider::Fin)?
        .map(|c| branchdesk_engine::setup::fin_attach_config(&c))
        .unwrap_or_default();
    let desk = crate::store::local_desk(vault)?;
    // Ids first, so a reference may point forwards in the file.
    let ids: Vec<DraftId> = drafts.iter().map(|_| DraftId::new()).collect();
    let by_ref: HashMap<&str, DraftId> = drafts
        .iter()
        .zip(&ids)
        .filter_map(|(d, id)| d.reference.as_deref().map(|r| (r, *id)))
        .collect();
    let mut stored = Vec::new();
    let mut lines = Vec::new();
    for (imported, id) in drafts.iter().zip(&ids) {
        match store_one(&desk, imported, *id, &by_ref, fin_attach, &mut stored) {
            Ok(line) => lines.push(line),
            Err(error) => {
                // A file imports whole or not at all: half of it would leave owners without
                // their businesses, or a draft without the scans it was sent with.
                for id in stored {
                    desk.vault().delete_draft(id)?;
                }
                return Err(error);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let mut all_ready = true;
    for (line, issues) in lines {
        write!(out, "{line}")?;
        if issues.is_empty() {
            writeln!(out)?;
        } else {
            all_ready = false;
            writeln!(out, "  ({} to fix before it can be sent)", issues.len())?;
            for issue in issues {
                writeln!(
                    out,
                    "    {}: {}",
                    printable(&issue.field),
                    printable(&issue.message)
                )?;
            }
        }
    }
    Ok(if all_ready {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Stores one draft, attaches its scans, and marks it ready if nothing is left to fix.
/// `stored` collects what has been written, for the caller to undo on failure.
fn store_one(
    desk: &Desk,
    imported: &Imported,
    id: DraftId,
    by_ref: &HashMap<&str, DraftId>,
    fin_attach: FinAttachConfig,
    stored: &mut Vec<DraftId>,
) -> Result<(String, Vec<Issue>)> {
    let vault = desk.vault();
    let mut draft = imported.draft.clone();
    map_owner_ids(&mut draft, |owner| {
        let name = owner.strip_prefix(REF_PREFIX)?;
        by_ref.get(name).map(|id| format!("{DRAFT_PREFIX}{id}"))
    });
    vault.save_draft(id, &draft_input(&draft, DraftState::Draft)?)?;
    stored.push(id);
    for (slot, path) in &imported.scans {
        // Checked, normalised and stored encrypted; the file itself is only read.
        let scans = desk
            .attach_scan(&id.to_string(), slot, path)
            .with_context(|| format!("the {slot} scan {}", path.display()))?;
        draft.scans = scans;
    }
    let issues = problems(desk, &draft, fin_attach);
    if issues.is_empty() {
        vault.set_draft_state(id, DraftState::Ready)?;
    }
    let summary = vault
        .get_draft(id)?
        .context("an imported draft vanished")?
        .summary;
    let line = format!(
        "{}  {}  {}",
        summary.id, summary.state, summary.display_name
    );
    Ok((line, issues))
}

pub fn list(data_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let drafts = vault.list_drafts(&DraftFilter::default())?;
    let mut out = std::io::stdout().lock();
    if json {
        // The summary carries only the masked tax id; the full one stays in the body.
        writeln!(out, "{}", serde_json::to_string(&drafts)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for d in drafts {
        writeln!(
            out,
            "{}  {:<15} {:<7} {:<12} {}{}",
            d.id,
            d.state,
            d.kind.as_str(),
            d.masked_tax_id.as_ref().map_or("", |m| m.as_str()),
            printable(&d.display_name),
            // Archived in the app: kept, and hidden from its Drafts list.
            if d.archived { "  (archived)" } else { "" }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What planning a ready draft came to.
enum Planned {
    Queued,
    /// An owner is still on its way to COS.
    Deferred,
    Refused(String),
}

/// Replaces `draft:<id>` owners with their COS customer ids, if they all have one yet.
fn resolve_owners(vault: &Vault, draft: &mut Draft) -> Result<std::result::Result<(), Planned>> {
    let mut outcome = Ok(());
    for owner in owner_ids(draft) {
        let Some(id) = owner.strip_prefix(DRAFT_PREFIX) else {
            continue;
        };
        let owner_id: DraftId = id.parse()?;
        let Some(stored) = vault.get_draft(owner_id)? else {
            return Ok(Err(Planned::Refused(format!(
                "its owner draft {owner_id} no longer exists"
            ))));
        };
        match stored.summary.state {
            DraftState::Submitted | DraftState::Approved => {}
            DraftState::Ready | DraftState::Waiting | DraftState::Sending => {
                outcome = Err(Planned::Deferred);
            }
            other => {
                return Ok(Err(Planned::Refused(format!(
                    "its owner {} ({owner_id}) is {other}",
                    stored.summary.display_name
                ))))
            }
        }
    }
    if outcome.is_err() {
        return Ok(outcome);
    }
    let mut customers = HashMap::new();
    for owner in owner_ids(draft) {
        if let Some(id) = owner.strip_prefix(DRAFT_PREFIX) {
            let owner_id: DraftId = id.parse()?;
            let customer = vault
                .latest_plan(owner_id)?
                .and_then(|plan| {
                    plan.steps.iter().find_map(|s| {
                        (s.status == StepStatus::Done)
                            .then(|| {
                                s.provider_ids
                                    .get("customerId")?
                                    .as_str()
                                    .map(str::to_owned)
                            })
                            .flatten()
                    })
                })
                .context("a submitted owner has no COS customer id")?;
            customers.insert(owner.to_owned(), customer);
        }
    }
    map_owner_ids(draft, |owner| customers.get(owner).cloned());
    Ok(Ok(()))
}

/// How many drafts are planned in one transaction: one disk flush each batch instead of one
/// a draft, while the vault is never held for long by one submit.
const PLAN_BATCH: usize = 100;

/// A ready draft, read and with its owners resolved, unless it cannot be sent yet.
fn prepare(desk: &Desk, reach: Reach, id: DraftId) -> Result<std::result::Result<Draft, Planned>> {
    let record = desk.get_draft(&id.to_string())?;
    let mut draft = record.draft;
    if let Some(why) = reach.refusal(draft.provider) {
        return Ok(Err(Planned::Refused(why)));
    }
    if let Err(planned) = resolve_owners(desk.vault(), &mut draft)? {
        return Ok(Err(planned));
    }
    Ok(Ok(draft))
}

/// Plans the `ready` drafts a batch at a time and hands each planned draft to `queue` as
/// soon as its batch is on disk. The first batch is as large as the drafts sent at once,
/// so sending starts at once; later ones grow to [`PLAN_BATCH`].
fn plan_ready(
    desk: &Desk,
    reach: Reach,
    ready: Vec<DraftId>,
    first_batch: usize,
    queue: tokio::sync::mpsc::UnboundedSender<DraftId>,
) -> Result<Vec<(DraftId, Planned)>> {
    let mut outcomes = Vec::new();
    let mut batch = Vec::new();
    let mut size = first_batch.clamp(1, PLAN_BATCH);
    let hand_over = |planned: Vec<(DraftId, Planned)>, outcomes: &mut Vec<_>| {
        for (id, outcome) in planned {
            if matches!(outcome, Planned::Queued) {
                // The runner reads until this sender is dropped.
                let _ = queue.send(id);
            }
            outcomes.push((id, outcome));
        }
    };
    for id in ready {
        match prepare(desk, reach, id)? {
            Ok(draft) => batch.push((id, draft)),
            Err(outcome) => outcomes.push((id, outcome)),
        }
        if batch.len() >= size {
            hand_over(plan_batch(desk, &mut batch)?, &mut outcomes);
            size = (size * 2).min(PLAN_BATCH);
        }
    }
    hand_over(plan_batch(desk, &mut batch)?, &mut outcomes);
    Ok(outcomes)
}

/// Plans the drafts of `batch` together (see [`Desk::submit_all`]) and empties it.
fn plan_batch(desk: &Desk, batch: &mut Vec<(DraftId, Draft)>) -> Result<Vec<(DraftId, Planned)>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let outcomes = desk.submit_all(batch)?;
    Ok(batch
        .drain(..)
        .zip(outcomes)
        .map(|((id, _), outcome)| (id, planned(outcome)))
        .collect())
}

fn planned(outcome: branchdesk_engine::Result<()>) -> Planned {
    match outcome {
        Ok(()) => Planned::Queued,
        Err(EngineError::Invalid(issues)) => Planned::Refused(
            issues
                .iter()
                .filter(|i| i.is_error())
                .map(|i| format!("{}: {}", i.field, i.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(error) => Planned::Refused(error.to_string()),
    }
}

fn drafts_in(vault: &Vault, states: &[DraftState]) -> Result<Vec<DraftId>> {
    let filter = DraftFilter {
        states: states.to_vec(),
        ..DraftFilter::default()
    };
    Ok(vault
        .list_drafts(&filter)?
        .into_iter()
        .map(|d| d.id)
        .collect())
}

/// Whether staff have confirmed that the customer accepted Fin.com's terms for this draft.
fn terms_confirmed(vault: &Vault, id: DraftId) -> Result<bool> {
    let filter = AuditFilter {
        draft_id: Some(id),
        outcome: None,
    };
    Ok(vault
        .list_audit(&filter)?
        .iter()
        .any(|e| e.record.action == TERMS_CONFIRMED))
}

/// Whether a Fin.com plan stands at the customer's terms: Fin.com has created the customer
/// and nobody has confirmed the customer's acceptance yet.
fn awaits_terms(vault: &Vault, id: DraftId) -> Result<bool> {
    let Some(plan) = vault.latest_plan(id)? else {
        return Ok(false);
    };
    let created = plan
        .steps
        .iter()
        .any(|s| s.status == StepStatus::Done && s.provider_ids.get("customerId").is_some());
    Ok(plan.provider == Provider::Fin && created && !terms_confirmed(vault, id)?)
}

/// Drafts the runner should look at: those with a step to send, and those whose every step
/// is done but which a crash stopped before they were marked submitted. A draft waiting for
/// the customer's terms is left alone until they are confirmed: running it would only find
/// it waiting again, and `--wait` would never end.
fn runnable(vault: &Vault) -> Result<Vec<DraftId>> {
    let mut drafts = Vec::new();
    for id in vault.drafts_with_pending_work()? {
        if !awaits_terms(vault, id)? {
            drafts.push(id);
        }
    }
    for id in drafts_in(vault, &[DraftState::Waiting, DraftState::Sending])? {
        if drafts.contains(&id) || awaits_terms(vault, id)? {
            continue;
        }
        let finished = vault
            .latest_plan(id)?
            .is_some_and(|p| p.steps.iter().all(|s| s.status == StepStatus::Done));
        if finished {
            drafts.push(id);
        }
    }
    Ok(drafts)
}

/// `Desk::submit` marks the draft waiting, then writes its plan: a crash in between leaves a
/// waiting draft with no plan, which is simply ready again.
fn recover_unplanned(vault: &Vault) -> Result<()> {
    for id in drafts_in(vault, &[DraftState::Waiting, DraftState::Sending])? {
        if vault.latest_plan(id)?.is_none() {
            vault.set_draft_state(id, DraftState::Ready)?;
        }
    }
    Ok(())
}

pub async fn submit(
    desk: Arc<Desk>,
    reach: Reach,
    wait: bool,
    concurrency: usize,
) -> Result<ExitCode> {
    let vault = desk.vault();
    let concurrency = concurrency.max(1);
    let mut refused: HashMap<DraftId, String> = HashMap::new();
    let mut pause = Duration::from_millis(100);
    loop {
        recover_unplanned(vault)?;
        // Drafts with work left from an earlier run go first; ready drafts follow as soon
        // as their batch's plans are on disk, so sending starts while the rest are planned.
        let (queue, queued) = tokio::sync::mpsc::unbounded_channel();
        for id in runnable(vault)? {
            // The receiver is below, alive until every draft has run.
            let _ = queue.send(id);
        }
        let ready: Vec<DraftId> = drafts_in(vault, &[DraftState::Ready])?
            .into_iter()
            .filter(|id| !refused.contains_key(id))
            .collect();
        let planner = {
            let desk = Arc::clone(&desk);
            tokio::task::spawn_blocking(move || plan_ready(&desk, reach, ready, concurrency, queue))
        };
        let drafts = futures::stream::unfold(queued, |mut queued| async move {
            queued.recv().await.map(|id| (id, queued))
        });
        let results = desk.run_drafts(drafts, concurrency).await;
        let outcomes = planner.await.context("planning the drafts stopped")??;
        let ran = results.len();
        let (mut planned, mut deferred) = (0usize, 0usize);
        for (id, outcome) in outcomes {
            match outcome {
                Planned::Queued => planned += 1,
                Planned::Deferred => deferred += 1,
                Planned::Refused(why) => {
                    // The reason can quote the draft's values: it goes to the terminal only.
                    tracing::info!(draft = %id, "not sent: refused before planning");
                    eprintln!("{id}: not sent: {}", printable(&why));
                    refused.insert(id, why);
                }
            }
        }
        let mut offline = 0usize;
        for (id, result) in results {
            match result {
                Ok(()) => {}
                Err(EngineError::Provider(e)) if e.is_retryable() => {
                    tracing::info!(draft = %id, error = %e.for_log(), "waiting for the network");
                    offline += 1;
                }
                Err(error) => {
                    tracing::warn!(draft = %id, error = %error.for_log(), "submission stopped");
                    eprintln!("{id}: {}", printable(&error.to_string()));
                }
            }
        }
        if !wait || (ran == 0 && planned == 0) {
            if deferred > 0 && wait {
                eprintln!("{deferred} draft(s) wait for an owner that cannot be sent");
            }
            break;
        }
        if offline > 0 {
            // Doubling up to 10 s: quick after a blip, but a provider that keeps answering
            // 429 (or stays down) is asked a few times a minute, not in a loop.
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(10));
        } else {
            pause = Duration::from_millis(100);
        }
    }
    let mut awaiting = 0usize;
    for id in drafts_in(vault, &[DraftState::Waiting])? {
        if awaits_terms(vault, id)? {
            awaiting += 1;
            let url = match desk.terms(&id.to_string()) {
                Ok(terms) => terms.map_or_else(|| "(Fin.com gave no link)".to_owned(), |t| t.url),
                // A link off Fin.com's own domain is not printed: only why.
                Err(error @ EngineError::TermsLinkRefused(_)) => format!("(none: {error})"),
                Err(error) => return Err(error.into()),
            };
            let url = printable(&url);
            eprintln!(
                "{id}: waits for the customer to accept Fin.com's terms at {url}\n    then: branchdesk-cli tos confirm {id} --staff NAME"
            );
        }
    }
    summary(vault, &refused, awaiting)
}

/// `awaiting`: drafts waiting for the customer's terms, which the vault counts as waiting.
fn summary(vault: &Vault, refused: &HashMap<DraftId, String>, awaiting: usize) -> Result<ExitCode> {
    let mut counts: HashMap<DraftState, usize> = HashMap::new();
    for d in vault.list_drafts(&DraftFilter::default())? {
        *counts.entry(d.state).or_default() += 1;
    }
    let count = |s| counts.get(&s).copied().unwrap_or(0);
    let awaiting_terms = match awaiting {
        0 => String::new(),
        n => format!(", {n} awaiting the customer's terms"),
    };
    tracing::info!(
        submitted = count(DraftState::Submitted) + count(DraftState::Approved),
        need_attention = count(DraftState::NeedsAttention),
        awaiting_terms = awaiting,
        refused = refused.len(),
        "submit finished"
    );
    println!(
        "{} submitted, {} waiting to be sent, {} need attention, {} not ready{awaiting_terms}",
        count(DraftState::Submitted) + count(DraftState::Approved),
        (count(DraftState::Waiting) - awaiting.min(count(DraftState::Waiting)))
            + count(DraftState::Sending)
            + count(DraftState::Ready)
            - refused.len().min(count(DraftState::Ready)),
        count(DraftState::NeedsAttention),
        count(DraftState::Draft) + refused.len(),
    );
    Ok(
        if count(DraftState::NeedsAttention) > 0 || !refused.is_empty() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

pub async fn status(desk: &Desk, json: bool) -> Result<ExitCode> {
    let drafts = desk.vault().list_drafts(&DraftFilter::default())?;
    let rows: Vec<serde_json::Value> = futures::stream::iter(drafts)
        .map(|d| async move {
            let submission = desk.submission_status(&d.id.to_string()).await?;
            Ok::<_, anyhow::Error>(status_row(&d, &submission))
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::Value::Array(rows))?;
        return Ok(ExitCode::SUCCESS);
    }
    // Every field may carry a provider's text: printed escaped, never obeyed.
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => printable(s).into_owned(),
        serde_json::Value::Null => "-".to_owned(),
        other => printable(&other.to_string()).into_owned(),
    };
    for r in rows {
        let fin = &r["fin"];
        if fin.is_object() {
            writeln!(
                out,
                "{}  {:<15} {}/{}  Fin.com customer {}  status {}  {}",
                text(&r["id"]),
                text(&r["state"]),
                r["doneSteps"],
                r["totalSteps"],
                text(&fin["customerId"]),
                text(&fin["status"]),
                text(&r["name"]),
            )?;
            if r["state"] == AWAITING_TERMS {
                let link = match fin["tosUrl"].as_str() {
                    Some(url) => printable(url).into_owned(),
                    // `tosUrl` is left out when the engine refused the link; say why.
                    None => match desk.terms(&text(&r["id"])) {
                        Err(error @ EngineError::TermsLinkRefused(_)) => {
                            format!("(none: {})", printable(&error.to_string()))
                        }
                        _ => "-".to_owned(),
                    },
                };
                writeln!(
                    out,
                    "    show the customer Fin.com's terms: {}\n    once accepted: branchdesk-cli tos confirm {} --staff NAME",
                    link,
                    text(&r["id"]),
                )?;
            }
            for reason in fin["reasons"].as_array().into_iter().flatten() {
                match reason["field"].as_str().filter(|f| !f.is_empty()) {
                    Some(field) => writeln!(
                        out,
                        "    {}: {}",
                        printable(field),
                        text(&reason["message"])
                    )?,
                    None => writeln!(out, "    {}", text(&reason["message"]))?,
                }
            }
        } else {
            writeln!(
                out,
                "{}  {:<15} {}/{}  customer {}  CIF {}  OFAC {}  PEP {}  internal {}  {}",
                text(&r["id"]),
                text(&r["state"]),
                r["doneSteps"],
                r["totalSteps"],
                text(&r["customerId"]),
                text(&r["cifNumber"]),
                text(&r["ofac"]),
                text(&r["pepScan"]),
                text(&r["internalList"]),
                text(&r["name"]),
            )?;
        }
        if let Some(message) = r["error"]["message"].as_str() {
            writeln!(out, "    {}", printable(message))?;
        }
        if r["error"]["code"] == UNKNOWN_OUTCOME {
            let command = if r["provider"] == "fin" { "fin" } else { "cos" };
            writeln!(
                out,
                "    once checked: branchdesk-cli {command} resolve {} --staff NAME [--customer-id ID]   (without --customer-id: it was not created)",
                text(&r["id"]),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status_row(d: &branchdesk_vault::DraftSummary, submission: &Submission) -> serde_json::Value {
    let outcome = submission.outcome.as_ref();
    let fin = submission.fin.as_ref();
    serde_json::json!({
        "id": d.id,
        "name": d.display_name,
        "kind": d.kind.as_str(),
        "provider": d.provider,
        "maskedTaxId": d.masked_tax_id,
        "state": submission.state,
        "doneSteps": submission.done_steps,
        "totalSteps": submission.total_steps,
        "customerId": outcome.map(|o| &o.customer_id).or(fin.map(|f| &f.customer_id)),
        "cifNumber": outcome.and_then(|o| o.cif_number.as_ref()),
        "ofac": outcome.and_then(|o| o.ofac),
        "pepScan": outcome.and_then(|o| o.pep_scan),
        "internalList": outcome.and_then(|o| o.internal_list),
        "settled": outcome.map(|o| o.settled),
        // Only while the customer has the terms to accept: after that the link is history.
        "fin": fin.map(|f| serde_json::json!({
            "customerId": f.customer_id,
            "status": fin_status(&submission.state, &f.status),
            "termsAccepted": f.terms_accepted,
            "tosUrl": (submission.state == AWAITING_TERMS)
                .then_some(f.tos_url.as_ref())
                .flatten(),
            "reasons": if f.status == "ACTION_REQUIRED" { f.reasons.as_slice() } else { &[] },
        })),
        "error": submission.error,
    })
}

/// Once Fin.com's decision is recorded as the draft's state, the desk stops asking Fin.com
/// and reports what the plan alone knows (PROCESSING); the decision is the better answer.
fn fin_status<'a>(state: &str, status: &'a str) -> &'a str {
    if state == DraftState::Approved.as_str() {
        "APPROVED"
    } else if state == DraftState::Rejected.as_str() {
        "REJECTED"
    } else {
        status
    }
}

/// `tos confirm`: the customer has read and accepted Fin.com's terms, as `staff` confirm.
pub fn confirm_terms(data_dir: Option<&Path>, id: &str, staff: &str) -> Result<ExitCode> {
    if staff.trim().is_empty() {
        bail!("say who confirms the customer's acceptance: --staff NAME");
    }
    let draft: DraftId = id
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("`{id}` is not a draft id (see `draft list`)"))?;
    let id = &draft.to_string();
    let (vault, _) = crate::store::open(data_dir)?;
    // Recording the acceptance asks no provider anything.
    let desk = crate::store::local_desk(vault)?;
    let Some(stored) = desk.vault().get_draft(draft)? else {
        bail!("there is no draft {id} (see `draft list`)");
    };
    let state = stored.summary.state;
    if !awaits_terms(desk.vault(), draft)? {
        let why = if terms_confirmed(desk.vault(), draft)? {
            "its terms were already confirmed".to_owned()
        } else if stored.summary.provider != Provider::Fin {
            format!(
                "it goes to {}, which has no terms to accept",
                stored.summary.provider
            )
        } else if state == DraftState::Waiting || state == DraftState::Sending {
            "Fin.com has not created the customer yet: run `submit`, the terms come with it"
                .to_owned()
        } else {
            format!("it is {state}; a Fin.com draft waits for them once `submit` has created the customer")
        };
        bail!("draft {id} is not waiting for the customer to accept Fin.com's terms: {why}");
    }
    desk.confirm_terms(id, staff)?;
    println!(
        "{id}: the customer's acceptance of Fin.com's terms is recorded (confirmed by {}); `submit` sends the documents",
        staff.trim()
    );
    Ok(ExitCode::SUCCESS)
}
