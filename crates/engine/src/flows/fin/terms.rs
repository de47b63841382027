//! Fin.com's terms: the customer reads and accepts them on their own phone (a link and a
//! QR code), staff confirm it, and the plan goes on. The confirmation is an audit entry.

use branchdesk_domain::fin as wire;
use branchdesk_vault::{AuditFilter, DraftId, Provider, Vault};

use super::connection::FinConnection;
use super::stored::{customer_of, terms_open, tos_url_of};
use crate::records::{decision, Terms};
use crate::{Error, Result};

pub use crate::terms_link::terms_qr;

/// The audit action that records the customer's acceptance of Fin.com's terms.
pub const TERMS_CONFIRMED: &str = "fin.terms_confirmed";

/// Records that the customer accepted Fin.com's terms, confirmed by `staff`. Only a draft
/// waiting for exactly that can be confirmed; a second confirmation changes nothing.
pub(crate) fn confirm(vault: &Vault, draft: DraftId, staff: &str) -> Result<()> {
    let plan = vault
        .latest_plan(draft)?
        .ok_or_else(|| Error::NotSubmitted {
            then: "the terms come once Fin.com has created the customer",
        })?;
    if plan.provider != Provider::Fin {
        return Err(Error::WrongProvider {
            provider: "Fin.com",
            what: "terms to accept",
        });
    }
    let customer = customer_of(&plan.steps).ok_or_else(|| Error::NotCreatedYet {
        provider: "Fin.com",
        then: "the terms come with it",
    })?;
    if confirmation(vault, draft)?.is_some() {
        return Ok(());
    }
    let value = tos_url_of(&plan.steps).and_then(|url| wire::tos_policies_value(&url));
    vault.append_audit(&decision(
        draft,
        staff,
        TERMS_CONFIRMED,
        Provider::Fin,
        serde_json::json!({ "customerId": customer, "tosPoliciesValue": value }),
    ))?;
    Ok(())
}

/// The terms page of a Fin.com draft whose customer exists, and whether the customer's
/// acceptance is recorded. `None` before Fin.com has created the customer.
pub(crate) fn terms(vault: &Vault, fin: &FinConnection, draft: DraftId) -> Result<Option<Terms>> {
    let Some(plan) = vault.latest_plan(draft)? else {
        return Ok(None);
    };
    let Some(url) = tos_url_of(&plan.steps) else {
        return Ok(None);
    };
    // Checked before it is drawn: a refused link never reaches a QR code or a browser.
    let url = checked_url(fin, &url)?;
    Ok(Some(Terms {
        qr: terms_qr(url.as_str())?,
        url: url.to_string(),
        accepted: confirmation(vault, draft)?.is_some(),
    }))
}

/// A terms link judged against the Fin.com connection in use
/// ([`crate::terms_link::checked_terms_url`]).
pub(crate) fn checked_url(fin: &FinConnection, url: &str) -> Result<url::Url> {
    crate::terms_link::checked_terms_url(url, fin.client()?.base_url())
}

/// Whether the draft's submission is stopped at Fin.com's terms, waiting for the customer
/// to accept them.
pub fn awaits(vault: &Vault, draft: DraftId) -> Result<bool> {
    let Some(plan) = vault.latest_plan(draft)? else {
        return Ok(false);
    };
    Ok(terms_open(&plan.steps)
        && customer_of(&plan.steps).is_some()
        && confirmation(vault, draft)?.is_none())
}

/// Who confirmed the terms for this draft, and when, from the audit log.
pub fn confirmation(vault: &Vault, draft: DraftId) -> Result<Option<(String, String)>> {
    let filter = AuditFilter {
        draft_id: Some(draft),
        outcome: None,
    };
    Ok(vault
        .list_audit(&filter)?
        .into_iter()
        .find(|e| e.record.action == TERMS_CONFIRMED)
        .map(|e| (e.record.actor.as_str().to_owned(), e.at.to_rfc3339())))
}
