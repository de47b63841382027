//! A draft that has been, or may have been, sent is archived, never deleted: against the
//! sandbox over loopback, with a real vault on disk.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use branchdesk_domain::validate::Severity;
use branchdesk_engine::drafts::{ARCHIVED, DRAFT_ARCHIVED};
use branchdesk_engine::setup::{welcome_due, welcome_seen};
use branchdesk_engine::Error;
use branchdesk_vault::{AuditFilter, DraftState, NEVER_PLANNED};

mod common;
use common::{decided, id, World};

fn listed(desk: &branchdesk_engine::Desk, filter: &str) -> Vec<String> {
    desk.list_drafts("", filter)
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect()
}

#[tokio::test]
async fn delete_is_refused_for_every_state_past_ready() {
    let world = World::new().await;
    let desk = world.desk();
    for state in DraftState::ALL
        .iter()
        .copied()
        .filter(|s| !NEVER_PLANNED.contains(s))
    {
        let (draft, _) = world.licence_draft(&desk, "Ortiz");
        desk.vault().set_draft_state(id(&draft), state).unwrap();
        match desk.delete_draft(&draft) {
            Err(Error::CannotDeleteSubmitted(said)) => {
                assert_eq!(said, state.as_str().replace('_', " "));
            }
            other => panic!("{state}: expected a refusal, got {other:?}"),
        }
        let kept = desk.get_draft(&draft).unwrap();
        assert_eq!(kept.draft.scans.len(), 3, "{state}: scans kept");
    }
    // A draft never planned still goes.
    let (draft, _) = world.licence_draft(&desk, "Ortiz");
    desk.delete_draft(&draft).unwrap();
    assert!(matches!(desk.get_draft(&draft), Err(Error::NotFound)));
}

#[tokio::test]
async fn an_approved_onboarding_is_archived_with_everything_it_has() {
    let world = World::new().await;
    let desk = world.desk();
    let (draft, body) = world.licence_draft(&desk, "Garcia");
    let (other, _) = world.licence_draft(&desk, "Lopez");
    // Being sent: neither deleted nor hidden.
    desk.submit(&draft, &body).unwrap();
    assert!(matches!(
        desk.archive_draft(&draft),
        Err(Error::CannotArchive(_))
    ));
    assert!(matches!(
        desk.delete_draft(&draft),
        Err(Error::CannotDeleteSubmitted(_))
    ));
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(decided(&desk, &draft).await.state, "approved");
    // Never sent: deleted, not archived.
    assert!(matches!(
        desk.archive_draft(&other),
        Err(Error::CannotArchive(_))
    ));

    let audit_filter = AuditFilter {
        draft_id: Some(id(&draft)),
        outcome: None,
    };
    let plan_before = desk.vault().latest_plan(id(&draft)).unwrap().unwrap();
    let audit_before = desk.vault().list_audit(&audit_filter).unwrap();
    let scans_before = desk.vault().list_scans(id(&draft)).unwrap();
    let slots_before = desk.get_draft(&draft).unwrap().draft.scans;
    assert!(listed(&desk, "").contains(&draft));

    desk.archive_draft(&draft).unwrap();

    assert_eq!(listed(&desk, ""), vec![other.clone()], "hidden by default");
    assert!(
        listed(&desk, "approved").is_empty(),
        "and from state filters"
    );
    assert_eq!(listed(&desk, ARCHIVED), vec![draft.clone()]);
    let shown = desk.list_drafts("garcia", ARCHIVED).unwrap();
    assert!(shown[0].archived);
    assert_eq!(shown[0].state.as_str(), "approved");

    let plan_after = desk.vault().latest_plan(id(&draft)).unwrap().unwrap();
    assert_eq!(plan_after.steps.len(), plan_before.steps.len());
    for (before, after) in plan_before.steps.iter().zip(&plan_after.steps) {
        assert_eq!(
            (&after.kind, after.status, &after.provider_ids, &after.body),
            (
                &before.kind,
                before.status,
                &before.provider_ids,
                &before.body
            )
        );
    }
    let audit_after = desk.vault().list_audit(&audit_filter).unwrap();
    assert_eq!(audit_after.len(), audit_before.len() + 1);
    assert_eq!(audit_after.last().unwrap().record.action, DRAFT_ARCHIVED);
    assert!(desk.vault().verify_audit().unwrap().is_intact());
    assert_eq!(desk.vault().list_scans(id(&draft)).unwrap(), scans_before);
    assert_eq!(desk.get_draft(&draft).unwrap().draft.scans, slots_before);
    let status = desk.submission_status(&draft).await.unwrap();
    assert_eq!(status.fin.unwrap().status, "APPROVED");
    assert!(matches!(
        desk.delete_draft(&draft),
        Err(Error::CannotDeleteSubmitted(_))
    ));

    desk.unarchive_draft(&draft).unwrap();
    assert!(listed(&desk, "").contains(&draft));
    assert!(listed(&desk, ARCHIVED).is_empty());
}

#[tokio::test]
async fn a_new_training_desk_is_welcomed_until_the_guided_sample_starts_or_it_is_put_away() {
    let world = World::new().await;
    let desk = world.desk();
    let dir = tempfile::tempdir().unwrap();
    assert!(welcome_due(dir.path(), &desk).unwrap(), "a new desk");

    // The guided onboarding's draft: the example licence's holder, meeting every rule of a
    // Cross River Personal customer but the scans.
    let record = desk.create_sample_draft().unwrap();
    assert_eq!(record.draft, branchdesk_engine::Desk::sample_draft());
    assert_eq!(
        (
            record.draft.name.first.as_str(),
            record.draft.name.last.as_str()
        ),
        ("Dana", "Whitfield")
    );
    let errors: Vec<_> = desk
        .validate(&record.draft)
        .into_iter()
        .filter(|i| i.severity == Severity::Error && !i.field.starts_with("scans"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(desk.get_draft(&record.id).unwrap().draft, record.draft);
    assert!(
        !welcome_due(dir.path(), &desk).unwrap(),
        "a desk with a draft"
    );

    // Put away on a desk that has no draft: not offered again.
    desk.delete_draft(&record.id).unwrap();
    assert!(welcome_due(dir.path(), &desk).unwrap());
    welcome_seen(dir.path()).unwrap();
    assert!(!welcome_due(dir.path(), &desk).unwrap(), "put away");
}
