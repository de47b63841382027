//! Branchdesk's engine: onboarding flows as plans of provider steps, Training mode (the
//! sandbox in-process), and connectivity. Used by the desktop shell and the CLI alike.

pub mod connectivity;
pub mod plan;
pub mod training;
pub mod workstation;

mod error;

pub use error::{Error, Result};
pub use workstation::{CosOutcome, Environment, Workstation};
