use super::*;

const SEED_PERSONAL: &str = include_str!("../../tests/fixtures/cos_create_personal.json");
const SEED_CREATED: &str = include_str!("../../tests/fixtures/cos_customer_created.json");

#[test]
fn the_documented_personal_request_reads_and_writes_back_the_same() {
    let request: CreateCustomer = serde_json::from_str(SEED_PERSONAL).unwrap();
    assert_eq!(request.classification, Classification::Personal);
    assert_eq!(request.profile.tax_id_type, TaxIdType::Ssn);
    assert!(!request.profile.reg_o);
    let again: serde_json::Value = serde_json::to_value(&request).unwrap();
    let original: serde_json::Value = serde_json::from_str(SEED_PERSONAL).unwrap();
    assert_eq!(again, original);
}

#[test]
fn the_documented_answer_reads_with_its_statuses() {
    let customer: Customer = serde_json::from_str(SEED_CREATED).unwrap();
    assert_eq!(customer.cif_number.as_deref(), Some("32653745014"));
    assert_eq!(customer.ofac, Some(ScanStatus::Pending));
    assert_eq!(customer.pep_scan, Some(ScanStatus::Pending));
}

#[test]
fn a_person_maps_to_cos_spelling_with_the_ssn_as_digits() {
    let person = Person {
        first_name: " Peter ".into(),
        last_name: "Griffin".into(),
        birth_date: "1953-09-22".into(),
        ssn: "119-98-8776".into(),
        citizenship_country: "us".into(),
    };
    let request = personal_customer("6e80b097-693c-4592-8440-02f345335bbf", &person).unwrap();
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(json["classification"], "Personal");
    assert_eq!(json["name"]["firstName"], "Peter");
    assert_eq!(json["profile"]["taxIdType"], "Ssn");
    assert_eq!(json["profile"]["taxId"], "119988776");
    assert_eq!(json["profile"]["citizenshipCountryCode"], "US");
    assert_eq!(json["profile"]["regO"], false);
}

#[test]
fn an_invalid_person_is_never_mapped() {
    let person = Person {
        first_name: "Peter".into(),
        ..Person::default()
    };
    match personal_customer("p", &person) {
        Err(Error::Invalid(issues)) => {
            assert!(issues.iter().any(|i| i.field == "lastName"));
        }
        other => panic!("expected the draft to be refused, got {other:?}"),
    }
}

#[test]
fn error_messages_land_on_their_field() {
    let item = ErrorItem {
        code: 1000,
        message: "First name required".into(),
    };
    assert_eq!(field_of_error(&item), Some("firstName"));
    let item = ErrorItem {
        code: 9999,
        message: "System error".into(),
    };
    assert_eq!(field_of_error(&item), None);
    let body: ErrorBody =
        serde_json::from_str(r#"{"Errors":[{"Code":1000,"Message":"First name required"}]}"#)
            .unwrap();
    assert_eq!(body.errors[0].code, 1000);
}

// ---- the full wire model and the draft mapping ----

use crate::draft::{Draft, PartyKind};
use crate::validate::Severity;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Reads a sample body into `T` and writes it back: the JSON must come out the same.
fn both_ways<T: serde::de::DeserializeOwned + Serialize>(name: &str) -> T {
    let text = fixture(name);
    let typed: T = serde_json::from_str(&text).unwrap();
    let again = serde_json::to_value(&typed).unwrap();
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(again, original, "{name}");
    typed
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

#[test]
fn every_documented_body_reads_and_writes_back_the_same() {
    let business: CreateCustomer = both_ways("cos_create_business.json");
    assert_eq!(business.classification, Classification::Business);
    assert_eq!(business.profile.tax_id_type, TaxIdType::Ein);
    let address: AddressRequest = both_ways("cos_add_address.json");
    assert_eq!(
        address.classification,
        Some(AddressClassification::Residential)
    );
    let phone: PhoneRequest = both_ways("cos_add_phone.json");
    assert_eq!(phone.phone_type, PhoneType::Mobile);
    let email: EmailRequest = both_ways("cos_add_email.json");
    assert_eq!(email.email_address, "peter.griffin@example.com");
    let id: IdentificationRequest = both_ways("cos_add_identification.json");
    assert_eq!(id.id_type, IdType::DriversLicense);
    let added: IdentificationRecord = both_ways("cos_identification_added.json");
    assert_eq!(added.status.as_deref(), Some("Active"));
    assert_eq!(added.fields.issuing_authority, "NJMVC");
    let owner: BeneficialOwnerRequest = both_ways("cos_add_beneficial_owner.json");
    assert_eq!(owner.ownership_percentage, 60.0);
    let profile: Profile = both_ways("cos_update_profile.json");
    assert_eq!(profile.backup_withholding_percent, Some(24));
    let customer: Customer = both_ways("cos_customer_personal_full.json");
    let p = customer.profile.unwrap();
    assert_eq!(p.risk_rating, Some(RiskRating::Low));
    assert_eq!(
        customer.name.unwrap().preferred_name.as_deref(),
        Some("Jim")
    );
    let errors: ErrorBody = both_ways("cos_errors.json");
    assert_eq!(errors.errors.len(), 2);
}

#[test]
fn a_full_personal_draft_maps_to_every_cos_request() {
    let draft = crate::validate::tests::full_person();
    let plan = onboarding("6e80b097-693c-4592-8440-02f345335bbf", &draft, today()).unwrap();
    let json = serde_json::to_value(&plan.customer).unwrap();
    assert_eq!(json["classification"], "Personal");
    assert_eq!(json["name"]["prefix"], "Mr.");
    assert_eq!(json["name"]["middleName"], "Lowenbrau");
    assert!(
        json["name"].get("suffix").is_none(),
        "empty values are left out"
    );
    assert_eq!(json["profile"]["taxIdType"], "Ssn");
    assert_eq!(json["profile"]["taxId"], "119988776");
    assert_eq!(json["profile"]["citizenshipCountryCode"], "US");
    assert_eq!(json["profile"]["riskRating"], "Low");
    assert!(json["profile"].get("dateFormed").is_none());
    assert_eq!(json["clientIdentifier"], "branch-7-000123");

    let address = serde_json::to_value(&plan.addresses[0]).unwrap();
    assert_eq!(address["state"], "RI");
    assert_eq!(address["countryCode"], "US");
    assert_eq!(address["classification"], "Residential");
    assert_eq!(plan.phones[0].phone_number, "2015552345");
    assert_eq!(plan.emails[0].email_address, "peter@example.com");
    let id = serde_json::to_value(&plan.identifications[0]).unwrap();
    assert_eq!(id["idType"], "DriversLicense");
    assert_eq!(id["expDate"], "2029-07-14");
    assert_eq!(id["issuingCountryCode"], "US");
    assert!(id.get("scanIds").is_none(), "COS keeps no scans");
    assert!(plan.beneficial_owners.is_empty());
}

#[test]
fn a_company_draft_maps_to_a_business_with_its_owners() {
    let draft = crate::validate::tests::full_company();
    let plan = onboarding("p", &draft, today()).unwrap();
    let json = serde_json::to_value(&plan.customer).unwrap();
    assert_eq!(json["classification"], "Business");
    assert_eq!(
        json["name"],
        serde_json::json!({"entityName": "Pawtucket Brewery LLC"})
    );
    assert_eq!(json["profile"]["taxIdType"], "Ein");
    assert_eq!(json["profile"]["taxId"], "123456789");
    assert_eq!(json["profile"]["dateFormed"], "1998-04-01");
    assert_eq!(json["profile"]["entityType"], "LLC");
    assert_eq!(json["profile"]["ownershipType"], "Private");
    assert_eq!(
        json["profile"]["primaryOwnerCustomerId"],
        "9052b6a5-3f09-41d1-b526-ade80104eb79"
    );
    assert!(json["profile"].get("birthDate").is_none());
    let owners = serde_json::to_value(&plan.beneficial_owners).unwrap();
    assert_eq!(owners[0]["ownerTitle"], "CEO");
    assert_eq!(owners[0]["ownershipPercentage"], 60);
    assert_eq!(owners[1]["ownershipPercentage"], 40);
}

#[test]
fn a_draft_with_errors_is_never_mapped_but_warnings_pass() {
    let mut draft = crate::validate::tests::full_person();
    draft.phones[0].number = "555".into();
    match onboarding("p", &draft, today()) {
        Err(Error::Invalid(issues)) => {
            assert!(issues.iter().any(|i| i.field == "phones[0].number"));
        }
        other => panic!("expected the draft to be refused, got {other:?}"),
    }
    let mut draft = crate::validate::tests::full_person();
    draft.identity_documents[0].expiry_date = "2026-12-01".into();
    assert!(crate::validate::cos_on(&draft, today())
        .iter()
        .any(|i| i.severity == Severity::Warning));
    assert!(onboarding("p", &draft, today()).is_ok());
    assert!(onboarding("p", &Draft::default(), today()).is_err());
}

#[test]
fn the_profile_update_carries_the_cos_section() {
    let mut draft = crate::validate::tests::full_person();
    draft.cos.politically_exposed_person = true;
    draft.cos.enable_backup_withholding = true;
    draft.cos.backup_withholding_percent = "24".into();
    draft.cos.risk_rating = "High".into();
    let profile = profile_update(&draft, today()).unwrap();
    let json = serde_json::to_value(&profile).unwrap();
    assert_eq!(json["politicallyExposedPerson"], true);
    assert_eq!(json["backupWithholdingPercent"], 24);
    assert_eq!(json["riskRating"], "High");
    assert_eq!(json["taxId"], "119988776");
}

#[test]
fn the_legacy_person_and_its_draft_map_alike() {
    let person = Person {
        first_name: "Peter".into(),
        last_name: "Griffin".into(),
        birth_date: "1953-09-22".into(),
        ssn: "119-98-8776".into(),
        citizenship_country: "us".into(),
    };
    let legacy = personal_customer("p", &person).unwrap();
    let drafted = onboarding("p", &person.to_draft(), today())
        .unwrap()
        .customer;
    assert_eq!(legacy.name, drafted.name);
    assert_eq!(legacy.profile.tax_id, drafted.profile.tax_id);
    assert_eq!(legacy.profile.birth_date, drafted.profile.birth_date);
    assert_eq!(drafted.classification, Classification::Personal);
    assert_eq!(drafted.name.first_name.as_deref(), Some("Peter"));
    let _ = PartyKind::Person;
}

fn item(code: i64, message: &str) -> ErrorItem {
    ErrorItem {
        code,
        message: message.into(),
    }
}

#[test]
fn cos_errors_land_on_draft_fields() {
    let create = CosStep::Create { tax_id: 1 };
    for (code, message, step, field) in [
        (1000, "First name required", create, "name.first"),
        (1000, "Last name required", create, "name.last"),
        (
            1001,
            "profile.taxId must be exactly 9 digits",
            create,
            "taxIds[1].number",
        ),
        (
            1002,
            "profile.taxIdType must be one of Ein",
            create,
            "taxIds[1].idType",
        ),
        (
            1001,
            "profile.birthDate must not be in the future",
            create,
            "person.birthDate",
        ),
        (
            1002,
            "profile.riskRating must be one of Low, Medium, High",
            create,
            "cos.riskRating",
        ),
        (
            1003,
            "clientIdentifier must be at most 50 characters",
            create,
            "cos.clientIdentifier",
        ),
        (
            1000,
            "name.entityName required",
            create,
            "company.legalName",
        ),
        (
            1001,
            "profile.dateFormed must be a date written YYYY-MM-DD",
            create,
            "company.dateFormed",
        ),
        (
            2001,
            "primaryOwnerCustomerId must be an existing Personal customer",
            create,
            "cos.primaryOwnerCustomerId",
        ),
        (
            1001,
            "postalCode must be a US ZIP code (12345 or 12345-6789)",
            CosStep::Address(2),
            "addresses[2].postalCode",
        ),
        (
            1001,
            "countryCode must be a 2-letter country code",
            CosStep::Address(0),
            "addresses[0].country",
        ),
        (
            1000,
            "state required",
            CosStep::Address(0),
            "addresses[0].state",
        ),
        (
            1001,
            "phoneNumber must be exactly 10 digits",
            CosStep::Phone(1),
            "phones[1].number",
        ),
        (
            1001,
            "emailAddress is not a valid email address",
            CosStep::Email(0),
            "emails[0].address",
        ),
        (
            1001,
            "expDate must be a date written YYYY-MM-DD",
            CosStep::Identification(0),
            "identityDocuments[0].expiryDate",
        ),
        (
            1001,
            "issuingCountryCode must be a 2-letter country code",
            CosStep::Identification(0),
            "identityDocuments[0].issuingCountry",
        ),
        (
            2002,
            "ownerCustomerId must be an existing Personal customer",
            CosStep::BeneficialOwner(1),
            "cos.beneficialOwners[1].ownerCustomerId",
        ),
        (
            2004,
            "Total ownershipPercentage of beneficial owners would exceed 100",
            CosStep::BeneficialOwner(3),
            "cos.beneficialOwners[3].ownershipPercentage",
        ),
        (
            1000,
            "ownerTitle required",
            CosStep::BeneficialOwner(0),
            "cos.beneficialOwners[0].title",
        ),
    ] {
        assert_eq!(
            draft_field_of_error(&item(code, message), step).as_deref(),
            Some(field),
            "{message}"
        );
    }
    assert_eq!(
        draft_field_of_error(&item(9999, "System error"), create),
        None
    );
    assert_eq!(
        draft_field_of_error(
            &item(
                3001,
                "partnerId does not belong to the authenticated partner"
            ),
            create
        ),
        None
    );
}

#[test]
fn unplaced_cos_errors_are_shown_whole() {
    let issues = issues_of_errors(
        &[
            item(1000, "First name required"),
            item(9999, "System error"),
        ],
        CosStep::Create { tax_id: 0 },
    );
    assert_eq!(issues[0].field, "name.first");
    assert_eq!(issues[0].code, "cos_1000");
    assert_eq!(issues[0].message, "COS: First name required.");
    assert_eq!(issues[1].field, "");
    assert!(issues.iter().all(Issue::is_error));
}
