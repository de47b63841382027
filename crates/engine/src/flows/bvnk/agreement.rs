//! BVNK's agreements: the session lists them, the customer reads and accepts them at the
//! counter (a link and a QR code), staff confirm it, and the plan marks the session
//! `SIGNED` and goes on to the create. The confirmation is an audit entry.

use branchdesk_vault::{AuditFilter, DraftId, Provider, Vault};

use super::connection::BvnkConnection;
use super::stored::{agreement_open, agreement_urls, session_of};
use crate::records::{decision, Terms};
use crate::terms_link::terms_qr;
use crate::{Error, Result};

/// The audit action that records the customer's acceptance of BVNK's agreements.
pub const AGREEMENT_CONFIRMED: &str = "bvnk.agreement_confirmed";

/// Records that the customer accepted BVNK's agreements, confirmed by `staff`. Only a
/// draft whose session exists can be confirmed; a second confirmation changes nothing.
pub(crate) fn confirm(vault: &Vault, draft: DraftId, staff: &str) -> Result<()> {
    let plan = vault
        .latest_plan(draft)?
        .ok_or_else(|| Error::NotSubmitted {
            then: "the agreements come once BVNK has prepared them",
        })?;
    if plan.provider != Provider::Bvnk {
        return Err(Error::WrongProvider {
            provider: "BVNK",
            what: "agreements to accept",
        });
    }
    let session = session_of(&plan.steps).ok_or_else(|| Error::NotCreatedYet {
        provider: "BVNK",
        then: "the agreements come with its session",
    })?;
    if confirmed(vault, draft, &session)?.is_some() {
        return Ok(());
    }
    vault.append_audit(&decision(
        draft,
        staff,
        AGREEMENT_CONFIRMED,
        Provider::Bvnk,
        serde_json::json!({ "sessionReference": session }),
    ))?;
    Ok(())
}

/// The agreements page of a BVNK draft whose session exists (the first agreement's link,
/// as a QR code too), and whether the customer's acceptance is recorded.
pub(crate) fn page(vault: &Vault, bvnk: &BvnkConnection, draft: DraftId) -> Result<Option<Terms>> {
    let Some(plan) = vault.latest_plan(draft)? else {
        return Ok(None);
    };
    let Some(url) = agreement_urls(&plan.steps).into_iter().next() else {
        return Ok(None);
    };
    // Checked before it is drawn: a refused link never reaches a QR code or a browser.
    let url = checked_url(bvnk, &url)?;
    Ok(Some(Terms {
        qr: terms_qr(url.as_str())?,
        url: url.to_string(),
        accepted: confirmation(vault, draft)?.is_some(),
    }))
}

/// An agreement link judged against the BVNK connection in use.
pub(crate) fn checked_url(bvnk: &BvnkConnection, url: &str) -> Result<url::Url> {
    crate::terms_link::checked_terms_url(url, bvnk.client()?.base_url())
}

/// Whether the draft's submission is stopped at BVNK's agreements.
pub fn awaits(vault: &Vault, draft: DraftId) -> Result<bool> {
    let Some(plan) = vault.latest_plan(draft)? else {
        return Ok(false);
    };
    if plan.provider != Provider::Bvnk || !agreement_open(&plan.steps) {
        return Ok(false);
    }
    let Some(session) = session_of(&plan.steps) else {
        return Ok(false);
    };
    Ok(confirmed(vault, draft, &session)?.is_none())
}

/// Who confirmed the agreements of the draft's current session, and when, from the audit
/// log. A new session (after a plan was made again) is asked about afresh.
pub fn confirmation(vault: &Vault, draft: DraftId) -> Result<Option<(String, String)>> {
    let Some(session) = vault
        .latest_plan(draft)?
        .and_then(|plan| session_of(&plan.steps))
    else {
        return Ok(None);
    };
    confirmed(vault, draft, &session)
}

/// Who confirmed the agreements of `session`, and when.
fn confirmed(vault: &Vault, draft: DraftId, session: &str) -> Result<Option<(String, String)>> {
    let filter = AuditFilter {
        draft_id: Some(draft),
        outcome: None,
    };
    Ok(vault
        .list_audit(&filter)?
        .into_iter()
        .find(|e| {
            e.record.action == AGREEMENT_CONFIRMED
                && e.record
                    .provider_ids
                    .get("sessionReference")
                    .and_then(|s| s.as_str())
                    == Some(session)
        })
        .map(|e| (e.record.actor.as_str().to_owned(), e.at.to_rfc3339())))
}
