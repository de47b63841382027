//! Why one file (about 1,100 lines): the tests of Fin.com's documented rules, one or more
//! for each rule of the seed page, read side by side with it; they share one draft fixture.

use super::*;
use crate::draft::{self, Draft, PartyKind};
use crate::draft::{
    Address, DueDiligence, Email, FinSection, IdentityDocument, Names, PersonDetails, Phone,
    ScanSlot, TaxId,
};
use crate::latin;
use crate::validate::{Issue, Severity};
use crate::Error;
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// The customer of Fin.com's documented create and attach examples, as staff would
/// type her in.
pub(crate) fn maria() -> Draft {
    Draft {
        kind: PartyKind::Person,
        name: Names {
            first: "Maria".into(),
            middle: "Elena".into(),
            last: "Garcia".into(),
            ..Names::default()
        },
        person: PersonDetails {
            birth_date: "1990-04-15".into(),
            citizenship_country: "us".into(),
            second_citizenship_country: "MX".into(),
            gender: "FEMALE".into(),
            ..PersonDetails::default()
        },
        tax_ids: vec![TaxId {
            id_type: "Ssn".into(),
            number: "123456789".into(),
            country: "US".into(),
        }],
        addresses: vec![Address {
            address_type: "Home".into(),
            classification: "Residential".into(),
            is_primary: true,
            street1: "123 Market Street".into(),
            street2: "Apt 4B".into(),
            city: "San Francisco".into(),
            state: "ca".into(),
            postal_code: "94103".into(),
            country: "US".into(),
            ..Address::default()
        }],
        phones: vec![Phone {
            phone_type: "Mobile".into(),
            is_primary: true,
            number: "(415) 555-2671".into(),
            ..Phone::default()
        }],
        emails: vec![Email {
            email_type: "Personal".into(),
            is_primary: true,
            address: "Maria.Garcia@Example.com".into(),
        }],
        identity_documents: vec![IdentityDocument {
            id_type: "DriversLicense".into(),
            is_primary: true,
            number: "DL987654321".into(),
            issued_date: "2019-06-01".into(),
            expiry_date: "2029-06-01".into(),
            issuing_authority: "California DMV".into(),
            issuing_state_or_province: "CA".into(),
            issuing_country: "US".into(),
            ..IdentityDocument::default()
        }],
        due_diligence: DueDiligence {
            employment_status: "EMPLOYED".into(),
            expected_monthly_volume: "5,000".into(),
            source_of_funds: vec!["Monthly salary from employment".into()],
            ..DueDiligence::default()
        },
        fin: FinSection {
            verification_type: "STANDARD".into(),
            occupation_id: "42".into(),
            purpose_id: "3".into(),
            source_of_fund_ids: vec!["1".into(), "5".into()],
            remarks: "Personal remittances to family".into(),
            address_document_type: "BANK_STATEMENT".into(),
        },
        scans: [SELFIE, FRONT, BACK, PROOF_OF_ADDRESS]
            .iter()
            .map(|slot| ScanSlot {
                slot: (*slot).into(),
                scan_id: format!("scan-{slot}"),
                ..ScanSlot::default()
            })
            .collect(),
        ..Draft::default()
    }
}

fn uploaded() -> BTreeMap<String, String> {
    [
        (SELFIE, "/AbAcQ4hn_0652746727637.pdf"),
        (FRONT, "/AbAcQ4hn_0652746727638.pdf"),
        (BACK, "/XyZ123mn_0652746727639.pdf"),
        (PROOF_OF_ADDRESS, "/PoAdef45_0652746727640.pdf"),
    ]
    .iter()
    .map(|(s, u)| ((*s).to_owned(), (*u).to_owned()))
    .collect()
}

const TOS: &str = "e9414388-fbdf-4407-b5c2-bc39eae3645b";

fn codes(d: &Draft, field: &str) -> Vec<String> {
    fin_on(d, today())
        .into_iter()
        .filter(|i| i.field == field)
        .map(|i| i.code)
        .collect()
}

fn attach(
    d: &Draft,
    up: &BTreeMap<String, String>,
    config: FinAttachConfig,
) -> std::result::Result<FinAttach, Vec<Issue>> {
    attach_documents(d, up, config, "INCOMPLETE", TOS, today())
}

fn attach_codes(
    d: &Draft,
    up: &BTreeMap<String, String>,
    config: FinAttachConfig,
    field: &str,
) -> Vec<String> {
    match attach(d, up, config) {
        Ok(_) => Vec::new(),
        Err(issues) => issues
            .into_iter()
            .filter(|i| i.field == field)
            .map(|i| i.code)
            .collect(),
    }
}

fn body_of(d: &Draft) -> serde_json::Value {
    serde_json::to_value(create_individual(d, today()).unwrap()).unwrap()
}

// ---- golden bodies ----

#[test]
fn the_documented_customer_maps_to_the_golden_create_body() {
    assert_eq!(fin_on(&maria(), today()), vec![]);
    let bare = create_individual(&maria(), today()).unwrap();
    assert_eq!(bare.meta_data, None, "the draft alone sets no reference");
    let body = bare.with_reference("client-ref-abc-001");
    assert_eq!(body.reference(), Some("client-ref-abc-001"));
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        fixture("fin_create_individual.json")
    );
    let back: FinCreateIndividual =
        serde_json::from_value(fixture("fin_create_individual.json")).unwrap();
    assert_eq!(back, body);
}

#[test]
fn the_documented_documents_map_to_the_golden_attach_body() {
    let body = attach(&maria(), &uploaded(), FinAttachConfig::default()).unwrap();
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        fixture("fin_attach.json")
    );
    let back: FinAttach = serde_json::from_value(fixture("fin_attach.json")).unwrap();
    assert_eq!(back, body);
}

/// Fin.com's documents carry no issuer, so staff are not made to type one; COS, which
/// sends it, still asks.
#[test]
fn the_issuing_authority_is_asked_only_where_it_is_sent() {
    let mut d = maria();
    d.identity_documents[0].issuing_authority = String::new();
    assert_eq!(fin_on(&d, today()), vec![]);
    assert!(crate::validate::cos_on(&d, today())
        .iter()
        .any(|i| i.field == "identityDocuments[0].issuingAuthority" && i.code == "required"));
}

// ---- create rules ----

#[test]
fn only_individuals_are_created() {
    let mut d = maria();
    d.kind = PartyKind::Company;
    assert_eq!(codes(&d, "kind"), ["fin_individual_only"]);
}

#[test]
fn verification_type_is_standard_or_reliance() {
    let mut d = maria();
    d.fin.verification_type = String::new();
    assert_eq!(codes(&d, "fin.verificationType"), ["required"]);
    d.fin.verification_type = "standard".into();
    assert_eq!(codes(&d, "fin.verificationType"), ["not_allowed"]);
    d.fin.verification_type = "RELIANCE".into();
    assert_eq!(body_of(&d)["verification_type"], "RELIANCE");
}

#[test]
fn names_not_in_ascii_need_their_latin_form() {
    let mut d = maria();
    d.name.first = "Мария".into();
    let issue = fin_on(&d, today())
        .into_iter()
        .find(|i| i.field == "name.latin.first")
        .unwrap();
    assert_eq!(issue.code, "latin_required");
    assert!(issue.message.contains("\"Mariya\""), "{}", issue.message);
    // Latin script with accents counts too: Fin.com (and its sandbox) ask for ASCII.
    d.name.first = "Maria".into();
    d.name.last = "García".into();
    assert_eq!(codes(&d, "name.latin.last"), ["latin_required"]);
    d.name.latin.last = "Garcí".into();
    assert_eq!(codes(&d, "name.latin.last"), ["latin_ascii"]);
    d.name.latin.last = "Garcia".into();
    d.name.middle = "Елена".into();
    assert_eq!(codes(&d, "name.latin.middle"), ["latin_required"]);
    d.name.latin.middle = "Elena".into();
    let body = body_of(&d);
    assert_eq!(body["basic_info"]["last_name"], "García");
    assert_eq!(body["basic_info"]["last_name_en"], "Garcia");
    assert_eq!(body["basic_info"]["middle_name_en"], "Elena");
    assert!(body["basic_info"].get("first_name_en").is_none());
}

#[test]
fn streets_not_in_ascii_need_their_latin_form() {
    let mut d = maria();
    d.addresses[0].street1 = "Friedrichstraße 43".into();
    d.addresses[0].street2 = "Wohnung 4b".into();
    assert_eq!(codes(&d, "addresses[0].street1Latin"), ["latin_required"]);
    assert!(codes(&d, "addresses[0].street2Latin").is_empty());
    d.addresses[0].street1_latin = latin_suggestion(&d.addresses[0].street1);
    assert_eq!(d.addresses[0].street1_latin, "Friedrichstrasse 43");
    let body = body_of(&d);
    assert_eq!(body["address"]["street_line_1_en"], "Friedrichstrasse 43");
    assert!(body["address"].get("street_line_2_en").is_none());
}

#[test]
fn latin_suggestions_are_plain_ascii() {
    assert_eq!(latin_suggestion("José  Müller "), "Jose Muller");
    assert_eq!(latin_suggestion("Мария"), "Mariya");
    assert_eq!(latin_suggestion("Peter"), "Peter");
    let chinese = latin_suggestion("王小明");
    assert!(!chinese.is_empty() && chinese.is_ascii(), "{chinese}");
}

#[test]
fn names_and_streets_not_in_ascii_are_offered_a_latin_form() {
    let offered = |d: &Draft| -> Vec<(String, String)> {
        latin_suggestions(d)
            .into_iter()
            .map(|s| (s.field, s.value))
            .collect()
    };
    let mut d = Draft {
        provider: draft::Provider::Fin,
        ..maria()
    };
    assert!(offered(&d).is_empty(), "ASCII needs no Latin form");
    d.name.first = "José".into();
    d.name.middle = "Иван".into();
    d.addresses[0].street1 = "Friedrichstraße 43".into();
    let pair = |field: &str, value: &str| (field.to_owned(), value.to_owned());
    assert_eq!(
        offered(&d),
        [
            pair("name.latin.first", "Jose"),
            pair("name.latin.middle", "Ivan"),
            pair("addresses[0].street1Latin", "Friedrichstrasse 43"),
        ]
    );
    // Each is offered beside the field the rules ask to fill.
    for s in latin_suggestions(&d) {
        assert_eq!(codes(&d, &s.field), ["latin_required"], "{}", s.field);
    }
    // A Latin form staff typed, even a different one, is theirs: nothing is offered.
    d.name.latin.first = "Joseph".into();
    d.name.latin.middle = " ".into();
    assert_eq!(
        offered(&d),
        [
            pair("name.latin.middle", "Ivan"),
            pair("addresses[0].street1Latin", "Friedrichstrasse 43"),
        ]
    );
    // Never filled in on its own.
    assert_eq!(d.addresses[0].street1_latin, "");
    // Only Fin.com takes `_en` forms.
    d.provider = draft::Provider::Cos;
    assert!(offered(&d).is_empty());
}

#[test]
fn a_latin_form_taken_for_an_earlier_name_is_flagged_until_taken_again_or_kept() {
    let fin = || Draft {
        provider: draft::Provider::Fin,
        ..maria()
    };
    let mut d = fin();
    d.name.last = "Núñez".into();
    // Staff take the suggestion: the form records the name it was taken for.
    let taken = latin_suggestions(&d)
        .into_iter()
        .find(|s| s.field == "name.latin.last")
        .unwrap();
    assert_eq!((taken.value.as_str(), taken.stale), ("Nunez", false));
    d.name.latin.last = taken.value;
    d.name.latin.last_from = taken.source;
    assert!(codes(&d, "name.latin.last").is_empty());

    // The last name changes: the old form is flagged, and the draft is not ready.
    d.name.last = "Pérez".into();
    assert_eq!(codes(&d, "name.latin.last"), [latin::STALE]);
    let offer = latin_suggestions(&d)
        .into_iter()
        .find(|s| s.field == "name.latin.last")
        .unwrap();
    assert_eq!(
        (offer.value.as_str(), offer.source.as_str(), offer.stale),
        ("Perez", "Pérez", true)
    );
    // Keeping the form records it for the new name; so does taking the new suggestion.
    let mut kept = d.clone();
    kept.name.latin.last_from = offer.source.clone();
    assert!(codes(&kept, "name.latin.last").is_empty());
    d.name.latin.last = offer.value;
    assert!(codes(&d, "name.latin.last").is_empty());

    // Street lines follow their source the same way.
    let mut d = fin();
    d.addresses[0].street1 = "Calle Ñandú 5".into();
    d.addresses[0].street1_latin = "Calle Nandu 5".into();
    d.addresses[0].street1_latin_from = "Calle Ñandú 5".into();
    assert!(codes(&d, "addresses[0].street1Latin").is_empty());
    d.addresses[0].street1 = "Calle Ñandú 7".into();
    assert_eq!(codes(&d, "addresses[0].street1Latin"), [latin::STALE]);
}
#[test]
fn customers_are_18_to_120_years_old() {
    let mut d = maria();
    d.person.birth_date = "2008-11-23".into();
    assert_eq!(codes(&d, "person.birthDate"), ["fin_age"]);
    d.person.birth_date = "2008-11-22".into();
    assert!(codes(&d, "person.birthDate").is_empty());
    d.person.birth_date = "1906-11-22".into();
    assert!(
        codes(&d, "person.birthDate").is_empty(),
        "120 is still accepted"
    );
    d.person.birth_date = "1905-11-22".into();
    assert_eq!(codes(&d, "person.birthDate"), ["fin_age"]);
}

#[test]
fn an_email_is_required_and_sent_lower_case() {
    let mut d = maria();
    d.emails.clear();
    assert_eq!(codes(&d, "emails"), ["required"]);
    assert_eq!(
        body_of(&maria())["basic_info"]["email"],
        "maria.garcia@example.com"
    );
}

#[test]
fn a_phone_is_required_and_sent_in_e164() {
    let mut d = maria();
    d.phones.clear();
    assert_eq!(codes(&d, "phones"), ["required"]);
    let mut d = maria();
    d.phones[0].number = "555-2671".into();
    assert_eq!(codes(&d, "phones[0].number"), ["phone_format"]);
    d.phones[0].number = "020 7946 0958".into();
    d.phones[0].country = "GB".into();
    assert_eq!(body_of(&d)["basic_info"]["phone"], "+442079460958");
    d.phones[0].extension = "12".into();
    assert_eq!(codes(&d, "phones[0].extension"), ["fin_extension_not_sent"]);
    assert!(
        create_individual(&d, today()).is_ok(),
        "a warning does not stop it"
    );
}

#[test]
fn the_address_needs_an_iso_subdivision() {
    let mut d = maria();
    d.addresses.clear();
    assert_eq!(codes(&d, "addresses"), ["required"]);
    let mut d = maria();
    d.addresses[0] = Address {
        address_type: "Home".into(),
        street1: "24 Sussex Drive".into(),
        city: "Ottawa".into(),
        state: "Ontario".into(),
        postal_code: "K1M 1M4".into(),
        country: "CA".into(),
        is_primary: true,
        ..Address::default()
    };
    assert_eq!(codes(&d, "addresses[0].state"), ["fin_subdivision"]);
    d.addresses[0].state = "on".into();
    assert_eq!(body_of(&d)["address"]["subdivision_code"], "CA-ON");
    d.addresses[0].state = "CA-ON".into();
    assert_eq!(body_of(&d)["address"]["subdivision_code"], "CA-ON");
    assert_eq!(body_of(&d)["basic_info"]["country_of_residence"], "CAN");
    d.addresses[0].state = "US-ON".into();
    assert_eq!(codes(&d, "addresses[0].state"), ["fin_subdivision"]);
    d.addresses[0].state = String::new();
    assert_eq!(codes(&d, "addresses[0].state"), ["required"]);
}

#[test]
fn countries_go_as_alpha3() {
    for code in ["US", "MX", "DE", "AX", "CW", "SS", "BQ"] {
        let three = alpha3(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(three.len(), 3);
    }
    assert_eq!(alpha3("de"), Some("DEU"));
    assert_eq!(alpha3("XK"), None);
    assert_eq!(alpha3("ZZ"), None);
    let body = body_of(&maria());
    assert_eq!(body["basic_info"]["primary_nationality"], "USA");
    assert_eq!(body["basic_info"]["secondary_nationality"], "MEX");
}

#[test]
fn at_least_one_tax_id_each_once() {
    let mut d = maria();
    d.tax_ids.clear();
    assert_eq!(codes(&d, "taxIds"), ["required"]);
    let mut d = maria();
    d.tax_ids.push(TaxId {
        id_type: "Ssn".into(),
        number: "123-45-6789".into(),
        country: String::new(),
    });
    assert_eq!(codes(&d, "taxIds[1].number"), ["fin_duplicate_tax_id"]);
    d.tax_ids[1] = TaxId {
        id_type: "Foreign".into(),
        number: "GARM900415MDFRRR01".into(),
        country: "MX".into(),
    };
    let tax = &body_of(&d)["basic_info"]["tax_info"][1];
    assert_eq!(tax["country_code"], "MEX");
    assert_eq!(tax["document_type"], "TIN");
}

#[test]
fn the_financial_profile_takes_fin_ids_and_enums() {
    let mut d = maria();
    d.due_diligence.employment_status = String::new();
    d.due_diligence.expected_monthly_volume = String::new();
    d.fin.occupation_id = String::new();
    d.fin.purpose_id = "travel".into();
    d.fin.source_of_fund_ids = vec![];
    assert_eq!(codes(&d, "dueDiligence.employmentStatus"), ["required"]);
    assert_eq!(
        codes(&d, "dueDiligence.expectedMonthlyVolume"),
        ["required"]
    );
    assert_eq!(codes(&d, "fin.occupationId"), ["required"]);
    assert_eq!(codes(&d, "fin.purposeId"), ["fin_id"]);
    assert_eq!(codes(&d, "fin.sourceOfFundIds"), ["required"]);
    let mut d = maria();
    d.fin.source_of_fund_ids.push("0".into());
    d.due_diligence.employment_status = "RETIRED ".into();
    assert_eq!(codes(&d, "fin.sourceOfFundIds[2]"), ["fin_id"]);
    d.due_diligence.employment_status = "Retired".into();
    assert_eq!(codes(&d, "dueDiligence.employmentStatus"), ["not_allowed"]);
    let mut d = maria();
    d.due_diligence.expected_monthly_volume = "$1,250.60".into();
    d.due_diligence.employment_status = "SELF_EMPLOYED".into();
    let profile = &body_of(&d)["financial_profile"];
    assert_eq!(profile["monthly_volume_usd"], 1251);
    assert_eq!(profile["employment_status"], "SELF_EMPLOYED");
}

#[test]
fn a_gender_fin_does_not_record_is_left_out_with_a_warning() {
    let mut d = maria();
    d.person.gender = "X".into();
    let issue = fin_on(&d, today())
        .into_iter()
        .find(|i| i.field == "person.gender")
        .unwrap();
    assert_eq!(issue.severity, Severity::Warning);
    assert!(body_of(&d)["basic_info"].get("gender").is_none());
}

#[test]
fn an_invalid_draft_is_never_mapped() {
    let mut d = maria();
    d.name.last = String::new();
    match create_individual(&d, today()) {
        Err(Error::Invalid(issues)) => assert!(issues.iter().any(|i| i.field == "name.last")),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn residence_permits_are_fin_documents() {
    let mut d = maria();
    d.identity_documents[0].id_type = "ResidencePermit".into();
    d.identity_documents[0].issuing_state_or_province = String::new();
    assert!(codes(&d, "identityDocuments[0].idType").is_empty());
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    assert_eq!(
        body.identifying_documents[1].document_type,
        IdentifyingDocumentType::ResidencePermit
    );
}

// ---- attach rules (seed 003) ----

#[test]
fn only_incomplete_or_action_required_customers_take_documents() {
    for status in ["INCOMPLETE", "ACTION_REQUIRED"] {
        assert!(attach_documents(
            &maria(),
            &uploaded(),
            FinAttachConfig::default(),
            status,
            TOS,
            today()
        )
        .is_ok());
    }
    for status in ["PROCESSING", "APPROVED", "REJECTED", ""] {
        let issues = attach_documents(
            &maria(),
            &uploaded(),
            FinAttachConfig::default(),
            status,
            TOS,
            today(),
        )
        .unwrap_err();
        assert_eq!(issues.len(), 1, "{status}");
        assert_eq!(
            (issues[0].field.as_str(), issues[0].code.as_str()),
            ("", "fin_customer_status")
        );
    }
}

#[test]
fn the_terms_must_be_accepted_first() {
    let issues = attach_documents(
        &maria(),
        &uploaded(),
        FinAttachConfig::default(),
        "INCOMPLETE",
        " ",
        today(),
    )
    .unwrap_err();
    assert_eq!(issues[0].code, "fin_terms");
}

#[test]
fn at_most_one_non_selfie_document() {
    let mut d = maria();
    let mut passport = d.identity_documents[0].clone();
    passport.id_type = "Passport".into();
    passport.issuing_state_or_province = String::new();
    d.identity_documents.push(passport);
    d.identity_documents[0].is_primary = false;
    d.identity_documents[1].is_primary = false;
    assert_eq!(
        attach_codes(
            &d,
            &uploaded(),
            FinAttachConfig::default(),
            "identityDocuments"
        ),
        ["fin_one_identity_document"]
    );
    d.identity_documents[0].is_primary = true;
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    let primaries: Vec<_> = body
        .identifying_documents
        .iter()
        .filter(|doc| doc.document_type != IdentifyingDocumentType::Selfie)
        .collect();
    assert_eq!(primaries.len(), 1);
    assert_eq!(
        primaries[0].document_type,
        IdentifyingDocumentType::DriversLicense
    );
    // A Social Security card is not a Fin.com identity document: it does not compete.
    let mut d = maria();
    d.identity_documents.push(IdentityDocument {
        id_type: "SocialSecurity".into(),
        ..IdentityDocument::default()
    });
    d.identity_documents[0].is_primary = false;
    assert!(attach(&d, &uploaded(), FinAttachConfig::default()).is_ok());
    d.identity_documents.remove(0);
    assert_eq!(
        attach_codes(
            &d,
            &uploaded(),
            FinAttachConfig::default(),
            "identityDocuments"
        ),
        ["fin_identity_document_required"]
    );
}

#[test]
fn a_passport_is_one_file_with_no_side() {
    let mut d = maria();
    d.identity_documents[0].id_type = "Passport".into();
    assert_eq!(
        attach_codes(&d, &uploaded(), FinAttachConfig::default(), "scans.BACK"),
        ["fin_passport_one_file"]
    );
    d.scans.retain(|s| s.slot != BACK);
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    let passport = &body.identifying_documents[1];
    assert_eq!(passport.document_type, IdentifyingDocumentType::Passport);
    assert_eq!(
        passport.files,
        vec![FinFile {
            side: None,
            uri: uploaded()[FRONT].clone()
        }]
    );
    d.scans.retain(|s| s.slot != FRONT);
    assert_eq!(
        attach_codes(&d, &uploaded(), FinAttachConfig::default(), "scans.FRONT"),
        ["required"]
    );
}

#[test]
fn cards_are_one_front_and_one_back() {
    for (id_type, fin_type) in [
        ("IdCard", IdentifyingDocumentType::NationalId),
        ("DriversLicense", IdentifyingDocumentType::DriversLicense),
        ("ResidencePermit", IdentifyingDocumentType::ResidencePermit),
    ] {
        let mut d = maria();
        d.identity_documents[0].id_type = id_type.into();
        let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
        let doc = &body.identifying_documents[1];
        assert_eq!(doc.document_type, fin_type);
        let sides: Vec<_> = doc.files.iter().map(|f| f.side).collect();
        assert_eq!(sides, [Some(Side::Front), Some(Side::Back)], "{id_type}");
        d.scans.retain(|s| s.slot != BACK);
        assert_eq!(
            attach_codes(&d, &uploaded(), FinAttachConfig::default(), "scans.BACK"),
            ["required"],
            "{id_type}"
        );
    }
}

#[test]
fn a_us_drivers_license_needs_its_state() {
    let mut d = maria();
    d.identity_documents[0].issuing_state_or_province = String::new();
    assert_eq!(
        attach_codes(
            &d,
            &uploaded(),
            FinAttachConfig::default(),
            "identityDocuments[0].issuingStateOrProvince"
        ),
        ["required"]
    );
    d.identity_documents[0].issuing_state_or_province = "us-ny".into();
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    assert_eq!(
        body.identifying_documents[1].state.as_deref(),
        Some("US-NY")
    );
}

#[test]
fn a_foreign_drivers_license_state_is_optional() {
    let mut d = maria();
    d.identity_documents[0].issuing_country = "DE".into();
    d.identity_documents[0].issuing_state_or_province = String::new();
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    assert_eq!(body.identifying_documents[1].state, None);
    assert_eq!(
        body.identifying_documents[1].country.as_deref(),
        Some("DEU")
    );
    d.identity_documents[0].issuing_state_or_province = "Bayern".into();
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    assert_eq!(
        body.identifying_documents[1].state.as_deref(),
        Some("Bayern")
    );
    d.identity_documents[0].issuing_state_or_province = "B".repeat(65);
    assert_eq!(
        attach_codes(
            &d,
            &uploaded(),
            FinAttachConfig::default(),
            "identityDocuments[0].issuingStateOrProvince"
        ),
        ["too_long"]
    );
}

#[test]
fn other_documents_never_carry_a_state() {
    let field = "identityDocuments[0].issuingStateOrProvince";
    // A state left from a licence, even one no licence could carry, is dropped
    // without a word: the field is for licences only.
    for state in ["CA".to_owned(), "x".repeat(70)] {
        for id_type in ["Passport", "IdCard", "ResidencePermit"] {
            let mut d = maria();
            d.identity_documents[0].id_type = id_type.into();
            d.identity_documents[0].issuing_state_or_province = state.clone();
            if id_type == "Passport" {
                d.scans.retain(|s| s.slot != BACK);
            }
            assert_eq!(codes(&d, field), Vec::<String>::new(), "{id_type}");
            let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
            let json = serde_json::to_value(&body.identifying_documents[1]).unwrap();
            assert!(json.get("state").is_none(), "{id_type}: {json}");
        }
    }
    // On a licence the same state is checked.
    let mut d = maria();
    d.identity_documents[0].issuing_state_or_province = "x".repeat(70);
    assert!(!codes(&d, field).is_empty());
}

#[test]
fn identity_documents_carry_number_country_and_a_future_expiry() {
    let mut d = maria();
    d.identity_documents[0].number = " ".into();
    d.identity_documents[0].expiry_date = String::new();
    let up = uploaded();
    let cfg = FinAttachConfig::default();
    assert_eq!(
        attach_codes(&d, &up, cfg, "identityDocuments[0].number"),
        ["required"]
    );
    assert_eq!(
        attach_codes(&d, &up, cfg, "identityDocuments[0].expiryDate"),
        ["required"]
    );
    d.identity_documents[0].expiry_date = "2026-11-22".into();
    assert_eq!(
        attach_codes(&d, &up, cfg, "identityDocuments[0].expiryDate"),
        ["expired"]
    );
    d.identity_documents[0].expiry_date = "2029-06-01".into();
    d.identity_documents[0].issuing_country = String::new();
    assert_eq!(
        attach_codes(&d, &up, cfg, "identityDocuments[0].issuingCountry"),
        ["required"]
    );
}

#[test]
fn exactly_one_address_document_with_its_type() {
    let mut d = maria();
    d.fin.address_document_type = String::new();
    assert_eq!(
        attach_codes(
            &d,
            &uploaded(),
            FinAttachConfig::default(),
            "fin.addressDocumentType"
        ),
        ["required"]
    );
    d.fin.address_document_type = "LEASE".into();
    assert_eq!(
        attach_codes(
            &d,
            &uploaded(),
            FinAttachConfig::default(),
            "fin.addressDocumentType"
        ),
        ["not_allowed"]
    );
    let mut d = maria();
    d.scans.retain(|s| s.slot != PROOF_OF_ADDRESS);
    assert_eq!(
        attach_codes(
            &d,
            &uploaded(),
            FinAttachConfig::default(),
            "scans.PROOF_OF_ADDRESS"
        ),
        ["required"]
    );
    let mut d = maria();
    d.fin.address_document_type = "UTILITY_BILL".into();
    d.addresses[0].country = "GB".into();
    d.addresses[0].state = "GB-LND".into();
    d.addresses[0].postal_code = "SW1A 1AA".into();
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    assert_eq!(body.address_documents.len(), 1);
    let proof = &body.address_documents[0];
    assert_eq!(proof.document_type, AddressDocumentType::UtilityBill);
    // The proof must come from the country of residence, which is the address's.
    assert_eq!(proof.country, "GBR");
    assert_eq!(proof.files.len(), 1);
}

#[test]
fn file_uris_are_unique_except_the_selfie() {
    let mut up = uploaded();
    up.insert(BACK.into(), up[FRONT].clone());
    assert_eq!(
        attach_codes(&maria(), &up, FinAttachConfig::default(), "scans.BACK"),
        ["fin_same_file"]
    );
    let mut up = uploaded();
    up.insert(PROOF_OF_ADDRESS.into(), up[FRONT].clone());
    assert_eq!(
        attach_codes(
            &maria(),
            &up,
            FinAttachConfig::default(),
            "scans.PROOF_OF_ADDRESS"
        ),
        ["fin_same_file"]
    );
    let mut up = uploaded();
    up.insert(SELFIE.into(), up[FRONT].clone());
    assert!(attach(&maria(), &up, FinAttachConfig::default()).is_ok());
}

#[test]
fn every_file_is_uploaded_for_this_customer() {
    let mut up = uploaded();
    up.remove(BACK);
    assert_eq!(
        attach_codes(&maria(), &up, FinAttachConfig::default(), "scans.BACK"),
        ["fin_not_uploaded"]
    );
    up.insert(BACK.into(), " ".into());
    assert_eq!(
        attach_codes(&maria(), &up, FinAttachConfig::default(), "scans.BACK"),
        ["fin_not_uploaded"]
    );
    // An upload whose scan was removed from the draft since is not sent.
    let mut d = maria();
    d.scans.retain(|s| s.slot != SELFIE);
    let body = attach(&d, &uploaded(), FinAttachConfig::default()).unwrap();
    assert!(body
        .identifying_documents
        .iter()
        .all(|doc| doc.document_type != IdentifyingDocumentType::Selfie));
}

#[test]
fn a_selfie_when_the_client_configuration_requires_it() {
    let required = FinAttachConfig {
        selfie_required: true,
    };
    let mut d = maria();
    d.scans.retain(|s| s.slot != SELFIE);
    assert_eq!(
        attach_codes(&d, &uploaded(), required, "scans.SELFIE"),
        ["required"]
    );
    assert!(attach(&d, &uploaded(), FinAttachConfig::default()).is_ok());
    let body = attach(&maria(), &uploaded(), required).unwrap();
    let selfies: Vec<_> = body
        .identifying_documents
        .iter()
        .filter(|doc| doc.document_type == IdentifyingDocumentType::Selfie)
        .collect();
    assert_eq!(selfies.len(), 1);
    assert_eq!(selfies[0].files.len(), 1);
}

#[test]
fn slots_per_document_type() {
    assert_eq!(slots_for("PASSPORT"), [FRONT]);
    assert_eq!(slots_for("Passport"), [FRONT]);
    for t in [
        "NATIONAL_ID",
        "IdCard",
        "DRIVERS_LICENSE",
        "RESIDENCE_PERMIT",
        "ResidencePermit",
    ] {
        assert_eq!(slots_for(t), [FRONT, BACK], "{t}");
    }
    assert_eq!(slots_for("SELFIE"), [SELFIE]);
    assert_eq!(slots_for("BANK_STATEMENT"), [PROOF_OF_ADDRESS]);
    assert!(slots_for("SocialSecurity").is_empty());
    let needs = slot_needs(
        "Passport",
        FinAttachConfig {
            selfie_required: false,
        },
    );
    let as_pairs: Vec<(&str, bool)> = needs
        .iter()
        .map(|n| (n.slot.as_str(), n.required))
        .collect();
    assert_eq!(
        as_pairs,
        [(FRONT, true), (SELFIE, false), (PROOF_OF_ADDRESS, true)]
    );
    let needs = slot_needs(
        "DriversLicense",
        FinAttachConfig {
            selfie_required: true,
        },
    );
    assert!(needs.iter().all(|n| n.required));
    assert_eq!(needs.len(), 4);
}

#[test]
fn the_terms_value_comes_from_the_create_answer() {
    let created: FinData<FinCreated> = serde_json::from_str(
        r#"{"data":{"customer_id":"0ca13984-63f3-45d7-99a7-52b9133f0259","tos_policies_url":"https://orchestration.fin.com/orchestration-customer-tos?customer_id=0ca13984-63f3-45d7-99a7-52b9133f0259&tos_policies_value=7e8873f7-519b-43d7-9565-c81befc52dd6"}}"#,
    )
    .unwrap();
    assert_eq!(
        tos_policies_value(&created.data.tos_policies_url).as_deref(),
        Some("7e8873f7-519b-43d7-9565-c81befc52dd6")
    );
    assert_eq!(tos_policies_value("https://x.test/tos?customer_id=1"), None);
    assert_eq!(tos_policies_value("no query"), None);
}

// ---- errors and rejections back onto the draft ----

#[test]
fn create_errors_land_on_draft_fields() {
    let error: FinValidationError = serde_json::from_value(fixture("fin_422_create.json")).unwrap();
    let issues = issues_of_fin_errors(&error, FinStep::Create, &maria());
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "name.latin.first",
            "taxIds[0].number",
            "phones[0].number",
            "addresses[0].state",
            "fin.sourceOfFundIds[1]",
            "",
        ]
    );
    assert!(issues
        .iter()
        .all(|i| i.message.starts_with("Fin.com: ") && i.message.ends_with('.')));
    let field = |path: &str| draft_field_of_fin_error(path, "", FinStep::Create, &maria());
    assert_eq!(
        field("basic_info.country_of_residence").as_deref(),
        Some("addresses[0].country")
    );
    assert_eq!(
        field("basic_info.tax_info[0].country_code").as_deref(),
        Some("taxIds[0].country")
    );
    assert_eq!(
        field("address.street_line_2_en").as_deref(),
        Some("addresses[0].street2Latin")
    );
    assert_eq!(
        field("financial_profile.monthly_volume_usd").as_deref(),
        Some("dueDiligence.expectedMonthlyVolume")
    );
    assert_eq!(
        field("basic_info.email").as_deref(),
        Some("emails[0].address")
    );
    assert_eq!(
        field("verification_type").as_deref(),
        Some("fin.verificationType")
    );
}

#[test]
fn attach_errors_land_on_scan_slots_and_document_fields() {
    let d = maria();
    let up = uploaded();
    let body = attach(&d, &up, FinAttachConfig::default()).unwrap();
    let step = FinStep::Attach {
        body: &body,
        uploaded: &up,
    };
    let field = |path: &str, message: &str| draft_field_of_fin_error(path, message, step, &d);
    assert_eq!(
        field("identifying_documents.1.files.1.uri", "").as_deref(),
        Some("scans.BACK")
    );
    assert_eq!(
        field("identifying_documents.0.files.0.uri", "").as_deref(),
        Some("scans.SELFIE")
    );
    assert_eq!(
        field("identifying_documents.1.state", "").as_deref(),
        Some("identityDocuments[0].issuingStateOrProvince")
    );
    assert_eq!(
        field("identifying_documents.1.expiry_date", "").as_deref(),
        Some("identityDocuments[0].expiryDate")
    );
    assert_eq!(
        field("identifying_documents.1.files", "").as_deref(),
        Some("scans.FRONT")
    );
    // A SELFIE of more than one file, a second primary document, a second address
    // document: as the sandbox names them.
    assert_eq!(
        field("identifying_documents.0.files", "").as_deref(),
        Some("scans.SELFIE")
    );
    assert_eq!(
        field("identifying_documents", "").as_deref(),
        Some("identityDocuments")
    );
    assert_eq!(
        field("address_documents", "").as_deref(),
        Some("scans.PROOF_OF_ADDRESS")
    );
    assert_eq!(
        field("address_documents.0.files.0.uri", "").as_deref(),
        Some("scans.PROOF_OF_ADDRESS")
    );
    assert_eq!(
        field("address_documents.0.type", "").as_deref(),
        Some("fin.addressDocumentType")
    );
    assert_eq!(
        field("address_documents.0.country", "").as_deref(),
        Some("addresses[0].country")
    );
    assert_eq!(
        field("files", "/XyZ123mn_0652746727639.pdf was not uploaded").as_deref(),
        Some("scans.BACK")
    );
    assert_eq!(
        field("tos_policies_value", "does not match").as_deref(),
        None
    );
}

#[test]
fn rejections_land_on_the_scans_fin_sent_back() {
    /// The parts of Get Customer Details V2 the reasons come from.
    #[derive(serde::Deserialize)]
    struct Customer {
        customer_status: String,
        #[serde(default)]
        rejection_reason: Option<FinRejectionReason>,
        #[serde(default, deserialize_with = "nullable")]
        request_for_information: Vec<FinRequestForInformation>,
    }
    let answer: FinData<Customer> =
        serde_json::from_value(fixture("fin_customer_action_required.json")).unwrap();
    let customer = answer.data;
    assert_eq!(customer.customer_status, "ACTION_REQUIRED");
    let issues = rejection_issues(
        customer.rejection_reason.as_ref(),
        &customer.request_for_information,
        &uploaded(),
        &maria(),
    );
    let found: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.field.as_str(), i.code.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("", "fin_rejected_applicant"),
            ("scans.BACK", "fin_rejected_document"),
            (
                "identityDocuments[0].expiryDate",
                "fin_information_requested"
            ),
            ("scans.FRONT", "fin_information_requested"),
            ("scans.BACK", "fin_information_requested"),
            ("scans.PROOF_OF_ADDRESS", "fin_information_requested"),
        ]
    );
    assert!(
        issues[1].message.contains("good quality"),
        "{}",
        issues[1].message
    );
    assert!(
        issues.iter().all(|i| i.message.ends_with('.')),
        "{issues:?}"
    );
    // A rejected file that is no longer in the map still lands by its category.
    let mut up = uploaded();
    up.remove(BACK);
    let issues = rejection_issues(
        customer.rejection_reason.as_ref(),
        &customer.request_for_information,
        &up,
        &maria(),
    );
    assert_eq!(issues[1].field, "scans.FRONT");
    assert_eq!(issues[2].field, "scans.BACK");
}

/// Fin.com writes `null` for an empty list or text: the reasons still read, and nothing
/// of what it said is dropped.
#[test]
fn reasons_with_nulls_still_read() {
    let reason: FinRejectionReason = serde_json::from_value(serde_json::json!({
        "applicant": { "moderation_comment": null, "reject_labels": ["BAD_PHOTO"] },
        "documents": null
    }))
    .unwrap();
    assert_eq!(
        reason.applicant.as_ref().map(|a| a.reject_labels.clone()),
        Some(vec!["BAD_PHOTO".to_owned()])
    );
    assert!(reason.documents.is_empty());
    let request: FinRequestForInformation = serde_json::from_value(serde_json::json!({
        "scope": "CUSTOMER",
        "section": "proof_of_address",
        "categories": [{ "document_type": null, "fields": null }]
    }))
    .unwrap();
    assert_eq!(request.categories.len(), 1);
    let issues = rejection_issues(Some(&reason), &[request], &uploaded(), &maria());
    assert!(
        issues.iter().any(|i| i.code == "fin_rejected_applicant"),
        "{issues:?}"
    );
}

/// The slots still to scan follow the document and the client's selfie setting.
#[test]
fn missing_slots_follow_the_document_and_the_selfie_setting() {
    let mut d = maria();
    assert!(missing_slots(&d, FinAttachConfig::default()).is_empty());
    d.scans.retain(|s| s.slot == FRONT);
    assert_eq!(
        missing_slots(&d, FinAttachConfig::default()),
        [BACK, PROOF_OF_ADDRESS]
    );
    let selfie = FinAttachConfig {
        selfie_required: true,
    };
    assert_eq!(missing_slots(&d, selfie), [BACK, SELFIE, PROOF_OF_ADDRESS]);
    d.identity_documents[0].id_type = "Passport".into();
    assert_eq!(
        missing_slots(&d, FinAttachConfig::default()),
        [PROOF_OF_ADDRESS]
    );
}
