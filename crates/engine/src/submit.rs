//! Submitting: a draft is checked, frozen, and laid out as its provider's plan of steps,
//! stored with the audit entry in one transaction. Nothing is sent here; the runner sends.

use std::time::Duration;

use branchdesk_domain::draft::{Draft, Provider};
use branchdesk_domain::validate::Issue;
use branchdesk_vault::{
    AuditOutcome, AuditRecord, DraftId, DraftState, Hold, NewStep, PlannedSubmission, Vault,
};

use crate::checks;
use crate::drafts::{draft_input, editable_state, without_blank_rows};
use crate::flows::{bvnk, cos, fin};
use crate::people::Person;
use crate::{Error, Result};

/// What planning needs: the vault, the Fin.com and BVNK connections, COS's partner and
/// key retention, who submits, and whether a second person must check the plan first.
pub(crate) struct Planner<'a> {
    pub vault: &'a Vault,
    pub fin: &'a fin::FinConnection,
    pub bvnk: &'a bvnk::BvnkConnection,
    pub partner_id: &'a str,
    pub key_retention: Duration,
    pub maker: &'a Person,
    pub four_eyes: bool,
}

impl Planner<'_> {
    /// Freezes the draft into its plan in one transaction. After a definite rejection, the
    /// steps already done are not sent again: the plan starts from the customer the provider
    /// already has.
    pub fn submit(&self, id: DraftId, draft: &Draft) -> Result<()> {
        let planned = self.plan(id, draft)?;
        self.vault.submit_planned(&planned)?;
        Ok(())
    }

    /// [`Planner::submit`] for several drafts at once: each is checked and planned as
    /// `submit` does, and every plan is stored in one transaction, one disk flush for all of
    /// them instead of one a draft. Each draft's outcome, in order: one refused leaves the
    /// others submitted. `Err` only when the transaction could not be committed, and then
    /// none is.
    pub fn submit_all(&self, drafts: &[(DraftId, Draft)]) -> Result<Vec<Result<()>>> {
        let mut outcomes: Vec<Option<Result<()>>> = Vec::with_capacity(drafts.len());
        let mut planned = Vec::with_capacity(drafts.len());
        for (id, draft) in drafts {
            match self.plan(*id, draft) {
                Ok(submission) => {
                    planned.push(submission);
                    outcomes.push(None);
                }
                Err(error) => outcomes.push(Some(Err(error))),
            }
        }
        let mut stored = self.vault.submit_plans(&planned)?.into_iter();
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
    fn plan(&self, draft_id: DraftId, draft: &Draft) -> Result<PlannedSubmission> {
        editable_state(self.vault, draft_id)?;
        let draft = without_blank_rows(draft);
        let previous = self.vault.latest_plan(draft_id)?;
        match draft.provider {
            Provider::Fin => {
                // Without a Fin.com connection nothing could be sent: said now, not from the
                // queue.
                self.fin.client()?;
                let errors: Vec<Issue> = checks::validate(&draft, self.fin.attach_config())
                    .into_iter()
                    .filter(Issue::is_error)
                    .collect();
                let steps =
                    fin::plan::plan(self.vault, self.fin, &draft, previous.as_ref(), errors)?;
                self.frozen(draft_id, &draft, Provider::Fin, steps)
            }
            Provider::Bvnk => {
                self.bvnk.client()?;
                let errors: Vec<Issue> = checks::validate(&draft, self.fin.attach_config())
                    .into_iter()
                    .filter(Issue::is_error)
                    .collect();
                let steps = bvnk::plan::plan(
                    self.vault,
                    self.bvnk,
                    draft_id,
                    &draft,
                    previous.as_ref(),
                    errors,
                )?;
                self.frozen(draft_id, &draft, Provider::Bvnk, steps)
            }
            Provider::Cos => {
                let (draft, steps) = cos::plan::plan(
                    self.vault,
                    self.partner_id,
                    self.key_retention,
                    draft_id,
                    &draft,
                    previous.as_ref(),
                )?;
                self.frozen(draft_id, &draft, Provider::Cos, steps)
            }
        }
    }
}

impl Planner<'_> {
    /// The draft as submitted, its plan, and the audit entry saying who submitted it; with
    /// four eyes on, the plan is held for a check of exactly this draft.
    fn frozen(
        &self,
        draft_id: DraftId,
        draft: &Draft,
        provider: Provider,
        steps: Vec<NewStep>,
    ) -> Result<PlannedSubmission> {
        let audit = AuditRecord {
            draft_id: Some(draft_id),
            actor: self.maker.actor(),
            action: if self.four_eyes {
                "submit.for_check"
            } else {
                "submit"
            }
            .to_owned(),
            provider: Some(provider),
            endpoint: None,
            status: None,
            provider_ids: serde_json::json!({ "steps": steps.len() }),
            outcome: AuditOutcome::Success,
        };
        let state = if self.four_eyes {
            DraftState::AwaitingCheck
        } else {
            DraftState::Waiting
        };
        let mut input = draft_input(draft, state)?;
        input.provider = provider;
        let hold = self.four_eyes.then(|| Hold {
            maker: self.maker.name.clone(),
            digest: crate::review::decide::digest(&input.body),
        });
        Ok(PlannedSubmission {
            draft: draft_id,
            input,
            steps,
            audit,
            hold,
        })
    }
}
