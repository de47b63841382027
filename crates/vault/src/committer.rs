//! A thread that commits the outbox runner's writes behind its back.
//!
//! The runner's writes are small and come from several drafts at once. Each caller waiting
//! for its own commit costs a thread blocked on the disk and a wake-up per write; instead
//! the runner hands its writes to a [`Committer`] and goes on sending, and one thread
//! commits whatever has queued up while the previous commit was on its way to disk. Each
//! write is still answered only once its commit is durable (synchronous=FULL), so the
//! runner waits exactly where durability matters and nowhere else.

use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::outbox::{finish_step_in, mark_steps_sent_in};
use crate::{AuditRecord, Claim, DraftState, Error, Result, StepId, Vault};

/// Commits queued writes on a thread of its own; see the module's documentation. Dropping
/// it commits what is still queued, then stops the thread.
pub struct Committer {
    vault: Arc<Vault>,
    kick: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Committer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Committer").finish_non_exhaustive()
    }
}

impl Committer {
    /// Starts the committing thread for `vault`.
    pub fn start(vault: Arc<Vault>) -> Result<Committer> {
        let (kick, kicked) = channel::<()>();
        let shared = Arc::clone(&vault);
        let thread = std::thread::Builder::new()
            .name("vault-committer".to_owned())
            .spawn(move || {
                // One commit carries every write queued by the time it starts: kicks that
                // arrived meanwhile are for writes it already carries, or for later ones,
                // whose own kick is still waiting.
                while kicked.recv().is_ok() {
                    while kicked.try_recv().is_ok() {}
                    shared.commit_queued();
                }
                shared.commit_queued();
            })
            .map_err(|source| {
                Error::io("starting the committer for", vault.database_path(), source)
            })?;
        Ok(Committer {
            vault,
            kick: Some(kick),
            thread: Some(thread),
        })
    }

    /// Marks `steps` (of one plan) sent, as [`Vault::mark_step_sent`] does, and their draft
    /// `draft_state`; `answer` is called once the commit is on disk.
    pub fn start_steps(
        &self,
        steps: Vec<Claim>,
        draft_state: DraftState,
        answer: impl FnOnce(Result<()>) + Send + 'static,
    ) {
        self.vault.enqueue(
            move |tx| mark_steps_sent_in(tx, &steps, draft_state),
            answer,
        );
        self.kick();
    }

    /// Records a step's success and its audit entry, as [`Vault::complete_step`] does;
    /// `answer` is called with whether the plan is finished once the commit is on disk.
    pub fn complete_step(
        &self,
        step: StepId,
        provider_ids: serde_json::Value,
        audit: AuditRecord,
        finished: DraftState,
        answer: impl FnOnce(Result<bool>) + Send + 'static,
    ) {
        self.vault.enqueue(
            move |tx| {
                finish_step_in(tx, step, &provider_ids, &audit, finished).map(|(_, done)| done)
            },
            answer,
        );
        self.kick();
    }

    fn kick(&self) {
        if let Some(kick) = &self.kick {
            // The thread only stops once this sender is dropped, so the send cannot fail
            // while `self` lives; if it somehow had, commit here rather than lose the write.
            if kick.send(()).is_err() {
                self.vault.commit_queued();
            }
        }
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        self.kick = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    // Tests state their expectations with unwrap: a failure's panic is the report.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{
        Actor, AuditOutcome, DraftId, DraftInput, MemoryStore, NewStep, PartyKind,
        PlannedSubmission, Provider, StepStatus,
    };
    use std::sync::mpsc::sync_channel;

    fn audit(draft: DraftId, action: &str) -> AuditRecord {
        AuditRecord {
            draft_id: Some(draft),
            actor: Actor::System,
            action: action.to_owned(),
            provider: Some(Provider::Cos),
            endpoint: None,
            status: None,
            provider_ids: serde_json::Value::Null,
            outcome: AuditOutcome::Success,
        }
    }

    fn planned(vault: &Vault) -> (DraftId, Vec<crate::Step>) {
        let input = |state| DraftInput {
            provider: Provider::Cos,
            kind: PartyKind::Person,
            display_name: "Ada".to_owned(),
            masked_tax_id: None,
            state,
            body: serde_json::json!({}),
        };
        let draft = vault.create_draft(&input(DraftState::Ready)).unwrap().id;
        let submission = PlannedSubmission {
            draft,
            input: input(DraftState::Waiting),
            steps: (0..3)
                .map(|i| NewStep {
                    kind: format!("cos.step{i}"),
                    idempotency_key: uuid::Uuid::new_v4().to_string(),
                    body: vec![b'0' + i],
                })
                .collect(),
            audit: audit(draft, "submit"),
            hold: None,
        };
        vault
            .submit_plans(&[submission])
            .unwrap()
            .remove(0)
            .unwrap();
        let steps = vault.latest_plan(draft).unwrap().unwrap().steps;
        (draft, steps)
    }

    #[test]
    fn writes_handed_over_are_committed_and_answered_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Arc::new(Vault::open(dir.path(), &MemoryStore::default()).unwrap());
        let (draft, steps) = planned(&vault);
        let committer = Committer::start(Arc::clone(&vault)).unwrap();
        let (sender, answers) = sync_channel(8);
        let started = sender.clone();
        let claims = steps.iter().map(Claim::of).collect();
        committer.start_steps(claims, DraftState::Sending, move |r| {
            r.unwrap();
            started.send(("sent", 3)).unwrap();
        });
        for (i, step) in steps.iter().enumerate() {
            let done = sender.clone();
            committer.complete_step(
                step.id,
                serde_json::json!({ "id": i }),
                audit(draft, "cos.step"),
                DraftState::Submitted,
                move |r| done.send(("done", usize::from(r.unwrap()))).unwrap(),
            );
        }
        // Dropping it commits what is still queued before it returns.
        drop(committer);
        let seen: Vec<(&str, usize)> = answers.try_iter().collect();
        assert_eq!(seen, [("sent", 3), ("done", 0), ("done", 0), ("done", 1)]);
        let plan = vault.latest_plan(draft).unwrap().unwrap();
        assert!(plan
            .steps
            .iter()
            .all(|s| s.status == StepStatus::Done && s.attempts == 1));
        let stored = vault.get_draft(draft).unwrap().unwrap();
        assert_eq!(stored.summary.state, DraftState::Submitted);
    }

    #[test]
    fn a_step_claimed_by_another_runner_is_not_claimed_again() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Arc::new(Vault::open(dir.path(), &MemoryStore::default()).unwrap());
        let (_, steps) = planned(&vault);
        // Two runners read the same pending step; the first claim wins, the second is
        // refused, however the claims are made.
        let read_by_both = steps[0].clone();
        vault
            .start_step(&read_by_both, DraftState::Sending)
            .unwrap();
        assert!(matches!(
            vault.start_step(&read_by_both, DraftState::Sending),
            Err(Error::StepClaimed(id)) if id == read_by_both.id
        ));
        let committer = Committer::start(Arc::clone(&vault)).unwrap();
        let (sender, answers) = sync_channel(1);
        committer.start_steps(
            vec![Claim::of(&read_by_both)],
            DraftState::Sending,
            move |r| sender.send(r).unwrap(),
        );
        drop(committer);
        assert!(matches!(
            answers.try_recv().unwrap(),
            Err(Error::StepClaimed(_))
        ));
        let step = &vault.latest_plan(steps[0].draft_id).unwrap().unwrap().steps[0];
        assert_eq!((step.status, step.attempts), (StepStatus::Sent, 1));
    }

    #[test]
    fn a_refused_write_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Arc::new(Vault::open(dir.path(), &MemoryStore::default()).unwrap());
        let (draft, steps) = planned(&vault);
        let committer = Committer::start(Arc::clone(&vault)).unwrap();
        let (sender, answers) = sync_channel(8);
        let first = sender.clone();
        // Done before it was ever sent is allowed; done twice is not.
        committer.complete_step(
            steps[0].id,
            serde_json::Value::Null,
            audit(draft, "cos.step"),
            DraftState::Submitted,
            move |r| first.send(r.is_ok()).unwrap(),
        );
        let second = sender.clone();
        committer.complete_step(
            steps[0].id,
            serde_json::Value::Null,
            audit(draft, "cos.step"),
            DraftState::Submitted,
            move |r| second.send(r.is_ok()).unwrap(),
        );
        drop(committer);
        let seen: Vec<bool> = answers.try_iter().collect();
        assert_eq!(seen, [true, false]);
        let plan = vault.latest_plan(draft).unwrap().unwrap();
        assert_eq!(plan.steps[0].status, StepStatus::Done);
    }
}
