use std::sync::Arc;
use std::time::SystemTime;

use branchdesk_domain::Sensitive;

use super::hawk::Clock;
use crate::{RetryPolicy, Timeouts};

pub use branchdesk_domain::bvnk::DEFAULT_DOCUMENT_LIMIT_BYTES;

/// How to reach one BVNK account.
#[derive(Clone)]
pub struct BvnkConfig {
    pub base_url: String,
    pub hawk_id: String,
    pub hawk_key: Sensitive<String>,
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
    /// Each document's limit, before its base64 (see [`DEFAULT_DOCUMENT_LIMIT_BYTES`]).
    pub document_limit_bytes: u64,
    /// The time requests are signed with, before any correction BVNK's answers teach.
    pub clock: Clock,
}

impl BvnkConfig {
    pub fn new(
        base_url: impl Into<String>,
        hawk_id: impl Into<String>,
        hawk_key: Sensitive<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            hawk_id: hawk_id.into(),
            hawk_key,
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            document_limit_bytes: DEFAULT_DOCUMENT_LIMIT_BYTES,
            clock: Arc::new(SystemTime::now),
        }
    }
}

impl std::fmt::Debug for BvnkConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BvnkConfig")
            .field("base_url", &self.base_url)
            .field("hawk_id", &self.hawk_id)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("document_limit_bytes", &self.document_limit_bytes)
            .finish_non_exhaustive()
    }
}
