use branchdesk_domain::validate::Issue;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the draft has {} problem(s) to fix before it can be sent", .0.len())]
    Invalid(Vec<Issue>),
    #[error(transparent)]
    Provider(#[from] branchdesk_api::Error),
    #[error(transparent)]
    Vault(#[from] branchdesk_vault::Error),
    /// The scan's content cannot be used; the documents crate says why and what to do.
    #[error(transparent)]
    ScanRefused(#[from] branchdesk_documents::Error),
    /// A path chosen or dropped as a scan is not a file that is read.
    #[error("{name} {why}")]
    ScanPathRefused { name: String, why: PathRefusal },
    #[error("A PDF cannot be turned here: rotate the pages in the scanner's software, or scan again the right way up.")]
    PdfCannotTurn,
    #[error("This scan has no warnings to accept.")]
    NoWarningsToAccept,
    #[error("{0} files were dropped: drop one file on each slot.")]
    SeveralFilesDropped(usize),
    #[error("{0} is not a scan slot")]
    UnknownSlot(String),
    #[error("No scanner folder is set: choose one in Settings.")]
    ScannerFolderNotSet,
    #[error("{} is not a folder that can be read; choose the folder your scanner saves into", .0.display())]
    ScannerFolderUnreadable(std::path::PathBuf),
    #[error("cannot watch {}: {source}", path.display())]
    ScannerWatch {
        path: std::path::PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
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
    Training(#[source] branchdesk_sandbox::Error),
    /// Staff asked to resolve an unknown outcome where there is none.
    #[error("this draft is not waiting for a check at {provider}: only a draft whose request's outcome is unknown is")]
    NothingToResolve { provider: &'static str },
    /// No connection to this provider is set up, and Training is off.
    #[error("no {provider} connection is configured: add one in Settings, or use Training")]
    NotConfigured { provider: &'static str },
    /// The connection's secret is not in the keyring (a restored vault, a cleared keyring).
    #[error("the {provider} connection's secret is no longer in the keyring; enter it again in Settings")]
    SecretMissing { provider: &'static str },
    /// Something only a submitted draft has (its terms, its result) was asked of one that
    /// has not been submitted.
    #[error("this draft has not been submitted yet: {then}")]
    NotSubmitted { then: &'static str },
    /// The provider has not created the customer yet, so what comes with it is not there.
    #[error("{provider} has not created the customer yet: {then}")]
    NotCreatedYet {
        provider: &'static str,
        then: &'static str,
    },
    /// Asked of a draft going to another provider (terms of a COS onboarding, say).
    #[error("only {provider} onboardings have {what}")]
    WrongProvider {
        provider: &'static str,
        what: &'static str,
    },
    /// A stored record (a plan's body, a kept result) could not be written or read back.
    #[error("a stored record could not be read or written: {0}")]
    Json(#[from] serde_json::Error),
    /// A file of Branchdesk's own (settings, a stored scan) could not be read or written.
    #[error("{what} could not be read or written: {source}")]
    File {
        what: &'static str,
        source: std::io::Error,
    },
    /// The plan holds what it should not: a step out of order or of another provider.
    #[error("the submission's plan is inconsistent: {0}")]
    PlanInconsistent(String),
    #[error("the terms link cannot be drawn as a QR code: {0}")]
    TermsQr(#[from] qrcode::types::QrError),
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(#[source] branchdesk_api::Error),
    /// Work handed to a background thread ended without an answer (it panicked).
    #[error("background work ended without an answer")]
    WorkLost,
    #[error("the log folder {path} cannot be used: {source}. Check the data folder is writable.")]
    LogFolder {
        path: std::path::PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("logging was already started in this process")]
    LoggingStarted,

    // People at the desk and the review.
    /// Profiles exist, so every audited action needs a signed-in person.
    #[error("sign in first: this desk's actions are recorded under a person (on the command line, --staff NAME with the PIN on standard input)")]
    SignInNeeded,
    #[error("only {needed} can do this; ask one to sign in")]
    RoleNeeded { needed: &'static str },
    #[error("that PIN is not right; {left} tries left before this profile locks")]
    WrongPin { left: u32 },
    #[error("this profile is locked after too many wrong PINs until {until}; an admin can reset it sooner")]
    ProfileLocked { until: String },
    #[error("this profile is disabled; an admin can enable it again")]
    ProfileDisabled,
    #[error("nobody called {0} works at this desk")]
    UnknownPerson(String),
    #[error("a PIN needs {min} to {max} characters")]
    PinLength { min: usize, max: usize },
    #[error("a name needs 1 to 60 letters, without control characters")]
    PersonName,
    #[error("the Trainee profile signs in only in Training mode")]
    TraineeOutsideTraining,
    #[error("the first person at this desk must be an admin, who can then add the others")]
    FirstMustBeAdmin,
    /// Four eyes: the person who submitted a draft cannot also approve it.
    #[error("you submitted this draft, so another reviewer must check it")]
    MakerCannotApprove,
    /// The draft changed after it was sent for its check: the check no longer applies.
    #[error("this draft changed after it was sent for its check, so the check is void; its maker submits it again")]
    CheckVoided,
    #[error(
        "this case is not in the review queue (it may have been decided already); reload the queue"
    )]
    NotInQueue,
    #[error("a {0} needs a reason: choose one and say why in your own words")]
    ReasonNeeded(&'static str),
    #[error("{0} is not one of the listed reasons; choose one of them")]
    UnknownReason(String),
    #[error("{0} is not a decision this case takes")]
    DecisionNotAllowed(&'static str),
    #[error("a send-back needs at least one field or scan marked for the maker to fix")]
    MarksNeeded,
    #[error("a note cannot be empty")]
    EmptyNote,
    #[error("nothing could be read from this scan to fill the draft; type the values instead")]
    NothingToPrefill,
    /// A customers' file (CSV) that is not read at all; its rows' own problems are listed
    /// instead ([`crate::import_csv::RowProblem`]).
    #[error("This file cannot be imported: {0}")]
    Csv(#[from] crate::import_csv::CsvError),
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
            // The file name can be a customer's.
            Error::ScanPathRefused { why, .. } => write!(f, "scan path refused: {why}"),
            Error::ScannerFolderUnreadable(_) => f.write_str("scanner folder unreadable"),
            Error::ScannerWatch { source, .. } => write!(f, "scanner folder not watched: {source}"),
            // serde's message can quote a value.
            Error::Json(e) => write!(
                f,
                "stored record unreadable at line {} column {}",
                e.line(),
                e.column()
            ),
            Error::PlanInconsistent(_) => f.write_str("plan inconsistent"),
            // A file without a header has a customer's values in its first row.
            Error::Csv(crate::import_csv::CsvError::UnknownColumns(names)) => {
                write!(
                    f,
                    "customers file refused: {} unknown column(s)",
                    names.len()
                )
            }
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

/// Why a path is not read as a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRefusal {
    Missing,
    BrokenLink,
    FolderUnreadable,
    LinkOutsideFolder,
    Folder,
    Pipe,
    Device,
    Socket,
    NotRegular,
}

impl std::fmt::Display for PathRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PathRefusal::Missing => "cannot be found or read: check that it still exists.",
            PathRefusal::BrokenLink => "is a link to a file that does not exist.",
            PathRefusal::FolderUnreadable => "is in a folder that cannot be read.",
            PathRefusal::LinkOutsideFolder => {
                "is a link to a file outside its folder, so it is not read. Copy the scan itself into the folder."
            }
            PathRefusal::Folder => "is a folder, not a scan: choose a file inside it.",
            PathRefusal::Pipe => "is a named pipe, not a scan file, so it is not read.",
            PathRefusal::Device => "is a device, not a scan file, so it is not read.",
            PathRefusal::Socket => "is a socket, not a scan file, so it is not read.",
            PathRefusal::NotRegular => "is not a regular file, so it is not read.",
        })
    }
}

pub type Result<T> = std::result::Result<T, Error>;
