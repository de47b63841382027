//! BVNK's wire types, spelled as BVNK spells them (camelCase). Answers are read tolerantly:
//! both spellings older pages use (`postCode`, `contactinfo`) are accepted, fields BVNK
//! may leave out are optional, and statuses this client does not know are kept as they came.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A customer's `status`. Values this client does not know are kept as they came.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomerStatus {
    PendingAgreements,
    InfoRequired,
    Pending,
    Verified,
    Rejected,
    Other(String),
}

impl CustomerStatus {
    /// The statuses BVNK documents for v1, in the order a customer goes through them.
    pub const KNOWN: [&'static str; 5] = [
        "PENDING_AGREEMENTS",
        "INFO_REQUIRED",
        "PENDING",
        "VERIFIED",
        "REJECTED",
    ];

    pub fn parse(raw: &str) -> Self {
        match raw.trim().to_ascii_uppercase().as_str() {
            "PENDING_AGREEMENTS" => Self::PendingAgreements,
            "INFO_REQUIRED" => Self::InfoRequired,
            "PENDING" => Self::Pending,
            "VERIFIED" => Self::Verified,
            "REJECTED" => Self::Rejected,
            _ => Self::Other(raw.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::PendingAgreements => "PENDING_AGREEMENTS",
            Self::InfoRequired => "INFO_REQUIRED",
            Self::Pending => "PENDING",
            Self::Verified => "VERIFIED",
            Self::Rejected => "REJECTED",
            Self::Other(raw) => raw,
        }
    }

    /// BVNK has decided: nothing more will change without someone acting.
    pub fn is_decided(&self) -> bool {
        matches!(self, Self::Verified | Self::Rejected)
    }

    /// Documents are taken only now (BVNK answers 409 otherwise).
    pub fn takes_documents(&self) -> bool {
        matches!(self, Self::InfoRequired)
    }
}

impl Serialize for CustomerStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CustomerStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address_line1: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address_line2: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub city: String,
    #[serde(default, alias = "postCode", skip_serializing_if = "String::is_empty")]
    pub postal_code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country_code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Given by BVNK; absent in requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactInfo {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email_address: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone_number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentInfo {
    pub number: String,
    /// `PASSPORT`, `DRIVERS_LICENSE`, `ID_CARD`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub issuing_country_code: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxIdentification {
    pub number: String,
    pub tax_residence_country_code: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub birth_country_code: String,
    #[serde(
        default,
        alias = "contactinfo",
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_info: Option<ContactInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_info: Option<DocumentInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_identification: Option<TaxIdentification>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Controls {
    #[serde(default)]
    pub has_ownership: bool,
    #[serde(default)]
    pub has_control: bool,
    #[serde(default)]
    pub is_signer: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// BVNK's word, e.g. `infoRequired`, `pending`, `verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Associate {
    pub person: Person,
    #[serde(default)]
    pub details: Details,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub risk_score: String,
    #[serde(default)]
    pub controls: Controls,
    /// Given by BVNK; absent in requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Company {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tax_residence_country_code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub registration_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_expected_volumes_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default)]
    pub associates: Vec<Associate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

/// An individual customer: the person and their details side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Individual {
    #[serde(flatten)]
    pub person: Person,
    #[serde(default, flatten)]
    pub details: Details,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

/// A customer as BVNK answers it (create, get, every update).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub reference: String,
    pub status: CustomerStatus,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Company>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub individual: Option<Individual>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_score: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
}

impl Customer {
    /// The customer's own verification (company or individual), where BVNK gave one.
    pub fn verification(&self) -> Option<&Verification> {
        self.company
            .as_ref()
            .and_then(|c| c.verification.as_ref())
            .or_else(|| {
                self.individual
                    .as_ref()
                    .and_then(|i| i.verification.as_ref())
            })
    }

    /// Each associate's person reference, in BVNK's order.
    pub fn associate_references(&self) -> Vec<Option<&str>> {
        self.company
            .iter()
            .flat_map(|c| &c.associates)
            .map(|a| a.person.reference.as_deref())
            .collect()
    }
}

/// `FRONT_SIDE` or `BACK_SIDE` of a two-sided document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubType {
    FrontSide,
    BackSide,
}

impl SubType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FrontSide => "FRONT_SIDE",
            Self::BackSide => "BACK_SIDE",
        }
    }
}

/// One element of `POST …/{reference}/documents`, without its `content`: the client writes
/// the base64 of the file after these fields as it sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentMeta {
    /// Which associate the document is of; absent for the company's own documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_person_reference: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    /// `FRONT_SIDE` / `BACK_SIDE` of an identity document ([`SubType`]), or what a
    /// company document is (`INCORPORATION_CERT`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
    pub name: String,
    pub description: String,
    pub country_code: String,
    pub external_reference: String,
}

/// BVNK's error answer: `{code, status, message, details: {errors: {field: [messages]}}}`,
/// or the older `{errorList: [{code, parameter, message}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// A word such as `ACCOUNTS-2000`, or a number: either is kept.
    #[serde(default)]
    pub code: Option<serde_json::Value>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub details: Option<ErrorDetails>,
    #[serde(default)]
    pub error_list: Vec<ErrorItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorDetails {
    #[serde(default)]
    pub errors: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorItem {
    #[serde(default)]
    pub parameter: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl ErrorBody {
    /// The code as text, without the quotes a JSON string would show.
    pub fn code_text(&self) -> Option<String> {
        match self.code.as_ref()? {
            serde_json::Value::String(word) => Some(word.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// Every problem BVNK placed on a field, as (field path, message), in either form.
    pub fn field_problems(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .details
            .iter()
            .flat_map(|d| &d.errors)
            .flat_map(|(field, messages)| messages.iter().map(move |m| (field.clone(), m.clone())))
            .collect();
        out.extend(
            self.error_list.iter().filter_map(|e| {
                Some((e.parameter.clone()?, e.message.clone().unwrap_or_default()))
            }),
        );
        out
    }
}

/// An agreement session, `POST /platform/v1/customers/agreement/sessions` and its update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementSession {
    pub reference: String,
    /// `PENDING`, `SIGNED`, `DECLINED`, …
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_url: Option<String>,
    #[serde(default)]
    pub agreements: Vec<Agreement>,
}

/// One agreement of a session: what the customer reads and accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_postal_code_and_contact_info_are_read() {
        let old: Details = serde_json::from_value(serde_json::json!({
            "birthCountryCode": "US",
            "contactinfo": {"emailAddress": "a@b.example", "phoneNumber": "+14155550100"}
        }))
        .unwrap();
        assert_eq!(
            old.contact_info.unwrap().phone_number,
            "+14155550100".to_owned()
        );
        let address: Address =
            serde_json::from_value(serde_json::json!({"postCode": "92101", "countryCode": "US"}))
                .unwrap();
        assert_eq!(address.postal_code, "92101");
        // Written as the current pages spell them.
        let text = serde_json::to_string(&address).unwrap();
        assert!(
            text.contains("\"postalCode\"") && !text.contains("postCode"),
            "{text}"
        );
    }

    #[test]
    fn both_error_forms_give_their_fields() {
        let current: ErrorBody = serde_json::from_value(serde_json::json!({
            "code": "ACCOUNTS-2000", "status": "Bad Request", "message": "Invalid request",
            "details": {"errors": {"company.name": ["must not be blank"]}}
        }))
        .unwrap();
        assert_eq!(current.code_text().as_deref(), Some("ACCOUNTS-2000"));
        assert_eq!(
            current.field_problems(),
            vec![("company.name".to_owned(), "must not be blank".to_owned())]
        );
        let older: ErrorBody = serde_json::from_value(serde_json::json!({
            "errorList": [{"code": 12, "parameter": "type", "message": "unknown"}]
        }))
        .unwrap();
        assert_eq!(
            older.field_problems(),
            vec![("type".into(), "unknown".into())]
        );
        let bare: ErrorBody = serde_json::from_value(serde_json::json!({"code": 409})).unwrap();
        assert_eq!(bare.code_text().as_deref(), Some("409"));
    }

    #[test]
    fn unknown_statuses_are_kept() {
        let s: CustomerStatus = serde_json::from_str("\"UNDER_REVIEW\"").unwrap();
        assert_eq!(s, CustomerStatus::Other("UNDER_REVIEW".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"UNDER_REVIEW\"");
        assert!(CustomerStatus::parse("verified").is_decided());
        assert!(CustomerStatus::parse("INFO_REQUIRED").takes_documents());
        assert!(!CustomerStatus::parse("PENDING").takes_documents());
    }
}
