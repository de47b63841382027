//! One HTTP client per provider. Each knows its provider's authentication, idempotency
//! header, which answers are worth retrying, and how its error bodies read.

pub mod cos;
pub mod fin;

mod error;
mod exchange;
mod http;

pub use error::{Error, FieldProblem, LogForm, Result};
pub use exchange::{http_client, Timeouts, MAX_ANSWER_BYTES, MIN_UPLOAD_BYTES_PER_SEC};
pub use http::{check_base_url, RetryPolicy};
