//! The review: every case that waits for a person (a four-eyes check, a compliance hit, a
//! provider asking, an unknown outcome), who has it in hand, and what reviewers decide.
//!
//! - [`store`]: the interface the review keeps its records behind ([`ReviewStore`]), served
//!   by the local vault today and by a shared database when several desks share a queue.
//! - [`queue`]: which drafts are cases, and why.
//! - [`case`]: one case as a reviewer sees it: the draft (sensitive values masked), history,
//!   scans' checks, notes, decisions.
//! - [`decide`]: maker-checker holds, and approve / reject / send back with their rules.

pub mod case;
pub mod decide;
pub mod queue;
pub mod store;

pub use case::{Case, DraftField};
pub use decide::{Decision, DecisionKind};
pub use queue::{CaseSummary, Reason};
pub use store::ReviewStore;

/// The common reasons a reviewer gives, by code; the window shows them in words.
pub const REASONS: &[&str] = &[
    "documents_verified",
    "identity_matches",
    "false_positive",
    "document_unreadable",
    "document_expired",
    "data_mismatch",
    "sanctions_match",
    "missing_information",
    "other",
];

pub use crate::records::DecisionView;
