//! `draft import`: stores a checked file's drafts with their scans, whole or not at all,
//! each marked ready when nothing is left to fix.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use branchdesk_domain::draft::{Draft, Provider};
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_domain::validate::{Issue, Severity};
use branchdesk_engine::drafts::draft_input;
use branchdesk_engine::Desk;
use branchdesk_vault::{DraftId, DraftState};

use super::import_file::{read_import, Imported, SCAN_FILES};
use super::owners::{map_owner_ids, DRAFT_PREFIX, PLACEHOLDER_GUID, REF_PREFIX};
use crate::terminal::printable;

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
    if draft.provider == Provider::Fin {
        issues.extend(missing_fin_scans(draft, fin_attach));
    }
    issues
}

/// The scans Fin.com needs that the import file does not name (the rule is the domain's),
/// said in the file's own terms.
fn missing_fin_scans(draft: &Draft, config: FinAttachConfig) -> Vec<Issue> {
    use branchdesk_domain::fin;
    fin::missing_slots(draft, config)
        .into_iter()
        .map(|slot| Issue {
            field: fin::scan_field(&slot),
            code: "required".to_owned(),
            message: format!("Fin.com needs the {slot} scan: name its file in `{SCAN_FILES}`."),
            severity: Severity::Error,
        })
        .collect()
}

pub fn import(
    data_dir: Option<&Path>,
    file: &Path,
    staff: &crate::people::Staff,
) -> Result<ExitCode> {
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
        match store_one(
            &desk,
            imported,
            *id,
            &by_ref,
            fin_attach,
            staff,
            &mut stored,
        ) {
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

/// Fills the draft's empty fields from what the scan in `slot` says (a licence's barcode):
/// with nobody to choose, only fields the file left empty are filled, never one it gave.
fn prefill(desk: &Desk, id: DraftId, slot: &str, staff: &crate::people::Staff) -> Result<Draft> {
    let draft = id.to_string();
    let Some(offer) = desk.prefill_offer(&draft, slot)? else {
        bail!("nothing could be read from the {slot} scan to fill the draft (prefillFrom)");
    };
    let empty: Vec<String> = offer
        .fields
        .iter()
        .filter(|f| f.kind == branchdesk_domain::prefill::offer::OfferKind::Fill)
        .map(|f| f.path.clone())
        .collect();
    let by = staff.person(desk)?;
    Ok(desk.accept_prefill(&draft, slot, &empty, &by)?.draft)
}

/// Stores one draft, attaches its scans, and marks it ready if nothing is left to fix.
/// `stored` collects what has been written, for the caller to undo on failure.
fn store_one(
    desk: &Desk,
    imported: &Imported,
    id: DraftId,
    by_ref: &HashMap<&str, DraftId>,
    fin_attach: FinAttachConfig,
    staff: &crate::people::Staff,
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
    if let Some(slot) = &imported.prefill_from {
        draft = prefill(desk, id, slot, staff)?;
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
