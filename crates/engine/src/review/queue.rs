//! Which drafts are cases for a person, and why: a submission awaiting its four-eyes check,
//! a COS customer whose OFAC, PEP or internal-list result is Positive, Failed or Reviewing,
//! a Fin.com customer in REVIEWING or ACTION_REQUIRED, a BVNK customer in PENDING, and a
//! request whose outcome is unknown. A case decided since it arrived has left the queue.

use std::collections::HashMap;

use branchdesk_domain::kinds::{PartyKind, Provider};
use branchdesk_vault::{DraftFilter, DraftId, DraftState, StepStatus, Vault};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::store::ReviewStore;
use crate::records::{StepProblem, UNKNOWN_OUTCOME};
use crate::Result;

/// Why a case waits for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Submitted with maker-checker on: a second person checks before anything is sent.
    AwaitingCheck,
    /// A COS compliance result a person must look at.
    Compliance,
    /// Fin.com is reviewing the customer.
    FinReviewing,
    /// Fin.com asks for more (documents, information).
    FinActionRequired,
    /// BVNK waits for a decision on the customer.
    BvnkPending,
    /// A request may or may not have reached the provider: a person checks there.
    UnknownOutcome,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AwaitingCheck => "awaiting_check",
            Reason::Compliance => "compliance",
            Reason::FinReviewing => "fin_reviewing",
            Reason::FinActionRequired => "fin_action_required",
            Reason::BvnkPending => "bvnk_pending",
            Reason::UnknownOutcome => "unknown_outcome",
        }
    }
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    /// The case is its draft.
    pub draft_id: String,
    pub customer: String,
    pub kind: PartyKind,
    pub provider: Provider,
    pub reason: Reason,
    /// What the reason is about, for its words: the maker of a check, the checks that hit
    /// (`ofac:Positive`), the provider's status.
    pub detail: Vec<String>,
    /// RFC 3339, UTC: since when it has waited.
    pub waiting_since: String,
    pub claimed_by: Option<String>,
}

struct Found {
    reason: Reason,
    detail: Vec<String>,
    since: DateTime<Utc>,
}

/// Every case, longest waiting first.
pub fn cases(vault: &Vault, store: &dyn ReviewStore) -> Result<Vec<CaseSummary>> {
    let claims: HashMap<DraftId, String> = store
        .claims()?
        .into_iter()
        .map(|(draft, claim)| (draft, claim.reviewer))
        .collect();
    let held: HashMap<DraftId, _> = store.held_plans()?.into_iter().collect();
    let statuses: HashMap<DraftId, _> = store.provider_statuses()?.into_iter().collect();
    let filter = DraftFilter {
        states: vec![
            DraftState::AwaitingCheck,
            DraftState::NeedsAttention,
            DraftState::Submitted,
        ],
        ..DraftFilter::default()
    };
    let mut cases = Vec::new();
    for draft in vault.list_drafts(&filter)? {
        let found = match draft.state {
            DraftState::AwaitingCheck => held.get(&draft.id).map(|hold| Found {
                reason: Reason::AwaitingCheck,
                detail: vec![hold.maker.clone()],
                since: hold.requested_at,
            }),
            _ => provider_case(vault, draft.id, draft.provider, statuses.get(&draft.id))?,
        };
        let Some(found) = found else { continue };
        // A decision taken since the case arrived settles it (a BVNK decision on its way
        // to BVNK included).
        let decided = store
            .decisions(draft.id)?
            .first()
            .is_some_and(|d| d.at >= found.since && found.reason != Reason::AwaitingCheck);
        if decided {
            continue;
        }
        cases.push(CaseSummary {
            draft_id: draft.id.to_string(),
            customer: draft.display_name,
            kind: draft.kind,
            provider: draft.provider,
            reason: found.reason,
            detail: found.detail,
            waiting_since: found.since.to_rfc3339(),
            claimed_by: claims.get(&draft.id).cloned(),
        });
    }
    cases.sort_by(|a, b| a.waiting_since.cmp(&b.waiting_since));
    Ok(cases)
}

/// The case a submitted draft makes, if it makes one.
fn provider_case(
    vault: &Vault,
    draft: DraftId,
    provider: Provider,
    status: Option<&branchdesk_vault::ProviderStatus>,
) -> Result<Option<Found>> {
    let Some(plan) = vault.latest_plan(draft)? else {
        return Ok(None);
    };
    if let Some(step) = plan.steps.iter().find(|s| {
        s.status == StepStatus::Failed
            && s.last_error
                .as_deref()
                .and_then(|e| serde_json::from_str::<StepProblem>(e).ok())
                .is_some_and(|p| p.code == UNKNOWN_OUTCOME)
    }) {
        return Ok(Some(Found {
            reason: Reason::UnknownOutcome,
            detail: vec![step.kind.clone()],
            since: step.updated_at,
        }));
    }
    Ok(match provider {
        Provider::Cos => {
            let hits = crate::flows::cos::compliance::hits(&plan);
            let since = hits.iter().map(|(_, _, at)| *at).min();
            since.map(|since| Found {
                reason: Reason::Compliance,
                detail: hits
                    .iter()
                    .map(|(name, status, _)| format!("{name}:{}", status_name(*status)))
                    .collect(),
                since,
            })
        }
        Provider::Fin | Provider::Bvnk => status.and_then(|s| {
            let reason = match (provider, s.status.as_str()) {
                (Provider::Fin, "REVIEWING") => Reason::FinReviewing,
                (Provider::Fin, "ACTION_REQUIRED") => Reason::FinActionRequired,
                (Provider::Bvnk, "PENDING") => Reason::BvnkPending,
                _ => return None,
            };
            Some(Found {
                reason,
                detail: vec![s.status.clone()],
                since: s.since,
            })
        }),
    })
}

fn status_name(status: branchdesk_domain::cos::ScanStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// How many cases wait, for the navigation rail.
pub fn count(vault: &Vault, store: &dyn ReviewStore) -> Result<u32> {
    Ok(cases(vault, store)?.len() as u32)
}
