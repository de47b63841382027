//! Fin.com, Customers v2: token by client credentials (renewed with the refresh token),
//! Create Individual Customer V2, Upload Document (a streamed multipart body), Attach
//! Documents to Individual Customer V2 and Get Customer Details V2.
//!
//! Fin.com takes no idempotency key. A create that may already have reached Fin.com is
//! therefore never sent again from here: it fails with [`Error::OutcomeUnknown`] so the
//! engine can look before it resends. Reads, uploads (a second upload only leaves an unused
//! file) and attaches (a new attach replaces the previous set) are retried.
//!
//! - `client`: [`FinClient`], one call per endpoint, and how each is sent and retried.
//! - `tokens`: the token cache the calls share.
//! - `answers`: how Fin.com's answers and error bodies are read.
//! - `multipart`: the streamed body of an upload (its documents' sources are the crate's
//!   `upload`).
//! - `customer`: what Fin.com says about a customer (plain data).
//! - `config`: [`FinConfig`].
//!
//! [`Error::OutcomeUnknown`]: crate::Error::OutcomeUnknown

mod answers;
mod client;
mod config;
mod customer;
mod multipart;
mod tokens;

pub use crate::upload::{ProgressFn, UploadChunks, UploadFile, UploadProgress, UploadReader};
pub use client::FinClient;
pub use config::{FinConfig, DEFAULT_UPLOAD_LIMIT_BYTES};
pub use customer::{AttachPrecondition, CreatedIndividual, CustomerDetails, CustomerStatus};
pub use tokio_util::sync::CancellationToken;
