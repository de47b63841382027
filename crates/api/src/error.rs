use branchdesk_domain::cos::{issues_of_errors, CosStep, ErrorItem};
use branchdesk_domain::validate::{Issue, Severity};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Plain `http://` is only allowed to this machine (the Training sandbox).
    #[error(
        "{0} is not a secure address: use https:// (plain http is allowed only to this computer)"
    )]
    InsecureUrl(String),
    #[error("{0} is not a valid address")]
    BadUrl(String),
    /// The provider could not be reached or did not answer in time, after retries.
    #[error("the provider could not be reached: {0}")]
    Network(String),
    #[error("the provider refused the credentials (HTTP {status}); check the connection's client id and secret")]
    Auth { status: u16 },
    /// A definite answer: the provider checked the request and refused it.
    #[error("the provider refused the request (HTTP {status}): {}", summary(.errors))]
    Rejected { status: u16, errors: Vec<ErrorItem> },
    /// An answer that gives up after retries (5xx, 429, …) or cannot be read.
    #[error("the provider answered HTTP {status}{}", .detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Unavailable {
        status: u16,
        detail: Option<String>,
        /// The provider's `Retry-After`, which the next attempt waits for.
        retry_after: Option<std::time::Duration>,
    },
    #[error("the provider's answer could not be read: {0}")]
    Decode(String),
    /// Refused before sending: a malformed customer id or idempotency key.
    #[error("the request was not sent: {0}")]
    InvalidRequest(String),
}

fn summary(errors: &[ErrorItem]) -> String {
    if errors.is_empty() {
        return "no reason given".to_owned();
    }
    errors
        .iter()
        .map(|e| format!("{} ({})", e.message, e.code))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// The error as issues on a draft, for a COS request made at `step`: COS's own errors
    /// each on its field where it names one; anything else as one issue shown whole.
    pub fn cos_issues(&self, step: CosStep) -> Vec<Issue> {
        match self {
            Error::Rejected { errors, .. } if !errors.is_empty() => issues_of_errors(errors, step),
            other => vec![Issue {
                field: String::new(),
                code: "provider".to_owned(),
                message: other.to_string(),
                severity: Severity::Error,
            }],
        }
    }

    /// Whether sending the same request again, with the same idempotency key, may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Network(_) | Error::Unavailable { .. })
    }
}

pub type Result<T> = std::result::Result<T, Error>;
