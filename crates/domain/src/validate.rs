//! Validation rules, shared by the form (inline, as staff type) and by submission (nothing
//! invalid is sent). Each rule says which field it concerns and how to fix it.
//!
//! Field paths are the draft's own camelCase paths, with list positions:
//! `addresses[0].postalCode`, `cos.beneficialOwners[1].ownershipPercentage`. Rules are pure:
//! today's date is always passed in.
//!
//! - [`Issue`]: a finding (in `crate::issue`), and whether it stops a submission.
//! - `values`: the rules of single values and the choices each field takes.
//! - `rules` and `rows`: where findings collect; the shared rules ([`draft_on`]) and those
//!   of each row.
//! - `cos_rules`: what COS requires besides ([`cos_on`]); `bvnk_rules`: what BVNK
//!   requires ([`bvnk_on`]).
//! - `tidy`: the values as providers take them ([`normalised`]).

mod bvnk_rules;
mod cos_rules;
mod rows;
mod rules;
mod tidy;
mod values;

pub use crate::issue::{has_errors, Issue, Severity};
pub use bvnk_rules::*;
pub use cos_rules::*;
pub use rows::*;
pub use tidy::*;
pub use values::*;

#[cfg(test)]
pub(crate) mod bvnk_tests;
#[cfg(test)]
pub(crate) mod tests;
