//! Drafts from files, their submission through the desk's outbox, and where they are.
//!
//! - `import` (with `import_file`, which reads and checks the file): `draft import`.
//! - `import_csv`: `draft import FILE.csv`, customers from a spreadsheet.
//! - `status`: `draft list` and `status`.
//! - `submit` (with `plan`, which plans ready drafts in batches): `submit`.
//! - `terms`: whether a draft waits for Fin.com's terms, and `tos confirm`.
//! - `owners`: how drafts name owners that are not at COS yet.

mod import;
pub mod import_csv;
mod import_file;
mod owners;
mod plan;
mod status;
mod submit;
mod terms;

pub use import::import;
pub use status::{list, status};
pub use submit::{has_ready, submit};
pub use terms::confirm_terms;
