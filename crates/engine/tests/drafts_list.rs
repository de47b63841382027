//! The Drafts list as staff search it, and Duplicate: against the sandbox over loopback,
//! with a real vault on disk.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use branchdesk_domain::draft::{LatinNames, Provider};
use branchdesk_vault::DraftState;

mod common;
use common::{id, World};

fn names(desk: &branchdesk_engine::Desk, search: &str, state: &str) -> Vec<String> {
    desk.list_drafts(search, state)
        .unwrap()
        .into_iter()
        .map(|d| d.display_name)
        .collect()
}

#[tokio::test]
async fn accents_do_not_matter_either_way_and_rows_say_provider_and_when() {
    let world = World::new().await;
    let desk = world.desk();
    world.licence_draft(&desk, "Núñez");
    world.licence_draft(&desk, "Nunez");
    world.licence_draft(&desk, "Hopper");

    assert_eq!(names(&desk, "nun", ""), ["Maria Nunez", "Maria Núñez"]);
    assert_eq!(names(&desk, "nunez", ""), ["Maria Nunez", "Maria Núñez"]);
    assert_eq!(names(&desk, "núñez", ""), ["Maria Nunez", "Maria Núñez"]);

    let row = desk.list_drafts("hopper", "").unwrap().remove(0);
    assert_eq!(row.provider, Provider::Fin);
    // A full timestamp, for the window to show as a date and a time in the staff's locale.
    chrono::DateTime::parse_from_rfc3339(&row.updated_at).unwrap();
}

#[tokio::test]
async fn the_last_four_of_the_tax_id_and_the_fin_customer_id_find_a_draft() {
    let world = World::new().await;
    let desk = world.desk();
    let (draft, mut body) = world.licence_draft(&desk, "Garcia");
    world.licence_draft(&desk, "Lopez");
    body.tax_ids[0].number = "212654321".into();
    desk.save_draft(&draft, &body).unwrap();
    assert_eq!(names(&desk, "4321", ""), ["Maria Garcia"]);
    assert_eq!(names(&desk, "6789", ""), ["Maria Lopez"]);

    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    let plan = desk.vault().latest_plan(id(&draft)).unwrap().unwrap();
    let customer = plan
        .steps
        .iter()
        .filter(|s| s.status == branchdesk_vault::StepStatus::Done)
        .find_map(|s| s.provider_ids["customerId"].as_str())
        .unwrap()
        .to_owned();
    assert_eq!(names(&desk, &customer, ""), ["Maria Garcia"]);
}

#[tokio::test]
async fn the_approved_filter_lists_only_approved_drafts() {
    let world = World::new().await;
    let desk = world.desk();
    let (approved, _) = world.licence_draft(&desk, "Garcia");
    world.licence_draft(&desk, "Lopez");
    desk.vault()
        .set_draft_state(id(&approved), DraftState::Approved)
        .unwrap();
    assert_eq!(names(&desk, "", "approved"), ["Maria Garcia"]);
}

#[tokio::test]
async fn a_duplicate_keeps_the_form_but_not_the_scans_or_the_latin_forms() {
    let world = World::new().await;
    let desk = world.desk();
    let (draft, mut body) = world.licence_draft(&desk, "Núñez");
    body.name.latin = LatinNames {
        first: "Maria".into(),
        middle: String::new(),
        last: "Nunez".into(),
        ..LatinNames::default()
    };
    body.cos.client_identifier = "REF-0001".into();
    desk.save_draft(&draft, &body).unwrap();
    assert_eq!(body.scans.len(), 3);

    let copy = desk.duplicate_draft(&draft).unwrap();
    assert_ne!(copy.id, draft);
    assert_eq!(copy.state.as_str(), "draft");
    // The form: names, tax ids, addresses, choices.
    assert_eq!(copy.draft.name.last, "Núñez");
    assert_eq!(copy.draft.tax_ids, body.tax_ids);
    assert_eq!(copy.draft.addresses.len(), body.addresses.len());
    assert_eq!(copy.draft.provider, body.provider);
    // Not another person's scans, nor what was made from that person's records.
    let stored = desk.get_draft(&copy.id).unwrap().draft;
    assert!(stored.scans.is_empty());
    assert!(stored
        .identity_documents
        .iter()
        .all(|d| d.scan_ids.is_empty()));
    assert_eq!(stored.name.latin, LatinNames::default());
    assert!(stored.cos.client_identifier.is_empty());
    // The original keeps all of it.
    let original = desk.get_draft(&draft).unwrap().draft;
    assert_eq!(original.scans.len(), 3);
    assert_eq!(original.name.latin.last, "Nunez");
}
