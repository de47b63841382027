//! The outbox the submission engine works from: plans of steps, each step's request frozen
//! at planning time. The vault only keeps order and status; what a step kind means is the
//! engine's business.
//!
//! Why one file (about 700 lines): plans, steps and their transitions share one set of SQL
//! statements and one state machine; every transition (claim, done, failed, retry) must be
//! read beside the others. Its tests live in `outbox/tests.rs`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;

use crate::audit::append_in;
use crate::drafts::set_state_in;
use crate::types::{column, time_column, timestamp};
use crate::DraftInput;
use crate::{
    AuditRecord, DraftId, DraftState, Error, PlanId, Provider, Result, StepId, StepStatus, Vault,
};

/// A step as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStep {
    /// The engine's name for what the step does, e.g. `cos.create_customer`.
    pub kind: String,
    pub idempotency_key: String,
    /// The exact request body, sent byte for byte on every attempt.
    pub body: Vec<u8>,
}

/// One draft's submission, as [`Vault::submit_plans`] stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSubmission {
    pub draft: DraftId,
    /// The draft as submitted.
    pub input: DraftInput,
    pub steps: Vec<NewStep>,
    /// Who submitted it.
    pub audit: AuditRecord,
    /// Held for a four-eyes check: stored whole, sent only once a reviewer approves.
    pub hold: Option<Hold>,
}

/// Who made a held plan, and the SHA-256 of the draft body it was made from (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub maker: String,
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub id: StepId,
    pub plan_id: PlanId,
    pub draft_id: DraftId,
    pub provider: Provider,
    pub index: u32,
    pub kind: String,
    pub idempotency_key: String,
    #[serde(skip)]
    pub body: Vec<u8>,
    pub status: StepStatus,
    /// How many times the step was marked sent.
    pub attempts: u32,
    pub last_error: Option<String>,
    /// What the provider answered with, e.g. `{"customerId": "…"}`; `{}` until done.
    pub provider_ids: serde_json::Value,
    pub planned_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub id: PlanId,
    pub draft_id: DraftId,
    pub provider: Provider,
    pub planned_at: DateTime<Utc>,
    /// Waiting for a four-eyes check: none of its steps is sent until it is approved.
    pub held: bool,
    /// In step order.
    pub steps: Vec<Step>,
}

/// What [`Vault::complete_step`] left to do.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterStep {
    /// The plan's next step, marked sent in the same commit: its request goes out next.
    Send(Box<Step>),
    /// Every step of the plan is done and the draft has taken the state it was given.
    Finished,
    /// The plan's next unfinished step is not a fresh one: it failed, or it went out before
    /// and should be looked at as after a restart ([`Vault::next_pending_step`]).
    Held,
}

/// How a step that went out ended, when not done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepFailure {
    /// No definite answer (the provider was unreachable or asked to come back later): the
    /// step stays `sent` and is resent under its key.
    Retryable,
    /// A definite answer that needs a person; the text is kept as the step's last error.
    Failed(String),
    /// The request surely never reached the provider (no connection was made, or it was
    /// turned away unread): the step goes back to `pending`, so a `sent` step found later is
    /// known to be one that may have arrived. For providers without idempotency keys.
    NotSent,
}

const STEP_COLUMNS: &str = "id, plan_id, draft_id, provider, step_index, kind, idempotency_key,
     body, status, attempts, last_error, provider_ids, planned_at, updated_at";

fn step_from_row(row: &Row<'_>) -> rusqlite::Result<Step> {
    let provider_ids: String = row.get(11)?;
    Ok(Step {
        id: StepId(row.get(0)?),
        plan_id: column(row, 1)?,
        draft_id: column(row, 2)?,
        provider: column(row, 3)?,
        index: row.get(4)?,
        kind: row.get(5)?,
        idempotency_key: row.get(6)?,
        body: row.get(7)?,
        status: column(row, 8)?,
        attempts: row.get(9)?,
        last_error: row.get(10)?,
        provider_ids: serde_json::from_str(&provider_ids).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, Box::new(e))
        })?,
        planned_at: time_column(row, 12)?,
        updated_at: time_column(row, 13)?,
    })
}

// The runner's statements are prepared once per connection and kept: parsing them again
// on every step cost more than running them.
fn get_step(conn: &Connection, id: StepId) -> Result<Step> {
    conn.prepare_cached(&format!("SELECT {STEP_COLUMNS} FROM steps WHERE id = ?1"))?
        .query_row([id.0], step_from_row)
        .optional()?
        .ok_or(Error::StepNotFound(id))
}

fn latest_plan_in(conn: &Connection, draft: DraftId) -> Result<Option<Plan>> {
    let head = conn
        .prepare_cached(
            "SELECT id, provider, planned_at, held FROM plans WHERE draft_id = ?1
             ORDER BY planned_at DESC, rowid DESC LIMIT 1",
        )?
        .query_row([draft.to_string()], |row| {
            Ok((
                column::<PlanId>(row, 0)?,
                column::<Provider>(row, 1)?,
                time_column(row, 2)?,
                row.get::<_, bool>(3)?,
            ))
        })
        .optional()?;
    let Some((id, provider, planned_at, held)) = head else {
        return Ok(None);
    };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {STEP_COLUMNS} FROM steps WHERE plan_id = ?1 ORDER BY step_index"
    ))?;
    let steps = statement
        .query_map([id.to_string()], step_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(Plan {
        id,
        draft_id: draft,
        provider,
        planned_at,
        held,
        steps,
    }))
}

/// The first unfinished step of the draft's latest plan, if it can go: steps run in order,
/// so a failed step holds back the ones after it until it is retried, and a plan held for
/// its four-eyes check sends nothing.
fn next_step_in(conn: &Connection, draft: DraftId) -> Result<Option<Step>> {
    let next = conn
        .prepare_cached(&format!(
            "SELECT {STEP_COLUMNS} FROM steps
             WHERE plan_id = (SELECT id FROM plans WHERE draft_id = ?1
                              ORDER BY planned_at DESC, rowid DESC LIMIT 1)
               AND status != 'done'
               AND NOT (SELECT held FROM plans WHERE id = steps.plan_id)
             ORDER BY step_index LIMIT 1"
        ))?
        .query_row([draft.to_string()], step_from_row)
        .optional()?;
    Ok(next.filter(|s| matches!(s.status, StepStatus::Pending | StepStatus::Sent)))
}

/// Stores a plan and its steps, as `pending`, within the caller's transaction.
fn create_plan_in(
    tx: &Connection,
    draft: DraftId,
    provider: Provider,
    steps: &[NewStep],
) -> Result<Plan> {
    insert_plan_in(tx, draft, provider, steps)?;
    latest_plan_in(tx, draft)?
        .ok_or_else(|| Error::Corrupt("a plan vanished as it was written".into()))
}

/// One submission within the caller's transaction: the draft as submitted, its plan, and
/// the audit entry.
fn submit_in(tx: &Connection, submission: &PlannedSubmission) -> Result<PlanId> {
    crate::drafts::save_in(tx, submission.draft, &submission.input)?;
    let plan = insert_plan_in(
        tx,
        submission.draft,
        submission.input.provider,
        &submission.steps,
    )?;
    if let Some(hold) = &submission.hold {
        crate::review::hold_in(tx, submission.draft, plan, hold)?;
    }
    append_in(tx, &submission.audit)?;
    Ok(plan)
}

/// [`create_plan_in`] without reading the plan back.
fn insert_plan_in(
    tx: &Connection,
    draft: DraftId,
    provider: Provider,
    steps: &[NewStep],
) -> Result<PlanId> {
    if steps.is_empty() {
        return Err(Error::InvalidInput("a plan needs at least one step".into()));
    }
    let exists: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM drafts WHERE id = ?1)")?
        .query_row([draft.to_string()], |row| row.get(0))?;
    if !exists {
        return Err(Error::DraftNotFound(draft));
    }
    let held: Option<String> = tx
        .prepare_cached(
            "SELECT id FROM plans WHERE draft_id = ?1 AND held
             AND id = (SELECT id FROM plans WHERE draft_id = ?1
                       ORDER BY planned_at DESC, rowid DESC LIMIT 1)",
        )?
        .query_row([draft.to_string()], |row| row.get(0))
        .optional()?;
    if let Some(plan) = held {
        return Err(Error::PlanInProgress {
            draft,
            plan: plan.parse()?,
        });
    }
    if let Some(busy) = next_step_in(tx, draft)? {
        return Err(Error::PlanInProgress {
            draft,
            plan: busy.plan_id,
        });
    }
    let id = PlanId::new();
    let now = timestamp(Utc::now());
    tx.prepare_cached(
        "INSERT INTO plans (id, draft_id, provider, planned_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![
        id.to_string(),
        draft.to_string(),
        provider.as_str(),
        now
    ])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO steps (plan_id, draft_id, provider, step_index, kind,
                            idempotency_key, body, planned_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?;
    for (index, step) in steps.iter().enumerate() {
        insert.execute(params![
            id.to_string(),
            draft.to_string(),
            provider.as_str(),
            index,
            step.kind,
            step.idempotency_key,
            step.body,
            now,
        ])?;
    }
    Ok(id)
}

impl Vault {
    /// Stores a plan and all its steps in one transaction, as `pending`. Refused while the
    /// draft's previous plan still has a step to send, so a draft is never submitted twice
    /// at once.
    pub fn create_plan(
        &self,
        draft: DraftId,
        provider: Provider,
        steps: &[NewStep],
    ) -> Result<Plan> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let plan = create_plan_in(&tx, draft, provider, steps)?;
        tx.commit()?;
        Ok(plan)
    }

    /// A submission in one transaction, so one disk flush: the draft as submitted, its
    /// plan, and the audit entry saying who submitted it. Either all of it is stored or
    /// none of it.
    pub fn submit_plan(
        &self,
        draft: DraftId,
        input: &DraftInput,
        steps: &[NewStep],
        audit: &AuditRecord,
    ) -> Result<Plan> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        crate::drafts::save_in(&tx, draft, input)?;
        let plan = create_plan_in(&tx, draft, input.provider, steps)?;
        crate::audit::append_in(&tx, audit)?;
        tx.commit()?;
        Ok(plan)
    }

    /// One submission as [`Vault::submit_plans`] stores each: the draft, its plan (held for
    /// a check when it says so) and its audit entry, in one transaction.
    pub fn submit_planned(&self, submission: &PlannedSubmission) -> Result<PlanId> {
        self.in_transaction(|tx| submit_in(tx, submission))
    }

    /// Several submissions, each as [`Vault::submit_plan`] stores it, in one transaction:
    /// one disk flush for all of them instead of one each. Each is still whole or nothing on
    /// its own (a savepoint each), so one refused (its draft gone, a plan still in
    /// progress, an audit entry the log refuses) leaves the others to commit. Answers once
    /// the transaction is on disk, with each submission's outcome in order; `Err` when it
    /// could not be committed, and then none of them is stored.
    pub fn submit_plans(&self, submissions: &[PlannedSubmission]) -> Result<Vec<Result<PlanId>>> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(submissions.len());
        for submission in submissions {
            tx.prepare_cached("SAVEPOINT submission")?.execute([])?;
            let outcome = submit_in(&tx, submission);
            if outcome.is_err() {
                tx.prepare_cached("ROLLBACK TO submission")?.execute([])?;
            }
            tx.prepare_cached("RELEASE submission")?.execute([])?;
            outcomes.push(outcome);
        }
        tx.commit()?;
        Ok(outcomes)
    }

    /// The draft's most recent plan with all its steps.
    pub fn latest_plan(&self, draft: DraftId) -> Result<Option<Plan>> {
        let reader = self.reader();
        // One snapshot for the plan and its steps.
        let tx = reader.unchecked_transaction()?;
        latest_plan_in(&tx, draft)
    }

    /// The step to send next for a draft: `pending`, or `sent` without an answer (resend it
    /// under its idempotency key). `None` when the plan is finished, held back by a failed
    /// step, or there is none.
    pub fn next_pending_step(&self, draft: DraftId) -> Result<Option<Step>> {
        next_step_in(&self.reader(), draft)
    }

    /// Records that the step's request is about to go out, before it does: after a crash a
    /// `sent` step may or may not have reached the provider, and is resent, never skipped.
    pub fn mark_step_sent(&self, step: StepId) -> Result<Step> {
        self.in_transaction(|tx| mark_sent_in(tx, step))
    }

    /// Records the provider's success and the ids it returned.
    pub fn mark_step_done(&self, step: StepId, provider_ids: &serde_json::Value) -> Result<Step> {
        self.in_transaction(|tx| mark_done_in(tx, step, provider_ids))
    }

    /// Records a failure that needs a person (a retryable one stays `sent` and is resent).
    pub fn mark_step_failed(&self, step: StepId, error: &str) -> Result<Step> {
        self.in_transaction(|tx| mark_failed_in(tx, step, error))
    }

    /// Marks the step sent, as [`Vault::mark_step_sent`] does, and its draft `draft_state`
    /// in the same commit. Shares its commit with concurrent runner writes (see
    /// [`Vault::complete_step`]).
    ///
    /// The step is claimed: marked only if it is still as `step` shows it (the same status
    /// and number of attempts), so of two runners that read the same step, one sends it and
    /// the other is refused with [`Error::StepClaimed`].
    pub fn start_step(&self, step: &Step, draft_state: DraftState) -> Result<Step> {
        let claim = Claim::of(step);
        self.write_grouped(move |tx| {
            claim_in(tx, &claim)?;
            let sent = get_step(tx, claim.step)?;
            set_state_in(tx, sent.draft_id, draft_state)?;
            Ok(sent)
        })
    }

    /// Records the provider's success, the ids it returned and the step's audit entry in one
    /// commit: after a crash both are there or neither is (the step is then still `sent`,
    /// and resent under its key). The same commit moves the plan on: the next step is marked
    /// sent, its request going out next, or, when every step is done, the draft takes
    /// `finished`. So a step costs the runner one commit, and the `sent` mark is still on
    /// disk before its request leaves.
    ///
    /// Calls made at the same time from several threads share one commit, and each returns
    /// only once that commit is on disk. Audit entries are chained in the order the group
    /// runs them, inside its one transaction.
    pub fn complete_step(
        &self,
        step: StepId,
        provider_ids: &serde_json::Value,
        audit: &AuditRecord,
        finished: DraftState,
    ) -> Result<AfterStep> {
        let (provider_ids, audit) = (provider_ids.clone(), audit.clone());
        self.write_grouped(move |tx| {
            let (plan, done) = finish_step_in(tx, step, &provider_ids, &audit, finished)?;
            if done {
                return Ok(AfterStep::Finished);
            }
            let next = tx
                .prepare_cached(&format!(
                    "SELECT {STEP_COLUMNS} FROM steps WHERE plan_id = ?1 AND status != 'done'
                     ORDER BY step_index LIMIT 1"
                ))?
                .query_row([plan], step_from_row)
                .optional()?;
            match next {
                Some(next) if next.status == StepStatus::Pending => {
                    Ok(AfterStep::Send(Box::new(mark_sent_in(tx, next.id)?)))
                }
                _ => Ok(AfterStep::Held),
            }
        })
    }

    /// Records a step that went out but did not end done, its draft's new state and, if
    /// given, its audit entry, in one commit (shared as [`Vault::complete_step`]'s is).
    pub fn fail_step_with_audit(
        &self,
        step: StepId,
        failure: StepFailure,
        audit: Option<&AuditRecord>,
        draft_state: DraftState,
    ) -> Result<Step> {
        let audit = audit.cloned();
        self.write_grouped(move |tx| {
            let step = match failure {
                StepFailure::Retryable => {
                    let current = get_step(tx, step)?;
                    if current.status != StepStatus::Sent {
                        return Err(Error::StepTransition {
                            step,
                            from: current.status,
                            to: StepStatus::Sent,
                        });
                    }
                    current
                }
                StepFailure::Failed(error) => mark_failed_in(tx, step, &error)?,
                StepFailure::NotSent => transition_in(
                    tx,
                    step,
                    StepStatus::Pending,
                    &[StepStatus::Sent],
                    |conn, now| {
                        conn.prepare_cached(
                            "UPDATE steps SET status = 'pending', updated_at = ?2 WHERE id = ?1",
                        )?
                        .execute(params![step.0, now])
                    },
                )?,
            };
            if let Some(audit) = &audit {
                append_in(tx, audit)?;
            }
            set_state_in(tx, step.draft_id, draft_state)?;
            Ok(step)
        })
    }

    /// Puts a failed step back in line, with its frozen body and idempotency key.
    pub fn retry_step(&self, step: StepId) -> Result<Step> {
        self.transition(
            step,
            StepStatus::Pending,
            &[StepStatus::Failed],
            |conn, now| {
                conn.execute(
                    "UPDATE steps SET status = 'pending', updated_at = ?2 WHERE id = ?1",
                    params![step.0, now],
                )
            },
        )
    }

    /// Drafts with a step ready to send, oldest plan first (step ids grow with insertion, so
    /// they order plans without ties): what to resume after a restart.
    pub fn drafts_with_pending_work(&self) -> Result<Vec<DraftId>> {
        let conn = self.conn();
        let candidates: Vec<DraftId> = {
            let mut statement = conn.prepare_cached(
                "SELECT draft_id FROM steps WHERE status IN ('pending', 'sent')
                 GROUP BY draft_id ORDER BY min(id)",
            )?;
            let rows = statement.query_map([], |row| column::<DraftId>(row, 0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut ready = Vec::with_capacity(candidates.len());
        for draft in candidates {
            if next_step_in(&conn, draft)?.is_some() {
                ready.push(draft);
            }
        }
        Ok(ready)
    }

    fn in_transaction<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done = work(&tx)?;
        tx.commit()?;
        Ok(done)
    }

    fn transition(
        &self,
        step: StepId,
        to: StepStatus,
        from: &[StepStatus],
        update: impl FnOnce(&Connection, &str) -> rusqlite::Result<usize>,
    ) -> Result<Step> {
        self.in_transaction(|tx| transition_in(tx, step, to, from, update))
    }
}

fn transition_in(
    conn: &Connection,
    step: StepId,
    to: StepStatus,
    from: &[StepStatus],
    update: impl FnOnce(&Connection, &str) -> rusqlite::Result<usize>,
) -> Result<Step> {
    let current = get_step(conn, step)?;
    if !from.contains(&current.status) {
        return Err(Error::StepTransition {
            step,
            from: current.status,
            to,
        });
    }
    let now = timestamp(Utc::now());
    update(conn, &now)?;
    conn.prepare_cached("UPDATE plans SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![current.plan_id.to_string(), now])?;
    get_step(conn, step)
}

/// Marks `steps` of one plan sent, as [`Vault::mark_step_sent`] does, and their draft
/// `draft_state`, without reading the steps back: for the committer, whose caller has them.
pub(crate) fn mark_steps_sent_in(
    tx: &Connection,
    steps: &[Claim],
    draft_state: DraftState,
) -> Result<()> {
    let Some(first) = steps.first() else {
        return Ok(());
    };
    let now = timestamp(Utc::now());
    for claim in steps {
        claim_in(tx, claim)?;
    }
    let (plan, draft): (String, DraftId) = tx
        .prepare_cached("SELECT plan_id, draft_id FROM steps WHERE id = ?1")?
        .query_row([first.step.0], |row| Ok((row.get(0)?, column(row, 1)?)))?;
    tx.prepare_cached("UPDATE plans SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![plan, now])?;
    set_state_in(tx, draft, draft_state)
}

/// Marks a step done with the provider's ids and appends its audit entry, reading back
/// only what it needs; when every step of its plan is done the draft takes `finished`.
/// Answers the step's plan and whether the plan is finished.
pub(crate) fn finish_step_in(
    tx: &Connection,
    step: StepId,
    provider_ids: &serde_json::Value,
    audit: &AuditRecord,
    finished: DraftState,
) -> Result<(String, bool)> {
    let now = timestamp(Utc::now());
    let ids = serde_json::to_string(provider_ids)?;
    let updated: Option<(String, DraftId)> = tx
        .prepare_cached(
            "UPDATE steps SET status = 'done', provider_ids = ?2, last_error = NULL,
                              updated_at = ?3
             WHERE id = ?1 AND status IN ('pending', 'sent')
             RETURNING plan_id, draft_id",
        )?
        .query_row(params![step.0, ids, now], |row| {
            Ok((row.get(0)?, column(row, 1)?))
        })
        .optional()?;
    let Some((plan, draft)) = updated else {
        let current = get_step(tx, step)?;
        return Err(Error::StepTransition {
            step,
            from: current.status,
            to: StepStatus::Done,
        });
    };
    tx.prepare_cached("UPDATE plans SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![plan, now])?;
    append_in(tx, audit)?;
    let unfinished: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM steps WHERE plan_id = ?1 AND status != 'done')",
        )?
        .query_row([&plan], |row| row.get(0))?;
    if !unfinished {
        set_state_in(tx, draft, finished)?;
    }
    Ok((plan, !unfinished))
}

/// A runner's claim on a step: the step as the runner read it. It holds only while the
/// step is still exactly so; `attempts` grows with every claim, so it works as the row's
/// version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub step: StepId,
    pub status: StepStatus,
    pub attempts: u32,
}

impl Claim {
    pub fn of(step: &Step) -> Claim {
        Claim {
            step: step.id,
            status: step.status,
            attempts: step.attempts,
        }
    }
}

/// Marks a claimed step sent, only if nobody changed it since it was read; plans are not
/// touched here (the callers do it once for a batch).
fn claim_in(tx: &Connection, claim: &Claim) -> Result<()> {
    if !matches!(claim.status, StepStatus::Pending | StepStatus::Sent) {
        return Err(Error::StepTransition {
            step: claim.step,
            from: claim.status,
            to: StepStatus::Sent,
        });
    }
    let now = timestamp(Utc::now());
    let marked = tx
        .prepare_cached(
            "UPDATE steps SET status = 'sent', attempts = attempts + 1, updated_at = ?2
             WHERE id = ?1 AND status = ?3 AND attempts = ?4
               AND NOT (SELECT held FROM plans WHERE id = steps.plan_id)",
        )?
        .execute(params![
            claim.step.0,
            now,
            claim.status.as_str(),
            claim.attempts
        ])?;
    if marked != 1 {
        // Read only to say what happened: gone, or taken by another runner.
        get_step(tx, claim.step)?;
        return Err(Error::StepClaimed(claim.step));
    }
    Ok(())
}

fn mark_sent_in(conn: &Connection, step: StepId) -> Result<Step> {
    transition_in(
        conn,
        step,
        StepStatus::Sent,
        &[StepStatus::Pending, StepStatus::Sent],
        |conn, now| {
            conn.prepare_cached(
                "UPDATE steps SET status = 'sent', attempts = attempts + 1, updated_at = ?2
                 WHERE id = ?1",
            )?
            .execute(params![step.0, now])
        },
    )
}

fn mark_done_in(conn: &Connection, step: StepId, provider_ids: &serde_json::Value) -> Result<Step> {
    let ids = serde_json::to_string(provider_ids)?;
    transition_in(
        conn,
        step,
        StepStatus::Done,
        &[StepStatus::Pending, StepStatus::Sent],
        |conn, now| {
            conn.prepare_cached(
                "UPDATE steps SET status = 'done', provider_ids = ?2, last_error = NULL,
                                  updated_at = ?3
                 WHERE id = ?1",
            )?
            .execute(params![step.0, ids, now])
        },
    )
}

fn mark_failed_in(conn: &Connection, step: StepId, error: &str) -> Result<Step> {
    transition_in(
        conn,
        step,
        StepStatus::Failed,
        &[StepStatus::Pending, StepStatus::Sent],
        |conn, now| {
            conn.prepare_cached(
                "UPDATE steps SET status = 'failed', last_error = ?2, updated_at = ?3
                 WHERE id = ?1",
            )?
            .execute(params![step.0, error, now])
        },
    )
}

#[cfg(test)]
mod tests;
