//! Local storage for Branchdesk: where its data folder is, and the secrets it keeps in the
//! operating system's keyring (never in files, logs or the webview).

mod error;
mod paths;
mod secrets;

pub use error::{Error, Result};
pub use paths::{data_dir, DATA_DIR_ENV};
pub use secrets::{KeyringStore, MemoryStore, SecretStore, Sensitive, SERVICE_PREFIX};
