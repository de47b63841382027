//! Fin.com Customers v2: the wire types of Create Individual Customer V2 and Attach
//! Documents V2, spelled exactly as Fin.com spells them, the rules both requests must meet
//! (checked here so staff see them on the form, not as a 422), the mapping from a [`Draft`],
//! and Fin.com's answers mapped back onto the draft's fields and scan slots.
//!
//! Field paths are the draft's own (see [`crate::validate`]); a scan slot is `scans.FRONT`,
//! `scans.BACK`, `scans.SELFIE` or `scans.PROOF_OF_ADDRESS`, as [`scan_field`] writes it.
//!
//! - `wire`: the request and answer types.
//! - `values` and `entries`: what the rules and the mapping share, and which of the
//!   draft's entries go.
//! - `latin_forms`: the Latin-script forms Fin.com needs beside other scripts.
//! - `rules`: [`fin_on`], Fin.com's rules for a create.
//! - `create` and `attach`: [`create_individual`] and [`attach_documents`].
//! - `answers`: Fin.com's answers back onto the draft; `status`: a customer's status.

mod answers;
mod attach;
mod create;
mod entries;
mod latin_forms;
mod rules;
mod status;
mod values;
mod wire;

pub use answers::*;
pub use attach::*;
pub use create::*;
pub use entries::*;
pub use latin_forms::*;
pub use rules::*;
pub use status::CustomerStatus;
pub use values::*;
pub use wire::*;

#[cfg(test)]
pub(crate) mod tests;
