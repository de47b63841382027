use branchdesk_domain::validate::Issue;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the draft has {} problem(s) to fix before it can be sent", .0.len())]
    Invalid(Vec<Issue>),
    #[error(transparent)]
    Provider(#[from] branchdesk_api::Error),
    #[error(transparent)]
    Vault(#[from] branchdesk_vault::Error),
    /// The scan cannot be used; the message says why and what to do.
    #[error("{0}")]
    ScanRefused(String),
    /// The scanner folder cannot be watched; the message names the folder and what to do.
    #[error("{0}")]
    Scanner(String),
    /// A Fin.com plan waits for the customer to accept the terms; not a failure.
    #[error("the customer has not yet accepted Fin.com's terms")]
    AwaitingTerms,
    #[error("that draft no longer exists")]
    NotFound,
    #[error("this draft has been submitted and can no longer be changed; duplicate it to start a new one")]
    Frozen,
    /// The draft has been, or may have been, sent to a provider: it is archived, never
    /// deleted. The message says which state it is in.
    #[error("this draft is {0} and may already be at the provider, so it cannot be deleted; archive it to hide it from the list")]
    CannotDeleteSubmitted(String),
    /// Archiving is for drafts that were sent and are at rest; the message says why not.
    #[error("this draft is {0}: a draft never sent is deleted rather than archived, and one being sent can be archived once sending has ended")]
    CannotArchive(String),
    /// Fin.com's terms link is not on the connection's own Fin.com host; it is never
    /// opened nor shown as a QR code. The message says why.
    #[error("Fin.com's terms link was refused and will not be opened or shown: {0}. Ask Fin.com for the customer's terms link.")]
    TermsLinkRefused(String),
    #[error("submissions are still queued: let them finish (or fix those that need attention) before switching environment or changing a connection")]
    QueueBusy,
    /// The workstation's vault is closed while a backup is restored into its data folder.
    #[error(
        "a backup is being restored on this workstation; wait for it to finish, then try again"
    )]
    RestoreUnderWay,
    #[error("the Training sandbox could not start: {0}")]
    Training(String),
    /// Staff asked to resolve an unknown outcome where there is none.
    #[error("this draft is not waiting for a check at {provider}: only a draft whose request's outcome is unknown is")]
    NothingToResolve { provider: &'static str },
    #[error("could not prepare the request: {0}")]
    Encode(String),
    #[error("the log folder {path} cannot be used: {source}. Check the data folder is writable.")]
    LogFolder {
        path: std::path::PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("logging was already started in this process")]
    LoggingStarted,
}

impl Error {
    /// The error as a log file may keep it: what kind of failure and its codes, never text
    /// that can carry customer data (a provider's message, a rule's wording about a value,
    /// a decoder's complaint quoting it, a scan's file name).
    pub fn for_log(&self) -> LogForm<'_> {
        LogForm(self)
    }
}

/// See [`Error::for_log`].
pub struct LogForm<'a>(&'a Error);

impl std::fmt::Display for LogForm<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Error::Invalid(issues) => {
                let codes: Vec<&str> = issues.iter().map(|i| i.code.as_str()).collect();
                write!(f, "invalid draft, rules [{}]", codes.join(", "))
            }
            Error::Provider(error) => write!(f, "provider: {}", error.for_log()),
            Error::Vault(error) => write!(f, "vault: {}", error.for_log()),
            Error::ScanRefused(_) => f.write_str("scan refused"),
            Error::Encode(_) => f.write_str("a request or stored step could not be encoded"),
            // Folders, states and fixed wording only.
            other => write!(f, "{other}"),
        }
    }
}

impl From<branchdesk_domain::Error> for Error {
    fn from(error: branchdesk_domain::Error) -> Self {
        match error {
            branchdesk_domain::Error::Invalid(issues) => Error::Invalid(issues),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
