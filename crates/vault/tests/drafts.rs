//! Drafts: autosave, listing with search and filters, delete, restarts.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use branchdesk_vault::{
    DraftFilter, DraftId, DraftInput, DraftState, Error, MemoryStore, PartyKind, Provider, Vault,
};
use common::{person, Fixture};

#[test]
fn autosave_upserts_and_moves_the_update_time_only() {
    let fx = Fixture::new();
    let vault = fx.open();
    let mut input = person("Grace Hopper", Provider::Cos);
    let created = vault.create_draft(&input).unwrap();
    assert_eq!(created.created_at, created.updated_at);

    input.body["person"]["birthDate"] = "1906-12-09".into();
    input.state = DraftState::Ready;
    std::thread::sleep(std::time::Duration::from_millis(2));
    let saved = vault.save_draft(created.id, &input).unwrap();
    assert_eq!(saved.created_at, created.created_at);
    assert!(saved.updated_at > created.updated_at);

    let draft = vault.get_draft(created.id).unwrap().unwrap();
    assert_eq!(draft.summary, saved);
    assert_eq!(draft.body, input.body);
    assert_eq!(draft.summary.masked_tax_id.unwrap().as_str(), "•••-••-6789");

    // Saving under an id never seen creates it: the UI may mint ids itself.
    let fresh = DraftId::new();
    vault.save_draft(fresh, &input).unwrap();
    assert!(vault.get_draft(fresh).unwrap().is_some());
    assert!(vault.get_draft(DraftId::new()).unwrap().is_none());
}

#[test]
fn lists_search_names_case_insensitively_and_filter_by_provider_and_state() {
    let fx = Fixture::new();
    let vault = fx.open();
    let ada = vault
        .create_draft(&person("Ada Lovelace", Provider::Cos))
        .unwrap();
    let mut input = person("Ólafur Ragnar", Provider::Fin);
    input.state = DraftState::NeedsAttention;
    let olafur = vault.create_draft(&input).unwrap();
    let mut company = person("Lovelace Analytical Engines LLC", Provider::Bvnk);
    company.kind = PartyKind::Company;
    company.state = DraftState::Submitted;
    let engines = vault.create_draft(&company).unwrap();

    let names = |filter: DraftFilter| -> Vec<String> {
        vault
            .list_drafts(&filter)
            .unwrap()
            .into_iter()
            .map(|d| d.display_name)
            .collect()
    };

    // Most recently changed first.
    assert_eq!(
        vault
            .list_drafts(&DraftFilter::default())
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        vec![engines.id, olafur.id, ada.id]
    );
    assert_eq!(
        names(DraftFilter {
            name_contains: Some("LOVELACE".into()),
            ..Default::default()
        }),
        vec!["Lovelace Analytical Engines LLC", "Ada Lovelace"]
    );
    assert_eq!(
        names(DraftFilter {
            name_contains: Some("óla".into()),
            ..Default::default()
        }),
        vec!["Ólafur Ragnar"]
    );
    // A `%` is a letter to search for, not a wildcard.
    assert!(names(DraftFilter {
        name_contains: Some("%".into()),
        ..Default::default()
    })
    .is_empty());
    assert_eq!(
        names(DraftFilter {
            name_contains: Some("lovelace".into()),
            provider: Some(Provider::Cos),
            ..Default::default()
        }),
        vec!["Ada Lovelace"]
    );
    assert_eq!(
        names(DraftFilter {
            states: vec![DraftState::NeedsAttention, DraftState::Submitted],
            ..Default::default()
        }),
        vec!["Lovelace Analytical Engines LLC", "Ólafur Ragnar"]
    );
    assert!(names(DraftFilter {
        provider: Some(Provider::Fin),
        states: vec![DraftState::Draft],
        ..Default::default()
    })
    .is_empty());
}

#[test]
fn deleting_and_state_changes_survive_a_restart() {
    let fx = Fixture::new();
    let (kept, gone) = {
        let vault = fx.open();
        let kept = vault
            .create_draft(&person("Kept", Provider::Cos))
            .unwrap()
            .id;
        let gone = vault
            .create_draft(&person("Gone", Provider::Cos))
            .unwrap()
            .id;
        vault.set_draft_state(kept, DraftState::Waiting).unwrap();
        assert!(vault.delete_draft(gone).unwrap());
        assert!(!vault.delete_draft(gone).unwrap());
        assert!(matches!(
            vault.set_draft_state(gone, DraftState::Ready),
            Err(Error::DraftNotFound(_))
        ));
        (kept, gone)
    };
    let vault = fx.open();
    assert_eq!(
        vault.get_draft(kept).unwrap().unwrap().summary.state,
        DraftState::Waiting
    );
    assert!(vault.get_draft(gone).unwrap().is_none());
    assert_eq!(vault.list_drafts(&DraftFilter::default()).unwrap().len(), 1);
}

#[test]
fn a_limited_list_is_the_newest_drafts_first() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open(dir.path(), &MemoryStore::default()).unwrap();
    for n in 0..5 {
        vault
            .create_draft(&DraftInput {
                provider: Provider::Cos,
                kind: PartyKind::Person,
                display_name: format!("Customer {n}"),
                masked_tax_id: None,
                state: DraftState::Draft,
                body: serde_json::json!({}),
            })
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let page = vault
        .list_drafts(&DraftFilter {
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    let names: Vec<_> = page.iter().map(|d| d.display_name.as_str()).collect();
    assert_eq!(names, ["Customer 4", "Customer 3"]);
    assert_eq!(vault.list_drafts(&DraftFilter::default()).unwrap().len(), 5);
}
