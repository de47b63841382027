//! The language the window speaks, and Rust's messages put in it just before they go to
//! the page. The rules, the engine, the CLI and the logs stay English; only here, at the
//! edge, is a message translated (see `branchdesk_domain::words`).

use std::sync::atomic::{AtomicU8, Ordering};

use branchdesk_domain::validate::Issue;
use branchdesk_domain::words::{self, Language};
use branchdesk_engine::activity::Activity;
use branchdesk_engine::records::Submission;
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
}
