//! Prefill from the document itself: a licence's BACK attached to a draft offers what its
//! barcode says beside what staff typed; accepting fills only the chosen fields, records
//! them as read from the barcode, and audits which fields (never their values).

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use branchdesk_domain::draft::PartyKind;
use branchdesk_domain::prefill::offer::OfferKind;
use branchdesk_engine::people::Person;
use branchdesk_vault::AuditFilter;

mod common;
use common::World;

/// A licence's back as a scanner gives it, turned a quarter: a California licence whose
/// barcode names Carmen Lucia Rivera, born 1986-06-14, of San Jose CA 95125 (drawn by the
/// documents crate's PDF417 test).
const LICENCE_BACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/licence-back.jpg"
);

#[tokio::test]
async fn a_licence_back_offers_its_barcode_and_fills_only_what_staff_accept() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let mut draft = record.draft.clone();
    draft.name.first = "Carmen".into();
    draft.person.birth_date = "1986-06-15".into();
    desk.save_draft(&record.id, &draft).unwrap();
    let back = world.files.path().join("back.jpg");
    std::fs::copy(LICENCE_BACK, &back).unwrap();
    desk.attach_scan(&record.id, "BACK", &back).unwrap();
    // A FRONT carries no barcode to read.
    assert!(desk.prefill_offer(&record.id, "FRONT").unwrap().is_none());

    let offer = desk.prefill_offer(&record.id, "BACK").unwrap().unwrap();
    let kind_of = |path: &str| offer.fields.iter().find(|f| f.path == path).map(|f| f.kind);
    assert_eq!(kind_of("name.first"), Some(OfferKind::Same));
    assert_eq!(kind_of("name.last"), Some(OfferKind::Fill));
    assert_eq!(kind_of("person.birthDate"), Some(OfferKind::Differs));
    assert!(offer.fields.len() >= 11, "{:?}", offer.fields);

    let staff = Person::trainee();
    let chosen = vec!["name.last".to_owned(), "addresses[0].postalCode".to_owned()];
    let filled = desk
        .accept_prefill(&record.id, "BACK", &chosen, &staff)
        .unwrap();
    assert_eq!(filled.draft.name.last, "Rivera");
    assert_eq!(filled.draft.addresses[0].postal_code, "95125");
    assert_eq!(
        filled.draft.person.birth_date, "1986-06-15",
        "not chosen: kept"
    );
    assert_eq!(
        filled
            .draft
            .value_sources
            .get("name.last")
            .map(String::as_str),
        Some("barcode")
    );
    assert!(!filled.draft.value_sources.contains_key("person.birthDate"));

    let audit = desk.vault().list_audit(&AuditFilter::default()).unwrap();
    let accepted = audit
        .iter()
        .find(|e| e.record.action == "prefill.accepted")
        .unwrap();
    assert_eq!(accepted.record.actor.as_str(), "Trainee");
    let logged = serde_json::to_string(&accepted.record.provider_ids).unwrap();
    assert!(logged.contains("name.last"));
    assert!(
        !logged.contains("Rivera") && !logged.contains("95125"),
        "{logged}"
    );
}
