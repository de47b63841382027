//! Errors as the UI receives them: `{code, message, field?}`. The UI switches on `code`
//! and puts `message` under `field` when there is one; it never parses message text.

use branchdesk_domain::words::Language;
use branchdesk_engine::store::VaultError;
use branchdesk_engine::Error as EngineError;
use branchdesk_engine::ProviderError as ApiError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The draft breaks a local rule; nothing was sent.
    Invalid,
    /// The provider checked the request and refused it.
    Rejected,
    /// The provider could not be reached, or kept failing; safe to try again.
    Unreachable,
    /// The connection's credentials were refused.
    Credentials,
    /// The draft asked for no longer exists.
    NotFound,
    /// The draft has been submitted and cannot change.
    Frozen,
    /// Work is queued; the environment or a connection cannot change now.
    QueueBusy,
    /// The draft has been, or may have been, sent: it can be archived, not deleted.
    CannotDeleteSubmitted,
    /// The draft cannot be archived now: never sent (delete it) or being sent (wait).
    CannotArchive,
    /// Fin.com's terms link is not on the connection's own Fin.com host: never opened.
    TermsLinkRefused,
    /// A scan file cannot be used; the message says why.
    ScanRefused,
    /// The scanner folder is not set or cannot be watched; the message says what to do.
    ScannerFolder,
    /// The provider may or may not have applied the request; a person checks first.
    UnknownOutcome,
    /// A check was recorded for a draft that is not waiting for one.
    NothingToResolve,
    /// No browser could be opened on this computer; the link is there to copy instead.
    NoBrowser,
    /// No connection to the provider is set up: add one in Settings, or use Training.
    NotConfigured,
    /// The connection's secret is not in the keyring: enter it again in Settings.
    SecretMissing,
    /// Asked of a draft that is not submitted (or whose customer is not created) yet.
    NotSubmitted,
    /// Asked of a draft going to another provider.
    WrongProvider,
    /// A backup was not restored (wrong passphrase, a damaged file, an installation that
    /// is not fresh, or a restore already under way); the message says which.
    Restore,
    /// Nobody is signed in (or the idle lock signed them out): sign in first.
    SignInNeeded,
    /// A sign-in was refused: a wrong PIN, a locked or disabled profile, an unknown name.
    SignIn,
    /// The signed-in person's role does not allow it, or the case does not take it.
    NotAllowed,
    /// Four eyes: the maker of a submission cannot approve their own.
    MakerCannotApprove,
    /// The draft changed after it was sent for its check: the check is void.
    CheckVoided,
    /// The case is no longer in the review queue (decided, or withdrawn).
    NotInQueue,
    /// Another reviewer has the case in hand.
    Claimed,
    /// A customers' file cannot be imported at all (its size, its encoding, its header);
    /// the message says why. Its rows' own problems are listed, not raised.
    ImportRefused,
    /// Anything else: a fault of Branchdesk's.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl UiError {
    /// The system could not open a browser (none installed, no desktop session).
    pub fn no_browser() -> Self {
        UiError {
            code: ErrorCode::NoBrowser,
            message: "Branchdesk could not open a browser on this computer. Copy the link and open it yourself, or let the customer scan the QR code.".to_owned(),
            field: None,
        }
        .in_language(crate::words::current())
    }

    /// The same error with its message in `language`; code and field unchanged.
    pub fn in_language(self, language: Language) -> Self {
        UiError {
            message: crate::words::say(&self.message, language),
            ..self
        }
    }
}

impl From<EngineError> for UiError {
    fn from(error: EngineError) -> Self {
        // Said in the window's language: the page shows `message` as it comes.
        UiError::english(error).in_language(crate::words::current())
    }
}

impl UiError {
    /// The error as the window receives it, in the engine's (English) words.
    fn english(error: EngineError) -> Self {
        // Every error that reaches the window is logged with its cause, in the form that
        // keeps codes and statuses and drops anything that can carry customer data.
        tracing::info!(error = %error.for_log(), "answered the window with an error");
        let message = error.to_string();
        match error {
            EngineError::Invalid(issues) => {
                // The first problem, in the rule's own words, on its field; the UI asks the
                // rules again for the full list when it needs it.
                let first = issues.iter().find(|i| i.is_error());
                UiError {
                    code: ErrorCode::Invalid,
                    message: first.map(|i| i.message.clone()).unwrap_or(message),
                    field: first.map(|i| i.field.clone()),
                }
            }
            EngineError::Provider(ApiError::Rejected { errors, .. }) => UiError {
                code: ErrorCode::Rejected,
                field: errors
                    .iter()
                    .find_map(branchdesk_domain::cos::field_of_error)
                    .map(str::to_owned),
                message,
            },
            EngineError::Provider(
                ApiError::Invalid { .. }
                | ApiError::NotEligible(_)
                | ApiError::RelianceUnavailable { .. }
                | ApiError::Refused { .. }
                | ApiError::NotFound,
            ) => UiError {
                code: ErrorCode::Rejected,
                message,
                field: None,
            },
            EngineError::Provider(
                ApiError::Network(_)
                | ApiError::Unavailable { .. }
                | ApiError::AttachInFlight
                // Not answered as asked: a redirect elsewhere, or an answer too large to
                // read. The message says which; the connection's address is what to check.
                | ApiError::Redirected { .. }
                | ApiError::AnswerTooLarge { .. },
            ) => UiError {
                code: ErrorCode::Unreachable,
                message,
                field: None,
            },
            EngineError::Provider(ApiError::Auth { .. }) => UiError {
                code: ErrorCode::Credentials,
                message,
                field: None,
            },
            EngineError::NotFound => UiError {
                code: ErrorCode::NotFound,
                message,
                field: None,
            },
            EngineError::ScanRefused(_)
            | EngineError::ScanPathRefused { .. }
            | EngineError::PdfCannotTurn
            | EngineError::NoWarningsToAccept
            | EngineError::SeveralFilesDropped(_)
            | EngineError::NothingToPrefill => UiError {
                code: ErrorCode::ScanRefused,
                message,
                field: None,
            },
            EngineError::NotConfigured { .. } => UiError {
                code: ErrorCode::NotConfigured,
                message,
                field: None,
            },
            EngineError::SecretMissing { .. } => UiError {
                code: ErrorCode::SecretMissing,
                message,
                field: None,
            },
            EngineError::NotSubmitted { .. } | EngineError::NotCreatedYet { .. } => UiError {
                code: ErrorCode::NotSubmitted,
                message,
                field: None,
            },
            EngineError::WrongProvider { .. } => UiError {
                code: ErrorCode::WrongProvider,
                message,
                field: None,
            },
            EngineError::ScannerFolderNotSet
            | EngineError::ScannerFolderUnreadable(_)
            | EngineError::ScannerWatch { .. } => UiError {
                code: ErrorCode::ScannerFolder,
                message,
                field: None,
            },
            EngineError::QueueBusy => UiError {
                code: ErrorCode::QueueBusy,
                message,
                field: None,
            },
            EngineError::Provider(ApiError::OutcomeUnknown { .. }) => UiError {
                code: ErrorCode::UnknownOutcome,
                message,
                field: None,
            },
            EngineError::NothingToResolve { .. } => UiError {
                code: ErrorCode::NothingToResolve,
                message,
                field: None,
            },
            EngineError::CannotDeleteSubmitted(_) => UiError {
                code: ErrorCode::CannotDeleteSubmitted,
                message,
                field: None,
            },
            EngineError::CannotArchive(_) => UiError {
                code: ErrorCode::CannotArchive,
                message,
                field: None,
            },
            EngineError::TermsLinkRefused(_) => UiError {
                code: ErrorCode::TermsLinkRefused,
                message,
                field: None,
            },
            EngineError::RestoreUnderWay
            | EngineError::Vault(
                VaultError::BackupPassphrase
                | VaultError::BackupDamaged
                | VaultError::NotABackup
                | VaultError::BackupTooNew { .. }
                | VaultError::BackupPassphraseTooShort { .. }
                | VaultError::RestoreNotFresh(_),
            ) => UiError {
                code: ErrorCode::Restore,
                message,
                field: None,
            },
            EngineError::SignInNeeded => UiError {
                code: ErrorCode::SignInNeeded,
                message,
                field: None,
            },
            EngineError::WrongPin { .. }
            | EngineError::ProfileLocked { .. }
            | EngineError::ProfileDisabled
            | EngineError::UnknownPerson(_)
            | EngineError::TraineeOutsideTraining => UiError {
                code: ErrorCode::SignIn,
                message,
                field: Some("pin".to_owned()),
            },
            EngineError::RoleNeeded { .. } | EngineError::DecisionNotAllowed(_) => UiError {
                code: ErrorCode::NotAllowed,
                message,
                field: None,
            },
            EngineError::MakerCannotApprove => UiError {
                code: ErrorCode::MakerCannotApprove,
                message,
                field: None,
            },
            EngineError::CheckVoided => UiError {
                code: ErrorCode::CheckVoided,
                message,
                field: None,
            },
            EngineError::NotInQueue | EngineError::Vault(VaultError::NotHeld(_)) => UiError {
                code: ErrorCode::NotInQueue,
                message,
                field: None,
            },
            EngineError::Vault(VaultError::ClaimedBy { .. }) => UiError {
                code: ErrorCode::Claimed,
                message,
                field: None,
            },
            EngineError::PinLength { .. }
            | EngineError::PersonName
            | EngineError::FirstMustBeAdmin
            | EngineError::ReasonNeeded(_)
            | EngineError::UnknownReason(_)
            | EngineError::MarksNeeded
            | EngineError::EmptyNote
            | EngineError::Vault(VaultError::StaffNameTaken(_)) => UiError {
                code: ErrorCode::Invalid,
                field: Some(
                    match &error {
                        EngineError::PinLength { .. } => "pin",
                        EngineError::PersonName | EngineError::Vault(_) => "name",
                        EngineError::FirstMustBeAdmin => "role",
                        EngineError::ReasonNeeded(_) | EngineError::UnknownReason(_) => "reason",
                        EngineError::MarksNeeded => "marks",
                        _ => "note",
                    }
                    .to_owned(),
                ),
                message,
            },
            EngineError::Vault(VaultError::StaffNotFound(_)) => UiError {
                code: ErrorCode::NotFound,
                message,
                field: None,
            },
            EngineError::Frozen => UiError {
                code: ErrorCode::Frozen,
                message,
                field: None,
            },
            EngineError::Csv(_) => UiError {
                code: ErrorCode::ImportRefused,
                message,
                field: None,
            },
            EngineError::Provider(_)
            | EngineError::AwaitingTerms
            | EngineError::Vault(_)
            | EngineError::Training(_)
            | EngineError::Json(_)
            | EngineError::File { .. }
            | EngineError::PlanInconsistent(_)
            | EngineError::TermsQr(_)
            | EngineError::HttpClient(_)
            | EngineError::WorkLost
            | EngineError::UnknownSlot(_)
            | EngineError::LogFolder { .. }
            | EngineError::LoggingStarted => {
                tracing::error!(error = %error.for_log(), "internal error");
                UiError {
                    code: ErrorCode::Internal,
                    message,
                    field: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
