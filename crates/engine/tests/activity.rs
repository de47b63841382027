//! Activity's verdict on the audit log, in words the window can show.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod common;

use common::offline::desk;

use branchdesk_engine::Desk;
use branchdesk_vault::{
    Actor, AuditOutcome, AuditProblemKind, AuditRecord, MemoryStore, DATABASE_FILE,
};

fn append(desk: &Desk, count: usize) {
    for i in 0..count {
        desk.vault()
            .append_audit(&AuditRecord {
                draft_id: None,
                actor: Actor::System,
                action: format!("step.{i}"),
                provider: None,
                endpoint: None,
                status: None,
                provider_ids: serde_json::Value::Null,
                outcome: AuditOutcome::Success,
            })
            .unwrap();
    }
}

#[test]
fn a_database_put_back_to_an_older_copy_shows_in_activity_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let first = desk(dir.path(), &secrets);
    append(&first, 2);
    let activity = first.activity(None, "").unwrap();
    assert!(activity.intact && activity.findings.is_empty());
    drop(first);
    let db = dir.path().join(DATABASE_FILE);
    let old = std::fs::read(&db).unwrap();

    let second = desk(dir.path(), &secrets);
    append(&second, 3);
    drop(second);
    std::fs::write(&db, old).unwrap();

    let activity = desk(dir.path(), &secrets).activity(None, "").unwrap();
    assert!(!activity.intact);
    assert_eq!(activity.problems, 1);
    let finding = &activity.findings[0];
    assert_eq!((finding.seq, finding.kind.as_str()), (5, "truncated"));
    assert!(finding.text.contains("rolled back"), "{}", finding.text);
}

#[test]
fn every_kind_of_audit_problem_has_words_in_each_language() {
    let kinds = [
        AuditProblemKind::Altered,
        AuditProblemKind::ChainBroken,
        AuditProblemKind::Missing,
        AuditProblemKind::HeadMismatch,
        AuditProblemKind::Unanchored,
        AuditProblemKind::Truncated,
        AuditProblemKind::RolledBack,
    ];
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/i18n");
    for language in ["en.js", "es.js"] {
        let catalogue = std::fs::read_to_string(ui.join(language)).unwrap();
        for kind in kinds {
            let name = serde_json::to_value(kind).unwrap();
            let key = format!("\"activity.problem.{}\"", name.as_str().unwrap());
            assert!(catalogue.contains(&key), "{language} has no {key}");
        }
    }
}

#[test]
fn a_long_log_is_read_a_page_at_a_time_newest_first() {
    use branchdesk_engine::activity::{ActivityQuery, PAGE};
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let total = PAGE as usize * 2 + 7;
    append(&desk, total);

    let mut seen = Vec::new();
    let mut before = None;
    let mut pages = 0;
    loop {
        let page = desk
            .activity_page(&ActivityQuery {
                before,
                ..ActivityQuery::default()
            })
            .unwrap();
        pages += 1;
        assert!(page.entries.len() <= PAGE as usize);
        assert!(page.intact, "each page says whether the chain holds");
        seen.extend(page.entries.iter().map(|e| e.seq));
        match page.older {
            Some(older) => before = Some(older),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<u64> = (1..=total as u64).rev().collect();
    assert_eq!(seen, expected, "every entry once, newest first");

    // Days are local days, both ends included: today holds everything, tomorrow nothing.
    let today = chrono::Local::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (today_text, tomorrow) = (day(today), day(today.succ_opt().unwrap()));
    let on = |from: &str, to: &str| {
        desk.activity_page(&ActivityQuery {
            from: Some(from),
            to: Some(to),
            ..ActivityQuery::default()
        })
        .unwrap()
        .entries
        .len()
    };
    assert_eq!(on(&today_text, &today_text), PAGE as usize);
    assert_eq!(on(&tomorrow, &tomorrow), 0);
    let refused = desk.activity_page(&ActivityQuery {
        from: Some("07/23/2026"),
        ..ActivityQuery::default()
    });
    assert!(
        matches!(refused, Err(branchdesk_engine::Error::Invalid(ref issues)) if issues[0].field == "from"),
        "{refused:?}"
    );
}
