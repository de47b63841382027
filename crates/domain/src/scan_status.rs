//! The result of one of COS's compliance checks, shared by the customer record and the
//! rules about taking a customer as an owner.

use serde::{Deserialize, Serialize};

/// The statuses of a COS compliance check (`ofac`, `pepScan`, `internalList`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub enum ScanStatus {
    Pending,
    Clear,
    Failed,
    Positive,
    Reviewing,
}

impl ScanStatus {
    /// Whether a person must look at this result before the customer is relied on: a hit,
    /// a check that failed to run, or one under manual review.
    pub fn needs_attention(self) -> bool {
        matches!(self, Self::Positive | Self::Failed | Self::Reviewing)
    }
}
