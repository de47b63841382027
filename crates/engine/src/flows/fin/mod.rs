//! Fin.com individual onboarding as an outbox plan: create the customer → the customer
//! accepts Fin.com's terms (staff confirm) → upload each scan → attach the documents; then
//! the customer's status is followed to APPROVED, ACTION_REQUIRED or REJECTED.
//!
//! - [`plan`]: the steps, frozen when staff submit.
//! - [`send`]: one step on the wire.
//! - [`terms`]: the terms link, its QR code, and staff's confirmation.
//! - [`recovery`]: a create whose answer never came, and what staff found at Fin.com.
//! - [`follow`]: Fin.com's decision after the attach.
//! - [`connection`] and [`stored`]: the connection, and what the steps store.

pub mod connection;
pub(crate) mod follow;
pub(crate) mod plan;
pub mod recovery;
pub(crate) mod send;
pub(crate) mod stored;
pub mod terms;

pub use connection::FinConnection;
pub use recovery::{CUSTOMER_CHECKED, UNKNOWN_OUTCOME};
pub use terms::{terms_qr, TERMS_CONFIRMED};

#[cfg(test)]
mod tests;
