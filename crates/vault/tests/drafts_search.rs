//! The Drafts list's search: names with accents and case folded either way, the last four
//! of a tax id, and the customer ids a provider gave a draft.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use branchdesk_vault::{DraftFilter, DraftState, MaskedTaxId, NewStep, Provider, Vault};
use common::{person, Fixture};

fn found(vault: &Vault, typed: &str) -> Vec<String> {
    vault
        .list_drafts(&DraftFilter {
            name_contains: Some(typed.to_owned()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|d| d.display_name)
        .collect()
}

fn step(kind: &str) -> NewStep {
    NewStep {
        kind: kind.to_owned(),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        body: b"{}".to_vec(),
    }
}

#[test]
fn accents_and_case_do_not_matter_either_way() {
    let fx = Fixture::new();
    let vault = fx.open();
    vault
        .create_draft(&person("José Núñez", Provider::Cos))
        .unwrap();
    vault
        .create_draft(&person("Ana Nunez", Provider::Fin))
        .unwrap();
    vault
        .create_draft(&person("Grace Hopper", Provider::Cos))
        .unwrap();

    assert_eq!(found(&vault, "nun"), vec!["Ana Nunez", "José Núñez"]);
    assert_eq!(found(&vault, "nunez"), vec!["Ana Nunez", "José Núñez"]);
    assert_eq!(found(&vault, "NÚÑEZ"), vec!["Ana Nunez", "José Núñez"]);
    assert_eq!(found(&vault, "jose"), vec!["José Núñez"]);
    assert!(found(&vault, "nunnez").is_empty());
}

#[test]
fn the_last_four_of_a_tax_id_find_its_draft_and_nothing_else_of_the_number_does() {
    let fx = Fixture::new();
    let vault = fx.open();
    let mut ada = person("Ada Lovelace", Provider::Cos);
    ada.masked_tax_id = Some(MaskedTaxId::from_full("987-65-4321"));
    vault.create_draft(&ada).unwrap();
    vault
        .create_draft(&person("Grace Hopper", Provider::Cos))
        .unwrap();

    assert_eq!(found(&vault, "4321"), vec!["Ada Lovelace"]);
    assert_eq!(found(&vault, "6789"), vec!["Grace Hopper"]);
    // The rest of the number is not stored beside the list, so it finds nothing.
    assert!(found(&vault, "987").is_empty());
    // A search never runs from the name into the tax id.
    assert!(found(&vault, "hopper6789").is_empty());
}

#[test]
fn a_customer_id_from_the_latest_plans_done_steps_finds_its_draft() {
    let fx = Fixture::new();
    let vault = fx.open();
    let cos = vault
        .create_draft(&person("Ada Lovelace", Provider::Cos))
        .unwrap();
    let fin = vault
        .create_draft(&person("Grace Hopper", Provider::Fin))
        .unwrap();
    assert!(found(&vault, "CUS-7F3A").is_empty());

    vault
        .create_plan(cos.id, Provider::Cos, &[step("cos.create_customer")])
        .unwrap();
    let first = vault.next_pending_step(cos.id).unwrap().unwrap();
    vault.mark_step_sent(first.id).unwrap();
    vault
        .mark_step_done(
            first.id,
            &serde_json::json!({ "customerId": "CUS-7F3A-0001" }),
        )
        .unwrap();

    vault
        .create_plan(fin.id, Provider::Fin, &[step("fin.create_customer")])
        .unwrap();
    let fin_step = vault.next_pending_step(fin.id).unwrap().unwrap();
    vault.mark_step_sent(fin_step.id).unwrap();
    vault
        .mark_step_done(fin_step.id, &serde_json::json!({ "customerId": 880_123 }))
        .unwrap();

    assert_eq!(found(&vault, "cus-7f3a"), vec!["Ada Lovelace"]);
    assert_eq!(found(&vault, "CUS-7F3A-0001"), vec!["Ada Lovelace"]);
    assert_eq!(found(&vault, "880123"), vec!["Grace Hopper"]);
    // Saving the draft again keeps what the provider gave it.
    vault
        .save_draft(cos.id, &person("Ada Lovelace", Provider::Cos))
        .unwrap();
    assert_eq!(found(&vault, "cus-7f3a"), vec!["Ada Lovelace"]);
}

#[test]
fn the_state_filter_finds_approved_drafts() {
    let fx = Fixture::new();
    let vault = fx.open();
    let mut approved = person("Ada Lovelace", Provider::Cos);
    approved.state = DraftState::Approved;
    vault.create_draft(&approved).unwrap();
    vault
        .create_draft(&person("Grace Hopper", Provider::Cos))
        .unwrap();
    let listed: Vec<_> = vault
        .list_drafts(&DraftFilter {
            states: vec![DraftState::Approved],
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|d| d.display_name)
        .collect();
    assert_eq!(listed, vec!["Ada Lovelace"]);
}
