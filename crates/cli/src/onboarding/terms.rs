//! `tos confirm`: recording that the customer accepted Fin.com's terms or BVNK's
//! agreements. Whether a draft waits for them is the engine's rule (`flows::fin::terms`,
//! `flows::bvnk::agreement`), read from the vault alone.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};
use branchdesk_engine::flows::bvnk::agreement;
use branchdesk_engine::flows::fin::terms::{awaits as awaits_terms, confirmation};
use branchdesk_vault::{DraftId, DraftState, Provider};

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
    // With profiles, the person named signs in (the PIN on standard input).
    let staff = &crate::people::Staff {
        name: Some(staff.to_owned()),
    }
    .name_for(desk.vault(), desk.environment())?;
    if stored.summary.provider == Provider::Bvnk {
        if !agreement::awaits(desk.vault(), draft)? {
            let why = if agreement::confirmation(desk.vault(), draft)?.is_some() {
                "its agreements were already confirmed".to_owned()
            } else {
                format!(
                    "it is {state}; a BVNK draft waits for them once `submit` has prepared them"
                )
            };
            bail!("draft {id} is not waiting for the customer to accept BVNK's agreements: {why}");
        }
        desk.confirm_terms(id, staff)?;
        println!(
            "{id}: the customer's acceptance of BVNK's agreements is recorded (confirmed by {}); `submit` creates the customer",
            staff.trim()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !awaits_terms(desk.vault(), draft)? {
        let why = if confirmation(desk.vault(), draft)?.is_some() {
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
