//! Drafts from files, their submission through the desk's outbox, and where they are.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use branchdesk_domain::draft::Draft;
use branchdesk_domain::validate::{self, Issue};
use branchdesk_engine::desk::{draft_input, without_blank_rows};
use branchdesk_engine::{Desk, Error as EngineError};
use branchdesk_vault::{DraftFilter, DraftId, DraftState, StepStatus, Vault};
use futures::StreamExt;

/// How an import file names a draft in the same file, e.g. `"primaryOwnerCustomerId":
/// "@peter"` for the draft with `"ref": "peter"`.
const REF_PREFIX: char = '@';
/// How a stored draft names another stored draft until that one has a COS customer id.
const DRAFT_PREFIX: &str = "draft:";
/// Stands in for an owner not yet at COS when checking a draft, so only the draft's own
/// problems are reported.
const PLACEHOLDER_GUID: &str = "00000000-0000-4000-8000-000000000000";

struct Imported {
    reference: Option<String>,
    draft: Draft,
}

/// Reads and checks the whole file before anything is stored, so a bad file stores nothing.
fn read_import(file: &Path) -> Result<Vec<Imported>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
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
        let draft: Draft =
            serde_json::from_value(item).with_context(|| format!("{at} is not a draft"))?;
        drafts.push(Imported { reference, draft });
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

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The rules' errors on a draft, owners still to be resolved counting as valid.
fn problems(draft: &Draft) -> Vec<Issue> {
    let mut checked = without_blank_rows(draft);
    map_owner_ids(&mut checked, |id| {
        id.starts_with(DRAFT_PREFIX)
            .then(|| PLACEHOLDER_GUID.to_owned())
    });
    validate::cos_on(&checked, today())
        .into_iter()
        .filter(Issue::is_error)
        .collect()
}

pub fn import(data_dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let drafts = read_import(file)?;
    let (vault, _) = crate::store::open(data_dir)?;
    // Ids first, so a reference may point forwards in the file.
    let ids: Vec<DraftId> = drafts.iter().map(|_| DraftId::new()).collect();
    let by_ref: HashMap<&str, DraftId> = drafts
        .iter()
        .zip(&ids)
        .filter_map(|(d, id)| d.reference.as_deref().map(|r| (r, *id)))
        .collect();
    let mut out = std::io::stdout().lock();
    let mut all_ready = true;
    for (imported, id) in drafts.iter().zip(&ids) {
        let mut draft = imported.draft.clone();
        map_owner_ids(&mut draft, |owner| {
            let name = owner.strip_prefix(REF_PREFIX)?;
            by_ref.get(name).map(|id| format!("{DRAFT_PREFIX}{id}"))
        });
        let issues = problems(&draft);
        let state = if issues.is_empty() {
            DraftState::Ready
        } else {
            all_ready = false;
            DraftState::Draft
        };
        let input = draft_input(&draft, state)?;
        let summary = vault.save_draft(*id, &input)?;
        write!(
            out,
            "{}  {}  {}",
            summary.id, summary.state, summary.display_name
        )?;
        if issues.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "  ({} to fix before it can be sent)", issues.len())?;
            for issue in issues {
                writeln!(out, "    {}: {}", issue.field, issue.message)?;
            }
        }
    }
    Ok(if all_ready {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
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
            "{}  {:<15} {:<7} {:<12} {}",
            d.id,
            d.state,
            d.kind.as_str(),
            d.masked_tax_id.as_ref().map_or("", |m| m.as_str()),
            d.display_name
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

fn plan(desk: &Desk, id: DraftId) -> Result<Planned> {
    let record = desk.get_draft(&id.to_string())?;
    let mut draft = record.draft;
    if let Err(planned) = resolve_owners(desk.vault(), &mut draft)? {
        return Ok(planned);
    }
    match desk.submit(&id.to_string(), &draft) {
        Ok(_) => Ok(Planned::Queued),
        Err(EngineError::Invalid(issues)) => Ok(Planned::Refused(
            issues
                .iter()
                .filter(|i| i.is_error())
                .map(|i| format!("{}: {}", i.field, i.message))
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(error) => Ok(Planned::Refused(error.to_string())),
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

/// Drafts the runner should look at: those with a step to send, and those whose every step
/// is done but which a crash stopped before they were marked submitted.
fn runnable(vault: &Vault) -> Result<Vec<DraftId>> {
    let mut drafts = vault.drafts_with_pending_work()?;
    for id in drafts_in(vault, &[DraftState::Waiting, DraftState::Sending])? {
        if drafts.contains(&id) {
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

pub async fn submit(desk: &Desk, wait: bool, concurrency: usize) -> Result<ExitCode> {
    let vault = desk.vault();
    let concurrency = concurrency.max(1);
    let mut refused: HashMap<DraftId, String> = HashMap::new();
    let mut pause = Duration::from_millis(100);
    loop {
        recover_unplanned(vault)?;
        let mut planned = 0usize;
        let mut deferred = 0usize;
        for id in drafts_in(vault, &[DraftState::Ready])? {
            if refused.contains_key(&id) {
                continue;
            }
            match plan(desk, id)? {
                Planned::Queued => planned += 1,
                Planned::Deferred => deferred += 1,
                Planned::Refused(why) => {
                    eprintln!("{id}: not sent: {why}");
                    refused.insert(id, why);
                }
            }
        }
        let drafts = runnable(vault)?;
        let ran = drafts.len();
        // Drafts run side by side; each draft's steps run in order inside `run_draft`.
        let results: Vec<(DraftId, branchdesk_engine::Result<()>)> = futures::stream::iter(drafts)
            .map(|id| async move { (id, desk.run_draft(id).await) })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let mut offline = 0usize;
        for (id, result) in results {
            match result {
                Ok(()) => {}
                Err(EngineError::Provider(e)) if e.is_retryable() => offline += 1,
                Err(error) => eprintln!("{id}: {error}"),
            }
        }
        if !wait || (ran == 0 && planned == 0) {
            if deferred > 0 && wait {
                eprintln!("{deferred} draft(s) wait for an owner that cannot be sent");
            }
            break;
        }
        if offline > 0 {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        } else {
            pause = Duration::from_millis(100);
        }
    }
    summary(vault, &refused)
}

fn summary(vault: &Vault, refused: &HashMap<DraftId, String>) -> Result<ExitCode> {
    let mut counts: HashMap<DraftState, usize> = HashMap::new();
    for d in vault.list_drafts(&DraftFilter::default())? {
        *counts.entry(d.state).or_default() += 1;
    }
    let count = |s| counts.get(&s).copied().unwrap_or(0);
    println!(
        "{} submitted, {} waiting to be sent, {} need attention, {} not ready",
        count(DraftState::Submitted) + count(DraftState::Approved),
        count(DraftState::Waiting) + count(DraftState::Sending) + count(DraftState::Ready)
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
            let outcome = submission.outcome.as_ref();
            Ok::<_, anyhow::Error>(serde_json::json!({
                "id": d.id,
                "name": d.display_name,
                "kind": d.kind.as_str(),
                "maskedTaxId": d.masked_tax_id,
                "state": submission.state,
                "doneSteps": submission.done_steps,
                "totalSteps": submission.total_steps,
                "customerId": outcome.map(|o| &o.customer_id),
                "cifNumber": outcome.and_then(|o| o.cif_number.as_ref()),
                "ofac": outcome.and_then(|o| o.ofac),
                "pepScan": outcome.and_then(|o| o.pep_scan),
                "internalList": outcome.and_then(|o| o.internal_list),
                "settled": outcome.map(|o| o.settled),
                "error": submission.error,
            }))
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
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".to_owned(),
        other => other.to_string(),
    };
    for r in rows {
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
        if let Some(message) = r["error"]["message"].as_str() {
            writeln!(out, "    {message}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn audit_verify(data_dir: Option<&Path>) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let report = vault.verify_audit()?;
    if report.is_intact() {
        println!("audit log intact: {} entries checked", report.entries);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "audit log BROKEN: {} problem(s) in {} entries",
        report.problems.len(),
        report.entries
    );
    for problem in &report.problems {
        println!("  entry {}: {:?}", problem.seq, problem.kind);
    }
    Ok(ExitCode::FAILURE)
}
