//! BVNK, Customers API v1 ("platform"), behind Hawk: create a customer (a COMPANY with its
//! associates, or an INDIVIDUAL), read it, update its details, associates and status, send
//! its documents, and the agreement session a create refers to.
//!
//! Every creating call carries the caller's `X-Idempotency-Key` (a UUID fixed when the
//! step was planned) with a body frozen by the caller, so a resend is the same request
//! byte for byte. A create whose answer is neither a refusal nor a readable customer is
//! [`Error::OutcomeUnknown`], never sent again under another key.
//!
//! - `client`: [`BvnkClient`], one call per endpoint, and how each is sent and judged.
//! - `hawk`: the `Authorization` header and the clock correction a 401 may teach.
//! - `documents`: the documents body, each file's base64 made as it is sent.
//! - `config`: [`BvnkConfig`].
//!
//! [`Error::OutcomeUnknown`]: crate::Error::OutcomeUnknown

mod client;
mod config;
mod documents;
mod hawk;

pub use client::BvnkClient;
pub use config::{BvnkConfig, DEFAULT_DOCUMENT_LIMIT_BYTES};
pub use documents::BvnkDocument;
pub use hawk::Clock;
