//! BVNK, Customers API v1 ("platform"): its wire types, spelled as BVNK spells them; the
//! bodies made from a draft; and which scans go where. Its rules are in
//! `validate::bvnk_on`, beside the other providers'.
//!
//! - `wire`: what BVNK sends and receives.
//! - `bodies`: the agreement session, the create and the updates, from a draft.
//! - `slots`: the scans an onboarding sends, and as which document.
//! - `fields`: BVNK's field paths as the draft's, for refusals.

pub mod bodies;
pub mod fields;
pub mod slots;
pub mod wire;

pub use wire::{CustomerStatus, DocumentMeta, SubType};

/// The largest document sent, before its base64, unless the connection says otherwise.
/// BVNK publishes no figure; this lets a 25 MB scan through.
pub const DEFAULT_DOCUMENT_LIMIT_BYTES: u64 = 32 * 1024 * 1024;
