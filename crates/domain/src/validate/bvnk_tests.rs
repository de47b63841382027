//! BVNK's rules, each broken once with the value that violates it.

use chrono::NaiveDate;

use super::bvnk_on;
use crate::draft::*;

const LIMIT: u64 = 10_000_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

fn person(id: &str, first: &str, control: bool, signer: bool) -> Associate {
    Associate {
        id: id.into(),
        name: Names {
            first: first.into(),
            last: "Bond".into(),
            ..Default::default()
        },
        birth_date: "1980-01-31".into(),
        title: "Director".into(),
        has_ownership: true,
        has_control: control,
        is_signer: signer,
        email: format!("{first}@example.com"),
        phone: "+1 415 555 0100".into(),
        birth_country: "US".into(),
        risk_score: "LOW".into(),
        document: AssociateDocument {
            id_type: "DriversLicense".into(),
            number: "D1234567".into(),
            issuing_country: "US".into(),
        },
        address: Address {
            street1: "101 West Broadway".into(),
            city: "San Diego".into(),
            postal_code: "92101".into(),
            country: "US".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn scan(slot: &str) -> ScanSlot {
    ScanSlot {
        slot: slot.into(),
        scan_id: format!("scan-{slot}"),
        bytes: 800_000,
        ..Default::default()
    }
}

pub(crate) fn company() -> Draft {
    let mut draft = Draft {
        provider: Provider::Bvnk,
        kind: PartyKind::Company,
        company: CompanyDetails {
            legal_name: "Roastery Ltd".into(),
            registration_number: "21-4532998".into(),
            tax_residence_country: "US".into(),
            ..Default::default()
        },
        addresses: vec![Address {
            street1: "1 Market St".into(),
            city: "San Francisco".into(),
            postal_code: "94105".into(),
            country: "US".into(),
            ..Default::default()
        }],
        associates: vec![
            person("p1", "Ana", true, true),
            person("p2", "Ben", false, false),
        ],
        bvnk: BvnkSection {
            industry_reference: "30ea15fc-06d8-11ef-b6e1-027612b7f6b5".into(),
            monthly_expected_volumes_reference: "ef779c41-547e-11ef-8b9c-027612b7f6b5".into(),
            use_case: "EMBEDDED_FIAT_ACCOUNTS".into(),
            risk_score: "LOW".into(),
            company_document_type: "INCORPORATION_CERT".into(),
        },
        ..Default::default()
    };
    for slot in [
        "COMPANY_DOC",
        "ASSOCIATE:p1:FRONT",
        "ASSOCIATE:p1:BACK",
        "ASSOCIATE:p2:FRONT",
        "ASSOCIATE:p2:BACK",
    ] {
        draft.scans.push(scan(slot));
    }
    draft
}

pub(crate) fn individual() -> Draft {
    Draft {
        provider: Provider::Bvnk,
        kind: PartyKind::Person,
        name: Names {
            first: "Donald".into(),
            last: "Duck".into(),
            ..Default::default()
        },
        person: PersonDetails {
            birth_date: "1990-05-12".into(),
            citizenship_country: "DE".into(),
            birth_country: "DE".into(),
            ..Default::default()
        },
        emails: vec![Email {
            address: "donald@example.com".into(),
            ..Default::default()
        }],
        phones: vec![Phone {
            number: "+49 30 901820".into(),
            ..Default::default()
        }],
        addresses: vec![Address {
            street1: "Majaka 47-10".into(),
            city: "Berlin".into(),
            postal_code: "10115".into(),
            country: "DE".into(),
            ..Default::default()
        }],
        identity_documents: vec![IdentityDocument {
            id_type: "Passport".into(),
            number: "A942819".into(),
            ..Default::default()
        }],
        bvnk: BvnkSection {
            use_case: "EMBEDDED_FIAT_ACCOUNTS".into(),
            ..Default::default()
        },
        scans: vec![scan("FRONT")],
        ..Default::default()
    }
}

/// The codes found on `field`.
fn codes(draft: &Draft, field: &str) -> Vec<String> {
    bvnk_on(draft, today(), LIMIT)
        .into_iter()
        .filter(|i| i.field == field)
        .map(|i| i.code)
        .collect()
}

#[test]
fn complete_company_and_individual_pass() {
    assert_eq!(bvnk_on(&company(), today(), LIMIT), vec![]);
    assert_eq!(bvnk_on(&individual(), today(), LIMIT), vec![]);
}

#[test]
fn a_company_needs_its_name_registration_and_references() {
    let mut d = company();
    d.company.legal_name.clear();
    d.company.registration_number = " ".into();
    d.bvnk.industry_reference.clear();
    d.bvnk.monthly_expected_volumes_reference = "0 - 500 000.00 EUR".into();
    assert_eq!(codes(&d, "company.legalName"), ["required"]);
    assert_eq!(codes(&d, "company.registrationNumber"), ["required"]);
    assert_eq!(codes(&d, "bvnk.industryReference"), ["required"]);
    assert_eq!(
        codes(&d, "bvnk.monthlyExpectedVolumesReference"),
        ["bvnk_reference"]
    );
}

#[test]
fn countries_are_iso_alpha2() {
    let mut d = company();
    d.company.tax_residence_country = "USA".into();
    d.associates[0].birth_country = "XX".into();
    d.associates[1].document.issuing_country = "Germany".into();
    d.addresses[0].country = "UK".into();
    assert_eq!(codes(&d, "company.taxResidenceCountry"), ["country_code"]);
    assert_eq!(codes(&d, "associates[0].birthCountry"), ["country_code"]);
    assert_eq!(
        codes(&d, "associates[1].document.issuingCountry"),
        ["country_code"]
    );
    assert_eq!(codes(&d, "addresses[0].country"), ["country_code"]);
}

#[test]
fn dates_of_birth_are_real_and_associates_adult() {
    let mut d = company();
    d.associates[0].birth_date = "1980-02-30".into();
    d.associates[1].birth_date = "2009-01-01".into();
    assert_eq!(codes(&d, "associates[0].birthDate"), ["date_format"]);
    assert_eq!(codes(&d, "associates[1].birthDate"), ["bvnk_adult"]);
    // Eighteen today is adult; eighteen tomorrow is not.
    d.associates[1].birth_date = "2008-12-06".into();
    assert!(codes(&d, "associates[1].birthDate").is_empty());
    d.associates[1].birth_date = "2008-12-07".into();
    assert_eq!(codes(&d, "associates[1].birthDate"), ["bvnk_adult"]);
    let mut i = individual();
    i.person.birth_date = "2010-05-12".into();
    assert_eq!(codes(&i, "person.birthDate"), ["bvnk_adult"]);
}

#[test]
fn phones_are_e164_and_emails_real() {
    let mut d = company();
    d.associates[0].phone = "555-01".into();
    d.associates[1].email = "ben@localhost".into();
    assert_eq!(codes(&d, "associates[0].phone"), ["phone_format"]);
    assert_eq!(codes(&d, "associates[1].email"), ["email_format"]);
    d.associates[1].email.clear();
    assert_eq!(codes(&d, "associates[1].email"), ["required"]);
    let mut i = individual();
    i.phones[0].number = "12".into();
    assert_eq!(codes(&i, "phones[0].number"), ["phone_format"]);
}

#[test]
fn a_company_needs_someone_in_control_and_a_signer() {
    let mut d = company();
    d.associates[0].has_control = false;
    assert_eq!(codes(&d, "associates"), ["bvnk_control"]);
    let mut d = company();
    d.associates[0].is_signer = false;
    assert_eq!(codes(&d, "associates"), ["bvnk_signer"]);
    let mut d = company();
    d.associates.clear();
    assert_eq!(codes(&d, "associates"), ["required"]);
}

#[test]
fn cards_need_both_sides_and_passports_one() {
    let mut d = company();
    d.scans.retain(|s| s.slot != "ASSOCIATE:p2:BACK");
    assert_eq!(codes(&d, "scans.ASSOCIATE:p2:BACK"), ["scan_missing"]);
    // A passport needs only its page: the back scan is not asked for.
    d.associates[1].document.id_type = "Passport".into();
    assert!(bvnk_on(&d, today(), LIMIT).is_empty());
    let mut d = company();
    d.scans.retain(|s| s.slot != "COMPANY_DOC");
    assert_eq!(codes(&d, "scans.COMPANY_DOC"), ["scan_missing"]);
    let mut i = individual();
    i.identity_documents[0].id_type = "IdCard".into();
    assert_eq!(codes(&i, "scans.BACK"), ["scan_missing"]);
}

#[test]
fn a_scan_over_the_document_limit_is_refused() {
    let mut d = company();
    d.scans[1].bytes = LIMIT + 1;
    let issues = bvnk_on(&d, today(), LIMIT);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].code, "scan_too_large");
    assert!(
        issues[0].message.contains("10.0 MB"),
        "{}",
        issues[0].message
    );
    // A larger limit set on the connection lets it through.
    assert!(bvnk_on(&d, today(), LIMIT * 2).is_empty());
}

#[test]
fn choices_are_bvnks_own() {
    let mut d = company();
    d.bvnk.use_case = "PAYMENTS".into();
    d.bvnk.company_document_type = "PASSPORT".into();
    d.associates[0].document.id_type = "Visa".into();
    d.associates[1].risk_score = "EXTREME".into();
    assert_eq!(codes(&d, "bvnk.useCase"), ["not_allowed"]);
    assert_eq!(codes(&d, "bvnk.companyDocumentType"), ["not_allowed"]);
    assert_eq!(codes(&d, "associates[0].document.idType"), ["not_allowed"]);
    assert_eq!(codes(&d, "associates[1].riskScore"), ["not_allowed"]);
}

#[test]
fn an_individual_needs_nationality_birth_country_contact_and_document() {
    let mut i = individual();
    i.person.citizenship_country.clear();
    i.person.birth_country.clear();
    i.emails.clear();
    i.identity_documents.clear();
    assert_eq!(codes(&i, "person.citizenshipCountry"), ["required"]);
    assert_eq!(codes(&i, "person.birthCountry"), ["required"]);
    assert_eq!(codes(&i, "emails"), ["required"]);
    assert_eq!(codes(&i, "identityDocuments"), ["required"]);
}

#[test]
fn every_message_says_what_to_do() {
    let mut d = company();
    d.company = CompanyDetails::default();
    d.associates[0] = Associate::default();
    d.scans.clear();
    for issue in bvnk_on(&d, today(), LIMIT) {
        let first = issue.message.split_whitespace().next().unwrap_or("");
        assert!(
            ["Enter", "Choose", "Add", "Scan", "Say", "This", "BVNK"].contains(&first),
            "{issue:?}"
        );
    }
}

#[test]
fn bvnk_values_are_tidied_as_bvnk_takes_them() {
    let mut d = company();
    d.associates[1].birth_country = " ng ".into();
    d.associates[1].document.issuing_country = "us".into();
    d.associates[1].risk_score = "low".into();
    // A UK number typed as the person's own country writes it, read in that country.
    d.associates[1].address.country = "GB".into();
    d.associates[1].phone = "020 7946 0958".into();
    d.bvnk.industry_reference = " 30EA15FC-06D8-11EF-B6E1-027612B7F6B5 ".into();
    let n = super::normalised(&d);
    let a = &n.associates[1];
    assert_eq!(
        (
            a.birth_country.as_str(),
            a.document.issuing_country.as_str()
        ),
        ("NG", "US")
    );
    assert_eq!(a.risk_score, "LOW");
    assert_eq!(a.phone, "+442079460958");
    assert_eq!(
        n.bvnk.industry_reference,
        "30ea15fc-06d8-11ef-b6e1-027612b7f6b5"
    );
    // And the rules, which read the phone in the same country, take it.
    assert!(codes(&n, "associates[1].phone").is_empty());
}
