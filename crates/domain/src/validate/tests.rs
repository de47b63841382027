//! Why one file (about 760 lines): one test or more for each shared rule, sharing the
//! person and draft fixtures at the top.

use super::*;
use crate::draft::*;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn peter() -> Person {
    Person {
        first_name: "Peter".into(),
        last_name: "Griffin".into(),
        birth_date: "1953-09-22".into(),
        ssn: "119-98-8776".into(),
        citizenship_country: "US".into(),
    }
}

fn codes_for(person: &Person, field: &str) -> Vec<String> {
    person_on(person, today())
        .into_iter()
        .filter(|i| i.field == field)
        .map(|i| i.code)
        .collect()
}

#[test]
fn a_complete_person_has_no_issues() {
    assert_eq!(person_on(&peter(), today()), vec![]);
}

#[test]
fn names_are_required_and_bounded() {
    let p = Person {
        first_name: "  ".into(),
        ..peter()
    };
    assert_eq!(codes_for(&p, "firstName"), ["required"]);
    let p = Person {
        last_name: "x".repeat(51),
        ..peter()
    };
    assert_eq!(codes_for(&p, "lastName"), ["too_long"]);
}

#[test]
fn birth_dates_must_exist_and_be_plausible() {
    for (typed, code) in [
        ("", "required"),
        ("22/09/1953", "date_format"),
        ("1953-9-22", "date_format"),
        ("2023-02-30", "date_format"),
        ("2027-01-01", "date_future"),
        ("1890-01-01", "date_too_old"),
    ] {
        let p = Person {
            birth_date: typed.into(),
            ..peter()
        };
        assert_eq!(codes_for(&p, "birthDate"), [code], "for {typed:?}");
    }
    let p = Person {
        birth_date: "2024-02-29".into(),
        ..peter()
    };
    assert_eq!(codes_for(&p, "birthDate"), Vec::<String>::new());
}

#[test]
fn ssn_shape_rules() {
    for (typed, code) in [
        ("", "required"),
        ("12345678", "ssn_length"),
        ("1234567890", "ssn_length"),
        ("123-45-678x", "ssn_format"),
        ("000-12-3456", "ssn_area"),
        ("666-12-3456", "ssn_area"),
        ("912-12-3456", "ssn_area"),
        ("123-00-4567", "ssn_group_serial"),
        ("123-45-0000", "ssn_group_serial"),
    ] {
        let p = Person {
            ssn: typed.into(),
            ..peter()
        };
        assert_eq!(codes_for(&p, "ssn"), [code], "for {typed:?}");
    }
    for typed in ["123456789", "123 45 6789", "123-45-6789"] {
        let p = Person {
            ssn: typed.into(),
            ..peter()
        };
        assert!(codes_for(&p, "ssn").is_empty(), "for {typed:?}");
    }
}

#[test]
fn citizenship_is_an_iso_alpha2_code() {
    let p = Person {
        citizenship_country: "USA".into(),
        ..peter()
    };
    assert_eq!(codes_for(&p, "citizenshipCountry"), ["country_code"]);
    let p = Person {
        citizenship_country: "XX".into(),
        ..peter()
    };
    assert_eq!(codes_for(&p, "citizenshipCountry"), ["country_code"]);
    let p = Person {
        citizenship_country: "mx".into(),
        ..peter()
    };
    assert!(codes_for(&p, "citizenshipCountry").is_empty());
}

#[test]
fn messages_say_how_to_fix() {
    let issues = person_on(&Person::default(), today());
    assert_eq!(issues.len(), 5);
    assert!(issues
        .iter()
        .all(|i| i.message.ends_with('.') && i.message.len() > 15));
}

// ---- the full draft ----

use crate::draft::{
    Address, CompanyDetails, CosBeneficialOwner, CosSection, Draft, Email, IdentityDocument, Names,
    PartyKind, PersonDetails, Phone, TaxId,
};

pub(crate) fn full_person() -> Draft {
    Draft {
        kind: PartyKind::Person,
        name: Names {
            prefix: "Mr.".into(),
            first: "Peter".into(),
            middle: "Lowenbrau".into(),
            last: "Griffin".into(),
            ..Names::default()
        },
        person: PersonDetails {
            birth_date: "1953-09-22".into(),
            citizenship_country: "us".into(),
            ..PersonDetails::default()
        },
        tax_ids: vec![TaxId {
            id_type: "Ssn".into(),
            number: "119-98-8776".into(),
            country: "US".into(),
        }],
        addresses: vec![Address {
            address_type: "Home".into(),
            classification: "Residential".into(),
            is_primary: true,
            street1: "31 Spooner Street".into(),
            city: "Quahog".into(),
            state: "ri".into(),
            postal_code: "02903".into(),
            country: "US".into(),
            ..Address::default()
        }],
        phones: vec![Phone {
            phone_type: "Mobile".into(),
            is_primary: true,
            number: "(201) 555-2345".into(),
            ..Phone::default()
        }],
        emails: vec![Email {
            email_type: "Personal".into(),
            is_primary: true,
            address: "peter@example.com".into(),
        }],
        identity_documents: vec![IdentityDocument {
            id_type: "DriversLicense".into(),
            is_primary: true,
            number: "123 456 789".into(),
            issued_date: "2022-07-15".into(),
            expiry_date: "2029-07-14".into(),
            issuing_authority: "New York DMV".into(),
            issuing_state_or_province: "NY".into(),
            issuing_country: "US".into(),
            scan_ids: vec!["scan-1".into()],
            ..IdentityDocument::default()
        }],
        cos: CosSection {
            risk_rating: "Low".into(),
            client_identifier: "branch-7-000123".into(),
            ..CosSection::default()
        },
        ..Draft::default()
    }
}

pub(crate) fn full_company() -> Draft {
    Draft {
        kind: PartyKind::Company,
        company: CompanyDetails {
            legal_name: "Pawtucket Brewery LLC".into(),
            date_formed: "1998-04-01".into(),
            entity_type: "LLC".into(),
            ownership_type: "Private".into(),
            ..CompanyDetails::default()
        },
        tax_ids: vec![TaxId {
            id_type: "Ein".into(),
            number: "12-3456789".into(),
            country: "US".into(),
        }],
        cos: CosSection {
            risk_rating: "Medium".into(),
            primary_owner_customer_id: "9052b6a5-3f09-41d1-b526-ade80104eb79".into(),
            beneficial_owners: vec![
                CosBeneficialOwner {
                    owner_customer_id: "9052b6a5-3f09-41d1-b526-ade80104eb79".into(),
                    title: "CEO".into(),
                    ownership_percentage: "60".into(),
                },
                CosBeneficialOwner {
                    owner_customer_id: "49160e7c-6c94-4898-a7cc-5457b80a3307".into(),
                    title: "CFO".into(),
                    ownership_percentage: "40 %".into(),
                },
            ],
            ..CosSection::default()
        },
        ..Draft::default()
    }
}

fn cos_codes(draft: &Draft, field: &str) -> Vec<String> {
    cos_on(draft, today())
        .into_iter()
        .filter(|i| i.field == field)
        .map(|i| i.code)
        .collect()
}

fn cos_issue(draft: &Draft, field: &str) -> Issue {
    cos_on(draft, today())
        .into_iter()
        .find(|i| i.field == field)
        .unwrap_or_else(|| panic!("no issue on {field}"))
}

#[test]
fn complete_drafts_have_no_issues() {
    assert_eq!(cos_on(&full_person(), today()), vec![]);
    assert_eq!(cos_on(&full_company(), today()), vec![]);
    assert_eq!(cos_on(&peter().to_draft(), today()), vec![]);
}

#[test]
fn a_draft_person_needs_names_birth_date_citizenship_and_a_tax_id() {
    let mut d = Draft::default();
    d.cos.risk_rating = "Low".into();
    let fields: Vec<String> = cos_on(&d, today()).into_iter().map(|i| i.field).collect();
    for field in [
        "name.first",
        "name.last",
        "person.birthDate",
        "person.citizenshipCountry",
        "taxIds",
    ] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }
    let mut d = full_person();
    d.name.middle = "m".repeat(51);
    assert_eq!(cos_codes(&d, "name.middle"), ["too_long"]);
}

#[test]
fn a_company_needs_name_date_formed_types_and_an_ein() {
    let mut d = full_company();
    d.company = CompanyDetails::default();
    d.tax_ids[0].id_type = "Ssn".into();
    d.tax_ids[0].number = "119-98-8776".into();
    assert_eq!(cos_codes(&d, "company.legalName"), ["required"]);
    assert_eq!(cos_codes(&d, "company.dateFormed"), ["required"]);
    assert_eq!(cos_codes(&d, "company.entityType"), ["required"]);
    assert_eq!(cos_codes(&d, "company.ownershipType"), ["required"]);
    assert_eq!(cos_codes(&d, "taxIds"), ["ein_required"]);
    let mut d = full_company();
    d.company.date_formed = "2027-01-01".into();
    assert_eq!(cos_codes(&d, "company.dateFormed"), ["date_future"]);
}

#[test]
fn enumerated_choices_are_checked() {
    let mut d = full_person();
    d.cos.risk_rating = "Extreme".into();
    d.tax_ids[0].id_type = "SSN".into();
    d.addresses[0].classification = "Home".into();
    d.phones[0].phone_type = "Cell".into();
    d.identity_documents[0].id_type = "Driver License".into();
    for field in [
        "cos.riskRating",
        "taxIds[0].idType",
        "addresses[0].classification",
        "phones[0].phoneType",
        "identityDocuments[0].idType",
    ] {
        assert_eq!(cos_codes(&d, field), ["not_allowed"], "{field}");
    }
    assert!(cos_issue(&d, "identityDocuments[0].idType")
        .message
        .contains("DriversLicense, Passport, IdCard, SocialSecurity, Other"));
    let mut d = full_person();
    d.cos.risk_rating = String::new();
    assert_eq!(cos_codes(&d, "cos.riskRating"), ["required"]);
}

#[test]
fn an_unusual_address_type_is_only_a_warning() {
    let mut d = full_person();
    d.addresses[0].address_type = "Vacation".into();
    let issue = cos_issue(&d, "addresses[0].addressType");
    assert_eq!(issue.severity, Severity::Warning);
    d.addresses[0].address_type = " ".into();
    assert_eq!(cos_codes(&d, "addresses[0].addressType"), ["required"]);
}

#[test]
fn guids_are_8_4_4_4_12_hex() {
    assert!(is_guid("9052b6a5-3f09-41d1-b526-ade80104eb79"));
    assert!(is_guid("9052B6A5-3F09-41D1-B526-ADE80104EB79"));
    assert!(!is_guid("9052b6a5-3f09-41d1-b526-ade80104eb7"));
    assert!(!is_guid("9052b6a5_3f09_41d1_b526_ade80104eb79"));
    assert!(!is_guid("zzzzzzzz-3f09-41d1-b526-ade80104eb79"));
    let mut d = full_company();
    d.cos.primary_owner_customer_id = "Peter Griffin".into();
    d.cos.beneficial_owners[1].owner_customer_id = "42".into();
    assert_eq!(cos_codes(&d, "cos.primaryOwnerCustomerId"), ["guid"]);
    assert_eq!(
        cos_codes(&d, "cos.beneficialOwners[1].ownerCustomerId"),
        ["guid"]
    );
}

#[test]
fn dates_must_exist_wherever_they_are() {
    let mut d = full_person();
    d.identity_documents[0].issued_date = "2022-02-30".into();
    d.identity_documents[0].verified_date = "15/07/2022".into();
    assert_eq!(
        cos_codes(&d, "identityDocuments[0].issuedDate"),
        ["date_format"]
    );
    assert_eq!(
        cos_codes(&d, "identityDocuments[0].verifiedDate"),
        ["date_format"]
    );
    d.identity_documents[0].verified_date = "2026-12-01".into();
    assert_eq!(
        cos_codes(&d, "identityDocuments[0].verifiedDate"),
        ["date_future"]
    );
}

#[test]
fn countries_are_iso_alpha2_everywhere() {
    let mut d = full_person();
    d.addresses[0].country = "USA".into();
    d.identity_documents[0].issuing_country = "XX".into();
    d.person.second_citizenship_country = "Mexico".into();
    for field in [
        "addresses[0].country",
        "identityDocuments[0].issuingCountry",
        "person.secondCitizenshipCountry",
    ] {
        assert_eq!(cos_codes(&d, field), ["country_code"], "{field}");
    }
}

#[test]
fn us_addresses_need_a_state_code_and_a_zip() {
    assert!(is_us_state("dc") && is_us_state("PR") && is_us_state("GU"));
    assert!(!is_us_state("XY") && !is_us_state("New York"));
    for zip in ["12345", "12345-6789", " 02903 "] {
        assert!(is_zip(zip), "{zip}");
    }
    for zip in ["1234", "123456", "12345-678", "12345 6789", "ABCDE"] {
        assert!(!is_zip(zip), "{zip}");
    }
    let mut d = full_person();
    d.addresses[0].state = "Rhode Island".into();
    d.addresses[0].postal_code = "2903".into();
    assert_eq!(cos_codes(&d, "addresses[0].state"), ["us_state"]);
    assert_eq!(cos_codes(&d, "addresses[0].postalCode"), ["zip"]);
    d.addresses[0].state = String::new();
    assert_eq!(cos_codes(&d, "addresses[0].state"), ["required"]);
    // Elsewhere, postal codes and regions are free text.
    d.addresses[0].country = "CA".into();
    d.addresses[0].state = "Ontario".into();
    d.addresses[0].postal_code = "K1A 0B1".into();
    assert!(cos_codes(&d, "addresses[0].state").is_empty());
    assert!(cos_codes(&d, "addresses[0].postalCode").is_empty());
    let mut d = full_person();
    d.addresses[0].street1 = String::new();
    d.addresses[0].city = String::new();
    assert_eq!(cos_codes(&d, "addresses[0].street1"), ["required"]);
    assert_eq!(cos_codes(&d, "addresses[0].city"), ["required"]);
}

#[test]
fn phones_accept_what_people_type_and_become_10_digits() {
    for typed in [
        "(201) 555-2345",
        "+1 201 555 2345",
        "201.555.2345",
        "2015552345",
        "1-201-555-2345",
    ] {
        assert_eq!(
            us_phone_digits(typed).as_deref(),
            Some("2015552345"),
            "{typed}"
        );
    }
    for typed in ["555-2345", "(201) 555-234", "+44 20 7946 0958", "call me"] {
        assert_eq!(us_phone_digits(typed), None, "{typed}");
    }
    assert_eq!(
        phone_e164("020 7946 0958", "GB").as_deref(),
        Some("+442079460958")
    );
    let mut d = full_person();
    d.phones[0].number = "555-2345".into();
    assert_eq!(cos_codes(&d, "phones[0].number"), ["phone_format"]);
    d.phones[0].number = "+44 20 7946 0958".into();
    assert_eq!(cos_codes(&d, "phones[0].number"), ["cos_phone_us"]);
    assert!(draft_on(&d, today()).is_empty(), "fine for other providers");
    d.phones[0].number = "201.555.2345".into();
    d.phones[0].extension = "ext 5".into();
    assert_eq!(cos_codes(&d, "phones[0].extension"), ["extension"]);
}

#[test]
fn emails_are_checked_for_syntax() {
    for good in ["peter@example.com", "p.griffin+bank@mail.example.co.uk"] {
        assert!(is_email(good), "{good}");
    }
    for bad in [
        "peter",
        "peter@",
        "@example.com",
        "peter@example",
        "pe ter@example.com",
        "a@@b.com",
    ] {
        assert!(!is_email(bad), "{bad}");
    }
    let mut d = full_person();
    d.emails[0].address = "peter at example.com".into();
    assert_eq!(cos_codes(&d, "emails[0].address"), ["email_format"]);
    d.emails[0].address = String::new();
    assert_eq!(cos_codes(&d, "emails[0].address"), ["required"]);
}

#[test]
fn ssn_rules_apply_to_draft_tax_ids() {
    let mut d = full_person();
    d.tax_ids[0].number = "666-12-3456".into();
    assert_eq!(cos_codes(&d, "taxIds[0].number"), ["ssn_area"]);
    d.tax_ids[0].country = "MX".into();
    assert!(cos_codes(&d, "taxIds[0].country").contains(&"tax_id_country".to_owned()));
}

#[test]
fn ein_shape_and_prefix() {
    let mut d = full_company();
    for (typed, code) in [
        ("12-345678", "ein_length"),
        ("12-34567a9", "ein_format"),
        ("", "required"),
    ] {
        d.tax_ids[0].number = typed.into();
        assert_eq!(cos_codes(&d, "taxIds[0].number"), [code], "{typed}");
    }
    d.tax_ids[0].number = "07-1234567".into();
    let issue = cos_issue(&d, "taxIds[0].number");
    assert_eq!(
        (issue.code.as_str(), issue.severity),
        ("ein_prefix", Severity::Warning)
    );
    d.tax_ids[0].number = "98 1234567".into();
    assert!(cos_codes(&d, "taxIds[0].number").is_empty());
}

#[test]
fn itin_and_foreign_tax_ids() {
    let mut d = full_person();
    d.tax_ids[0] = TaxId {
        id_type: "Itin".into(),
        number: "123-45-6789".into(),
        country: String::new(),
    };
    assert_eq!(cos_codes(&d, "taxIds[0].number"), ["itin_format"]);
    d.tax_ids[0].number = "912-70-1234".into();
    assert!(cos_codes(&d, "taxIds[0].number").is_empty());
    d.tax_ids[0] = TaxId {
        id_type: "Foreign".into(),
        number: "GRIP531022HDFRFT08".into(),
        country: String::new(),
    };
    assert_eq!(cos_codes(&d, "taxIds[0].country"), ["required"]);
}

#[test]
fn client_identifier_and_idempotency_keys_are_at_most_50_characters() {
    let mut d = full_person();
    d.cos.client_identifier = "x".repeat(51);
    assert_eq!(cos_codes(&d, "cos.clientIdentifier"), ["too_long"]);
    d.cos.client_identifier = "x".repeat(50);
    assert!(cos_codes(&d, "cos.clientIdentifier").is_empty());
    assert!(check_idempotency_key("6d3add34-0a1e-4a4e-9c7f-b00a0091e308").is_none());
    assert!(check_idempotency_key(&"k".repeat(50)).is_none());
    assert_eq!(
        check_idempotency_key(&"k".repeat(51)).map(|i| i.code),
        Some("idempotency_key_length".to_owned())
    );
    assert!(check_idempotency_key("").is_some());
    assert!(check_idempotency_key("two words").is_some());
}

#[test]
fn identity_documents_issue_before_expiry_and_are_not_expired() {
    let mut d = full_person();
    d.identity_documents[0].issued_date = "2029-07-14".into();
    d.identity_documents[0].expiry_date = "2022-07-15".into();
    let codes = cos_codes(&d, "identityDocuments[0].expiryDate");
    assert!(
        codes.contains(&"expiry_before_issue".to_owned()),
        "{codes:?}"
    );
    assert!(codes.contains(&"expired".to_owned()), "{codes:?}");
    let issued_future = cos_codes(&d, "identityDocuments[0].issuedDate");
    assert_eq!(issued_future, ["date_future"]);

    let mut d = full_person();
    d.identity_documents[0].expiry_date = "2026-11-21".into();
    let issue = cos_issue(&d, "identityDocuments[0].expiryDate");
    assert_eq!(
        (issue.code.as_str(), issue.severity),
        ("expired", Severity::Error)
    );
}

#[test]
fn an_id_expiring_within_30_days_is_a_warning() {
    let mut d = full_person();
    for (expiry, warned) in [
        ("2026-11-22", true),
        ("2026-12-22", true),
        ("2026-12-23", false),
    ] {
        d.identity_documents[0].expiry_date = expiry.into();
        let issues: Vec<Issue> = cos_on(&d, today())
            .into_iter()
            .filter(|i| i.field == "identityDocuments[0].expiryDate")
            .collect();
        if warned {
            assert_eq!(issues.len(), 1, "{expiry}");
            assert_eq!(issues[0].code, "expires_soon");
            assert_eq!(issues[0].severity, Severity::Warning);
        } else {
            assert!(issues.is_empty(), "{expiry}");
        }
    }
    assert!(!has_errors(&cos_on(&d, today())));
}

#[test]
fn identity_documents_need_number_authority_country_and_a_us_license_state() {
    let mut d = full_person();
    let doc = &mut d.identity_documents[0];
    doc.number = String::new();
    doc.issuing_authority = String::new();
    doc.issuing_country = String::new();
    assert_eq!(cos_codes(&d, "identityDocuments[0].number"), ["required"]);
    assert_eq!(
        cos_codes(&d, "identityDocuments[0].issuingAuthority"),
        ["required"]
    );
    assert_eq!(
        cos_codes(&d, "identityDocuments[0].issuingCountry"),
        ["required"]
    );
    let mut d = full_person();
    d.identity_documents[0].issuing_state_or_province = "Nowhere".into();
    assert_eq!(
        cos_codes(&d, "identityDocuments[0].issuingStateOrProvince"),
        ["us_state"]
    );
    d.identity_documents[0].scan_ids.push(" ".into());
    assert_eq!(
        cos_codes(&d, "identityDocuments[0].scanIds[1]"),
        ["required"]
    );
}

#[test]
fn ownership_percentages_are_0_to_100_and_add_up_to_at_most_100() {
    let mut d = full_company();
    d.cos.beneficial_owners[0].ownership_percentage = "101".into();
    assert_eq!(
        cos_codes(&d, "cos.beneficialOwners[0].ownershipPercentage"),
        ["percent_range"]
    );
    d.cos.beneficial_owners[0].ownership_percentage = "sixty".into();
    assert_eq!(
        cos_codes(&d, "cos.beneficialOwners[0].ownershipPercentage"),
        ["percent_format"]
    );
    d.cos.beneficial_owners[0].ownership_percentage = "0".into();
    assert_eq!(
        cos_codes(&d, "cos.beneficialOwners[0].ownershipPercentage"),
        ["percent_range"]
    );
    d.cos.beneficial_owners[0].ownership_percentage = "60.5".into();
    assert_eq!(cos_codes(&d, "cos.beneficialOwners"), ["ownership_total"]);
    d.cos.beneficial_owners[0].ownership_percentage = "60".into();
    assert!(cos_codes(&d, "cos.beneficialOwners").is_empty());
    d.cos.beneficial_owners[1].title = String::new();
    assert_eq!(cos_codes(&d, "cos.beneficialOwners[1].title"), ["required"]);
}

#[test]
fn a_business_lists_each_beneficial_owner_once() {
    let mut d = full_company();
    assert!(cos_codes(&d, "cos.beneficialOwners[1].ownerCustomerId").is_empty());
    d.cos.beneficial_owners[1].owner_customer_id =
        d.cos.beneficial_owners[0].owner_customer_id.to_uppercase();
    assert_eq!(
        cos_codes(&d, "cos.beneficialOwners[1].ownerCustomerId"),
        ["owner_repeated"]
    );
    assert!(cos_codes(&d, "cos.beneficialOwners[0].ownerCustomerId").is_empty());
}

#[test]
fn a_business_needs_a_primary_owner_and_a_person_has_none() {
    let mut d = full_company();
    d.cos.primary_owner_customer_id = " ".into();
    let issue = cos_issue(&d, "cos.primaryOwnerCustomerId");
    assert_eq!(issue.code, "required");
    assert!(issue.message.contains("onboard the owner"));
    let mut d = full_person();
    d.cos.beneficial_owners = full_company().cos.beneficial_owners;
    assert_eq!(cos_codes(&d, "cos.beneficialOwners"), ["not_business"]);
}

#[test]
fn only_one_primary_of_each_kind() {
    let mut d = full_person();
    d.phones.push(d.phones[0].clone());
    assert_eq!(cos_codes(&d, "phones"), ["several_primary"]);
}

#[test]
fn backup_withholding_needs_its_percentage() {
    let mut d = full_person();
    d.cos.enable_backup_withholding = true;
    assert_eq!(cos_codes(&d, "cos.backupWithholdingPercent"), ["required"]);
    d.cos.backup_withholding_percent = "240".into();
    assert_eq!(
        cos_codes(&d, "cos.backupWithholdingPercent"),
        ["percent_range"]
    );
    d.cos.backup_withholding_percent = "24".into();
    assert!(cos_codes(&d, "cos.backupWithholdingPercent").is_empty());
}

#[test]
fn due_diligence_and_associates() {
    let mut d = full_company();
    d.due_diligence.employment_status = "employed".into();
    d.due_diligence.annual_income = "lots".into();
    assert_eq!(
        cos_codes(&d, "dueDiligence.employmentStatus"),
        ["not_allowed"]
    );
    assert_eq!(cos_codes(&d, "dueDiligence.annualIncome"), ["amount"]);
    d.due_diligence.employment_status = "EMPLOYED".into();
    d.due_diligence.annual_income = "$85,000".into();
    assert!(cos_on(&d, today()).is_empty());
    d.associates = vec![
        crate::draft::Associate {
            name: Names {
                first: "Sean".into(),
                last: "Bond".into(),
                ..Names::default()
            },
            ownership_percentage: "70".into(),
            email: "sean@example".into(),
            ..Default::default()
        },
        crate::draft::Associate {
            name: Names {
                first: "Ann".into(),
                last: String::new(),
                ..Names::default()
            },
            ownership_percentage: "40".into(),
            ..Default::default()
        },
    ];
    assert_eq!(cos_codes(&d, "associates"), ["ownership_total"]);
    assert_eq!(cos_codes(&d, "associates[0].email"), ["email_format"]);
    assert_eq!(cos_codes(&d, "associates[1].name.last"), ["required"]);
}

#[test]
fn every_message_says_how_to_fix() {
    let mut d = full_company();
    d.company = CompanyDetails::default();
    d.cos = CosSection::default();
    d.addresses = vec![Address::default()];
    d.phones = vec![Phone::default()];
    d.emails = vec![Email::default()];
    d.identity_documents = vec![IdentityDocument::default()];
    let issues = cos_on(&d, today());
    assert!(issues.len() > 12, "{issues:?}");
    for issue in issues {
        assert!(issue.message.ends_with('.'), "{issue:?}");
        assert!(issue.message.len() > 12, "{issue:?}");
    }
}

#[test]
fn normalised_values_are_what_providers_take() {
    let mut d = full_person();
    d.name.first = "  Peter ".into();
    d.phones.push(Phone {
        phone_type: "Work".into(),
        number: "020 7946 0958".into(),
        country: "gb".into(),
        ..Phone::default()
    });
    d.addresses[0].postal_code = " 02903 ".into();
    d.cos.beneficial_owners.push(CosBeneficialOwner {
        owner_customer_id: " 9052B6A5-3F09-41D1-B526-ADE80104EB79".into(),
        title: " CEO ".into(),
        ownership_percentage: "25 %".into(),
    });
    let n = normalised(&d);
    assert_eq!(n.name.first, "Peter");
    assert_eq!(n.tax_ids[0].number, "119988776");
    assert_eq!(n.person.citizenship_country, "US");
    assert_eq!(n.addresses[0].state, "RI");
    assert_eq!(n.addresses[0].postal_code, "02903");
    assert_eq!(n.phones[0].number, "2015552345");
    assert_eq!(n.phones[1].number, "+442079460958");
    assert_eq!(n.phones[1].country, "GB");
    assert_eq!(
        n.cos.beneficial_owners[0].owner_customer_id,
        "9052b6a5-3f09-41d1-b526-ade80104eb79"
    );
    assert_eq!(n.cos.beneficial_owners[0].ownership_percentage, "25");
    // What does not parse stays as typed, for the rules to report.
    d.phones[0].number = " call me ".into();
    assert_eq!(normalised(&d).phones[0].number, "call me");
}
