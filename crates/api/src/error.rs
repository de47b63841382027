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
    /// An answer that gives up after retries (5xx, 429, …), or a success whose body cannot
    /// be read on a request that is harmless to send again (`status` is then the 2xx).
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
    /// A create may have reached the provider and been applied, or not: no answer came, or
    /// one that is not a clear refusal nor a readable success (a cut-off or unreadable body,
    /// a redirect, an answer too large to read). Fin.com's create has no idempotency key, so
    /// sending it again could make a duplicate: look first. COS's carries one: a resend
    /// with the same key and bytes is recognised by COS.
    #[error("it is not known whether the provider applied the request ({detail}); check before sending it again")]
    OutcomeUnknown { detail: String },
    /// The provider answered with a redirect (3xx), which is never followed: it would send
    /// the request, and the customer's data or the client secret in it, to another address.
    #[error("the provider answered with a redirect{} to {to}, which Branchdesk never follows; check the connection's address", .status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Redirected {
        /// `None` when a redirect had already been followed by the HTTP client handed in.
        status: Option<u16>,
        /// The host (and port) it pointed at; nothing more of the address.
        to: String,
    },
    /// The answer was longer than the client reads; it was not read.
    #[error("the provider's answer is larger than the {} MiB accepted, and was not read", .limit_bytes / (1024 * 1024))]
    AnswerTooLarge { limit_bytes: u64 },
    #[error("the upload was cancelled")]
    Cancelled,
    /// A document to upload could not be read (or was not the length it was said to be).
    #[error("a document could not be read for sending: {0}")]
    Source(String),
    /// The provider checked the request field by field and refused it; `fields` name where.
    #[error("the provider found problems in the request (HTTP {status}): {}", fields_summary(.message, .fields))]
    Invalid {
        status: u16,
        message: String,
        fields: Vec<FieldProblem>,
    },
    /// Fin.com refused to attach documents: the customer is not in a state that allows it.
    #[error("the documents cannot be attached: {0}")]
    NotEligible(crate::fin::AttachPrecondition),
    #[error("Fin.com does not offer RELIANCE verification to this client (HTTP 423: {message}); use STANDARD verification, or ask Fin.com to enable RELIANCE")]
    RelianceUnavailable { message: String },
    /// Fin.com is still processing an earlier attach for this customer, after waiting.
    #[error("another document attach for this customer is still being processed; try again in a few minutes")]
    AttachInFlight,
    #[error("the provider has no such customer (HTTP 404)")]
    NotFound,
    /// A definite refusal without a more specific meaning (400, 413, …).
    #[error("the provider refused the request (HTTP {status}): {message}")]
    Refused { status: u16, message: String },
}

/// One problem the provider found, at a field path such as
/// `identifying_documents.0.files.1.side` (the provider's own spelling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub path: String,
    pub message: String,
}

fn fields_summary(message: &str, fields: &[FieldProblem]) -> String {
    if fields.is_empty() {
        return message.to_owned();
    }
    fields
        .iter()
        .map(|f| format!("{}: {}", f.path, f.message))
        .collect::<Vec<_>>()
        .join("; ")
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

    /// The error as a log file may keep it: its kind, the HTTP status, and the provider's
    /// error codes and field paths. Never a provider's message, an answer's body or a
    /// decoder's complaint, which may echo what was sent (names, tax ids, document numbers).
    pub fn for_log(&self) -> LogForm<'_> {
        LogForm(self)
    }

    /// Whether sending the same request again, with the same idempotency key, may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Network(_) | Error::Unavailable { .. })
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// See [`Error::for_log`].
pub struct LogForm<'a>(&'a Error);

impl std::fmt::Display for LogForm<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Error::InsecureUrl(_) => f.write_str("insecure provider address"),
            Error::BadUrl(_) => f.write_str("invalid provider address"),
            // The HTTP stack's own words: the failing connection step and the address, no
            // request or answer content.
            Error::Network(detail) => write!(f, "network: {detail}"),
            Error::Auth { status } => write!(f, "credentials refused (HTTP {status})"),
            Error::Rejected { status, errors } => {
                let codes: Vec<String> = errors.iter().map(|e| e.code.to_string()).collect();
                write!(f, "refused (HTTP {status}), codes [{}]", codes.join(", "))
            }
            Error::Unavailable { status, .. } => write!(f, "unavailable (HTTP {status})"),
            Error::Decode(_) => f.write_str("answer could not be read"),
            Error::InvalidRequest(_) => f.write_str("request not sent: malformed id or key"),
            Error::OutcomeUnknown { .. } => f.write_str("outcome unknown"),
            Error::Cancelled => f.write_str("cancelled"),
            Error::Source(_) => f.write_str("a document could not be read for sending"),
            Error::Invalid { status, fields, .. } => {
                let paths: Vec<&str> = fields.iter().map(|p| p.path.as_str()).collect();
                write!(f, "invalid (HTTP {status}), fields [{}]", paths.join(", "))
            }
            Error::NotEligible(precondition) => {
                let why = match precondition {
                    crate::fin::AttachPrecondition::CustomerStatus(status) => {
                        format!("customer status {status}")
                    }
                    crate::fin::AttachPrecondition::NotIndividual(_) => "not individual".into(),
                    crate::fin::AttachPrecondition::ApiVersionOrOwner => {
                        "api version or owner".into()
                    }
                    crate::fin::AttachPrecondition::FileNotOwned => "file not owned".into(),
                };
                write!(f, "attach not allowed: {why}")
            }
            Error::RelianceUnavailable { .. } => f.write_str("reliance unavailable (HTTP 423)"),
            Error::AttachInFlight => f.write_str("attach in flight"),
            Error::NotFound => f.write_str("no such customer (HTTP 404)"),
            Error::Refused { status, .. } => write!(f, "refused (HTTP {status})"),
            // Only the host the redirect pointed at; never a path or query.
            Error::Redirected { status, to } => match status {
                Some(status) => write!(f, "redirected (HTTP {status}) to {to}"),
                None => write!(f, "answered from elsewhere ({to})"),
            },
            Error::AnswerTooLarge { limit_bytes } => {
                write!(f, "answer over the {limit_bytes}-byte limit")
            }
        }
    }
}

#[cfg(test)]
mod log_form_tests {
    use super::*;

    #[test]
    fn the_log_form_keeps_codes_and_statuses_and_drops_what_a_provider_echoes() {
        let echoed = "Peter Griffin 119-98-8776 P1234567";
        let errors = [
            Error::Rejected {
                status: 400,
                errors: vec![ErrorItem {
                    code: 1012,
                    message: format!("duplicate customer {echoed}"),
                }],
            },
            Error::Invalid {
                status: 422,
                message: echoed.into(),
                fields: vec![FieldProblem {
                    path: "identifying_documents.0.number".into(),
                    message: format!("{echoed} is not valid"),
                }],
            },
            Error::Refused {
                status: 413,
                message: echoed.into(),
            },
            Error::Unavailable {
                status: 503,
                detail: Some(echoed.into()),
                retry_after: None,
            },
            Error::Decode(format!("invalid type: string \"{echoed}\"")),
            Error::RelianceUnavailable {
                message: echoed.into(),
            },
            Error::OutcomeUnknown {
                detail: echoed.into(),
            },
            Error::Source(format!("/scans/{echoed}.jpg")),
        ];
        for error in &errors {
            assert!(
                error.to_string().contains("Peter"),
                "the full form keeps it"
            );
            let logged = error.for_log().to_string();
            for word in echoed.split(' ') {
                assert!(!logged.contains(word), "{logged}");
            }
        }
        assert_eq!(
            errors[0].for_log().to_string(),
            "refused (HTTP 400), codes [1012]"
        );
        assert_eq!(
            errors[1].for_log().to_string(),
            "invalid (HTTP 422), fields [identifying_documents.0.number]"
        );
    }
}
