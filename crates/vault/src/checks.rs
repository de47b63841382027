//! Results a provider reports after a step is done (COS's compliance checks), kept beside
//! what the step's answer recorded so they outlive the provider forgetting the customer.

use rusqlite::{params, TransactionBehavior};

use crate::audit::{append_in, AuditRecord};
use crate::types::StepId;
use crate::{Error, Result, Vault};

impl Vault {
    /// Replaces a done step's recorded provider ids (`provider_ids`) and appends `audit`,
    /// in one commit. A step that is not done is left alone: [`Error::StepNotFound`].
    pub fn record_step_results(
        &self,
        step: StepId,
        provider_ids: &serde_json::Value,
        audit: &AuditRecord,
    ) -> Result<()> {
        let ids = serde_json::to_string(provider_ids)?;
        let mut conn = self.conn();
        // IMMEDIATE: the audit append chains to the last entry.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx
            .prepare_cached("UPDATE steps SET provider_ids = ?2 WHERE id = ?1 AND status = 'done'")?
            .execute(params![step.0, ids])?;
        if changed == 0 {
            return Err(Error::StepNotFound(step));
        }
        append_in(&tx, audit)?;
        tx.commit()?;
        Ok(())
    }
}
