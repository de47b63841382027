//! Prefill from a passport's photo page: the machine-readable zone of the example passport
//! (`examples/drafts/scans/passport.jpg`, Samuel Ade Okafor's), attached to a Fin.com draft's
//! FRONT as it is stored, offers the holder's names, birth date, sex, nationality and the
//! passport's number and expiry; accepting fills them, recorded as read from the zone.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use branchdesk_domain::draft::{PartyKind, Provider};
use branchdesk_domain::prefill::Source;
use branchdesk_engine::people::Person;

mod common;
use common::World;

const PASSPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/drafts/scans/passport.jpg"
);

#[tokio::test]
async fn a_passports_zone_fills_a_fin_draft() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk
        .create_draft_for(PartyKind::Person, Provider::Fin)
        .unwrap();
    let mut draft = record.draft.clone();
    draft.identity_documents[0].id_type = "Passport".into();
    desk.save_draft(&record.id, &draft).unwrap();
    let page = world.files.path().join("passport.jpg");
    std::fs::copy(PASSPORT, &page).unwrap();
    desk.attach_scan(&record.id, "FRONT", &page).unwrap();

    let offer = desk.prefill_offer(&record.id, "FRONT").unwrap().unwrap();
    assert_eq!(offer.source, Source::Mrz);
    let value_of = |path: &str| {
        offer
            .fields
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.value.clone())
    };
    assert_eq!(value_of("name.first").as_deref(), Some("Samuel"));
    assert_eq!(value_of("name.middle").as_deref(), Some("Ade"));
    assert_eq!(value_of("name.last").as_deref(), Some("Okafor"));
    assert_eq!(value_of("person.birthDate").as_deref(), Some("1979-09-30"));
    assert_eq!(value_of("person.gender").as_deref(), Some("MALE"));
    assert_eq!(value_of("person.citizenshipCountry").as_deref(), Some("US"));
    assert_eq!(
        value_of("identityDocuments[0].number").as_deref(),
        Some("584736291")
    );
    assert_eq!(
        value_of("identityDocuments[0].expiryDate").as_deref(),
        Some("2031-08-16")
    );
    // The page's BACK slot, a selfie, a proof of address: no zone to read there.
    assert!(desk
        .prefill_offer(&record.id, "PROOF_OF_ADDRESS")
        .unwrap()
        .is_none());

    let all: Vec<String> = offer.fields.iter().map(|f| f.path.clone()).collect();
    let filled = desk
        .accept_prefill(&record.id, "FRONT", &all, &Person::trainee())
        .unwrap();
    assert_eq!(filled.draft.name.last, "Okafor");
    assert_eq!(filled.draft.person.birth_date, "1979-09-30");
    assert_eq!(filled.draft.identity_documents[0].number, "584736291");
    assert_eq!(
        filled
            .draft
            .value_sources
            .get("identityDocuments[0].number")
            .map(String::as_str),
        Some("mrz")
    );
    // The scan stays attached through the prefill.
    assert!(filled.draft.scans.iter().any(|s| s.slot == "FRONT"));
}
