//! Why one file (about 1,100 lines, for now): Fin.com's plan, sending, terms, recovery and
//! following share its step bodies and the stored attach; it is to become
//! `flows/fin/{plan,send,terms,recovery,follow}` in the engine's restructure. Its tests live
//! in `fin/tests.rs`.
//!
//! Fin.com individual onboarding as an outbox plan: create the customer → the customer
//! accepts Fin.com's terms (staff confirm) → upload each scan → attach the documents; then
//! the customer's status is followed to APPROVED, ACTION_REQUIRED or REJECTED.
//!
//! Fin.com has no idempotency key, so a create whose answer never came — a lost answer, or
//! a create found `sent` after a crash — is never resent: it is parked for a person to check
//! at Fin.com, by the unique `meta_data.reference` the create carries, and to say what they
//! found ([`Desk::resolve_unknown_fin_customer`]). Everything after the create is safe to
//! resume: an upload whose URI is stored is never repeated, and the attach is rebuilt byte
//! for byte from what the plan stored, and sent only while Fin.com still takes documents;
//! one whose answer was lost counts as attached once Fin.com has moved on.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use branchdesk_api::fin::{
    AttachPrecondition, CustomerStatus, FinClient, UploadChunks, UploadFile, UploadProgress,
};
use branchdesk_api::Error as ApiError;
use branchdesk_domain::draft::{Draft, ScanSlot};
use branchdesk_domain::fin::{self as wire, FinAttachConfig};
use branchdesk_domain::validate::{Issue, Severity};
use branchdesk_vault::{
    Actor, AuditFilter, AuditOutcome, AuditRecord, DraftId, DraftState, NewStep, Plan, Provider,
    ScanId, Step, StepStatus,
};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::desk::{decision, draft_id, staff_member, today, StepProblem, Submission};
use crate::plan::StepKind;
use crate::{Desk, Error, Result};

/// The audit action that records the customer's acceptance of Fin.com's terms.
pub const TERMS_CONFIRMED: &str = "fin.terms_confirmed";

/// The audit action that records what staff found at Fin.com about a customer whose
/// creation went unanswered: the customer's id, or that it was not created.
pub const CUSTOMER_CHECKED: &str = "fin.customer_checked";

/// The problem code of a create whose outcome is unknown.
pub const UNKNOWN_OUTCOME: &str = "unknown_outcome";

/// Where a Fin.com onboarding is, for staff.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FinOutcome {
    pub customer_id: String,
    /// The page where the customer reads and accepts the terms.
    pub tos_url: Option<String>,
    pub terms_accepted: bool,
    /// Fin.com's `customer_status` as last read (INCOMPLETE until documents are attached).
    pub status: String,
    /// Why Fin.com wants something changed, placed on the draft's fields and scan slots.
    pub reasons: Vec<Issue>,
}

/// Fin.com's terms for a customer: the page, as a link and a QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    pub url: String,
    /// An SVG `data:` URL of the link as a QR code.
    pub qr: String,
    pub accepted: bool,
}

/// An upload's progress, as the window shows it: running totals for one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadView {
    pub draft_id: String,
    pub slot: String,
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// 1 for the first try; a retry starts again from 0 bytes.
    pub attempt: u32,
}

/// The Fin.com side of a desk: its client, its configuration, and the uploads in flight.
pub struct FinDesk {
    client: Option<FinClient>,
    attach: FinAttachConfig,
    progress: broadcast::Sender<UploadView>,
    cancels: Mutex<HashMap<DraftId, CancellationToken>>,
}

impl Default for FinDesk {
    fn default() -> Self {
        Self {
            client: None,
            attach: FinAttachConfig::default(),
            progress: broadcast::channel(64).0,
            cancels: Mutex::new(HashMap::new()),
        }
    }
}

impl FinDesk {
    pub fn new(client: FinClient, attach: FinAttachConfig) -> Self {
        Self {
            client: Some(client),
            attach,
            ..Self::default()
        }
    }

    pub fn client(&self) -> Result<&FinClient> {
        self.client.as_ref().ok_or_else(|| Error::NotConfigured {
            provider: "Fin.com",
        })
    }
}

/// What an upload step stores: which scan, so a retry opens the same encrypted file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UploadBody {
    slot: String,
    scan_id: String,
    file_name: String,
    mime: String,
    bytes: u64,
}

/// What a known-customer step stores: the customer an earlier plan created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KnownCustomer {
    customer_id: String,
    tos_policies_url: Option<String>,
}

/// What staff found at Fin.com after a create whose answer was lost.
struct Checked {
    /// `None`: the customer was not created.
    customer_id: Option<String>,
    tos_policies_url: Option<String>,
}

/// What an uploaded step stores: a URI an earlier plan received for the same scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Uploaded {
    slot: String,
    scan_id: String,
    uri: String,
}

impl Desk {
    /// The configured Fin.com client's rules for an attach (whether a selfie is required).
    pub fn fin_attach_config(&self) -> FinAttachConfig {
        self.fin.attach
    }

    /// The steps of a Fin.com submission. After an earlier plan, the customer it created is
    /// reused, and every scan it uploaded and that has not changed keeps its URI.
    pub(crate) fn plan_fin(&self, draft: &Draft, previous: Option<&Plan>) -> Result<Vec<NewStep>> {
        // Without a Fin.com connection nothing could be sent: say so now, not from the queue.
        self.fin.client()?;
        let mut known = previous.and_then(|plan| known_customer(&plan.steps));
        if let Some(lost) = previous.and_then(|plan| unresolved_create(&plan.steps)) {
            // The customer may exist: only what a person found at Fin.com decides.
            match self.customer_checked(lost)? {
                Some(Checked {
                    customer_id: Some(customer_id),
                    tos_policies_url,
                }) => {
                    known = Some(KnownCustomer {
                        customer_id,
                        tos_policies_url,
                    })
                }
                Some(_) => {}
                None => return Err(Error::Invalid(vec![check_first(lost)])),
            }
        }
        let issues: Vec<Issue> = self
            .validate(draft)
            .into_iter()
            .filter(Issue::is_error)
            .collect();
        if !issues.is_empty() {
            return Err(Error::Invalid(issues));
        }
        if let Some(previous) = previous {
            self.forget_cancel(previous.draft_id);
        }
        let mut steps = Vec::new();
        match known {
            Some(known) => steps.push(step(StepKind::FinKnownCustomer, 0, json(&known)?)),
            None => {
                // The create's key is its reference at Fin.com: unique, fixed now, and
                // nothing about the customer.
                let mut create = step(StepKind::FinCreateIndividual, 0, Vec::new());
                let body = wire::create_individual(draft, today())?
                    .with_reference(&create.idempotency_key);
                create.body = json(&body)?;
                steps.push(create);
            }
        }
        steps.push(step(StepKind::FinTerms, 0, Vec::new()));
        let earlier = previous
            .map(|p| uploaded_scans(&p.steps))
            .unwrap_or_default();
        for (index, scan) in sorted_scans(draft).into_iter().enumerate() {
            match earlier.get(&scan.scan_id) {
                Some(uri) => steps.push(step(
                    StepKind::FinUploaded,
                    index,
                    json(&Uploaded {
                        slot: scan.slot.clone(),
                        scan_id: scan.scan_id.clone(),
                        uri: uri.clone(),
                    })?,
                )),
                None => steps.push(step(StepKind::FinUpload, index, json(&upload_body(scan))?)),
            }
        }
        // The attach is rebuilt from this frozen draft and the URIs the plan stores, so a
        // resend after a restart is the same request.
        steps.push(step(StepKind::FinAttach, 0, json(draft)?));
        Ok(steps)
    }

    /// Sends one Fin.com step. `plan` is the plan as stored, for the ids earlier steps got.
    pub(crate) async fn send_fin(
        &self,
        kind: StepKind,
        step: &Step,
        plan: &[Step],
    ) -> Result<serde_json::Value> {
        match kind {
            StepKind::FinCreateIndividual => {
                let created = match self
                    .fin
                    .client()?
                    .create_individual(&RawJson(&step.body))
                    .await
                {
                    Ok(created) => created,
                    Err(error) => {
                        let draft = frozen_draft(plan).unwrap_or_default();
                        return Err(placed(error.into(), &draft, wire::FinStep::Create));
                    }
                };
                Ok(serde_json::json!({
                    "customerId": created.customer_id,
                    "tosPoliciesUrl": created.tos_policies_url,
                }))
            }
            StepKind::FinKnownCustomer => {
                let known: KnownCustomer = parse(&step.body)?;
                Ok(serde_json::json!({
                    "customerId": known.customer_id,
                    "tosPoliciesUrl": known.tos_policies_url,
                }))
            }
            StepKind::FinTerms => {
                let (by, at) = self
                    .terms_confirmation(step.draft_id)?
                    .ok_or(Error::AwaitingTerms)?;
                Ok(serde_json::json!({ "acceptedBy": by, "acceptedAt": at }))
            }
            StepKind::FinUploaded => {
                let uploaded: Uploaded = parse(&step.body)?;
                Ok(serde_json::json!({
                    "slot": uploaded.slot,
                    "scanId": uploaded.scan_id,
                    "uri": uploaded.uri,
                }))
            }
            StepKind::FinUpload => self.upload(step, plan).await,
            StepKind::FinAttach => self.attach(step, plan).await,
            _ => Err(Error::PlanInconsistent(format!(
                "{} is not a Fin.com step",
                step.kind
            ))),
        }
    }

    async fn upload(&self, step: &Step, plan: &[Step]) -> Result<serde_json::Value> {
        let body: UploadBody = parse(&step.body)?;
        let customer = customer_of(plan).ok_or_else(|| {
            Error::PlanInconsistent("an upload before the Fin.com customer".to_owned())
        })?;
        let scan = ScanId(uuid::Uuid::parse_str(&body.scan_id).map_err(|_| Error::NotFound)?);
        let vault = self.vault_arc();
        let file = UploadFile::from_chunks(
            body.file_name.clone(),
            body.mime.clone(),
            body.bytes,
            move || {
                let vault = Arc::clone(&vault);
                async move { open_scan(vault, scan) }
            },
        );
        // The draft's token, which a Cancel pressed between two uploads has already set.
        let cancel = self
            .fin
            .cancels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(step.draft_id)
            .or_default()
            .clone();
        let progress = self.fin.progress.clone();
        let (draft, slot) = (step.draft_id.to_string(), body.slot.clone());
        let report = Arc::new(move |p: UploadProgress| {
            // Nobody listening is fine: the window may be on another page.
            let _ = progress.send(UploadView {
                draft_id: draft.clone(),
                slot: slot.clone(),
                sent: p.sent,
                total: p.total,
                attempt: p.attempt,
            });
        });
        let sent = self
            .fin
            .client()?
            .upload(&customer, &[file], report, &cancel)
            .await;
        if matches!(sent, Err(ApiError::Cancelled)) {
            // Spent: submitting again uploads afresh.
            self.forget_cancel(step.draft_id);
        }
        let uri = sent?.into_iter().next().ok_or_else(|| {
            Error::PlanInconsistent("an upload answered without a URI".to_owned())
        })?;
        Ok(serde_json::json!({ "slot": body.slot, "scanId": body.scan_id, "uri": uri }))
    }

    async fn attach(&self, step: &Step, plan: &[Step]) -> Result<serde_json::Value> {
        let draft: Draft = parse(&step.body)?;
        let customer = customer_of(plan).ok_or_else(|| {
            Error::PlanInconsistent("an attach before the Fin.com customer".to_owned())
        })?;
        let client = self.fin.client()?;
        let current = client.get_customer(&customer).await?;
        if step.status == StepStatus::Sent
            && step.attempts > 1
            && !current.customer_status.allows_attach()
        {
            // An attach that went out before a restart and was taken: Fin.com moved on.
            return Ok(
                serde_json::json!({ "customerId": customer, "status": current.customer_status.as_str() }),
            );
        }
        let uploaded = uris_of(plan);
        let tos = tos_url_of(plan)
            .and_then(|url| wire::tos_policies_value(&url))
            .unwrap_or_default();
        let body = wire::attach_documents(
            &draft,
            &uploaded,
            self.fin.attach,
            current.customer_status.as_str(),
            &tos,
            today(),
        )
        .map_err(Error::Invalid)?;
        if let Err(error) = client.attach_documents(&customer, &body).await {
            if answer_may_be_lost(&error) {
                // The attach may have gone through with its answer lost: the client's retry
                // then meets 409 (ours is being processed) or 403 (Fin.com has moved on).
                // Fin.com took documents a moment ago; if it takes none now, ours arrived.
                if let Ok(now) = client.get_customer(&customer).await {
                    if !now.customer_status.allows_attach() {
                        self.forget_cancel(step.draft_id);
                        return Ok(serde_json::json!({
                            "customerId": customer,
                            "status": now.customer_status.as_str(),
                        }));
                    }
                }
            }
            let answered = wire::FinStep::Attach {
                body: &body,
                uploaded: &uploaded,
            };
            return Err(placed(error.into(), &draft, answered));
        }
        self.forget_cancel(step.draft_id);
        Ok(serde_json::json!({ "customerId": customer, "status": "PROCESSING" }))
    }

    /// What staff found at Fin.com about a customer whose creation went unanswered (the
    /// draft needs attention with [`UNKNOWN_OUTCOME`]), recorded in the audit log as
    /// `staff`'s decision, and the draft submitted again as stored: with `customer_id`, the
    /// customer Fin.com has (checked there first), the plan going on from it as a
    /// resubmission does; without, the customer was not created, and the create is sent
    /// again. Until this is said, submitting the draft again is refused.
    pub async fn resolve_unknown_fin_customer(
        &self,
        id: &str,
        customer_id: Option<&str>,
        staff: &str,
    ) -> Result<Submission> {
        let draft = draft_id(id)?;
        let plan = self.vault().latest_plan(draft)?;
        let Some(lost) = plan
            .as_ref()
            .filter(|p| p.provider == Provider::Fin)
            .and_then(|p| unresolved_create(&p.steps))
        else {
            return Err(Error::NothingToResolve {
                provider: "Fin.com",
            });
        };
        let reference = reference_of(lost);
        let customer_id = customer_id.map(str::trim).filter(|c| !c.is_empty());
        let mut tos_policies_url = None;
        if let Some(customer) = customer_id {
            let refused = |message: String| {
                Error::Invalid(vec![Issue {
                    field: "customerId".to_owned(),
                    code: "customer_id".to_owned(),
                    message,
                    severity: Severity::Error,
                }])
            };
            if !branchdesk_domain::validate::is_guid(customer) {
                return Err(refused(format!(
                    "{customer} is not a Fin.com customer id: those look like 56c41b8e-e650-4f55-94f6-26a888a9b64d"
                )));
            }
            let found = match self.fin.client()?.get_customer(customer).await {
                Ok(found) => found,
                Err(ApiError::NotFound) => {
                    return Err(refused(format!(
                        "Fin.com has no customer {customer}: check the id"
                    )))
                }
                Err(error) => return Err(error.into()),
            };
            if let Some(kind) = found
                .customer_type
                .as_deref()
                .filter(|t| !t.eq_ignore_ascii_case("INDIVIDUAL"))
            {
                return Err(refused(format!(
                    "Fin.com's customer {customer} is of type {kind}, not an individual"
                )));
            }
            tos_policies_url = found.tos_policies_url;
        }
        self.vault().append_audit(&decision(
            draft,
            staff,
            CUSTOMER_CHECKED,
            Provider::Fin,
            serde_json::json!({
                "reference": reference,
                "created": customer_id.is_some(),
                "customerId": customer_id,
                "tosPoliciesUrl": tos_policies_url,
            }),
        ))?;
        let stored = self.get_draft(id)?;
        self.submit(id, &stored.draft)
    }

    /// What staff recorded about the create `step`, if anything: the latest word counts.
    fn customer_checked(&self, step: &Step) -> Result<Option<Checked>> {
        let reference = reference_of(step);
        let filter = AuditFilter {
            draft_id: Some(step.draft_id),
            outcome: None,
        };
        Ok(self
            .vault()
            .list_audit(&filter)?
            .into_iter()
            .rev()
            .find(|e| {
                e.record.action == CUSTOMER_CHECKED
                    && e.record
                        .provider_ids
                        .get("reference")
                        .and_then(|r| r.as_str())
                        == Some(reference.as_str())
            })
            .map(|e| {
                let text = |key: &str| {
                    e.record
                        .provider_ids
                        .get(key)
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                };
                Checked {
                    customer_id: text("customerId"),
                    tos_policies_url: text("tosPoliciesUrl"),
                }
            }))
    }

    /// Records that the customer accepted Fin.com's terms, confirmed by `staff`, and lets
    /// the plan go on. Only a draft waiting for exactly that can be confirmed.
    pub fn confirm_terms(&self, id: &str, staff: &str) -> Result<()> {
        let draft = draft_id(id)?;
        let plan = self
            .vault()
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
        if self.terms_confirmation(draft)?.is_some() {
            return Ok(());
        }
        let staff = staff.trim();
        let actor = if staff.is_empty() {
            staff_member()
        } else {
            staff.to_owned()
        };
        let value = tos_url_of(&plan.steps).and_then(|url| wire::tos_policies_value(&url));
        self.vault().append_audit(&AuditRecord {
            draft_id: Some(draft),
            actor: Actor::Staff(actor),
            action: TERMS_CONFIRMED.to_owned(),
            provider: Some(Provider::Fin),
            endpoint: None,
            status: None,
            provider_ids: serde_json::json!({ "customerId": customer, "tosPoliciesValue": value }),
            outcome: AuditOutcome::Success,
        })?;
        self.wake_runner();
        Ok(())
    }

    /// The terms page of a Fin.com draft whose customer exists, and whether the customer's
    /// acceptance is recorded. `None` before Fin.com has created the customer.
    pub fn terms(&self, id: &str) -> Result<Option<Terms>> {
        let draft = draft_id(id)?;
        let Some(plan) = self.vault().latest_plan(draft)? else {
            return Ok(None);
        };
        let Some(url) = tos_url_of(&plan.steps) else {
            return Ok(None);
        };
        // Checked before it is drawn: a refused link never reaches a QR code or a browser.
        let url = self.checked_terms_url(&url)?;
        Ok(Some(Terms {
            qr: terms_qr(url.as_str())?,
            url: url.to_string(),
            accepted: self.terms_confirmation(draft)?.is_some(),
        }))
    }

    /// A terms link judged against the Fin.com connection in use
    /// ([`crate::terms_link::checked_terms_url`]); the shell asks again just before it opens
    /// one.
    pub fn checked_terms_url(&self, url: &str) -> Result<url::Url> {
        crate::terms_link::checked_terms_url(url, self.fin.client()?.base_url())
    }

    /// The attach's own rules (which scans each document needs, the licence's state, …)
    /// checked before anything is sent, with stand-in URIs, so a missing BACK is caught
    /// before the customer is created rather than after the uploads.
    pub(crate) fn fin_document_issues(&self, draft: &Draft) -> Vec<Issue> {
        let stand_ins: BTreeMap<String, String> = sorted_scans(draft)
            .iter()
            .map(|s| (s.slot.clone(), format!("/pending/{}", s.slot)))
            .collect();
        wire::attach_documents(
            draft,
            &stand_ins,
            self.fin.attach,
            "INCOMPLETE",
            "pending",
            today(),
        )
        .err()
        .unwrap_or_default()
    }

    /// Whether the draft's submission is stopped at Fin.com's terms, waiting for the
    /// customer to accept them.
    pub fn awaits_terms(&self, id: &str) -> Result<bool> {
        let draft = draft_id(id)?;
        let Some(plan) = self.vault().latest_plan(draft)? else {
            return Ok(false);
        };
        let terms_open = plan
            .steps
            .iter()
            .any(|s| s.kind.starts_with("fin.terms") && s.status != StepStatus::Done);
        Ok(terms_open
            && customer_of(&plan.steps).is_some()
            && self.terms_confirmation(draft)?.is_none())
    }

    /// Who confirmed the terms for this draft, and when, from the audit log.
    fn terms_confirmation(&self, draft: DraftId) -> Result<Option<(String, String)>> {
        let filter = AuditFilter {
            draft_id: Some(draft),
            outcome: None,
        };
        Ok(self
            .vault()
            .list_audit(&filter)?
            .into_iter()
            .find(|e| e.record.action == TERMS_CONFIRMED)
            .map(|e| (e.record.actor.as_str().to_owned(), e.at.to_rfc3339())))
    }

    /// Stops the upload in flight for this draft, if any. The draft then needs attention;
    /// submitting it again re-opens the file and uploads it afresh.
    /// True when the draft had uploads left to stop: the one in flight stops at once, and
    /// one about to start does not start.
    pub fn cancel_upload(&self, id: &str) -> Result<bool> {
        let draft = draft_id(id)?;
        let uploads_left = self.vault().latest_plan(draft)?.is_some_and(|plan| {
            plan.steps
                .iter()
                .any(|s| s.kind.starts_with("fin.upload[") && s.status != StepStatus::Done)
        });
        if uploads_left {
            self.fin
                .cancels
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(draft)
                .or_default()
                .cancel();
        }
        Ok(uploads_left)
    }

    /// A Cancel belongs to the uploads of one submission, never to the next.
    fn forget_cancel(&self, draft: DraftId) {
        self.fin
            .cancels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&draft);
    }

    /// Upload progress of every draft, as it happens.
    pub fn upload_progress(&self) -> broadcast::Receiver<UploadView> {
        self.fin.progress.subscribe()
    }

    /// The Fin.com side of a submission as the plan stored it: the customer, the terms, and
    /// whether documents are attached. No request is made.
    pub(crate) fn fin_outcome(
        &self,
        draft: DraftId,
        plan: &Plan,
        state: DraftState,
    ) -> Result<Option<FinOutcome>> {
        let Some(customer) = customer_of(&plan.steps) else {
            return Ok(None);
        };
        let attached = plan
            .steps
            .iter()
            .any(|s| s.kind.starts_with("fin.attach") && s.status == StepStatus::Done);
        Ok(Some(FinOutcome {
            customer_id: customer,
            // Only a link that may be shown: a refused one is explained by `terms`.
            tos_url: tos_url_of(&plan.steps)
                .and_then(|url| self.checked_terms_url(&url).ok())
                .map(String::from),
            terms_accepted: self.terms_confirmation(draft)?.is_some(),
            // A decision is kept in the draft's state; until then, what the plan knows.
            status: match state {
                DraftState::Approved => "APPROVED",
                DraftState::Rejected => "REJECTED",
                _ if attached => "PROCESSING",
                _ => "INCOMPLETE",
            }
            .to_owned(),
            reasons: Vec::new(),
        }))
    }

    /// Once documents are attached, the status Fin.com reports now, with its reasons, and
    /// the draft's state after it. A decided status moves the draft on: ACTION_REQUIRED back to staff (to replace
    /// documents and submit again), APPROVED and REJECTED to their end states.
    pub(crate) async fn follow_fin(
        &self,
        draft: DraftId,
        plan: &Plan,
        state: DraftState,
        mut outcome: FinOutcome,
    ) -> Result<(FinOutcome, DraftState)> {
        let attached = outcome.status != "INCOMPLETE";
        let settled = matches!(state, DraftState::Approved | DraftState::Rejected);
        if !attached || settled {
            return Ok((outcome, state));
        }
        let customer = outcome.customer_id.clone();
        let Ok(client) = self.fin.client() else {
            return Ok((outcome, state));
        };
        // Offline, the last known state stands; the next look tries again.
        let Ok(details) = client.get_customer(&customer).await else {
            return Ok((outcome, state));
        };
        outcome.status = details.customer_status.as_str().to_owned();
        if let Ok(detail) = serde_json::to_value(&details)
            .and_then(serde_json::from_value::<wire::FinCustomerDetail>)
        {
            let record = frozen_draft(&plan.steps).unwrap_or_default();
            outcome.reasons = wire::rejection_issues(&detail, &uris_of(&plan.steps), &record);
        }
        let next = match details.customer_status {
            CustomerStatus::Approved => Some(DraftState::Approved),
            CustomerStatus::Rejected => Some(DraftState::Rejected),
            CustomerStatus::ActionRequired => Some(DraftState::NeedsAttention),
            _ => None,
        };
        let Some(next) = next.filter(|n| *n != state) else {
            return Ok((outcome, state));
        };
        {
            self.vault().set_draft_state(draft, next)?;
            self.vault().append_audit(&AuditRecord {
                draft_id: Some(draft),
                actor: Actor::System,
                action: "fin.status".to_owned(),
                provider: Some(Provider::Fin),
                endpoint: Some("GET /v2/customers/{id}".to_owned()),
                status: Some(200),
                provider_ids: serde_json::json!({
                    "customerId": customer,
                    "customerStatus": details.customer_status.as_str(),
                }),
                outcome: AuditOutcome::Success,
            })?;
        }
        Ok((outcome, next))
    }
}

/// Bytes handed to the connection at a time: few enough hand-overs for a 25 MB scan, and
/// at most [`UPLOAD_AHEAD`] of them in memory.
const UPLOAD_CHUNK: usize = 256 * 1024;
const UPLOAD_AHEAD: usize = 4;

/// Reads a scan out of the vault on a thread of its own, decrypting it into chunks that go
/// to the connection as they are (no copy), a few ahead, so an upload never holds the whole
/// file.
fn open_scan(vault: Arc<branchdesk_vault::Vault>, scan: ScanId) -> std::io::Result<UploadChunks> {
    use std::io::Read;
    let mut reader = vault
        .open_scan(scan)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let (sender, receiver) =
        tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(UPLOAD_AHEAD);
    std::thread::Builder::new()
        .name("scan-upload".into())
        .spawn(move || loop {
            let mut chunk = vec![0u8; UPLOAD_CHUNK];
            let mut filled = 0;
            // The decrypting reader yields its own record size; filling the chunk keeps the
            // hand-overs few.
            while filled < chunk.len() {
                match reader.read(&mut chunk[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(error) => {
                        let _ = sender.blocking_send(Err(error));
                        return;
                    }
                }
            }
            if filled == 0 {
                return;
            }
            chunk.truncate(filled);
            // The upload stopped (cancelled, failed): stop reading.
            if sender.blocking_send(Ok(bytes::Bytes::from(chunk))).is_err() {
                return;
            }
        })?;
    Ok(Box::pin(futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    )))
}

/// A step body that is already JSON, sent as it is.
struct RawJson<'a>(&'a [u8]);

impl Serialize for RawJson<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let value: serde_json::Value =
            serde_json::from_slice(self.0).map_err(serde::ser::Error::custom)?;
        value.serialize(serializer)
    }
}

fn step(kind: StepKind, index: usize, body: Vec<u8>) -> NewStep {
    NewStep {
        kind: kind.with_index(index),
        // Fin.com takes no idempotency key; the id names the step in logs, and the create
        // carries its own as its `meta_data.reference`.
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        body,
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(value)?)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    Ok(serde_json::from_slice(body)?)
}

/// The draft's scans in a fixed order, so a plan's step indexes do not depend on the
/// order staff attached them.
fn sorted_scans(draft: &Draft) -> Vec<&ScanSlot> {
    const ORDER: [&str; 4] = [
        wire::FRONT,
        wire::BACK,
        wire::SELFIE,
        wire::PROOF_OF_ADDRESS,
    ];
    let mut scans: Vec<&ScanSlot> = draft
        .scans
        .iter()
        .filter(|s| !s.scan_id.is_empty())
        .collect();
    scans.sort_by_key(|s| {
        ORDER
            .iter()
            .position(|o| *o == s.slot)
            .unwrap_or(ORDER.len())
    });
    scans
}

fn upload_body(scan: &ScanSlot) -> UploadBody {
    let (mime, extension) = match scan.format.as_str() {
        "PDF" => ("application/pdf", "pdf"),
        "PNG" => ("image/png", "png"),
        _ => ("image/jpeg", "jpg"),
    };
    // The stored file may have been converted (a TIFF, a WebP, an oversized PNG): the name
    // sent says what the bytes are, so the provider's type check agrees with it.
    let stem = Path::new(&scan.file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| scan.slot.to_lowercase());
    UploadBody {
        slot: scan.slot.clone(),
        scan_id: scan.scan_id.clone(),
        file_name: format!("{stem}.{extension}"),
        mime: mime.to_owned(),
        bytes: scan.bytes,
    }
}

fn done(steps: &[Step]) -> impl Iterator<Item = &Step> {
    steps.iter().filter(|s| s.status == StepStatus::Done)
}

/// The draft as the plan froze it (the attach step's body).
fn frozen_draft(steps: &[Step]) -> Option<Draft> {
    steps
        .iter()
        .find(|s| s.kind.starts_with("fin.attach"))
        .and_then(|s| serde_json::from_slice(&s.body).ok())
}

fn customer_of(steps: &[Step]) -> Option<String> {
    done(steps).find_map(|s| {
        s.provider_ids
            .get("customerId")?
            .as_str()
            .map(str::to_owned)
    })
}

fn tos_url_of(steps: &[Step]) -> Option<String> {
    done(steps).find_map(|s| {
        s.provider_ids
            .get("tosPoliciesUrl")?
            .as_str()
            .map(str::to_owned)
    })
}

fn known_customer(steps: &[Step]) -> Option<KnownCustomer> {
    Some(KnownCustomer {
        customer_id: customer_of(steps)?,
        tos_policies_url: tos_url_of(steps),
    })
}

/// Slot → URI of the scans this plan has uploaded (or reused).
fn uris_of(steps: &[Step]) -> BTreeMap<String, String> {
    done(steps)
        .filter(|s| s.kind.starts_with("fin.upload"))
        .filter_map(|s| {
            Some((
                s.provider_ids.get("slot")?.as_str()?.to_owned(),
                s.provider_ids.get("uri")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Scan id → URI of everything a plan uploaded, for the next plan to reuse.
fn uploaded_scans(steps: &[Step]) -> HashMap<String, String> {
    done(steps)
        .filter(|s| s.kind.starts_with("fin.upload"))
        .filter_map(|s| {
            Some((
                s.provider_ids.get("scanId")?.as_str()?.to_owned(),
                s.provider_ids.get("uri")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// A problem Fin.com answered, in the words staff need, placed on the draft when it can be.
/// `None` for errors the shared mapping already words well.
pub(crate) fn problem_of_fin(error: &Error, step: &Step) -> Option<StepProblem> {
    let Error::Provider(api) = error else {
        return None;
    };
    let (code, message) = match api {
        ApiError::NotEligible(_) => ("not_eligible", error.to_string()),
        ApiError::RelianceUnavailable { .. } => ("reliance_unavailable", error.to_string()),
        ApiError::AttachInFlight => ("attach_in_flight", error.to_string()),
        ApiError::Cancelled => (
            "cancelled",
            "The upload was cancelled. Submit again to upload the file afresh.".to_owned(),
        ),
        ApiError::OutcomeUnknown { .. } => (UNKNOWN_OUTCOME, unknown_outcome_message(step)),
        ApiError::Invalid { .. } => ("rejected", error.to_string()),
        _ => return None,
    };
    Some(StepProblem {
        code: code.to_owned(),
        message,
        field: None,
    })
}

/// What staff are told about a create whose outcome is unknown: what to look for at
/// Fin.com, and the two answers they can give.
fn unknown_outcome_message(step: &Step) -> String {
    format!(
        "Fin.com may have created this customer, but its answer never arrived, and sending the \
         request again could create a second one. Check at Fin.com for {}: if it is there, \
         continue with its Fin.com customer id; if it is not, say it was not created and the \
         request is sent again.",
        look_for(step)
    )
}

/// What staff look for at Fin.com: the create's reference, when it carries one.
fn look_for(step: &Step) -> String {
    match body_reference(step) {
        Some(reference) => format!("the customer with reference {reference}"),
        None => "this customer".to_owned(),
    }
}

/// Whether resending `step` could make a second record at Fin.com: its create takes no
/// idempotency key. Such a step found `sent` when a run picks it up went out in an earlier
/// run (a crash, a stop) and may have arrived, so it is never resent.
pub(crate) fn resend_may_duplicate(step: &Step) -> bool {
    matches!(
        StepKind::parse(&step.kind),
        Some((StepKind::FinCreateIndividual, _))
    )
}

/// The error a create found `sent` after a crash or stop stands for: its answer, if any, was
/// lost with the process.
pub(crate) fn answer_lost_with_the_process() -> Error {
    Error::Provider(ApiError::OutcomeUnknown {
        detail: "the create went out before Branchdesk stopped, and no answer was recorded"
            .to_owned(),
    })
}

/// An attach error that can follow an attach whose answer was lost: a retry meeting the
/// first attempt's work (409), Fin.com having moved on (403), or no answer at all.
fn answer_may_be_lost(error: &ApiError) -> bool {
    error.is_retryable()
        || matches!(
            error,
            ApiError::AttachInFlight | ApiError::NotEligible(AttachPrecondition::CustomerStatus(_))
        )
}

/// The latest plan's create, when it failed with its outcome unknown.
fn unresolved_create(steps: &[Step]) -> Option<&Step> {
    steps.iter().find(|s| {
        resend_may_duplicate(s)
            && s.status == StepStatus::Failed
            && s.last_error
                .as_deref()
                .and_then(|e| serde_json::from_str::<StepProblem>(e).ok())
                .is_some_and(|p| p.code == UNKNOWN_OUTCOME)
    })
}

/// The `meta_data.reference` a create step's body carries (plans made before the
/// reference was added carry none).
fn body_reference(step: &Step) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(&step.body).ok()?;
    body.get("meta_data")?
        .get(wire::REFERENCE)?
        .as_str()
        .map(str::to_owned)
}

/// What names a create in staff's decision about it: its reference, else its key.
fn reference_of(step: &Step) -> String {
    body_reference(step).unwrap_or_else(|| step.idempotency_key.clone())
}

/// Why a draft whose customer may exist at Fin.com is not submitted again yet.
fn check_first(step: &Step) -> Issue {
    Issue {
        field: String::new(),
        code: UNKNOWN_OUTCOME.to_owned(),
        message: format!(
            "Fin.com may already have this customer: its creation went unanswered. Check at \
             Fin.com for {} and say what you found (its customer id, or that it was not \
             created) before this draft is sent again.",
            look_for(step)
        ),
        severity: Severity::Error,
    }
}

/// A Fin.com 422 as issues on the draft: each problem on the field (or scan slot) it names,
/// so staff see it where they fix it.
fn placed(error: Error, draft: &Draft, step: wire::FinStep<'_>) -> Error {
    let Error::Provider(ApiError::Invalid {
        fields, message, ..
    }) = &error
    else {
        return error;
    };
    let mut issues: Vec<Issue> = fields
        .iter()
        .map(|f| Issue {
            field: wire::draft_field_of_fin_error(&f.path, &f.message, step, draft)
                .unwrap_or_default(),
            code: "rejected".to_owned(),
            message: format!("Fin.com: {}", f.message),
            severity: branchdesk_domain::validate::Severity::Error,
        })
        .collect();
    if issues.is_empty() {
        issues.push(Issue {
            field: String::new(),
            code: "rejected".to_owned(),
            message: format!("Fin.com: {message}"),
            severity: branchdesk_domain::validate::Severity::Error,
        });
    }
    Error::Invalid(issues)
}

/// The terms page as a QR code (an SVG `data:` URL) for the customer to open on their own
/// phone at the counter.
pub fn terms_qr(url: &str) -> Result<String> {
    use base64::Engine as _;
    let code = qrcode::QrCode::new(url.as_bytes())?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests;
