//! Branchdesk's engine: drafts and their submission as plans of provider steps kept in the
//! vault's outbox, the runner that sends them exactly once, Training mode (the sandbox
//! in-process), and connectivity. Used by the desktop shell and the CLI alike.

pub mod activity;
pub mod activity_words;
pub mod compliance;
pub mod connection_save;
pub mod connectivity;
pub mod cos_recovery;
pub mod desk;
mod draft_copy;
pub mod drafts_lifecycle;
pub mod failpoint;
pub mod fin;
pub mod logging;
pub mod owners;
pub mod plan;
pub mod scan_path;
pub mod scanner;
pub mod scans;
pub mod setup;
pub mod terms_link;
pub mod training;
pub mod workstation;

mod error;

pub use compliance::CosOutcome;
pub use desk::Desk;
pub use error::{Error, LogForm, PathRefusal, Result};
pub use workstation::{cos_client, http_client, CosConnection, Environment};
