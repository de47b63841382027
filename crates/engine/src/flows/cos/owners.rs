//! Personal customers already at Cross River, as the Business owner pickers and the Review
//! page show them: by name and CIF number, never by their bare COS id, each with the latest
//! compliance results received for them (kept in the vault, so no request is made) and what
//! those results say about taking them as an owner.

use branchdesk_domain::cos::ScanStatus;
use branchdesk_domain::owners::{standing, OwnerStanding};
use branchdesk_vault::{DraftFilter, DraftState, Plan, Provider, Vault};
use serde::Serialize;
use ts_rs::TS;

use super::compliance::{self, CheckTimes, CosOutcome};
use crate::Result;

/// A Personal customer already at Cross River, for the Business owner pickers.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CosCustomer {
    pub customer_id: String,
    pub name: String,
    /// Tells apart two customers of the same name; `None` until COS gave one.
    pub cif_number: Option<String>,
    /// The latest results received; `None` while a check has reported nothing.
    pub ofac: Option<ScanStatus>,
    pub pep_scan: Option<ScanStatus>,
    pub internal_list: Option<ScanStatus>,
    /// When each result shown was received.
    pub received: CheckTimes,
    /// What the results say about taking this person as an owner.
    pub standing: OwnerStanding,
}

/// The Personal customers this workstation created at Cross River, by name, each with the
/// latest compliance results kept for them (asks COS nothing: the pickers open fast, also
/// offline; the result page and `status` are what ask).
pub(crate) fn customers(vault: &Vault) -> Result<Vec<CosCustomer>> {
    let filter = DraftFilter {
        provider: Some(Provider::Cos),
        states: vec![DraftState::Submitted, DraftState::Approved],
        ..DraftFilter::default()
    };
    let mut customers = Vec::new();
    for summary in vault.list_drafts(&filter)? {
        if summary.kind != branchdesk_vault::PartyKind::Person {
            continue;
        }
        if let Some(plan) = vault.latest_plan(summary.id)? {
            customers.extend(customer_of(summary.display_name, &plan));
        }
    }
    // Staff look for a person by name.
    customers.sort_by_cached_key(|c| c.name.to_lowercase());
    Ok(customers)
}

/// The customer a COS plan created (or that staff named for it), with its kept results;
/// `None` while the plan has made no customer.
pub(crate) fn customer_of(name: String, plan: &Plan) -> Option<CosCustomer> {
    let customer_id = crate::steps::customer_id_of(&plan.steps)?;
    let mut outcome = plan.steps.iter().find_map(|s| {
        serde_json::from_value::<CosOutcome>(s.provider_ids.get("outcome")?.clone()).ok()
    });
    if let (Some(outcome), Some((_, ids))) = (outcome.as_mut(), compliance::outcome_step(plan)) {
        compliance::apply_kept(outcome, &ids);
    }
    let (cif_number, checks, received) = match outcome {
        Some(o) => (
            o.cif_number,
            [o.ofac, o.pep_scan, o.internal_list],
            o.received,
        ),
        None => (None, [None; 3], CheckTimes::default()),
    };
    Some(CosCustomer {
        customer_id,
        name,
        cif_number,
        ofac: checks[0],
        pep_scan: checks[1],
        internal_list: checks[2],
        received,
        standing: standing(checks),
    })
}
