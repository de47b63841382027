//! One HTTP client per provider. Each knows its provider's authentication, idempotency
//! header, which answers are worth retrying, and how its error bodies read.
//!
//! Layout, each module using only those listed after it: `bvnk`, `cos` and `fin` (the
//! clients), `upload` (documents' sources and their metered streams), `exchange` (one request and its answer, judged before anything in it is trusted), `http`
//! (address rules, retry policy), `error` (which names `fin::AttachPrecondition`, plain data
//! that uses nothing of this crate).

pub mod bvnk;
pub mod cos;
pub mod fin;
pub mod upload;

mod error;
mod exchange;
mod http;

pub use error::{Error, FieldProblem, LogForm, Result};
pub use exchange::{http_client, Timeouts, MAX_ANSWER_BYTES, MIN_UPLOAD_BYTES_PER_SEC};
pub use http::{check_base_url, RetryPolicy};
