//! Fin.com's wire types, spelled exactly as Fin.com spells them: the Create Individual
//! Customer V2 and Attach Documents V2 requests, and Fin.com's answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationType {
    Standard,
    /// Only for clients Fin.com has enabled it for; others are answered 423.
    Reliance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Gender {
    Male,
    Female,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EmploymentStatus {
    Employed,
    SelfEmployed,
    Retired,
    Student,
    Unemployed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdentifyingDocumentType {
    Passport,
    NationalId,
    DriversLicense,
    ResidencePermit,
    Selfie,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AddressDocumentType {
    UtilityBill,
    GovernmentLetter,
    BankStatement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Side {
    Front,
    Back,
}

/// `POST /v2/customers/individual`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinCreateIndividual {
    pub verification_type: VerificationType,
    pub basic_info: FinBasicInfo,
    pub address: FinAddress,
    pub financial_profile: FinFinancialProfile,
    /// Free-form data Fin.com keeps with the customer. Branchdesk puts a unique
    /// `reference` here (see [`FinCreateIndividual::with_reference`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The key under `meta_data` that carries the create's own reference.
pub const REFERENCE: &str = "reference";

impl FinCreateIndividual {
    /// The body with `meta_data.reference` set to `reference`. Fin.com takes no idempotency
    /// key, so when a create's answer is lost this unique value, chosen when the request is
    /// planned and holding nothing about the customer, is what a person quotes to Fin.com to
    /// find out whether the customer was created.
    pub fn with_reference(mut self, reference: &str) -> Self {
        self.meta_data
            .get_or_insert_with(serde_json::Map::new)
            .insert(REFERENCE.to_owned(), serde_json::Value::from(reference));
        self
    }

    /// The `meta_data.reference` the body carries, if any.
    pub fn reference(&self) -> Option<&str> {
        self.meta_data.as_ref()?.get(REFERENCE)?.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinBasicInfo {
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name_en: Option<String>,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name_en: Option<String>,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// All lower-case.
    pub email: String,
    /// E.164.
    pub phone: String,
    /// ISO 3166-1 alpha-3, as are the nationalities.
    pub country_of_residence: String,
    pub primary_nationality: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_nationality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    pub tax_info: Vec<FinTaxInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinTaxInfo {
    pub country_code: String,
    /// e.g. `SSN`, `TIN`.
    pub document_type: String,
    pub document_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinAddress {
    pub street_line_1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_line_1_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_line_2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_line_2_en: Option<String>,
    pub city: String,
    /// ISO 3166-2, e.g. `US-CA`.
    pub subdivision_code: String,
    pub postal_code: String,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinFinancialProfile {
    pub employment_status: EmploymentStatus,
    /// Ids from Fin.com's own reference lists (`GET /v1/occupations`, `/v1/purposes`,
    /// `/v1/source-of-funds`).
    pub occupation_id: u64,
    pub purpose_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose_remarks: Option<String>,
    pub source_of_fund_ids: Vec<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_of_funds_description: Option<String>,
    pub monthly_volume_usd: u64,
}

/// `POST /v2/customers/{customer_id}/individual/attach`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinAttach {
    pub identifying_documents: Vec<FinIdentifyingDocument>,
    pub address_documents: Vec<FinAddressDocument>,
    pub tos_policies_value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinIdentifyingDocument {
    #[serde(rename = "type")]
    pub document_type: IdentifyingDocumentType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO 3166-2 for a US licence (`US-CA`); never sent for other document types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    pub files: Vec<FinFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinAddressDocument {
    #[serde(rename = "type")]
    pub document_type: AddressDocumentType,
    /// Must be the customer's `country_of_residence`.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    pub files: Vec<FinFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    pub uri: String,
}

/// Fin.com answers `{"data": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinData<T> {
    pub data: T,
}

/// The answer to a create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinCreated {
    pub customer_id: String,
    pub tos_policies_url: String,
}

/// A 422: `{"message": …, "errors": [{"<field path>": "<message>"}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinValidationError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub errors: Vec<BTreeMap<String, String>>,
}

/// Why Fin.com sent a customer back or refused them. Fin.com writes `null` where a list
/// or a text is empty, and may leave any of these out: each reads as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinRejectionReason {
    #[serde(default)]
    pub applicant: Option<FinApplicantRejection>,
    #[serde(default, deserialize_with = "nullable")]
    pub documents: Vec<FinDocumentRejection>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinApplicantRejection {
    #[serde(default, deserialize_with = "nullable")]
    pub moderation_comment: String,
    #[serde(default, deserialize_with = "nullable")]
    pub reject_labels: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinDocumentRejection {
    /// The upload's URI, as given to the attach.
    #[serde(default, deserialize_with = "nullable")]
    pub uri: String,
    /// e.g. `PROOF_OF_IDENTITY`, `PROOF_OF_ADDRESS`.
    #[serde(default, deserialize_with = "nullable")]
    pub category: String,
    #[serde(default, deserialize_with = "nullable")]
    pub moderation_comment: String,
    #[serde(default, deserialize_with = "nullable")]
    pub reject_labels: Vec<String>,
}

/// One open request for information, as in the `customer.rfi` webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinRequestForInformation {
    /// `CUSTOMER` or `ASSOCIATED_PARTY`.
    #[serde(default, deserialize_with = "nullable")]
    pub scope: String,
    #[serde(default)]
    pub associated_party_id: Option<String>,
    /// `identifying_documents`, `proof_of_identity`, `proof_of_address`, …
    #[serde(default, deserialize_with = "nullable")]
    pub section: String,
    #[serde(default, deserialize_with = "nullable")]
    pub categories: Vec<FinRfiCategory>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinRfiCategory {
    #[serde(default, deserialize_with = "nullable")]
    pub document_type: String,
    #[serde(default, deserialize_with = "nullable")]
    pub fields: Vec<FinRfiField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinRfiField {
    #[serde(default, deserialize_with = "nullable")]
    pub field_name: String,
    /// `URI`, `DATE`, `TEXT` or `ENUM`.
    #[serde(default, deserialize_with = "nullable")]
    pub data_type: String,
    /// `MISSING`, `EXPIRED` or `INVALID`.
    #[serde(default, deserialize_with = "nullable")]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
}

/// Fin.com writes `null` where a list or text is empty.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}
