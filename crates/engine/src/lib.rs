//! Branchdesk's engine: drafts and their submission as plans of provider steps kept in the
//! vault's outbox, the runner that sends them exactly once, Training mode (the sandbox
//! in-process), and connectivity. Used by the desktop shell and the CLI alike, through
//! [`Desk`].
//!
//! The layout, from the face down:
//! - [`desk`]: the facade; every method delegates.
//! - [`drafts`], `checks`, [`scans`], `submit`, `status`, [`activity`]: what staff do and
//!   see.
//! - `runner`: sends the plans.
//! - [`flows`]: one module per provider (`cos`, `fin`, `bvnk`): its plan, its sending, its
//!   recovery. A new provider is a new module there.
//! - [`records`], [`steps`], [`error`](Error): the leaves everything else shares.
//! - [`setup`], [`connection_save`], [`clients`], [`training`]: connections and the
//!   clients built from them; [`store`]: what the shell opens before a desk exists.

pub mod activity;
pub mod activity_words;
mod checks;
pub mod clients;
pub mod connection_save;
pub mod connectivity;
pub mod desk;
mod draft_copy;
pub mod drafts;
pub mod failpoint;
pub mod flows;
pub mod import_csv;
pub mod logging;
pub mod people;
pub mod prefill;
pub mod queue;
pub mod records;
pub mod review;
mod runner;
pub mod scan_path;
pub mod scan_view;
pub mod scanner;
pub mod scans;
pub mod setup;
mod status;
pub mod steps;
pub mod store;
mod submit;
pub mod terms_link;
pub mod training;
mod uploads;

mod error;

pub use clients::{cos_client, http_client, CosConnection, Environment};
pub use desk::Desk;
pub use error::{Error, LogForm, PathRefusal, Result};
pub use flows::bvnk::BvnkConnection;
pub use flows::cos::compliance::CosOutcome;
pub use flows::fin::FinConnection;
pub use runner::offline_wait;

// The errors of the crates beneath, as the engine's callers match on them.
pub use branchdesk_api::Error as ProviderError;
/// The scan decoders' own process: the app's `main` opts in through here.
pub use branchdesk_documents::worker as document_reader;
pub use branchdesk_documents::Error as ScanError;
