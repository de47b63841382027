//! COS compliance checks after the customer exists: what COS reports now, merged with the
//! results already received and kept in the vault. A settled result never goes back to
//! Pending because COS stops answering (a Training sandbox restarted on a new port has
//! forgotten its customers), and a COS that no longer knows the customer is said so.

use branchdesk_api::cos::CosClient;
use branchdesk_api::Error as ApiError;
use branchdesk_domain::cos::{Customer, ScanStatus};
use branchdesk_vault::{Actor, AuditOutcome, AuditRecord, DraftId, Plan, Provider, StepId, Vault};
use chrono::{DateTime, Local, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Result;

/// What staff see after a COS submission, and as the compliance checks settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CosOutcome {
    pub customer_id: String,
    pub cif_number: Option<String>,
    pub ofac: Option<ScanStatus>,
    pub pep_scan: Option<ScanStatus>,
    pub internal_list: Option<ScanStatus>,
    /// True once no check is still Pending.
    pub settled: bool,
    /// A result a person must look at (a hit, a failed check, a manual review): the page
    /// says so instead of "you can carry on".
    #[serde(default)]
    pub needs_attention: bool,
    /// When each shown result was received (kept in the vault, so it outlives the provider).
    #[serde(default)]
    pub received: CheckTimes,
    /// COS answered that it does not know this customer (a Training sandbox restarted):
    /// what is shown is what was received before.
    #[serde(default)]
    pub unknown_to_provider: bool,
}

impl CosOutcome {
    /// Says whether any result needs a person, from the results as they now stand.
    pub(crate) fn judge(&mut self) {
        self.needs_attention = [self.ofac, self.pep_scan, self.internal_list]
            .into_iter()
            .flatten()
            .any(ScanStatus::needs_attention);
    }
}

impl From<Customer> for CosOutcome {
    fn from(customer: Customer) -> Self {
        let checks = [customer.ofac, customer.pep_scan, customer.internal_list];
        let settled = checks.iter().flatten().all(|s| *s != ScanStatus::Pending);
        Self {
            customer_id: customer.id,
            cif_number: customer.cif_number,
            ofac: customer.ofac,
            pep_scan: customer.pep_scan,
            internal_list: customer.internal_list,
            settled,
            needs_attention: checks
                .into_iter()
                .flatten()
                .any(ScanStatus::needs_attention),
            received: CheckTimes::default(),
            unknown_to_provider: false,
        }
    }
}

/// The audit action of a compliance result received from COS.
pub const CHECKS_RECEIVED: &str = "cos.checks";

/// When each check's shown result was received, in the workstation's local time
/// (`YYYY-MM-DD HH:MM`); `None` while it has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckTimes {
    pub ofac: Option<String>,
    pub pep_scan: Option<String>,
    pub internal_list: Option<String>,
}

/// One kept result, as stored in the create step's provider ids under `checks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Kept {
    status: ScanStatus,
    received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct KeptChecks {
    ofac: Option<Kept>,
    pep_scan: Option<Kept>,
    internal_list: Option<Kept>,
}

impl KeptChecks {
    fn of(ids: &serde_json::Value) -> Self {
        ids.get("checks")
            .and_then(|c| serde_json::from_value(c.clone()).ok())
            .unwrap_or_default()
    }

    fn slots(&mut self) -> [(&'static str, &mut Option<Kept>); 3] {
        [
            ("ofac", &mut self.ofac),
            ("pepScan", &mut self.pep_scan),
            ("internalList", &mut self.internal_list),
        ]
    }
}

/// The done step holding a COS plan's outcome (the create, or a customer staff named),
/// with what it recorded.
pub(crate) fn outcome_step(plan: &Plan) -> Option<(StepId, serde_json::Value)> {
    plan.steps
        .iter()
        .find(|s| s.provider_ids.get("outcome").is_some())
        .map(|s| (s.id, s.provider_ids.clone()))
}

/// The checks of a COS plan a person must look at (a hit, a failed check, a manual
/// review): each by name (`ofac`, `pepScan`, `internalList`) with its result and when it was
/// received. Kept results first; the create's own answer where nothing was kept yet.
pub(crate) fn hits(plan: &Plan) -> Vec<(&'static str, ScanStatus, DateTime<Utc>)> {
    let Some(step) = plan
        .steps
        .iter()
        .find(|s| s.provider_ids.get("outcome").is_some())
    else {
        return Vec::new();
    };
    let mut kept = KeptChecks::of(&step.provider_ids);
    let answered: Option<CosOutcome> = step
        .provider_ids
        .get("outcome")
        .and_then(|o| serde_json::from_value(o.clone()).ok());
    let first = answered
        .map(|o| [o.ofac, o.pep_scan, o.internal_list])
        .unwrap_or_default();
    kept.slots()
        .into_iter()
        .zip(first)
        .filter_map(|((name, slot), first)| {
            let (status, at) = match slot {
                Some(k) => (k.status, k.received_at),
                None => (first?, step.updated_at),
            };
            status.needs_attention().then_some((name, status, at))
        })
        .collect()
}

/// Shows the kept results on `outcome`: a kept result stands wherever COS now says Pending
/// or nothing, and each result says when it was received.
pub(crate) fn apply_kept(outcome: &mut CosOutcome, ids: &serde_json::Value) {
    let kept = KeptChecks::of(ids);
    let local = |k: &Kept| {
        k.received_at
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let pairs = [
        (&mut outcome.ofac, &mut outcome.received.ofac, kept.ofac),
        (
            &mut outcome.pep_scan,
            &mut outcome.received.pep_scan,
            kept.pep_scan,
        ),
        (
            &mut outcome.internal_list,
            &mut outcome.received.internal_list,
            kept.internal_list,
        ),
    ];
    for (shown, at, kept) in pairs {
        let Some(kept) = kept else { continue };
        if shown.is_none_or(|s| s == ScanStatus::Pending) {
            *shown = Some(kept.status);
        }
        if *shown == Some(kept.status) {
            *at = Some(local(&kept));
        }
    }
    outcome.settled = [outcome.ofac, outcome.pep_scan, outcome.internal_list]
        .iter()
        .flatten()
        .all(|s| *s != ScanStatus::Pending);
}

/// Asks COS how the checks stand, keeps each newly settled result in the vault (with an
/// audit entry), and shows COS's answer merged with what is kept. A COS that answers 404
/// marks the outcome [`CosOutcome::unknown_to_provider`]; no answer leaves it as it was,
/// for the next ask.
pub(crate) async fn follow(
    vault: &Vault,
    cos: &CosClient,
    draft: DraftId,
    (step, mut ids): (StepId, serde_json::Value),
    outcome: &mut CosOutcome,
) -> Result<()> {
    let customer = match cos.get_customer(&outcome.customer_id).await {
        Ok(customer) => customer,
        // COS's client answers a 404 as a refusal with its status.
        Err(ApiError::NotFound | ApiError::Rejected { status: 404, .. }) => {
            outcome.unknown_to_provider = true;
            return Ok(());
        }
        Err(error) => {
            tracing::debug!(error = %error, "compliance checks not read");
            return Ok(());
        }
    };
    let live = CosOutcome::from(customer);
    let mut kept = KeptChecks::of(&ids);
    let now = Utc::now();
    let mut received = serde_json::Map::new();
    let answers = [live.ofac, live.pep_scan, live.internal_list];
    for ((name, slot), answer) in kept.slots().into_iter().zip(answers) {
        let Some(status) = answer.filter(|s| *s != ScanStatus::Pending) else {
            continue;
        };
        if slot.map(|k| k.status) != Some(status) {
            *slot = Some(Kept {
                status,
                received_at: now,
            });
            received.insert(name.to_owned(), serde_json::to_value(status)?);
        }
    }
    if !received.is_empty() {
        if let Some(map) = ids.as_object_mut() {
            map.insert("checks".to_owned(), serde_json::to_value(&kept)?);
        }
        let audit = AuditRecord {
            draft_id: Some(draft),
            actor: Actor::System,
            action: CHECKS_RECEIVED.to_owned(),
            provider: Some(Provider::Cos),
            endpoint: Some("GET /core/v1/cm/customers/{id}".to_owned()),
            status: Some(200),
            provider_ids: serde_json::Value::Object(received),
            outcome: AuditOutcome::Success,
        };
        vault.record_step_results(step, &ids, &audit)?;
    }
    *outcome = live;
    apply_kept(outcome, &ids);
    Ok(())
}
