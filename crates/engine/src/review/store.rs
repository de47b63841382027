//! What the review keeps, behind one interface. The local vault serves it for a single
//! desk; a shared database (claims taken with `SELECT … FOR UPDATE SKIP LOCKED`, decisions
//! appended) can serve the same calls when several desks share one queue, while each desk's
//! outbox stays local.

use branchdesk_vault::{
    AuditRecord, DraftId, DraftState, HeldPlan, NewDecision, PlanId, Provider, ProviderStatus,
    ReviewClaim, ReviewDecision, ReviewNote, Vault,
};

use crate::Result;

/// The review's records: holds, claims, notes, decisions, providers' last word. Each change
/// is stored with its audit entry, all or nothing.
pub trait ReviewStore: Send + Sync {
    fn held_plans(&self) -> Result<Vec<(DraftId, HeldPlan)>>;
    fn held_plan(&self, draft: DraftId) -> Result<Option<HeldPlan>>;
    fn drop_hold(
        &self,
        draft: DraftId,
        plan: PlanId,
        state: DraftState,
        audit: &AuditRecord,
    ) -> Result<()>;
    fn claims(&self) -> Result<Vec<(DraftId, ReviewClaim)>>;
    fn claim(
        &self,
        draft: DraftId,
        reviewer: &str,
        take_over: bool,
        audit: &AuditRecord,
    ) -> Result<ReviewClaim>;
    fn release(&self, draft: DraftId, audit: &AuditRecord) -> Result<bool>;
    fn notes(&self, draft: DraftId) -> Result<Vec<ReviewNote>>;
    fn add_note(&self, draft: DraftId, author: &str, body: &str, audit: &AuditRecord)
        -> Result<()>;
    fn decisions(&self, draft: DraftId) -> Result<Vec<ReviewDecision>>;
    fn record_decision(
        &self,
        decision: &NewDecision<'_>,
        state: Option<DraftState>,
        audit: &AuditRecord,
    ) -> Result<()>;
    fn decide_held(
        &self,
        decision: &NewDecision<'_>,
        plan: PlanId,
        drop_plan: bool,
        state: DraftState,
        audit: &AuditRecord,
    ) -> Result<()>;
    fn provider_statuses(&self) -> Result<Vec<(DraftId, ProviderStatus)>>;
    fn record_provider_status(
        &self,
        draft: DraftId,
        provider: Provider,
        status: &str,
    ) -> Result<bool>;
}

impl ReviewStore for Vault {
    fn held_plans(&self) -> Result<Vec<(DraftId, HeldPlan)>> {
        Ok(Vault::held_plans(self)?)
    }
    fn held_plan(&self, draft: DraftId) -> Result<Option<HeldPlan>> {
        Ok(Vault::held_plan(self, draft)?)
    }
    fn drop_hold(
        &self,
        draft: DraftId,
        plan: PlanId,
        state: DraftState,
        audit: &AuditRecord,
    ) -> Result<()> {
        Ok(Vault::drop_hold(self, draft, plan, state, audit)?)
    }
    fn claims(&self) -> Result<Vec<(DraftId, ReviewClaim)>> {
        Ok(Vault::claims(self)?)
    }
    fn claim(
        &self,
        draft: DraftId,
        reviewer: &str,
        take_over: bool,
        audit: &AuditRecord,
    ) -> Result<ReviewClaim> {
        Ok(self.claim_case(draft, reviewer, take_over, audit)?)
    }
    fn release(&self, draft: DraftId, audit: &AuditRecord) -> Result<bool> {
        Ok(self.release_claim(draft, audit)?)
    }
    fn notes(&self, draft: DraftId) -> Result<Vec<ReviewNote>> {
        Ok(Vault::notes(self, draft)?)
    }
    fn add_note(
        &self,
        draft: DraftId,
        author: &str,
        body: &str,
        audit: &AuditRecord,
    ) -> Result<()> {
        Ok(Vault::add_note(self, draft, author, body, audit)?)
    }
    fn decisions(&self, draft: DraftId) -> Result<Vec<ReviewDecision>> {
        Ok(Vault::decisions(self, draft)?)
    }
    fn record_decision(
        &self,
        decision: &NewDecision<'_>,
        state: Option<DraftState>,
        audit: &AuditRecord,
    ) -> Result<()> {
        Ok(Vault::record_decision(self, decision, state, audit)?)
    }
    fn decide_held(
        &self,
        decision: &NewDecision<'_>,
        plan: PlanId,
        drop_plan: bool,
        state: DraftState,
        audit: &AuditRecord,
    ) -> Result<()> {
        Ok(Vault::decide_held(
            self, decision, plan, drop_plan, state, audit,
        )?)
    }
    fn provider_statuses(&self) -> Result<Vec<(DraftId, ProviderStatus)>> {
        Ok(Vault::provider_statuses(self)?)
    }
    fn record_provider_status(
        &self,
        draft: DraftId,
        provider: Provider,
        status: &str,
    ) -> Result<bool> {
        Ok(Vault::record_provider_status(
            self, draft, provider, status,
        )?)
    }
}
