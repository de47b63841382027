//! The review's own records: four-eyes holds on plans, claims, notes, decisions, and what a
//! provider last said of a customer a person must settle. Every change is written with its
//! audit entry in one commit. Which cases are in the queue and who may decide them are the
//! engine's rules (`branchdesk_engine::review`); this is their storage.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::audit::{append_in, AuditRecord};
use crate::outbox::Hold;
use crate::types::{column, time_column, timestamp};
use crate::{DraftId, DraftState, Error, PlanId, Provider, Result, Vault};

/// A plan held for its check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldPlan {
    pub plan: PlanId,
    pub maker: String,
    pub digest: String,
    pub requested_at: DateTime<Utc>,
}

/// Who has a case in hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewClaim {
    pub reviewer: String,
    pub claimed_at: DateTime<Utc>,
}

/// A note on a case: never edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewNote {
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A reviewer's decision, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDecision {
    pub reviewer: String,
    /// `approve`, `reject` or `send_back`.
    pub decision: String,
    /// Why the case waited.
    pub reason: String,
    /// The common reason's code.
    pub because: String,
    pub note: String,
    /// For a send-back: the draft paths and scan slots to fix.
    pub marks: Vec<String>,
    pub at: DateTime<Utc>,
}

/// A decision to store.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub draft: DraftId,
    pub reviewer: &'a str,
    pub decision: &'a str,
    pub reason: &'a str,
    pub because: &'a str,
    pub note: &'a str,
    pub marks: &'a [String],
}

/// What a provider last said of a customer, and since when it has said so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderStatus {
    pub provider: Provider,
    pub status: String,
    pub since: DateTime<Utc>,
}

/// Records `hold` on the plan just stored, within the caller's transaction.
pub(crate) fn hold_in(tx: &Connection, draft: DraftId, plan: PlanId, hold: &Hold) -> Result<()> {
    tx.prepare_cached("UPDATE plans SET held = 1 WHERE id = ?1")?
        .execute([plan.to_string()])?;
    tx.prepare_cached(
        "INSERT INTO plan_holds (plan_id, draft_id, maker, digest, requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        plan.to_string(),
        draft.to_string(),
        hold.maker,
        hold.digest,
        timestamp(Utc::now())
    ])?;
    Ok(())
}

fn held_in(conn: &Connection, draft: DraftId) -> Result<Option<HeldPlan>> {
    Ok(conn
        .prepare_cached(
            "SELECT h.plan_id, h.maker, h.digest, h.requested_at
               FROM plan_holds h JOIN plans p ON p.id = h.plan_id
              WHERE h.draft_id = ?1 AND p.held
              ORDER BY h.requested_at DESC LIMIT 1",
        )?
        .query_row([draft.to_string()], |row| {
            Ok(HeldPlan {
                plan: column(row, 0)?,
                maker: row.get(1)?,
                digest: row.get(2)?,
                requested_at: time_column(row, 3)?,
            })
        })
        .optional()?)
}

fn set_state(tx: &Connection, draft: DraftId, state: DraftState) -> Result<()> {
    tx.prepare_cached("UPDATE drafts SET state = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![
            draft.to_string(),
            state.as_str(),
            timestamp(Utc::now())
        ])?;
    Ok(())
}

impl Vault {
    /// The draft's plan held for its check, if one is.
    pub fn held_plan(&self, draft: DraftId) -> Result<Option<HeldPlan>> {
        held_in(&self.conn(), draft)
    }

    /// Drops the held plan (never sent: its keys never used) and moves the draft to `state`:
    /// withdrawn by its maker, sent back or rejected by a reviewer.
    pub fn drop_hold(
        &self,
        draft: DraftId,
        plan: PlanId,
        state: DraftState,
        audit: &AuditRecord,
    ) -> Result<()> {
        self.in_write(|tx| {
            let dropped = tx
                .prepare_cached("DELETE FROM plans WHERE id = ?1 AND draft_id = ?2 AND held")?
                .execute(params![plan.to_string(), draft.to_string()])?;
            if dropped != 1 {
                return Err(Error::NotHeld(draft));
            }
            set_state(tx, draft, state)?;
            append_in(tx, audit)?;
            Ok(())
        })
    }

    /// Claims the case for `reviewer`. Someone else's claim stands unless `take_over`
    /// (an admin's release and claim): [`Error::ClaimedBy`].
    pub fn claim_case(
        &self,
        draft: DraftId,
        reviewer: &str,
        take_over: bool,
        audit: &AuditRecord,
    ) -> Result<ReviewClaim> {
        self.in_write(|tx| {
            if let Some(held) = claim_in(tx, draft)? {
                if held.reviewer == reviewer {
                    return Ok(held);
                }
                if !take_over {
                    return Err(Error::ClaimedBy {
                        draft,
                        reviewer: held.reviewer,
                    });
                }
            }
            tx.prepare_cached(
                "INSERT INTO review_claims (draft_id, reviewer, claimed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (draft_id) DO UPDATE SET reviewer = ?2, claimed_at = ?3",
            )?
            .execute(params![draft.to_string(), reviewer, timestamp(Utc::now())])?;
            append_in(tx, audit)?;
            claim_in(tx, draft)?
                .ok_or_else(|| Error::Corrupt("a claim vanished as it was written".into()))
        })
    }

    /// Releases the case's claim; false when nobody had it.
    pub fn release_claim(&self, draft: DraftId, audit: &AuditRecord) -> Result<bool> {
        self.in_write(|tx| {
            let released = tx
                .prepare_cached("DELETE FROM review_claims WHERE draft_id = ?1")?
                .execute([draft.to_string()])?;
            if released > 0 {
                append_in(tx, audit)?;
            }
            Ok(released > 0)
        })
    }

    /// Every claim, by draft.
    pub fn claims(&self) -> Result<Vec<(DraftId, ReviewClaim)>> {
        let conn = self.conn();
        let mut statement =
            conn.prepare_cached("SELECT draft_id, reviewer, claimed_at FROM review_claims")?;
        let rows = statement.query_map([], |row| {
            Ok((
                column(row, 0)?,
                ReviewClaim {
                    reviewer: row.get(1)?,
                    claimed_at: time_column(row, 2)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a note to a case.
    pub fn add_note(
        &self,
        draft: DraftId,
        author: &str,
        body: &str,
        audit: &AuditRecord,
    ) -> Result<()> {
        self.in_write(|tx| {
            tx.prepare_cached(
                "INSERT INTO review_notes (draft_id, author, body, at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                draft.to_string(),
                author,
                body,
                timestamp(Utc::now())
            ])?;
            append_in(tx, audit)?;
            Ok(())
        })
    }

    /// A case's notes, newest first.
    pub fn notes(&self, draft: DraftId) -> Result<Vec<ReviewNote>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT author, body, at FROM review_notes WHERE draft_id = ?1 ORDER BY id DESC",
        )?;
        let rows = statement.query_map([draft.to_string()], |row| {
            Ok(ReviewNote {
                author: row.get(0)?,
                body: row.get(1)?,
                at: time_column(row, 2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stores a decision, the draft's new state (if any), the claim's release and the audit
    /// entry, in one commit.
    pub fn record_decision(
        &self,
        decision: &NewDecision<'_>,
        state: Option<DraftState>,
        audit: &AuditRecord,
    ) -> Result<()> {
        self.in_write(|tx| {
            decide_in(tx, decision)?;
            if let Some(state) = state {
                set_state(tx, decision.draft, state)?;
            }
            append_in(tx, audit)?;
            Ok(())
        })
    }

    /// [`Vault::record_decision`] with the held plan dropped (send back, reject) or
    /// released (approve) in the same commit. `drop_plan` says which.
    pub fn decide_held(
        &self,
        decision: &NewDecision<'_>,
        plan: PlanId,
        drop_plan: bool,
        state: DraftState,
        audit: &AuditRecord,
    ) -> Result<()> {
        self.in_write(|tx| {
            let changed = if drop_plan {
                tx.prepare_cached("DELETE FROM plans WHERE id = ?1 AND draft_id = ?2 AND held")?
                    .execute(params![plan.to_string(), decision.draft.to_string()])?
            } else {
                tx.prepare_cached(
                    "UPDATE plans SET held = 0 WHERE id = ?1 AND draft_id = ?2 AND held",
                )?
                .execute(params![plan.to_string(), decision.draft.to_string()])?
            };
            if changed != 1 {
                return Err(Error::NotHeld(decision.draft));
            }
            decide_in(tx, decision)?;
            set_state(tx, decision.draft, state)?;
            append_in(tx, audit)?;
            Ok(())
        })
    }

    /// A case's decisions, newest first.
    pub fn decisions(&self, draft: DraftId) -> Result<Vec<ReviewDecision>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT reviewer, decision, reason, because, note, marks, at
               FROM review_decisions WHERE draft_id = ?1 ORDER BY id DESC",
        )?;
        let rows = statement.query_map([draft.to_string()], |row| {
            let marks: String = row.get(5)?;
            Ok(ReviewDecision {
                reviewer: row.get(0)?,
                decision: row.get(1)?,
                reason: row.get(2)?,
                because: row.get(3)?,
                note: row.get(4)?,
                marks: serde_json::from_str(&marks).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        5,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
                at: time_column(row, 6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps what the provider says of the draft's customer; the time it was first said
    /// stays while it says the same. True when it changed.
    pub fn record_provider_status(
        &self,
        draft: DraftId,
        provider: Provider,
        status: &str,
    ) -> Result<bool> {
        self.in_write(|tx| {
            let changed = tx
                .prepare_cached(
                    "INSERT INTO provider_status (draft_id, provider, status, since)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (draft_id) DO UPDATE SET status = ?3, since = ?4
                     WHERE provider_status.status != ?3",
                )?
                .execute(params![
                    draft.to_string(),
                    provider.as_str(),
                    status,
                    timestamp(Utc::now())
                ])?;
            Ok(changed > 0)
        })
    }

    /// Every provider status kept, by draft.
    pub fn provider_statuses(&self) -> Result<Vec<(DraftId, ProviderStatus)>> {
        let conn = self.conn();
        let mut statement =
            conn.prepare_cached("SELECT draft_id, provider, status, since FROM provider_status")?;
        let rows = statement.query_map([], |row| {
            Ok((
                column(row, 0)?,
                ProviderStatus {
                    provider: column(row, 1)?,
                    status: row.get(2)?,
                    since: time_column(row, 3)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every draft with a held plan, and its hold.
    pub fn held_plans(&self) -> Result<Vec<(DraftId, HeldPlan)>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT h.draft_id, h.plan_id, h.maker, h.digest, h.requested_at
               FROM plan_holds h JOIN plans p ON p.id = h.plan_id WHERE p.held",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                column(row, 0)?,
                HeldPlan {
                    plan: column(row, 1)?,
                    maker: row.get(2)?,
                    digest: row.get(3)?,
                    requested_at: time_column(row, 4)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn claim_in(conn: &Connection, draft: DraftId) -> Result<Option<ReviewClaim>> {
    Ok(conn
        .prepare_cached("SELECT reviewer, claimed_at FROM review_claims WHERE draft_id = ?1")?
        .query_row([draft.to_string()], |row| {
            Ok(ReviewClaim {
                reviewer: row.get(0)?,
                claimed_at: time_column(row, 1)?,
            })
        })
        .optional()?)
}

/// Stores a decision and ends the case's claim: a decided case is nobody's any more.
fn decide_in(tx: &Connection, decision: &NewDecision<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO review_decisions (draft_id, reviewer, decision, reason, because, note,
                                       marks, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        decision.draft.to_string(),
        decision.reviewer,
        decision.decision,
        decision.reason,
        decision.because,
        decision.note,
        serde_json::to_string(decision.marks)?,
        timestamp(Utc::now())
    ])?;
    tx.prepare_cached("DELETE FROM review_claims WHERE draft_id = ?1")?
        .execute([decision.draft.to_string()])?;
    Ok(())
}

impl Vault {
    /// Stores a decision with a new step at the end of the draft's plan `plan` (a decision
    /// that goes to the provider through the outbox), the draft's new state and the audit
    /// entry, in one commit: the step's key is fixed before anything is sent.
    pub fn decide_with_step(
        &self,
        decision: &NewDecision<'_>,
        plan: PlanId,
        step: &crate::NewStep,
        state: DraftState,
        audit: &AuditRecord,
    ) -> Result<()> {
        self.in_write(|tx| {
            let (index, provider): (i64, String) = tx
                .prepare_cached(
                    "SELECT count(*), (SELECT provider FROM plans WHERE id = ?1)
                       FROM steps WHERE plan_id = ?1",
                )?
                .query_row([plan.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?;
            let now = timestamp(Utc::now());
            tx.prepare_cached(
                "INSERT INTO steps (plan_id, draft_id, provider, step_index, kind,
                                    idempotency_key, body, planned_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            )?
            .execute(params![
                plan.to_string(),
                decision.draft.to_string(),
                provider,
                index,
                step.kind,
                step.idempotency_key,
                step.body,
                now
            ])?;
            decide_in(tx, decision)?;
            set_state(tx, decision.draft, state)?;
            append_in(tx, audit)?;
            Ok(())
        })
    }
}
