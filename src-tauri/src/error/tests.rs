use super::*;
use branchdesk_domain::cos::ErrorItem;
use branchdesk_engine::ScanError;

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
        | EngineError::RestoreUnderWay
        | EngineError::SignInNeeded
        | EngineError::RoleNeeded { .. }
        | EngineError::WrongPin { .. }
        | EngineError::ProfileLocked { .. }
        | EngineError::ProfileDisabled
        | EngineError::UnknownPerson(_)
        | EngineError::PinLength { .. }
        | EngineError::PersonName
        | EngineError::TraineeOutsideTraining
        | EngineError::FirstMustBeAdmin
        | EngineError::MakerCannotApprove
        | EngineError::CheckVoided
        | EngineError::NotInQueue
        | EngineError::ReasonNeeded(_)
        | EngineError::UnknownReason(_)
        | EngineError::DecisionNotAllowed(_)
        | EngineError::MarksNeeded
        | EngineError::EmptyNote
        | EngineError::NothingToPrefill
        | EngineError::Csv(_) => true,
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
        EngineError::Csv(branchdesk_engine::import_csv::CsvError::UnknownColumns(
            vec!["`surname`".into()],
        )),
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
        EngineError::RestoreUnderWay,
        EngineError::SignInNeeded,
        EngineError::RoleNeeded { needed: "an admin" },
        EngineError::WrongPin { left: 3 },
        EngineError::ProfileLocked {
            until: "14:05 UTC".into(),
        },
        EngineError::ProfileDisabled,
        EngineError::UnknownPerson("Ana".into()),
        EngineError::PinLength { min: 4, max: 64 },
        EngineError::PersonName,
        EngineError::TraineeOutsideTraining,
        EngineError::FirstMustBeAdmin,
        EngineError::MakerCannotApprove,
        EngineError::CheckVoided,
        EngineError::NotInQueue,
        EngineError::ReasonNeeded("rejection"),
        EngineError::UnknownReason("looked_fine".into()),
        EngineError::DecisionNotAllowed("a decision"),
        EngineError::MarksNeeded,
        EngineError::EmptyNote,
        EngineError::NothingToPrefill,
    ]
}

#[test]
fn every_error_staff_can_cause_has_a_code_of_its_own() {
    let samples = staff_caused_samples();
    let kinds: std::collections::HashSet<_> = samples.iter().map(std::mem::discriminant).collect();
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

#[test]
fn every_error_staff_can_cause_reaches_a_spanish_window_in_spanish() {
    let mut missing = Vec::new();
    // The document reader's own refusals too: one variant of the engine's error, so they
    // are not among the one-per-variant samples.
    let reader = [
        ScanError::ReaderStopped {
            detail: "signal: 6 (SIGABRT)".into(),
        },
        ScanError::ReaderTimedOut { seconds: 60 },
        ScanError::ReaderUnavailable {
            detail: "Permission denied (os error 13)".into(),
        },
        ScanError::ReaderMissing {
            path: "/usr/bin/branchdesk-reader".into(),
        },
        ScanError::ReaderOtherVersion {
            reader: "0.2.0".into(),
            app: "0.1.0".into(),
        },
    ];
    let samples = staff_caused_samples()
        .into_iter()
        .chain(reader.into_iter().map(EngineError::ScanRefused));
    for error in samples {
        let english = UiError::english(error);
        let spanish = english.clone().in_language(Language::Es);
        assert_eq!(
            (spanish.code, &spanish.field),
            (english.code, &english.field),
            "only the words change"
        );
        if branchdesk_domain::words::spanish(&english.message).is_none() {
            missing.push(english.message);
        }
    }
    assert!(
        missing.is_empty(),
        "no Spanish for:\n{}",
        missing.join("\n")
    );
    // And English stays as the engine wrote it.
    let english = UiError::english(EngineError::QueueBusy);
    assert_eq!(english.clone().in_language(Language::En), english);
}
