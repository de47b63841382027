//! A draft that has been, or may have been, sent is never deleted; it is archived, which
//! hides it from the default list and keeps everything it has.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;

use branchdesk_vault::{
    Actor, AfterStep, AuditFilter, AuditOutcome, AuditRecord, DraftFilter, DraftId, DraftState,
    Error, NewStep, Provider, StepStatus, Vault, NEVER_PLANNED,
};
use common::{person, Fixture};

fn steps(n: usize) -> Vec<NewStep> {
    (0..n)
        .map(|i| NewStep {
            kind: format!("cos.step{i}"),
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            body: format!("{{\"step\":{i}}}").into_bytes(),
        })
        .collect()
}

fn listed(vault: &Vault, archived: Option<bool>) -> Vec<DraftId> {
    vault
        .list_drafts(&DraftFilter {
            archived,
            ..DraftFilter::default()
        })
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect()
}

#[test]
fn a_draft_past_ready_is_never_deleted_whatever_its_state() {
    let fx = Fixture::new();
    let vault = fx.open();
    let past_ready: Vec<DraftState> = DraftState::ALL
        .iter()
        .copied()
        .filter(|s| !NEVER_PLANNED.contains(s))
        .collect();
    assert_eq!(past_ready.len(), DraftState::ALL.len() - 2);
    for state in past_ready {
        let id = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        let scan = vault.put_scan(id, b"front".as_slice()).unwrap();
        vault.set_draft_state(id, state).unwrap();
        match vault.delete_draft(id) {
            Err(Error::DeleteRefused { draft, state: said }) => {
                assert_eq!((draft, said), (id, state));
            }
            other => panic!("{state}: expected a refusal, got {other:?}"),
        }
        let kept = vault.get_draft(id).unwrap().expect("the draft is kept");
        assert_eq!(kept.summary.state, state);
        assert_eq!(vault.list_scans(id).unwrap().len(), 1, "{state}");
        vault.open_scan(scan).unwrap();
    }
}

#[test]
fn a_draft_with_a_plan_is_never_deleted_even_when_marked_ready() {
    let fx = Fixture::new();
    let vault = fx.open();
    let id = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    vault.create_plan(id, Provider::Cos, &steps(2)).unwrap();
    vault.set_draft_state(id, DraftState::Ready).unwrap();
    assert!(matches!(
        vault.delete_draft(id),
        Err(Error::DeleteRefused {
            state: DraftState::Ready,
            ..
        })
    ));
    assert_eq!(vault.latest_plan(id).unwrap().unwrap().steps.len(), 2);
}

#[test]
fn a_draft_never_planned_is_deleted_with_its_scans() {
    let fx = Fixture::new();
    let vault = fx.open();
    for state in NEVER_PLANNED {
        let id = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        let scan = vault.put_scan(id, b"front".as_slice()).unwrap();
        vault.set_draft_state(id, state).unwrap();
        assert!(vault.delete_draft(id).unwrap(), "{state}");
        assert!(vault.get_draft(id).unwrap().is_none());
        assert!(matches!(vault.open_scan(scan), Err(Error::ScanNotFound(_))));
    }
}

#[test]
fn archiving_hides_a_sent_draft_from_the_default_list_and_keeps_everything() {
    let fx = Fixture::new();
    let (id, other, scan) = {
        let vault = fx.open();
        let other = vault
            .create_draft(&person("Bob", Provider::Cos))
            .unwrap()
            .id;
        let id = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        let scan = vault.put_scan(id, b"front page".as_slice()).unwrap();
        vault.create_plan(id, Provider::Cos, &steps(1)).unwrap();
        let first = vault.next_pending_step(id).unwrap().unwrap();
        let first = vault.start_step(&first, DraftState::Sending).unwrap();
        let done = vault
            .complete_step(
                first.id,
                &serde_json::json!({"customerId": "c-1"}),
                &AuditRecord {
                    draft_id: Some(id),
                    actor: Actor::System,
                    action: "cos.create_customer".to_owned(),
                    provider: Some(Provider::Cos),
                    endpoint: Some("POST /core/v1/cm/customers".to_owned()),
                    status: Some(201),
                    provider_ids: serde_json::json!({"customerId": "c-1"}),
                    outcome: AuditOutcome::Success,
                },
                DraftState::Submitted,
            )
            .unwrap();
        assert!(matches!(done, AfterStep::Finished), "{done:?}");
        assert_eq!(listed(&vault, Some(false)), vec![id, other]);

        vault.archive_draft(id).unwrap();
        (id, other, scan)
    };

    // After a restart, too: the flag is on disk.
    let vault = fx.open();
    assert_eq!(
        listed(&vault, Some(false)),
        vec![other],
        "hidden by default"
    );
    assert_eq!(listed(&vault, Some(true)), vec![id], "shown under Archived");
    assert_eq!(listed(&vault, None), vec![id, other], "the runner's view");
    let stored = vault.get_draft(id).unwrap().unwrap();
    assert!(stored.summary.archived);
    assert_eq!(stored.summary.state, DraftState::Submitted);

    let plan = vault.latest_plan(id).unwrap().unwrap();
    assert_eq!(plan.steps[0].status, StepStatus::Done);
    assert_eq!(plan.steps[0].provider_ids["customerId"], "c-1");
    let audit = vault
        .list_audit(&AuditFilter {
            draft_id: Some(id),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(vault.verify_audit().unwrap().is_intact());
    let mut bytes = Vec::new();
    vault
        .open_scan(scan)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(bytes, b"front page");
    assert!(matches!(
        vault.delete_draft(id),
        Err(Error::DeleteRefused { .. })
    ));

    vault.unarchive_draft(id).unwrap();
    assert_eq!(listed(&vault, Some(false)), vec![id, other]);
    assert!(listed(&vault, Some(true)).is_empty());
}

#[test]
fn only_a_planned_draft_at_rest_can_be_archived() {
    let fx = Fixture::new();
    let vault = fx.open();
    for state in DraftState::ALL.iter().copied() {
        let id = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        if !NEVER_PLANNED.contains(&state) {
            vault.create_plan(id, Provider::Cos, &steps(1)).unwrap();
        }
        vault.set_draft_state(id, state).unwrap();
        let refused = matches!(
            state,
            DraftState::Draft | DraftState::Ready | DraftState::Waiting | DraftState::Sending
        );
        match vault.archive_draft(id) {
            Ok(()) => assert!(!refused, "{state} was archived"),
            Err(Error::ArchiveRefused { state: said, .. }) => {
                assert!(refused, "{state} was refused");
                assert_eq!(said, state);
            }
            Err(other) => panic!("{state}: {other:?}"),
        }
        let archived = vault.get_draft(id).unwrap().unwrap().summary.archived;
        assert_eq!(archived, !refused, "{state}");
    }
    assert!(matches!(
        vault.archive_draft(DraftId::new()),
        Err(Error::DraftNotFound(_))
    ));
}
