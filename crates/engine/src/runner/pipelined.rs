//! A COS plan's unfinished steps, in order, without waiting for the disk between them:
//! the steps' `sent` marks and each answer's commit (its outcome and its audit entry) go to
//! the committer while the next request is out, and the draft is settled only once the
//! last of them is on disk. Every step goes out with the key and body frozen when it was
//! planned, so a crash costs nothing but resending, under the same keys, the steps whose
//! answers were not yet on disk: COS answers a repeated key with its first answer. Because a
//! step may have gone out before its `sent` mark was written, every unfinished step counts
//! as possibly sent for the key-retention rule.

use branchdesk_vault::{Claim, DraftId, DraftState, Plan, Step, StepStatus};

use super::record::success_audit;
use super::state::{on_disk, OnDisk, Runner};
use crate::Result;

/// How a COS plan's run ended.
pub(in crate::runner) enum CosRun {
    /// Nothing left to send, or what is left waits for staff or the network.
    Settled,
    /// Every step went out; the last answer's commit, whether it finished the plan.
    Recording(OnDisk<bool>),
    /// Left to the one-step-at-a-time loop.
    Unfinished,
}

impl Runner {
    pub(in crate::runner) async fn run_cos_plan(
        &self,
        draft: DraftId,
        plan: Plan,
        customer: &mut Option<String>,
    ) -> Result<CosRun> {
        // The unfinished steps, in order, as the plan stands before this run (a failed one
        // holds back the rest). A step already `sent` went out in an earlier run, and is
        // resent only within its key's retention.
        let queue: Vec<Step> = plan
            .steps
            .into_iter()
            .skip_while(|s| s.status == StepStatus::Done)
            .take_while(|s| matches!(s.status, StepStatus::Pending | StepStatus::Sent))
            .collect();
        let Some(first) = queue.first() else {
            return Ok(CosRun::Unfinished);
        };
        // The plan's steps were planned together: if the first is within its key's
        // retention, so are the rest.
        if self.key_expired(first) {
            self.park_unknown_outcome(draft, first)?;
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
}
