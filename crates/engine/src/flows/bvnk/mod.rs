//! BVNK onboarding as an outbox plan: the agreement session → the customer accepts the
//! agreements (staff confirm) and the session is signed → create the customer (a company
//! with its associates, or an individual) → each document; then the customer's status is
//! followed to VERIFIED or REJECTED. A submitted company edited and submitted again sends
//! its details and associates as updates, and only the documents not yet sent.
//!
//! - [`plan`]: the steps, frozen when staff submit.
//! - [`send`]: one step on the wire.
//! - [`agreement`]: the agreements' link, its QR code, and staff's confirmation.
//! - [`recovery`]: a create whose answer could not be read, and what staff found at BVNK.
//! - [`follow`]: BVNK's decision after the documents.
//! - [`connection`] and [`stored`]: the connection, and what the steps store.

pub mod agreement;
pub mod connection;
pub(crate) mod follow;
pub mod plan;
pub mod recovery;
pub(crate) mod send;
pub(crate) mod stored;

pub use agreement::AGREEMENT_CONFIRMED;
pub use connection::BvnkConnection;
pub use plan::external_reference_for;
pub use recovery::CUSTOMER_CHECKED;
