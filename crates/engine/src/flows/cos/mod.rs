//! Cross River COS onboarding as an outbox plan: the customer, then each of its records
//! under its own idempotency key; then its compliance results are followed.
//!
//! - [`plan`]: the steps, frozen when staff submit.
//! - [`send`]: one step on the wire, and COS's refusals in staff's words.
//! - [`recovery`]: a step whose outcome is unknown, and what staff found at Cross River.
//! - [`compliance`]: the customer's OFAC, PEP and internal-list results as they arrive.
//! - [`owners`]: Personal customers already at Cross River, for a Business's owners.

pub mod compliance;
pub mod owners;
pub(crate) mod plan;
pub mod recovery;
pub(crate) mod send;
