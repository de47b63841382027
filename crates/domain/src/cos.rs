//! Cross River COS (Customer Management v1) wire types, spelled exactly as COS spells them.

use serde::{Deserialize, Serialize};

use crate::draft::Person;
use crate::validate::{self, digits_only};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Classification {
    Personal,
    Business,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaxIdType {
    Ssn,
    Ein,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskRating {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    /// Only in answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// COS spells it with a capital O: Regulation O insider status.
    #[serde(rename = "regO")]
    pub reg_o: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citizenship_country_code: Option<String>,
    pub politically_exposed_person: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_backup_withholding: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_withholding_percent: Option<u8>,
    pub tax_id_type: TaxIdType,
    pub tax_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    pub risk_rating: RiskRating,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_opt_out: Option<bool>,
}

/// `POST /core/v1/cm/customers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomer {
    pub partner_id: String,
    pub name: Name,
    pub classification: Classification,
    pub profile: Profile,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_identifier: Option<String>,
}

/// The statuses of a COS compliance check (`ofac`, `pepScan`, `internalList`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub enum ScanStatus {
    Pending,
    Clear,
    Failed,
    Positive,
    Reviewing,
}

/// A customer record as COS answers it (create and get).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: String,
    pub cif_number: Option<String>,
    pub classification: Classification,
    pub status: Option<String>,
    pub ofac: Option<ScanStatus>,
    pub pep_scan: Option<ScanStatus>,
    pub internal_list: Option<ScanStatus>,
    pub name: Option<Name>,
    pub partner_id: Option<String>,
    pub created_at: Option<String>,
}

/// `{"Errors":[{"Code":1000,"Message":"First name required"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "Errors")]
    pub errors: Vec<ErrorItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorItem {
    #[serde(rename = "Code")]
    pub code: i64,
    #[serde(rename = "Message")]
    pub message: String,
}

/// Turns a checked draft into the COS create request for a Personal customer.
/// Refuses a draft with any error, so nothing invalid is ever sent.
pub fn personal_customer(partner_id: &str, person: &Person) -> Result<CreateCustomer> {
    let issues = validate::person(person);
    if issues.iter().any(validate::Issue::is_error) {
        return Err(Error::Invalid(issues));
    }
    Ok(CreateCustomer {
        partner_id: partner_id.to_owned(),
        name: Name {
            first_name: Some(person.first_name.trim().to_owned()),
            last_name: Some(person.last_name.trim().to_owned()),
            ..Name::default()
        },
        classification: Classification::Personal,
        profile: Profile {
            reg_o: false,
            citizenship_country_code: Some(person.citizenship_country.trim().to_uppercase()),
            politically_exposed_person: false,
            enable_backup_withholding: Some(false),
            backup_withholding_percent: None,
            tax_id_type: TaxIdType::Ssn,
            tax_id: digits_only(&person.ssn),
            birth_date: Some(person.birth_date.trim().to_owned()),
            risk_rating: RiskRating::Low,
            privacy_opt_out: None,
        },
        client_identifier: None,
    })
}

/// Which draft field a COS error message concerns, when the message says so plainly.
pub fn field_of_error(item: &ErrorItem) -> Option<&'static str> {
    let message = item.message.to_lowercase();
    [
        ("first name", "firstName"),
        ("last name", "lastName"),
        ("birth", "birthDate"),
        ("taxid", "ssn"),
        ("tax id", "ssn"),
        ("citizenship", "citizenshipCountry"),
    ]
    .into_iter()
    .find(|(needle, _)| message.contains(needle))
    .map(|(_, field)| field)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_PERSONAL: &str = include_str!("../tests/fixtures/cos_create_personal.json");
    const SEED_CREATED: &str = include_str!("../tests/fixtures/cos_customer_created.json");

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
}
