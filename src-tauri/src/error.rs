//! Errors as the UI receives them: `{code, message, field?}`. The UI switches on `code`
//! and puts `message` under `field` when there is one; it never parses message text.

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
    /// The provider's part of this is not in Branchdesk yet.
    NotYetSupported,
    /// A backup was not restored (wrong passphrase, a damaged file, an installation that
    /// is not fresh, or a restore already under way); the message says which.
    Restore,
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
    }
}

impl From<EngineError> for UiError {
    fn from(error: EngineError) -> Self {
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
            | EngineError::SeveralFilesDropped(_) => UiError {
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
            EngineError::NotYetSupported { .. } => UiError {
                code: ErrorCode::NotYetSupported,
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
            EngineError::Frozen => UiError {
                code: ErrorCode::Frozen,
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
mod tests {
    use super::*;
    use branchdesk_domain::cos::ErrorItem;

    #[test]
    fn errors_cross_to_the_ui_as_code_message_field() {
        let error = UiError::from(EngineError::Provider(ApiError::Rejected {
            status: 400,
            errors: vec![ErrorItem {
                code: 1000,
                message: "First name required".into(),
            }],
        }));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "rejected");
        assert_eq!(json["field"], "firstName");
        assert!(json["message"]
            .as_str()
            .unwrap()
            .contains("First name required"));

        let error = UiError::from(EngineError::Provider(ApiError::Network("reset".into())));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "unreachable");
        assert!(
            json.get("field").is_none(),
            "no field key when there is none: {json}"
        );
    }

    /// Whether staff can cause this error (and so must be told what to do), or it is a
    /// fault of Branchdesk's or its surroundings. No wildcard: a new variant must be sorted
    /// here before this compiles.
    fn staff_caused(error: &EngineError) -> bool {
        match error {
            EngineError::Invalid(_)
            | EngineError::ScanRefused(_)
            | EngineError::ScanPathRefused { .. }
            | EngineError::PdfCannotTurn
            | EngineError::NoWarningsToAccept
            | EngineError::SeveralFilesDropped(_)
            | EngineError::ScannerFolderNotSet
            | EngineError::ScannerFolderUnreadable(_)
            | EngineError::ScannerWatch { .. }
            | EngineError::NotFound
            | EngineError::Frozen
            | EngineError::CannotDeleteSubmitted(_)
            | EngineError::CannotArchive(_)
            | EngineError::TermsLinkRefused(_)
            | EngineError::QueueBusy
            | EngineError::NothingToResolve { .. }
            | EngineError::NotConfigured { .. }
            | EngineError::SecretMissing { .. }
            | EngineError::NotSubmitted { .. }
            | EngineError::NotCreatedYet { .. }
            | EngineError::WrongProvider { .. }
            | EngineError::NotYetSupported { .. }
            | EngineError::RestoreUnderWay => true,
            EngineError::Provider(_)
            | EngineError::Vault(_)
            | EngineError::AwaitingTerms
            | EngineError::Training(_)
            | EngineError::Json(_)
            | EngineError::File { .. }
            | EngineError::PlanInconsistent(_)
            | EngineError::TermsQr(_)
            | EngineError::HttpClient(_)
            | EngineError::WorkLost
            | EngineError::UnknownSlot(_)
            | EngineError::LogFolder { .. }
            | EngineError::LoggingStarted => false,
        }
    }

    /// One of each variant staff can cause.
    fn staff_caused_samples() -> Vec<EngineError> {
        vec![
            EngineError::Invalid(vec![branchdesk_domain::validate::Issue {
                field: "name.first".into(),
                code: "required".into(),
                message: "Enter the first name.".into(),
                severity: branchdesk_domain::validate::Severity::Error,
            }]),
            EngineError::ScanRefused(branchdesk_engine::ScanError::Empty),
            EngineError::ScanPathRefused {
                name: "scan.jpg".into(),
                why: branchdesk_engine::PathRefusal::Pipe,
            },
            EngineError::PdfCannotTurn,
            EngineError::NoWarningsToAccept,
            EngineError::SeveralFilesDropped(2),
            EngineError::ScannerFolderNotSet,
            EngineError::ScannerFolderUnreadable("/scans".into()),
            EngineError::ScannerWatch {
                path: "/scans".into(),
                source: "inotify limit".into(),
            },
            EngineError::NotFound,
            EngineError::Frozen,
            EngineError::CannotDeleteSubmitted("sent".into()),
            EngineError::CannotArchive("a draft".into()),
            EngineError::TermsLinkRefused("http, not https".into()),
            EngineError::QueueBusy,
            EngineError::NothingToResolve {
                provider: "Fin.com",
            },
            EngineError::NotConfigured {
                provider: "Fin.com",
            },
            EngineError::SecretMissing {
                provider: "Cross River",
            },
            EngineError::NotSubmitted {
                then: "the terms come once Fin.com has created the customer",
            },
            EngineError::NotCreatedYet {
                provider: "Fin.com",
                then: "the terms come with it",
            },
            EngineError::WrongProvider {
                provider: "Fin.com",
                what: "terms to accept",
            },
            EngineError::NotYetSupported {
                provider: "BVNK",
                what: "Testing the connection",
            },
            EngineError::RestoreUnderWay,
        ]
    }

    #[test]
    fn every_error_staff_can_cause_has_a_code_of_its_own() {
        let samples = staff_caused_samples();
        let kinds: std::collections::HashSet<_> =
            samples.iter().map(std::mem::discriminant).collect();
        assert_eq!(kinds.len(), samples.len(), "one sample per variant");
        for error in samples {
            assert!(staff_caused(&error), "{error:?} is sorted as staff-caused");
            let shown = error.to_string();
            let ui = UiError::from(error);
            assert_ne!(ui.code, ErrorCode::Internal, "{shown}");
            assert!(!ui.message.is_empty());
        }
        // And what is not staff-caused reaches the window as internal.
        let fault = EngineError::PlanInconsistent("a sub-record before the customer".into());
        assert!(!staff_caused(&fault));
        assert_eq!(UiError::from(fault).code, ErrorCode::Internal);
    }

    #[test]
    fn the_json_the_window_receives_is_pinned() {
        let pinned = [
            (
                EngineError::NotConfigured {
                    provider: "Fin.com",
                },
                serde_json::json!({
                    "code": "not_configured",
                    "message": "no Fin.com connection is configured: add one in Settings, or use Training",
                }),
            ),
            (
                EngineError::SecretMissing {
                    provider: "Cross River",
                },
                serde_json::json!({
                    "code": "secret_missing",
                    "message": "the Cross River connection's secret is no longer in the keyring; enter it again in Settings",
                }),
            ),
            (
                EngineError::ScanPathRefused {
                    name: "front.jpg".into(),
                    why: branchdesk_engine::PathRefusal::Folder,
                },
                serde_json::json!({
                    "code": "scan_refused",
                    "message": "front.jpg is a folder, not a scan: choose a file inside it.",
                }),
            ),
            (
                EngineError::Invalid(vec![branchdesk_domain::validate::Issue {
                    field: "taxIds[0].number".into(),
                    code: "ssn_area".into(),
                    message: "An SSN cannot start with 666.".into(),
                    severity: branchdesk_domain::validate::Severity::Error,
                }]),
                serde_json::json!({
                    "code": "invalid",
                    "message": "An SSN cannot start with 666.",
                    "field": "taxIds[0].number",
                }),
            ),
            (
                EngineError::WorkLost,
                serde_json::json!({
                    "code": "internal",
                    "message": "background work ended without an answer",
                }),
            ),
        ];
        for (error, json) in pinned {
            assert_eq!(serde_json::to_value(UiError::from(error)).unwrap(), json);
        }
    }
}
