// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::{Actor, AuditFilter, AuditOutcome, MaskedTaxId, MemoryStore, PartyKind};

fn person(name: &str, state: DraftState) -> DraftInput {
    DraftInput {
        provider: Provider::Cos,
        kind: PartyKind::Person,
        display_name: name.to_owned(),
        masked_tax_id: Some(MaskedTaxId::from_full("123-45-6789")),
        state,
        body: serde_json::json!({ "person": { "firstName": name } }),
    }
}

fn submission(draft: DraftId, name: &str, action: &str) -> PlannedSubmission {
    PlannedSubmission {
        draft,
        input: person(name, DraftState::Waiting),
        steps: (0..3)
            .map(|i| NewStep {
                kind: format!("cos.step{i}"),
                idempotency_key: uuid::Uuid::new_v4().to_string(),
                body: format!("{{\"step\":{i}}}").into_bytes(),
            })
            .collect(),
        audit: AuditRecord {
            draft_id: Some(draft),
            actor: Actor::Staff("ada".to_owned()),
            action: action.to_owned(),
            provider: Some(Provider::Cos),
            endpoint: None,
            status: None,
            provider_ids: serde_json::json!({ "steps": 3 }),
            outcome: AuditOutcome::Success,
        },
        hold: None,
    }
}

#[test]
fn submissions_planned_together_are_each_whole_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open(dir.path(), &MemoryStore::default()).unwrap();
    let drafts: Vec<DraftId> = ["Ada", "Grace", "Edsger", "Barbara"]
        .iter()
        .map(|name| {
            vault
                .create_draft(&person(name, DraftState::Ready))
                .unwrap()
                .id
        })
        .collect();
    // Already submitted, its plan not yet sent: a second plan must be refused.
    vault
        .submit_plans(&[submission(drafts[3], "Barbara", "submit")])
        .unwrap()
        .into_iter()
        .for_each(|outcome| assert!(outcome.is_ok()));

    let outcomes = vault
        .submit_plans(&[
            submission(drafts[0], "Ada Lovelace", "submit"),
            // An audit entry the log refuses: nothing of this one may remain.
            submission(drafts[1], "Grace Hopper", " "),
            submission(drafts[2], "Edsger Dijkstra", "submit"),
            submission(drafts[3], "Barbara Liskov", "submit"),
        ])
        .unwrap();
    assert!(outcomes[0].is_ok() && outcomes[2].is_ok());
    assert!(matches!(outcomes[1], Err(Error::InvalidInput(_))));
    assert!(matches!(outcomes[3], Err(Error::PlanInProgress { .. })));

    let audited = |draft: DraftId| {
        vault
            .list_audit(&AuditFilter {
                draft_id: Some(draft),
                outcome: None,
            })
            .unwrap()
            .len()
    };
    for (draft, name) in [(drafts[0], "Ada Lovelace"), (drafts[2], "Edsger Dijkstra")] {
        let stored = vault.get_draft(draft).unwrap().unwrap().summary;
        assert_eq!(
            (stored.state, stored.display_name.as_str()),
            (DraftState::Waiting, name)
        );
        let plan = vault.latest_plan(draft).unwrap().unwrap();
        assert_eq!(plan.steps.len(), 3);
        assert!(plan.steps.iter().all(|s| s.status == StepStatus::Pending));
        assert_eq!(audited(draft), 1);
    }
    let refused = vault.get_draft(drafts[1]).unwrap().unwrap().summary;
    assert_eq!(
        (refused.state, refused.display_name.as_str()),
        (DraftState::Ready, "Grace")
    );
    assert!(vault.latest_plan(drafts[1]).unwrap().is_none());
    assert_eq!(audited(drafts[1]), 0);
    let unchanged = vault.get_draft(drafts[3]).unwrap().unwrap().summary;
    assert_eq!(unchanged.display_name, "Barbara");
    assert_eq!(audited(drafts[3]), 1);
    assert!(vault.verify_audit().unwrap().is_intact());
}
