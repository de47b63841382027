//! The desk: drafts kept in the vault, submissions planned into the vault's outbox, and a
//! runner that sends each plan's steps in order until the provider gives a definite answer.
//! Everything the runner needs is in the vault, so a restart resumes where it stopped.
//!
//! Why one file (about 1,600 lines, for now): the desk's drafts, planning, runner and COS flow
//! share the runner's private state (the committer, the waiting set, the key retention); it
//! is to become a facade over `drafts`, `submit`, `runner` and `flows/cos` modules in the
//! engine's restructure, which is the next piece of work on this crate.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock, PoisonError};
use std::time::Duration;

use crate::fin::{FinDesk, FinOutcome};
use branchdesk_api::cos::CosClient;
use branchdesk_api::Error as ApiError;
use branchdesk_domain::cos::{self as wire, CosStep};
use branchdesk_domain::draft::{Draft, PartyKind, ProviderChoice};
use branchdesk_domain::validate::{self, Issue};
use branchdesk_vault::{
    Actor, AfterStep, AuditOutcome, AuditRecord, Claim, Committer, DraftFilter, DraftId,
    DraftInput, DraftState, MaskedTaxId, NewStep, PlannedSubmission, Provider, Step, StepFailure,
    Vault,
};
use chrono::{DateTime, Local, NaiveDate, SecondsFormat, Utc};
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use ts_rs::TS;

use crate::activity::{Activity, ActivityQuery};
use crate::compliance::CosOutcome;
use crate::plan::StepKind;
use crate::workstation::Environment;
use crate::{compliance, cos_recovery};
use crate::{Error, Result};

/// How many drafts the Drafts list shows at once, newest first; search finds the rest.
pub const DRAFT_LIST_PAGE: u32 = 100;

/// Drafts the app's runner sends at the same time.
const RUNNER_CONCURRENCY: usize = 4;

/// How long COS keeps an idempotency key. A request whose fate is unknown and whose key is
/// older than this cannot be resent safely: COS would take it as new.
pub const COS_KEY_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How often the runner asks Fin.com about customers it has not decided on yet.
const FIN_FOLLOW_INTERVAL: Duration = Duration::from_secs(20);

/// How long the runner waits before retrying a provider it could not reach, the first
/// time; it doubles with each pass that finds the provider still unreachable, up to
/// [`OFFLINE_RETRY_MAX`].
const OFFLINE_RETRY: Duration = Duration::from_secs(5);
const OFFLINE_RETRY_MAX: Duration = Duration::from_secs(300);

/// The wait after the `passes`-th pass in a row that found a provider unreachable.
pub fn offline_wait(passes: u32) -> Duration {
    let doubled = OFFLINE_RETRY.saturating_mul(1u32 << passes.saturating_sub(1).min(16));
    doubled.min(OFFLINE_RETRY_MAX)
}

/// A stored draft as the wizard opens it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftRecord {
    pub id: String,
    pub draft: Draft,
    pub state: String,
}

/// The answer to an autosave: when it was saved, in the workstation's local time.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    pub saved_at: String,
}

/// One row of the Drafts list. The tax id is masked: lists are seen over shoulders.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftListItem {
    pub id: String,
    pub display_name: String,
    pub masked_tax_id: Option<String>,
    pub kind: PartyKind,
    pub provider: ProviderChoice,
    pub state: String,
    /// RFC 3339, UTC: the list shows it as a date and time in the staff's own locale.
    pub updated_at: String,
    /// Hidden from the list but under the Archived filter.
    pub archived: bool,
}

/// What went wrong with a step, placed on the draft field it concerns when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepProblem {
    pub code: String,
    pub message: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
}

/// Where a submission is: its state in words staff know, progress, and the result.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    pub state: String,
    pub done_steps: u32,
    pub total_steps: u32,
    pub outcome: Option<CosOutcome>,
    /// For a Fin.com onboarding: the customer, the terms, and Fin.com's status.
    pub fin: Option<FinOutcome>,
    pub error: Option<StepProblem>,
}

pub use crate::owners::CosCustomer;

/// The queue as the top bar shows it.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueueSummary {
    pub waiting: u32,
    pub sending: u32,
    pub attention: u32,
}

/// A Fin.com submission's state while the customer has not yet accepted the terms.
pub const AWAITING_TERMS: &str = "awaiting_terms";

pub struct Desk {
    vault: Arc<Vault>,
    cos: CosClient,
    partner_id: String,
    environment: Environment,
    cos_base_url: String,
    wake: Notify,
    key_retention: Duration,
    committer: OnceLock<Committer>,
    follow_interval: Duration,
    pub(crate) fin: FinDesk,
    /// Drafts a run of this desk is sending now: a second run of the same draft (the app's
    /// runner and a command, say) leaves it to the first.
    running: std::sync::Mutex<HashSet<DraftId>>,
    /// Steps whose last attempt found no provider, already recorded as waiting: the next
    /// passes back off without adding an audit entry each.
    waiting: std::sync::Mutex<HashSet<branchdesk_vault::StepId>>,
    /// Asks the runner to stop after its current pass (see [`Desk::stop`]).
    stopping: tokio_util::sync::CancellationToken,
}

impl Desk {
    pub fn new(
        vault: Arc<Vault>,
        cos: CosClient,
        partner_id: String,
        environment: Environment,
        cos_base_url: String,
    ) -> Self {
        Self {
            vault,
            cos,
            partner_id,
            environment,
            cos_base_url,
            wake: Notify::new(),
            key_retention: COS_KEY_RETENTION,
            committer: OnceLock::new(),
            follow_interval: FIN_FOLLOW_INTERVAL,
            fin: FinDesk::default(),
            running: std::sync::Mutex::new(HashSet::new()),
            waiting: std::sync::Mutex::new(HashSet::new()),
            stopping: tokio_util::sync::CancellationToken::new(),
        }
    }

    /// The desk with a Fin.com connection, for drafts whose provider is Fin.com.
    pub fn with_fin(mut self, fin: FinDesk) -> Self {
        self.fin = fin;
        self
    }

    pub(crate) fn vault_arc(&self) -> Arc<Vault> {
        Arc::clone(&self.vault)
    }

    pub(crate) fn wake_runner(&self) {
        self.wake.notify_one();
    }

    pub fn environment(&self) -> Environment {
        self.environment
    }

    pub fn cos_base_url(&self) -> &str {
        &self.cos_base_url
    }

    pub(crate) fn cos_client(&self) -> &CosClient {
        &self.cos
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn create_draft(&self, kind: PartyKind) -> Result<DraftRecord> {
        self.create_draft_for(kind, ProviderChoice::Cos)
    }

    /// A new draft for `provider`, with the rows the wizard shows already in place.
    pub fn create_draft_for(
        &self,
        kind: PartyKind,
        provider: ProviderChoice,
    ) -> Result<DraftRecord> {
        let mut draft = template(kind);
        draft.provider = provider;
        let summary = self
            .vault
            .create_draft(&input_of(&draft, DraftState::Draft)?)?;
        Ok(DraftRecord {
            id: summary.id.to_string(),
            draft,
            state: summary.state.to_string(),
        })
    }

    pub fn get_draft(&self, id: &str) -> Result<DraftRecord> {
        let id = draft_id(id)?;
        let stored = self.vault.get_draft(id)?.ok_or(Error::NotFound)?;
        let draft: Draft = serde_json::from_value(stored.body)?;
        Ok(DraftRecord {
            id: id.to_string(),
            draft,
            state: stored.summary.state.to_string(),
        })
    }

    /// Autosave. A draft already handed to the outbox is frozen: saving it is refused so
    /// what was sent and what is stored never differ.
    pub fn save_draft(&self, id: &str, draft: &Draft) -> Result<Saved> {
        let id = draft_id(id)?;
        let state = self.state_of(id)?;
        if !matches!(
            state,
            DraftState::Draft | DraftState::Ready | DraftState::NeedsAttention
        ) {
            return Err(Error::Frozen);
        }
        let summary = self.vault.save_draft(id, &input_of(draft, state)?)?;
        Ok(Saved {
            saved_at: local_time(summary.updated_at),
        })
    }

    /// The Drafts list: `state` is a draft state, empty for all, or
    /// [`crate::drafts_lifecycle::ARCHIVED`] for the archived drafts, which no other
    /// filter shows.
    pub fn list_drafts(&self, search: &str, state: &str) -> Result<Vec<DraftListItem>> {
        let filter = DraftFilter {
            name_contains: Some(search.trim().to_owned()).filter(|s| !s.is_empty()),
            states: state.parse::<DraftState>().ok().into_iter().collect(),
            limit: Some(DRAFT_LIST_PAGE),
            archived: Some(state == crate::drafts_lifecycle::ARCHIVED),
            ..DraftFilter::default()
        };
        Ok(self
            .vault
            .list_drafts(&filter)?
            .into_iter()
            .map(|s| DraftListItem {
                id: s.id.to_string(),
                display_name: s.display_name,
                masked_tax_id: s.masked_tax_id.map(|m| m.as_str().to_owned()),
                kind: match s.kind {
                    branchdesk_vault::PartyKind::Person => PartyKind::Person,
                    branchdesk_vault::PartyKind::Company => PartyKind::Company,
                },
                provider: match s.provider {
                    Provider::Cos => ProviderChoice::Cos,
                    Provider::Fin => ProviderChoice::Fin,
                    Provider::Bvnk => ProviderChoice::Bvnk,
                },
                state: s.state.to_string(),
                updated_at: s.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                archived: s.archived,
            })
            .collect())
    }

    /// A new draft from another's form, for another customer: see [`crate::draft_copy`].
    pub fn duplicate_draft(&self, id: &str) -> Result<DraftRecord> {
        let draft = crate::draft_copy::for_a_new_customer(self.get_draft(id)?.draft);
        let summary = self
            .vault
            .create_draft(&input_of(&draft, DraftState::Draft)?)?;
        Ok(DraftRecord {
            id: summary.id.to_string(),
            draft,
            state: summary.state.to_string(),
        })
    }

    /// Deletes a draft never planned; one that may have reached a provider is refused
    /// ([`Error::CannotDeleteSubmitted`]) and can be archived instead.
    pub fn delete_draft(&self, id: &str) -> Result<()> {
        crate::drafts_lifecycle::delete(&self.vault, draft_id(id)?)
    }

    /// The rules' verdict on a draft as staff see it (blank optional rows ignored).
    /// The draft against the rules of the provider it goes to, plus the scans' own
    /// findings: a warning not yet kept with a reason holds the submission back.
    pub fn validate(&self, draft: &Draft) -> Vec<Issue> {
        let draft = without_blank_rows(draft);
        match draft.provider {
            ProviderChoice::Fin => {
                let mut issues = branchdesk_domain::fin::fin_on(&draft, today());
                issues.extend(self.fin_document_issues(&draft));
                issues.extend(crate::scans::unresolved_warnings(&draft));
                issues
            }
            _ => validate::cos_on(&draft, today()),
        }
    }

    /// Freezes the draft into a plan of COS steps in one transaction and wakes the runner.
    /// After a definite rejection, the steps already done are not sent again: the plan
    /// starts from the customer COS already has.
    pub fn submit(&self, id: &str, draft: &Draft) -> Result<Submission> {
        let draft_id = draft_id(id)?;
        let planned = self.plan_submission(draft_id, draft)?;
        self.vault
            .submit_plan(draft_id, &planned.input, &planned.steps, &planned.audit)?;
        self.wake.notify_one();
        self.submission(id)
    }

    /// [`Desk::submit`] for several drafts at once: each is checked and planned as `submit`
    /// does, and every plan is stored in one transaction, one disk flush for all of them
    /// instead of one a draft. Each draft's outcome, in order: one refused leaves the others
    /// submitted. `Err` only when the transaction could not be committed, and then none is.
    pub fn submit_all(&self, drafts: &[(DraftId, Draft)]) -> Result<Vec<Result<()>>> {
        let mut outcomes: Vec<Option<Result<()>>> = Vec::with_capacity(drafts.len());
        let mut planned = Vec::with_capacity(drafts.len());
        for (id, draft) in drafts {
            match self.plan_submission(*id, draft) {
                Ok(submission) => {
                    planned.push(submission);
                    outcomes.push(None);
                }
                Err(error) => outcomes.push(Some(Err(error))),
            }
        }
        let mut stored = self.vault.submit_plans(&planned)?.into_iter();
        if !planned.is_empty() {
            self.wake.notify_one();
        }
        Ok(outcomes
            .into_iter()
            .map(|outcome| match outcome {
                Some(refused) => refused,
                None => match stored.next() {
                    Some(Ok(_)) => Ok(()),
                    Some(Err(error)) => Err(error.into()),
                    None => Err(Error::Vault(branchdesk_vault::Error::Corrupt(
                        "a submission went unanswered".to_owned(),
                    ))),
                },
            })
            .collect())
    }

    /// What submitting the draft stores: the draft frozen as submitted, its plan's steps
    /// with their idempotency keys, and the audit entry. Nothing is written.
    fn plan_submission(&self, draft_id: DraftId, draft: &Draft) -> Result<PlannedSubmission> {
        let state = self.state_of(draft_id)?;
        if !matches!(
            state,
            DraftState::Draft | DraftState::Ready | DraftState::NeedsAttention
        ) {
            return Err(Error::Frozen);
        }
        let draft = without_blank_rows(draft);
        let previous = self.vault.latest_plan(draft_id)?;
        if draft.provider == ProviderChoice::Fin {
            let steps = self.plan_fin(&draft, previous.as_ref())?;
            return frozen(draft_id, &draft, Provider::Fin, steps);
        }
        let mut known_customer = previous
            .as_ref()
            .and_then(|plan| customer_id_of(&plan.steps));
        if let Some(lost) = previous.as_ref().and_then(cos_recovery::unresolved_step) {
            // The record may exist at COS: only what a person found there decides.
            match self.cos_decision(lost)? {
                Some(decision) => known_customer = decision.customer_id.or(known_customer),
                None => return Err(Error::Invalid(vec![cos_recovery::check_first(lost)])),
            }
        }
        // Every create carries an identifier unique to the draft, so that a customer whose
        // creation went unanswered can be found at COS.
        let mut draft = draft;
        if draft.cos.client_identifier.trim().is_empty() {
            draft.cos.client_identifier = cos_recovery::client_identifier_for(draft_id);
        }
        let onboarding = wire::onboarding(&self.partner_id, &draft, today())?;
        let mut steps = Vec::new();
        match known_customer {
            Some(customer) => {
                steps.push(new_step(StepKind::CosKnownCustomer, customer.into_bytes()))
            }
            None => {
                let name = StepKind::CosCreateCustomer.with_index(0);
                let body = json(&onboarding.customer)?;
                // The same create again keeps its key, so COS answers a repeat with the
                // customer it made the first time instead of making a second one.
                steps.push(NewStep {
                    idempotency_key: reuse_key(&previous, &name, &body, self.key_retention),
                    kind: name,
                    body,
                });
            }
        }
        let done_before = |kind: &str, body: &[u8]| {
            previous.as_ref().is_some_and(|plan| {
                plan.steps.iter().any(|s| {
                    s.kind == kind
                        && s.body == body
                        && s.status == branchdesk_vault::StepStatus::Done
                })
            })
        };
        let rows = [
            (StepKind::CosAddress, jsons(&onboarding.addresses)?),
            (StepKind::CosPhone, jsons(&onboarding.phones)?),
            (StepKind::CosEmail, jsons(&onboarding.emails)?),
            (
                StepKind::CosIdentification,
                jsons(&onboarding.identifications)?,
            ),
            (
                StepKind::CosBeneficialOwner,
                jsons(&onboarding.beneficial_owners)?,
            ),
        ];
        for (kind, bodies) in rows {
            for (index, body) in bodies.into_iter().enumerate() {
                let name = kind.with_index(index);
                if !done_before(&name, &body) {
                    steps.push(NewStep {
                        idempotency_key: reuse_key(&previous, &name, &body, self.key_retention),
                        kind: name,
                        body,
                    });
                }
            }
        }
        frozen(draft_id, &draft, Provider::Cos, steps)
    }

    /// The submission's progress; once the customer exists, its compliance statuses as COS
    /// reports them now (the desktop stand-in for COS's webhooks).
    pub async fn submission_status(&self, id: &str) -> Result<Submission> {
        let draft = draft_id(id)?;
        let (mut state, plan, mut fin) = self.read_submission(draft)?;
        if let (Some(plan), Some(outcome)) = (&plan, fin.take()) {
            // The status may move the draft on (approved, back to staff).
            let (live, now) = self.follow_fin(draft, plan, state, outcome).await?;
            fin = Some(live);
            state = now;
        }
        let kept = plan.as_ref().and_then(compliance::outcome_step);
        let mut submission = submission_of(state, plan, fin);
        if let (Some(outcome), Some(kept)) = (submission.outcome.as_mut(), kept) {
            compliance::apply_kept(outcome, &kept.1);
            if !outcome.settled && submission.state == DraftState::Submitted.as_str() {
                compliance::follow(&self.vault, &self.cos, draft, kept, outcome).await?;
            }
        }
        Ok(submission)
    }

    fn submission(&self, id: &str) -> Result<Submission> {
        let (state, plan, fin) = self.read_submission(draft_id(id)?)?;
        Ok(submission_of(state, plan, fin))
    }

    /// What a submission is made of, as stored: the draft's state, its latest plan, and for
    /// Fin.com the customer and terms.
    fn read_submission(
        &self,
        draft: DraftId,
    ) -> Result<(
        DraftState,
        Option<branchdesk_vault::Plan>,
        Option<FinOutcome>,
    )> {
        let state = self.state_of(draft)?;
        let plan = self.vault.latest_plan(draft)?;
        let fin = match &plan {
            Some(plan) if plan.provider == Provider::Fin => self.fin_outcome(draft, plan, state)?,
            _ => None,
        };
        Ok((state, plan, fin))
    }

    /// The Personal customers this workstation created at Cross River, by name, each with
    /// the latest compliance results kept for them (asks COS nothing: the pickers open fast,
    /// also offline; the result page and `status` are what ask).
    pub fn cos_customers(&self) -> Result<Vec<CosCustomer>> {
        let filter = DraftFilter {
            provider: Some(Provider::Cos),
            states: vec![DraftState::Submitted, DraftState::Approved],
            ..DraftFilter::default()
        };
        let mut customers = Vec::new();
        for summary in self.vault.list_drafts(&filter)? {
            if summary.kind != branchdesk_vault::PartyKind::Person {
                continue;
            }
            if let Some(plan) = self.vault.latest_plan(summary.id)? {
                customers.extend(crate::owners::customer_of(summary.display_name, &plan));
            }
        }
        // Staff look for a person by name.
        customers.sort_by_cached_key(|c| c.name.to_lowercase());
        Ok(customers)
    }

    pub fn queue_summary(&self) -> Result<QueueSummary> {
        let count = |state: DraftState| -> Result<u32> {
            let filter = DraftFilter {
                states: vec![state],
                ..DraftFilter::default()
            };
            Ok(u32::try_from(self.vault.list_drafts(&filter)?.len()).unwrap_or(u32::MAX))
        };
        Ok(QueueSummary {
            waiting: count(DraftState::Waiting)?,
            sending: count(DraftState::Sending)?,
            attention: count(DraftState::NeedsAttention)?,
        })
    }

    /// Sends every plan with work left, then waits to be woken (a submit) or for the retry
    /// interval. Runs for the life of the app; a restart simply starts it again.
    pub async fn run(self: Arc<Self>) {
        // Consecutive passes that found a provider unreachable: each waits twice as long as
        // the one before, so a long outage or a storm of 429s is not a busy loop.
        let mut offline_passes: u32 = 0;
        while !self.stopping.is_cancelled() {
            let mut offline = false;
            // The longest wait a provider asked for (`Retry-After`) in this pass.
            let mut asked: Option<Duration> = None;
            match self.vault.drafts_with_pending_work() {
                Ok(drafts) => {
                    // Drafts go side by side, a few at a time; each draft's steps stay in order.
                    let results = self
                        .run_drafts(futures::stream::iter(drafts), RUNNER_CONCURRENCY)
                        .await;
                    for (draft, result) in results {
                        if let Err(error) = result {
                            offline |= matches!(error, Error::Provider(ref e) if e.is_retryable());
                            if let Error::Provider(ApiError::Unavailable {
                                retry_after: Some(wait),
                                ..
                            }) = error
                            {
                                asked = asked.max(Some(wait));
                            }
                            tracing::warn!(%draft, error = %error.for_log(), "submission paused");
                        }
                    }
                }
                Err(error) => tracing::error!(error = %error, "the outbox could not be read"),
            }
            // Fin.com decides after the attach, in its own time: each undecided customer is
            // followed here too, so the decision reaches the Drafts list (approved, or
            // back to staff) with nobody looking at the submission.
            let undecided = self.follow_undecided().await;
            offline_passes = if offline { offline_passes + 1 } else { 0 };
            let wait = if offline {
                offline_wait(offline_passes).max(asked.unwrap_or_default())
            } else if undecided > 0 {
                self.follow_interval
            } else {
                Duration::from_secs(60)
            };
            tokio::select! {
                _ = tokio::time::timeout(wait, self.wake.notified()) => {}
                _ = self.stopping.cancelled() => {}
            }
        }
    }

    /// Asks the runner to stop once its current pass is over: no request it started is cut
    /// off half-way (a cut-off create is an unknown outcome). Await the runner's task after.
    pub fn stop(&self) {
        self.stopping.cancel();
    }

    /// Asks Fin.com about every submitted Fin.com customer it has not decided on yet, and
    /// records each decision as the status page would; how many are still undecided.
    async fn follow_undecided(&self) -> usize {
        let filter = DraftFilter {
            provider: Some(Provider::Fin),
            states: vec![DraftState::Submitted],
            ..DraftFilter::default()
        };
        let drafts = match self.vault.list_drafts(&filter) {
            Ok(drafts) => drafts,
            Err(error) => {
                tracing::error!(error = %error, "the drafts could not be read");
                return 0;
            }
        };
        let mut undecided = 0;
        for draft in drafts {
            match self.submission_status(&draft.id.to_string()).await {
                Ok(now) if now.state == DraftState::Submitted.as_str() => undecided += 1,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(draft = %draft.id, error = %error.for_log(), "status not followed")
                }
            }
        }
        undecided
    }

    /// Test hook: how often the runner asks Fin.com about undecided customers.
    pub fn with_follow_interval(mut self, interval: Duration) -> Self {
        self.follow_interval = interval;
        self
    }

    /// Sends one draft's steps in order until done, a definite rejection, or no network,
    /// and returns once what it recorded is on disk.
    pub async fn run_draft(&self, draft: DraftId) -> Result<()> {
        self.start_draft(draft).await?.await
    }

    /// Runs `drafts` as they come, `concurrency` at a time, each draft's steps in order.
    /// A draft leaves its place to the next one as soon as its last answer is in, while that
    /// answer's commit is still on its way to disk; each result is returned once the draft's
    /// records are on disk.
    pub async fn run_drafts(
        &self,
        drafts: impl futures::Stream<Item = DraftId> + Send,
        concurrency: usize,
    ) -> Vec<(DraftId, Result<()>)> {
        // Boxed, named futures rather than combinator closures: the runner's future must be
        // `Send` for the app to spawn it, which closures returning borrowing futures defeat.
        type Running<'a, T> =
            std::pin::Pin<Box<dyn std::future::Future<Output = (DraftId, T)> + Send + 'a>>;
        let concurrency = concurrency.max(1);
        let mut drafts = std::pin::pin!(drafts.fuse());
        let mut sending: FuturesUnordered<Running<'_, Result<Settling<'_>>>> =
            FuturesUnordered::new();
        // Settling only waits for the committer: any number may wait at once.
        let mut settling: FuturesUnordered<Running<'_, Result<()>>> = FuturesUnordered::new();
        let mut results = Vec::new();
        let mut more = true;
        loop {
            tokio::select! {
                next = drafts.next(), if more && sending.len() < concurrency => match next {
                    Some(draft) => sending.push(Box::pin(async move {
                        (draft, self.start_draft(draft).await)
                    })),
                    None => more = false,
                },
                Some((draft, started)) = sending.next(), if !sending.is_empty() => match started {
                    Ok(settle) => settling.push(Box::pin(async move { (draft, settle.await) })),
                    Err(error) => results.push((draft, Err(error))),
                },
                Some(settled) = settling.next(), if !settling.is_empty() => results.push(settled),
                else => break,
            }
        }
        results
    }

    /// Sends a draft's steps; what it returns is ready once the draft's records are on disk.
    async fn start_draft(&self, draft: DraftId) -> Result<Settling<'_>> {
        let Some(guard) = Running::enter(&self.running, draft) else {
            // Another run of this desk is sending the draft: it sends each step once.
            return Ok(Box::pin(std::future::ready(Ok(()))));
        };
        let settle = match self.start_draft_alone(draft).await {
            Err(Error::Vault(branchdesk_vault::Error::StepClaimed(step))) => {
                // Another runner took the step between our read and our claim: it sends it.
                tracing::info!(%draft, %step, "step taken by another runner");
                return Ok(Box::pin(std::future::ready(Ok(()))));
            }
            other => other?,
        };
        Ok(Box::pin(async move {
            let settled = settle.await;
            drop(guard);
            match settled {
                Err(Error::Vault(branchdesk_vault::Error::StepClaimed(_))) => Ok(()),
                other => other,
            }
        }))
    }

    /// [`Desk::start_draft`] once the draft is this run's alone.
    async fn start_draft_alone(&self, draft: DraftId) -> Result<Settling<'_>> {
        let plan = self.vault.latest_plan(draft)?;
        let mut customer: Option<String> = plan.as_ref().and_then(|p| customer_id_of(&p.steps));
        if let Some(plan) = plan.filter(|p| p.provider == Provider::Cos) {
            match self.run_cos_plan(draft, plan, &mut customer).await? {
                CosRun::Settled => return Ok(Box::pin(std::future::ready(Ok(())))),
                CosRun::Recording(last) => {
                    return Ok(Box::pin(async move {
                        if last.await? {
                            return Ok(());
                        }
                        self.run_steps(draft, customer).await
                    }))
                }
                CosRun::Unfinished => {}
            }
        }
        let ran = self.run_steps(draft, customer).await;
        Ok(Box::pin(std::future::ready(ran)))
    }

    /// Sends a draft's unfinished steps one at a time, each after the previous one's
    /// outcome is on disk.
    async fn run_steps(&self, draft: DraftId, mut customer: Option<String>) -> Result<()> {
        // Each step's outcome commits with its audit entry and the next step's `sent` mark
        // (one synchronous disk flush a step), so the next step comes back already marked.
        let mut claimed: Option<Step> = None;
        loop {
            let step = match claimed.take() {
                Some(step) => step,
                None => {
                    let Some(step) = self.vault.next_pending_step(draft)? else {
                        break;
                    };
                    if step.status == branchdesk_vault::StepStatus::Sent
                        && step.provider == Provider::Cos
                        && self.key_expired(&step)
                    {
                        return self.park_unknown_outcome(draft, &step);
                    }
                    // Went out in an earlier run and may have arrived: never resent.
                    if step.status == branchdesk_vault::StepStatus::Sent
                        && crate::fin::resend_may_duplicate(&step)
                    {
                        let lost = crate::fin::answer_lost_with_the_process();
                        return self.step_went_wrong(draft, step, lost).await;
                    }
                    // Claimed before its request leaves: only if nobody changed it since it
                    // was read.
                    self.write(move |v| v.start_step(&step, DraftState::Sending))
                        .await?
                }
            };
            let sent = self.send_step(&step, customer.as_deref()).await;
            match sent {
                Ok(ids) => {
                    if let Some(id) = ids.get("customerId").and_then(|v| v.as_str()) {
                        customer = Some(id.to_owned());
                    }
                    let audit = success_audit(draft, &step, &ids);
                    let after = self
                        .write(move |v| {
                            v.complete_step(step.id, &ids, &audit, DraftState::Submitted)
                        })
                        .await?;
                    match after {
                        AfterStep::Send(next) => claimed = Some(*next),
                        AfterStep::Finished => return Ok(()),
                        AfterStep::Held => {}
                    }
                }
                Err(error) => return self.step_went_wrong(draft, step, error).await,
            }
        }
        // Nothing left to send: finished, unless a failed step holds the plan back (it
        // waits for a person, and keeps its state).
        let held = self.vault.latest_plan(draft)?.is_some_and(|p| {
            p.steps
                .iter()
                .any(|s| s.status == branchdesk_vault::StepStatus::Failed)
        });
        if !held {
            self.vault.set_draft_state(draft, DraftState::Submitted)?;
        }
        Ok(())
    }

    /// A COS plan's unfinished steps, in order, without waiting for the disk between them:
    /// the steps' `sent` marks and each answer's commit (its outcome and its audit entry)
    /// go to the committer while the next request is out, and the draft is settled only
    /// once the last of them is on disk. Every step goes out with the key and body frozen
    /// when it was planned, so a crash costs nothing but resending, under the same keys,
    /// the steps whose answers were not yet on disk: COS answers a repeated key with its
    /// first answer. Because a step may have gone out before its `sent` mark was written,
    /// every unfinished step counts as possibly sent for the key-retention rule.
    async fn run_cos_plan(
        &self,
        draft: DraftId,
        plan: branchdesk_vault::Plan,
        customer: &mut Option<String>,
    ) -> Result<CosRun> {
        use branchdesk_vault::StepStatus;
        // The unfinished steps, in order, as the plan stands before this run (a failed one
        // holds back the rest). A step already `sent` went out in an earlier run, and is
        // resent only within its key's retention.
        let queue: Vec<Step> = plan
            .steps
            .into_iter()
            .skip_while(|s| s.status == StepStatus::Done)
            .take_while(|s| matches!(s.status, StepStatus::Pending | StepStatus::Sent))
            .collect();
        if queue.is_empty() {
            return Ok(CosRun::Unfinished);
        }
        // The plan's steps were planned together: if the first is within its key's
        // retention, so are the rest.
        if self.key_expired(&queue[0]) {
            self.park_unknown_outcome(draft, &queue[0])?;
            return Ok(CosRun::Settled);
        }
        let committer = self.committer()?;
        let (answer, marked) = on_disk();
        committer.start_steps(
            queue.iter().map(Claim::of).collect(),
            DraftState::Sending,
            answer,
        );
        // The steps are claimed before the first request leaves: of two runners that read
        // them, only the one whose claim holds sends them. One commit for the whole queue.
        marked.await?;
        // The last answer's commit, still on its way to disk; the committer writes them in
        // the order they were handed over, so it stands for every earlier one too.
        let mut recorded: Option<OnDisk<bool>> = None;
        for step in &queue {
            match self.send_step(step, customer.as_deref()).await {
                Ok(ids) => {
                    if let Some(id) = ids.get("customerId").and_then(|v| v.as_str()) {
                        *customer = Some(id.to_owned());
                    }
                    let audit = success_audit(draft, step, &ids);
                    let (answer, recording) = on_disk();
                    committer.complete_step(step.id, ids, audit, DraftState::Submitted, answer);
                    recorded = Some(recording);
                }
                Err(error) => {
                    // Recorded after every earlier write: the committer's queue is the
                    // vault's one queue of grouped writes.
                    self.step_went_wrong(draft, step.clone(), error).await?;
                    return Ok(CosRun::Settled);
                }
            }
        }
        Ok(CosRun::Recording(Box::pin(async move {
            match recorded {
                Some(last) => last.await,
                None => Ok(false),
            }
        })))
    }

    /// The committer for the runner's writes, started with the first run.
    fn committer(&self) -> Result<&Committer> {
        if let Some(committer) = self.committer.get() {
            return Ok(committer);
        }
        let started = Committer::start(Arc::clone(&self.vault))?;
        Ok(self.committer.get_or_init(|| started))
    }

    /// Sends a step marked `sent`, through the crash-test failpoints.
    async fn send_step(&self, step: &Step, customer: Option<&str>) -> Result<serde_json::Value> {
        let sent = self.send_step_once(step, customer).await;
        if sent.is_ok() {
            // Answered: a later wait is a new state change, recorded again.
            self.waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&step.id);
        }
        sent
    }

    async fn send_step_once(
        &self,
        step: &Step,
        customer: Option<&str>,
    ) -> Result<serde_json::Value> {
        failpoint::hit(failpoint::Point::BeforeSend);
        let sent = if failpoint::armed(failpoint::Point::DuringSend) {
            failpoint::during(self.send(step, customer)).await
        } else {
            self.send(step, customer).await
        };
        if sent.is_ok() {
            failpoint::hit(failpoint::Point::AfterProvider2xx);
        }
        sent
    }

    /// Records a step that did not end done, and what the runner makes of it: `Ok` when the
    /// plan waits for the customer's terms, the error otherwise.
    async fn step_went_wrong(&self, draft: DraftId, step: Step, error: Error) -> Result<()> {
        if step.provider == Provider::Cos && cos_recovery::needs_a_check(&error, &step) {
            // Neither a refusal nor a readable success: the customer may exist. Parked for a
            // person, never re-planned under a new key.
            let problem =
                cos_recovery::unknown_outcome_problem(&step, cos_recovery::Why::Unreadable);
            self.park(draft, &step, problem).await?;
            return Err(error);
        }
        // A COS sub-record whose answer could not be read is resent under its key, which
        // COS keeps for 7 days: an unanswered request, like a timeout.
        let error = match error {
            Error::Provider(ApiError::OutcomeUnknown { detail })
                if step.provider == Provider::Cos =>
            {
                Error::Provider(ApiError::Network(detail))
            }
            other => other,
        };
        match error {
            Error::AwaitingTerms => {
                // Not a failure: the plan waits here until staff confirm the terms.
                self.vault.set_draft_state(draft, DraftState::Waiting)?;
                Ok(())
            }
            Error::Provider(error) if error.is_retryable() => {
                // Stays `sent`: resent with the same key and bytes when the network is back.
                let status = match &error {
                    ApiError::Unavailable { status, .. } => Some(*status),
                    _ => None,
                };
                // One entry when the step starts waiting, not one for every pass after.
                let first_wait = self
                    .waiting
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(step.id);
                let audit = first_wait.then(|| {
                    step_audit(
                        draft,
                        &step,
                        status,
                        serde_json::Value::Null,
                        AuditOutcome::Unknown,
                    )
                });
                // A create without a key is answered retryable only when it surely never
                // arrived: back to pending, so a `sent` one found later is known to be suspect.
                let failure = if crate::fin::resend_may_duplicate(&step) {
                    StepFailure::NotSent
                } else {
                    StepFailure::Retryable
                };
                self.write(move |v| {
                    v.fail_step_with_audit(step.id, failure, audit.as_ref(), DraftState::Waiting)
                })
                .await?;
                Err(Error::Provider(error))
            }
            error => {
                let problem = problem_of(&error, &step);
                let text = serde_json::to_string(&problem)?;
                // A request that may have arrived is logged, as one that timed out is.
                let audit =
                    matches!(error, Error::Provider(ApiError::OutcomeUnknown { .. })).then(|| {
                        let none = serde_json::Value::Null;
                        step_audit(draft, &step, None, none, AuditOutcome::Unknown)
                    });
                self.write(move |v| {
                    v.fail_step_with_audit(
                        step.id,
                        StepFailure::Failed(text),
                        audit.as_ref(),
                        DraftState::NeedsAttention,
                    )
                })
                .await?;
                Err(error)
            }
        }
    }

    /// A runner write, on a blocking thread: the other drafts' requests go on while it waits
    /// for the disk, and writes that wait together share one commit.
    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Vault) -> branchdesk_vault::Result<T> + Send + 'static,
    ) -> Result<T> {
        let vault = Arc::clone(&self.vault);
        let path = self.vault.database_path().to_path_buf();
        match tokio::task::spawn_blocking(move || work(&vault)).await {
            Ok(result) => Ok(result?),
            Err(join) => match join.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                // Only when the runtime shuts down, and then nobody is waiting for this.
                Err(_) => Err(Error::Vault(branchdesk_vault::Error::Io {
                    action: "writing",
                    path,
                    source: std::io::Error::other("the runtime shut down"),
                })),
            },
        }
    }

    async fn send(&self, step: &Step, customer: Option<&str>) -> Result<serde_json::Value> {
        let (kind, _) = StepKind::parse(&step.kind)
            .ok_or_else(|| Error::PlanInconsistent(format!("unknown step {}", step.kind)))?;
        if kind.provider() == Provider::Fin {
            let plan = self.vault.latest_plan(step.draft_id)?;
            let steps = plan.map(|p| p.steps).unwrap_or_default();
            return self.send_fin(kind, step, &steps).await;
        }
        if kind == StepKind::CosKnownCustomer {
            let id = String::from_utf8_lossy(&step.body).into_owned();
            let customer = self.cos.get_customer(&id).await?;
            return Ok(
                serde_json::json!({ "customerId": id, "outcome": CosOutcome::from(customer) }),
            );
        }
        if kind == StepKind::CosCreateCustomer {
            let created = self
                .cos
                .create_customer(&step.body, &step.idempotency_key)
                .await?;
            let id = created.id.clone();
            return Ok(
                serde_json::json!({ "customerId": id, "outcome": CosOutcome::from(created) }),
            );
        }
        let customer = customer.ok_or_else(|| {
            Error::PlanInconsistent("a sub-record before the customer".to_owned())
        })?;
        let (body, key) = (step.body.as_slice(), step.idempotency_key.as_str());
        let record = match kind {
            StepKind::CosAddress => to_value(self.cos.add_address(customer, body, key).await?),
            StepKind::CosPhone => to_value(self.cos.add_phone(customer, body, key).await?),
            StepKind::CosEmail => to_value(self.cos.add_email(customer, body, key).await?),
            StepKind::CosIdentification => {
                to_value(self.cos.add_identification(customer, body, key).await?)
            }
            StepKind::CosBeneficialOwner => {
                to_value(self.cos.add_beneficial_owner(customer, body, key).await?)
            }
            // Sent above, or by `send_fin`.
            _ => serde_json::Value::Null,
        };
        Ok(serde_json::json!({ "id": record.get("id").cloned().unwrap_or_default() }))
    }

    /// Whether the provider has forgotten this step's idempotency key by now.
    fn key_expired(&self, step: &Step) -> bool {
        let age = Utc::now().signed_duration_since(step.planned_at);
        age.to_std().is_ok_and(|age| age >= self.key_retention)
    }

    /// A step that went out but whose answer never came, past the key's retention: resending
    /// could create a second record, so a person checks the customer at the provider first.
    fn park_unknown_outcome(&self, draft: DraftId, step: &Step) -> Result<()> {
        let problem = cos_recovery::unknown_outcome_problem(step, cos_recovery::Why::KeyExpired);
        self.park_now(draft, step, problem)
    }

    /// [`Desk::park_unknown_outcome`] for the runner, off its thread.
    async fn park(&self, draft: DraftId, step: &Step, problem: StepProblem) -> Result<()> {
        let (id, text, audit) = parked(draft, step, &problem)?;
        self.write(move |v| {
            v.fail_step_with_audit(
                id,
                StepFailure::Failed(text),
                Some(&audit),
                DraftState::NeedsAttention,
            )
        })
        .await?;
        Ok(())
    }

    /// Records a step whose outcome is unknown as failed with `problem`, audited as unknown,
    /// and the draft as needing attention.
    fn park_now(&self, draft: DraftId, step: &Step, problem: StepProblem) -> Result<()> {
        let (id, text, audit) = parked(draft, step, &problem)?;
        self.vault.fail_step_with_audit(
            id,
            StepFailure::Failed(text),
            Some(&audit),
            DraftState::NeedsAttention,
        )?;
        Ok(())
    }

    /// Test hook: a shorter key retention, to exercise the stale-key rule without waiting.
    pub fn with_key_retention(mut self, retention: Duration) -> Self {
        self.key_retention = retention;
        self
    }

    /// The first page of the Activity list (see [`crate::activity`]).
    pub fn activity(&self, draft: Option<&str>, outcome: &str) -> Result<Activity> {
        self.activity_page(&ActivityQuery {
            draft,
            outcome,
            ..ActivityQuery::default()
        })
    }

    /// One page of the Activity list.
    pub fn activity_page(&self, query: &ActivityQuery<'_>) -> Result<Activity> {
        crate::activity::page(&self.vault, query)
    }

    fn state_of(&self, id: DraftId) -> Result<DraftState> {
        Ok(self
            .vault
            .get_draft(id)?
            .ok_or(Error::NotFound)?
            .summary
            .state)
    }
}

/// The draft as submitted, its plan, and the audit entry saying who submitted it.
fn frozen(
    draft_id: DraftId,
    draft: &Draft,
    provider: Provider,
    steps: Vec<NewStep>,
) -> Result<PlannedSubmission> {
    let audit = AuditRecord {
        draft_id: Some(draft_id),
        actor: Actor::Staff(staff_member()),
        action: "submit".to_owned(),
        provider: Some(provider),
        endpoint: None,
        status: None,
        provider_ids: serde_json::json!({ "steps": steps.len() }),
        outcome: AuditOutcome::Success,
    };
    let mut input = input_of(draft, DraftState::Waiting)?;
    input.provider = provider;
    Ok(PlannedSubmission {
        draft: draft_id,
        input,
        steps,
        audit,
    })
}

/// A submission as staff see it, from what is stored (and, for Fin.com, its latest look).
fn submission_of(
    state: DraftState,
    plan: Option<branchdesk_vault::Plan>,
    fin: Option<FinOutcome>,
) -> Submission {
    let steps = plan.map(|p| p.steps).unwrap_or_default();
    let done = steps
        .iter()
        .filter(|s| s.status == branchdesk_vault::StepStatus::Done)
        .count();
    let outcome = steps.iter().find_map(|s| {
        serde_json::from_value::<CosOutcome>(s.provider_ids.get("outcome")?.clone()).ok()
    });
    let error = steps
        .iter()
        .find(|s| s.status == branchdesk_vault::StepStatus::Failed)
        .and_then(|s| s.last_error.as_deref())
        .and_then(|e| serde_json::from_str(e).ok());
    let waits_for_terms =
        fin.as_ref().is_some_and(|f| !f.terms_accepted) && state == DraftState::Waiting;
    Submission {
        // Waiting on the customer, not on the network: staff have something to do.
        state: if waits_for_terms {
            AWAITING_TERMS.to_owned()
        } else {
            state.to_string()
        },
        done_steps: u32::try_from(done).unwrap_or(u32::MAX),
        total_steps: u32::try_from(steps.len()).unwrap_or(u32::MAX),
        outcome,
        fin,
        error,
    }
}

/// A draft's run, ready once what it recorded is on disk.
type Settling<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>>;

/// How a COS plan's run ended.
enum CosRun {
    /// Nothing left to send, or what is left waits for staff or the network.
    Settled,
    /// Every step went out; the last answer's commit, whether it finished the plan.
    Recording(OnDisk<bool>),
    /// Left to the one-step-at-a-time loop.
    Unfinished,
}

/// A draft's place in [`Desk::running`], given back when dropped.
struct Running<'a> {
    set: &'a std::sync::Mutex<HashSet<DraftId>>,
    draft: DraftId,
}

impl<'a> Running<'a> {
    fn enter(set: &'a std::sync::Mutex<HashSet<DraftId>>, draft: DraftId) -> Option<Self> {
        let entered = set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(draft);
        entered.then_some(Running { set, draft })
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.draft);
    }
}

/// A write handed to the committer, ready once its commit is on disk.
type OnDisk<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send>>;

/// The answer to give the committer with a write, and the future that has it.
fn on_disk<T: Send + 'static>() -> (
    impl FnOnce(branchdesk_vault::Result<T>) + Send + 'static,
    OnDisk<T>,
) {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let answer = move |result| {
        // Nobody waits for it any more only when the run was abandoned.
        let _ = sender.send(result);
    };
    let answered = Box::pin(async move {
        match receiver.await {
            Ok(result) => Ok(result?),
            Err(_) => Err(Error::Vault(branchdesk_vault::Error::Corrupt(
                "the committer stopped without answering a write".to_owned(),
            ))),
        }
    });
    (answer, answered)
}

/// What parking a step records: its id, the problem as stored, and its audit entry.
fn parked(
    draft: DraftId,
    step: &Step,
    problem: &StepProblem,
) -> Result<(branchdesk_vault::StepId, String, AuditRecord)> {
    let text = serde_json::to_string(problem)?;
    let audit = step_audit(
        draft,
        step,
        None,
        serde_json::Value::Null,
        AuditOutcome::Unknown,
    );
    Ok((step.id, text, audit))
}

/// A successful step's audit entry: the provider's ids, without the customer's statuses.
fn success_audit(draft: DraftId, step: &Step, ids: &serde_json::Value) -> AuditRecord {
    let mut audited = ids.clone();
    if let Some(map) = audited.as_object_mut() {
        // The statuses belong to the customer record, not to the audit trail.
        map.remove("outcome");
    }
    step_audit(draft, step, None, audited, AuditOutcome::Success)
}

/// A step's audit entry, recorded in the same commit as the step's outcome.
fn step_audit(
    draft: DraftId,
    step: &Step,
    status: Option<u16>,
    provider_ids: serde_json::Value,
    outcome: AuditOutcome,
) -> AuditRecord {
    let kind = StepKind::parse(&step.kind).map(|(k, _)| k);
    AuditRecord {
        draft_id: Some(draft),
        actor: Actor::System,
        // Named after the event the step corresponds to, as staff see in Activity.
        action: kind.map(StepKind::event).unwrap_or("unknown").to_owned(),
        provider: Some(kind.map(StepKind::provider).unwrap_or(step.provider)),
        endpoint: kind.and_then(StepKind::endpoint).map(str::to_owned),
        status,
        provider_ids,
        outcome,
    }
}

fn problem_of(error: &Error, step: &Step) -> StepProblem {
    if let Error::Invalid(issues) = error {
        let first = issues.iter().find(|i| i.is_error()).or(issues.first());
        return StepProblem {
            code: "rejected".to_owned(),
            message: first
                .map(|i| i.message.clone())
                .unwrap_or_else(|| error.to_string()),
            field: first.map(|i| i.field.clone()).filter(|f| !f.is_empty()),
        };
    }
    if let Some(problem) = crate::fin::problem_of_fin(error, step) {
        return problem;
    }
    let index = StepKind::parse(&step.kind).map(|(_, i)| i).unwrap_or(0);
    let cos_step = match StepKind::parse(&step.kind).map(|(k, _)| k) {
        Some(StepKind::CosAddress) => CosStep::Address(index),
        Some(StepKind::CosPhone) => CosStep::Phone(index),
        Some(StepKind::CosEmail) => CosStep::Email(index),
        Some(StepKind::CosIdentification) => CosStep::Identification(index),
        Some(StepKind::CosBeneficialOwner) => CosStep::BeneficialOwner(index),
        _ => CosStep::Create { tax_id: 0 },
    };
    match error {
        Error::Provider(ApiError::Rejected { errors, .. }) => StepProblem {
            code: "rejected".to_owned(),
            message: error.to_string(),
            field: errors
                .iter()
                .find_map(|e| wire::draft_field_of_error(e, cos_step)),
        },
        Error::Provider(ApiError::Auth { .. }) => StepProblem {
            code: "credentials".to_owned(),
            message: error.to_string(),
            field: None,
        },
        _ => StepProblem {
            code: "internal".to_owned(),
            message: error.to_string(),
            field: None,
        },
    }
}

/// Who is at the keyboard, as the operating system knows them. Staff sign-in is a later
/// addition; until then the OS account is what the audit log can name.
pub(crate) fn staff_member() -> String {
    ["USER", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "staff".to_owned())
}

/// The staff member a decision is recorded under: the name given, else the OS account.
pub(crate) fn actor_named(staff: &str) -> Actor {
    let staff = staff.trim();
    Actor::Staff(if staff.is_empty() {
        staff_member()
    } else {
        staff.to_owned()
    })
}

/// A staff member's decision about a draft, for the audit log.
pub(crate) fn decision(
    draft: DraftId,
    staff: &str,
    action: &str,
    provider: Provider,
    facts: serde_json::Value,
) -> AuditRecord {
    AuditRecord {
        draft_id: Some(draft),
        actor: actor_named(staff),
        action: action.to_owned(),
        provider: Some(provider),
        endpoint: None,
        status: None,
        provider_ids: facts,
        outcome: AuditOutcome::Success,
    }
}

fn to_value<T: Serialize>(record: T) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or_default()
}

pub(crate) fn customer_id_of(steps: &[Step]) -> Option<String> {
    steps.iter().find_map(|s| {
        (s.status == branchdesk_vault::StepStatus::Done)
            .then(|| {
                s.provider_ids
                    .get("customerId")?
                    .as_str()
                    .map(str::to_owned)
            })
            .flatten()
    })
}

/// A resend of an unchanged step keeps its key, so COS sees the same request; a changed
/// body is a new request and gets a new key, and so does one whose key COS has forgotten
/// (its first sending is then older than `retention`).
fn reuse_key(
    previous: &Option<branchdesk_vault::Plan>,
    kind: &str,
    body: &[u8],
    retention: Duration,
) -> String {
    previous
        .as_ref()
        .and_then(|plan| plan.steps.iter().find(|s| s.kind == kind && s.body == body))
        .filter(|s| {
            Utc::now()
                .signed_duration_since(s.planned_at)
                .to_std()
                .map_or(true, |age| age < retention)
        })
        .map(|s| s.idempotency_key.clone())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

fn new_step(kind: StepKind, body: Vec<u8>) -> NewStep {
    NewStep {
        kind: kind.with_index(0),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        body,
    }
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(value)?)
}

fn jsons<T: Serialize>(values: &[T]) -> Result<Vec<Vec<u8>>> {
    values.iter().map(json).collect()
}

pub(crate) fn draft_id(id: &str) -> Result<DraftId> {
    uuid::Uuid::parse_str(id)
        .map(DraftId)
        .map_err(|_| Error::NotFound)
}

pub(crate) fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%H:%M").to_string()
}

fn input_of(draft: &Draft, state: DraftState) -> Result<DraftInput> {
    let display_name = match draft.kind {
        PartyKind::Person => [draft.name.first.trim(), draft.name.last.trim()]
            .join(" ")
            .trim()
            .to_owned(),
        PartyKind::Company => draft.company.legal_name.trim().to_owned(),
    };
    let tax_id = draft
        .tax_ids
        .first()
        .map(|t| t.number.trim())
        .filter(|n| !n.is_empty());
    Ok(DraftInput {
        provider: match draft.provider {
            ProviderChoice::Cos => Provider::Cos,
            ProviderChoice::Fin => Provider::Fin,
            ProviderChoice::Bvnk => Provider::Bvnk,
        },
        kind: match draft.kind {
            PartyKind::Person => branchdesk_vault::PartyKind::Person,
            PartyKind::Company => branchdesk_vault::PartyKind::Company,
        },
        display_name,
        masked_tax_id: tax_id.map(MaskedTaxId::from_full),
        state,
        body: serde_json::to_value(draft)?,
    })
}

/// The vault's record of a draft: its body and the list columns (name, masked tax id) beside
/// it, for callers that store drafts without a desk, such as an import.
pub fn draft_input(draft: &Draft, state: DraftState) -> Result<DraftInput> {
    input_of(draft, state)
}

/// A new draft with the rows the wizard shows already in place, set to the usual choices.
pub fn template(kind: PartyKind) -> Draft {
    let json = match kind {
        PartyKind::Person => serde_json::json!({
            "kind": "person",
            "taxIds": [{"idType": "Ssn", "country": "US"}],
            "addresses": [{"addressType": "Home", "classification": "Residential", "isPrimary": true, "country": "US"}],
            "phones": [{"phoneType": "Mobile", "isPrimary": true}],
            "emails": [{"emailType": "Personal", "isPrimary": true}],
            "identityDocuments": [{"idType": "DriversLicense", "isPrimary": true, "issuingCountry": "US"}],
            "cos": {"riskRating": "Low"}
        }),
        PartyKind::Company => serde_json::json!({
            "kind": "company",
            "taxIds": [{"idType": "Ein", "country": "US"}],
            "addresses": [{"addressType": "Business", "classification": "Business", "isPrimary": true, "country": "US"}],
            "phones": [{"phoneType": "Work", "isPrimary": true}],
            "emails": [{"emailType": "Work", "isPrimary": true}],
            "cos": {"riskRating": "Low", "beneficialOwners": [{}]}
        }),
    };
    serde_json::from_value(json).unwrap_or_default()
}

/// Drops the optional rows staff left empty (the wizard shows one of each), so an unused
/// phone or email row is not an error. Only fields a person types count: the preset
/// choices (type, classification, country) do not make a row filled.
pub fn without_blank_rows(draft: &Draft) -> Draft {
    let mut d = draft.clone();
    let blank = |values: &[&str]| values.iter().all(|v| v.trim().is_empty());
    d.addresses
        .retain(|a| !blank(&[&a.street1, &a.street2, &a.city, &a.state, &a.postal_code]));
    d.phones.retain(|p| !blank(&[&p.number, &p.extension]));
    d.emails.retain(|e| !blank(&[&e.address]));
    d.identity_documents.retain(|i| {
        !blank(&[
            &i.number,
            &i.issued_date,
            &i.expiry_date,
            &i.issuing_authority,
        ])
    });
    d.cos
        .beneficial_owners
        .retain(|o| !blank(&[&o.owner_customer_id, &o.title, &o.ownership_percentage]));
    d
}

// The crash-test hook lives in its own module, compiled in only for tests.
pub use crate::failpoint;
