//! The runner's passes: every plan with work left, a few drafts side by side and each
//! draft's steps in order, then the undecided Fin.com customers; then a wait until woken or
//! the retry interval, longer while a provider stays unreachable.

use std::time::Duration;

use branchdesk_api::Error as ApiError;
use branchdesk_vault::{AfterStep, DraftFilter, DraftId, DraftState, Provider, Step, StepStatus};
use futures::stream::FuturesUnordered;
use futures::StreamExt;

use super::pipelined::CosRun;
use super::record::success_audit;
use super::state::{Claimed, Runner, Settling};
use crate::flows::{bvnk, cos, fin};
use crate::steps::{customer_id_of, StepKind};
use crate::{failpoint, status, Error, Result};

/// Drafts the app's runner sends at the same time.
const RUNNER_CONCURRENCY: usize = 4;

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

impl Runner {
    /// Sends every plan with work left, then waits to be woken (a submit) or for the retry
    /// interval. Runs for the life of the app; a restart simply starts it again.
    pub(crate) async fn run(&self) {
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
            // followed here too, so the decision reaches the Drafts list (approved, or back
            // to staff) with nobody looking at the submission.
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

    /// Asks Fin.com about every submitted Fin.com customer it has not decided on yet, and
    /// records each decision as the status page would; how many are still undecided.
    async fn follow_undecided(&self) -> usize {
        let mut drafts = Vec::new();
        for provider in [Provider::Fin, Provider::Bvnk] {
            let filter = DraftFilter {
                provider: Some(provider),
                states: vec![DraftState::Submitted],
                ..DraftFilter::default()
            };
            match self.vault.list_drafts(&filter) {
                Ok(found) => drafts.extend(found),
                Err(error) => {
                    tracing::error!(error = %error, "the drafts could not be read");
                    return 0;
                }
            }
        }
        let mut undecided = 0;
        for draft in drafts {
            match status::submission_status(&self.vault, &self.cos, &self.fin, &self.bvnk, draft.id)
                .await
            {
                Ok(now) if now.state == DraftState::Submitted.as_str() => undecided += 1,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(draft = %draft.id, error = %error.for_log(), "status not followed")
                }
            }
        }
        undecided
    }

    /// Sends one draft's steps in order until done, a definite rejection, or no network,
    /// and returns once what it recorded is on disk.
    pub(crate) async fn run_draft(&self, draft: DraftId) -> Result<()> {
        self.start_draft(draft).await?.await
    }

    /// Runs `drafts` as they come, `concurrency` at a time, each draft's steps in order.
    /// A draft leaves its place to the next one as soon as its last answer is in, while that
    /// answer's commit is still on its way to disk; each result is returned once the draft's
    /// records are on disk.
    pub(crate) async fn run_drafts(
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
        let Some(guard) = Claimed::enter(&self.running, draft) else {
            // Another run of this runner is sending the draft: it sends each step once.
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

    /// [`Runner::start_draft`] once the draft is this run's alone.
    async fn start_draft_alone(&self, draft: DraftId) -> Result<Settling<'_>> {
        let plan = self.vault.latest_plan(draft)?;
        if plan.as_ref().is_none_or(|p| p.held) {
            // Never planned (or its plan dropped), or waiting for its four-eyes check:
            // nothing is sent and nothing about the draft changes.
            return Ok(Box::pin(std::future::ready(Ok(()))));
        }
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
                    if step.status == StepStatus::Sent
                        && step.provider == Provider::Cos
                        && self.key_expired(&step)
                    {
                        return self.park_unknown_outcome(draft, &step);
                    }
                    // Went out in an earlier run and may have arrived: never resent.
                    if step.status == StepStatus::Sent && fin::recovery::resend_may_duplicate(&step)
                    {
                        let lost = fin::recovery::answer_lost_with_the_process();
                        return self.step_went_wrong(draft, step, lost).await;
                    }
                    // Claimed before its request leaves: only if nobody changed it since it
                    // was read.
                    self.write(move |v| v.start_step(&step, DraftState::Sending))
                        .await?
                }
            };
            match self.send_step(&step, customer.as_deref()).await {
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
        let held = self
            .vault
            .latest_plan(draft)?
            .is_some_and(|p| p.steps.iter().any(|s| s.status == StepStatus::Failed));
        if !held {
            self.vault.set_draft_state(draft, DraftState::Submitted)?;
        }
        Ok(())
    }

    /// Sends a step marked `sent`, through the crash-test failpoints.
    pub(in crate::runner) async fn send_step(
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
            self.answered(step);
        }
        sent
    }

    /// One step to its provider's flow.
    async fn send(&self, step: &Step, customer: Option<&str>) -> Result<serde_json::Value> {
        let (kind, _) = StepKind::parse(&step.kind)
            .ok_or_else(|| Error::PlanInconsistent(format!("unknown step {}", step.kind)))?;
        match kind.provider() {
            Provider::Fin => {
                let plan = self.vault.latest_plan(step.draft_id)?;
                let steps = plan.map(|p| p.steps).unwrap_or_default();
                fin::send::send(&self.fin, &self.vault, kind, step, &steps).await
            }
            Provider::Bvnk => {
                let plan = self.vault.latest_plan(step.draft_id)?;
                let steps = plan.map(|p| p.steps).unwrap_or_default();
                bvnk::send::send(&self.bvnk, &self.vault, kind, step, &steps).await
            }
            Provider::Cos => cos::send::send(&self.cos, kind, step, customer).await,
        }
    }
}
