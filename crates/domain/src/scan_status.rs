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
