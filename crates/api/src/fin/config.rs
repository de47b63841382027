//! How to reach one Fin.com client account.

use branchdesk_domain::Sensitive;

use crate::{RetryPolicy, Timeouts};

/// Fin.com publishes no upload limit; 10 MB is the figure KYC providers commonly use.
pub const DEFAULT_UPLOAD_LIMIT_BYTES: u64 = 10 * 1024 * 1024;

/// How to reach one Fin.com client account.
#[derive(Debug, Clone)]
pub struct FinConfig {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Sensitive<String>,
    pub retry: RetryPolicy,
    /// Largest document `upload` sends; larger ones are refused before sending.
    pub upload_limit_bytes: u64,
    /// Where tokens are issued, when not at `v1/oauth/token` under the base URL (an
    /// authentication host of its own); the refresh is its sibling `refresh-token`.
    pub token_url: Option<String>,
    /// Connect, idle and total limits; an upload's total grows with its size.
    pub timeouts: Timeouts,
}

impl FinConfig {
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Sensitive<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            client_id: client_id.into(),
            client_secret,
            retry: RetryPolicy::default(),
            upload_limit_bytes: DEFAULT_UPLOAD_LIMIT_BYTES,
            token_url: None,
            timeouts: Timeouts::default(),
        }
    }
}
