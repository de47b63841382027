//! The language the window speaks, and Rust's messages put in it just before they go to
//! the page. The rules, the engine, the CLI and the logs stay English; only here, at the
//! edge, is a message translated (see `branchdesk_domain::words`).

use std::sync::atomic::{AtomicU8, Ordering};

use branchdesk_domain::draft::{ScanCheck, ScanSlot};
use branchdesk_domain::validate::Issue;
use branchdesk_domain::words::{self, Language};
use branchdesk_engine::activity::Activity;
use branchdesk_engine::records::{DraftRecord, Submission};
use branchdesk_engine::scans::ScanPreview;
use branchdesk_engine::setup;

/// The language staff chose, resolved (System is the OS locale's). Process-wide rather
/// than in `AppState` because errors become `UiError`s through `From`, where no state is
/// at hand; it is set at start from Settings and again whenever Settings change it.
static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// Puts the window in `chosen`.
pub fn choose(chosen: setup::Language) {
    CHOSEN.store(
        match resolve(chosen) {
            Language::En => 0,
            Language::Es => 1,
        },
        Ordering::Relaxed,
    );
}

/// The language Settings name, with System as the operating system's.
pub fn resolve(chosen: setup::Language) -> Language {
    match chosen {
        setup::Language::System => Language::of_system(),
        setup::Language::En => Language::En,
        setup::Language::Es => Language::Es,
    }
}

/// The window's language now.
pub fn current() -> Language {
    match CHOSEN.load(Ordering::Relaxed) {
        1 => Language::Es,
        _ => Language::En,
    }
}

/// `message` in `language`.
pub fn say(message: &str, language: Language) -> String {
    words::translate(message, language)
}

/// A scan's checks in `language`, as staff read them under the scan. The stored draft keeps
/// them in English: the form's autosave never writes a draft's scans back (they are the
/// scan commands' to change), so a translated copy never reaches the vault.
pub fn scans(scans: Vec<ScanSlot>, language: Language) -> Vec<ScanSlot> {
    scans
        .into_iter()
        .map(|scan| ScanSlot {
            checks: checks(scan.checks, language),
            ..scan
        })
        .collect()
}

fn checks(checks: Vec<ScanCheck>, language: Language) -> Vec<ScanCheck> {
    checks
        .into_iter()
        .map(|check| ScanCheck {
            message: say(&check.message, language),
            ..check
        })
        .collect()
}

/// A draft as the window shows it: its scans' checks in `language`.
pub fn record(record: DraftRecord, language: Language) -> DraftRecord {
    let mut record = record;
    record.draft.scans = scans(std::mem::take(&mut record.draft.scans), language);
    record
}

/// A new file's checks, shown while its upload copy is made, in `language`.
pub fn preview(preview: ScanPreview, language: Language) -> ScanPreview {
    ScanPreview {
        checks: checks(preview.checks, language),
        ..preview
    }
}

/// The rules' findings with their messages in `language`; fields and codes unchanged.
pub fn issues(issues: Vec<Issue>, language: Language) -> Vec<Issue> {
    issues
        .into_iter()
        .map(|issue| Issue {
            message: say(&issue.message, language),
            ..issue
        })
        .collect()
}

/// Where a submission is, with what went wrong and Fin.com's reasons in the window's
/// language (their provider's own words after `Fin.com:` stay as Fin.com wrote them).
pub fn submission(mut submission: Submission) -> Submission {
    let language = current();
    if let Some(problem) = submission.error.as_mut() {
        problem.message = say(&problem.message, language);
    }
    if let Some(fin) = submission.fin.as_mut() {
        fin.reasons = issues(std::mem::take(&mut fin.reasons), language);
    }
    submission
}

/// The Activity page with its sentences' provider in the window's language ("the
/// provider" when an entry names none); the sentences themselves are keys the page says.
pub fn activity(mut activity: Activity) -> Activity {
    let language = current();
    for entry in &mut activity.entries {
        if let Some(provider) = entry.words.params.get_mut("provider") {
            *provider = say(provider, language);
        }
    }
    activity
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_keep_their_field_and_code_and_change_their_words() {
        let issue = Issue {
            field: "ssn".into(),
            code: "ssn_area".into(),
            message: "This is not a valid SSN: it cannot start with 000, 666 or 9. Check the card."
                .into(),
            severity: branchdesk_domain::validate::Severity::Error,
        };
        let [es] = &issues(vec![issue.clone()], Language::Es)[..] else {
            panic!("one issue in, one out");
        };
        assert_eq!((es.field.as_str(), es.code.as_str()), ("ssn", "ssn_area"));
        assert!(
            es.message.contains("número de Seguro Social"),
            "{}",
            es.message
        );
        assert_eq!(issues(vec![issue.clone()], Language::En), vec![issue]);
    }

    #[test]
    fn settings_name_the_language() {
        assert_eq!(resolve(setup::Language::Es), Language::Es);
        assert_eq!(resolve(setup::Language::En), Language::En);
    }

    #[test]
    fn a_scans_checks_are_said_in_spanish_and_keep_their_codes() {
        let scan = ScanSlot {
            slot: "FRONT".into(),
            checks: vec![
                ScanCheck {
                    check: "resolution".into(),
                    ok: true,
                    message: "Resolution is enough (1600 pixels on the long side).".into(),
                },
                ScanCheck {
                    check: "blur".into(),
                    ok: false,
                    message: "The picture looks blurred; text may be unreadable. Hold the camera still, let it focus, and take the photo again.".into(),
                },
                ScanCheck {
                    check: "glare".into(),
                    ok: false,
                    message: "Bright reflections (glare) cover 12% of the picture and may hide details. Tilt the document away from the light or switch off the flash, and take it again.".into(),
                },
            ],
            ..ScanSlot::default()
        };
        let [es] = &scans(vec![scan.clone()], Language::Es)[..] else {
            panic!("one scan in, one out");
        };
        let said: Vec<&str> = es.checks.iter().map(|c| c.message.as_str()).collect();
        assert_eq!(
            said[0],
            "La resolución es suficiente (1600 píxeles en el lado largo)."
        );
        assert!(
            said[1].starts_with("La imagen se ve borrosa"),
            "{}",
            said[1]
        );
        assert!(
            said[2].contains("el 12 %") || said[2].contains("12%"),
            "{}",
            said[2]
        );
        assert_eq!(
            es.checks
                .iter()
                .map(|c| (c.check.as_str(), c.ok))
                .collect::<Vec<_>>(),
            vec![("resolution", true), ("blur", false), ("glare", false)]
        );
        assert_eq!(scans(vec![scan.clone()], Language::En), vec![scan]);
    }
}
