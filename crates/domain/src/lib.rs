//! Branchdesk's domain: what staff type into a draft, the providers' wire types, and the
//! rules that check one against the other. Pure: no I/O, no clock except where passed in.

pub mod bvnk;
pub mod cos;
pub mod draft;
pub mod fin;
pub mod form;
mod issue;
pub mod kinds;
pub mod latin;
pub mod options;
pub mod owners;
pub mod prefill;
pub mod scan_slots;
mod scan_status;
pub mod validate;
pub mod words;

mod error;
mod sensitive;

pub use error::{Error, Result};
pub use sensitive::{last_four, Sensitive};
