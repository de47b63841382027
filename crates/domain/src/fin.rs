//! Why one file (about 1,700 lines): it is Fin.com's wire contract and its documented rules,
//! read side by side with the seed page and the OpenAPI — the request types, the attach
//! rules (FRONT/BACK, proof of address, selfie) and the mapping of Fin.com's field paths back
//! onto draft fields refer to each other throughout. Splitting it into `fin/{wire, attach,
//! rules, fields}` is part of the engine's restructure. Its tests live in `fin/tests.rs`.
//!
//! Fin.com Customers v2: the wire types of Create Individual Customer V2 and Attach
//! Documents V2, spelled exactly as Fin.com spells them, the rules both requests must meet
//! (checked here so staff see them on the form, not as a 422), the mapping from a [`Draft`],
//! and Fin.com's answers mapped back onto the draft's fields and scan slots.
//!
//! Field paths are the draft's own (see [`crate::validate`]); a scan slot is `scans.FRONT`,
//! `scans.BACK`, `scans.SELFIE` or `scans.PROOF_OF_ADDRESS`, as [`scan_field`] writes it.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::draft::{self, Draft, PartyKind};
use crate::latin;
use crate::validate::{self, digits_only, parse_amount, parse_date, phone_e164, Issue, Severity};
use crate::{Error, Result};

// ---- wire types ----

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

/// `GET /v2/customers/{customer_id}`, the parts onboarding reads. Lenient: every field may
/// be missing, so an answer that leaves one out still reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinCustomerDetail {
    pub customer_id: String,
    pub customer_status: String,
    pub tos_policies_url: String,
    pub rejection_reason: Option<FinRejectionReason>,
    pub request_for_information: Vec<FinRequestForInformation>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinRejectionReason {
    pub applicant: Option<FinApplicantRejection>,
    pub documents: Vec<FinDocumentRejection>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinApplicantRejection {
    pub moderation_comment: String,
    pub reject_labels: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinDocumentRejection {
    pub uri: String,
    /// e.g. `PROOF_OF_IDENTITY`, `PROOF_OF_ADDRESS`.
    pub category: String,
    pub moderation_comment: String,
    pub reject_labels: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinRequestForInformation {
    pub scope: String,
    /// `identifying_documents`, `proof_of_identity`, `proof_of_address`, …
    pub section: String,
    pub categories: Vec<FinRfiCategory>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinRfiCategory {
    pub document_type: String,
    pub fields: Vec<FinRfiField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinRfiField {
    pub field_name: String,
    pub data_type: String,
    /// `MISSING`, `EXPIRED` or `INVALID`.
    pub status: String,
    pub reason: Option<String>,
}

// ---- values the rules and the mapping share ----

pub const VERIFICATION_TYPES: &[&str] = &["STANDARD", "RELIANCE"];
pub const ADDRESS_DOCUMENT_TYPES: &[&str] =
    &["UTILITY_BILL", "GOVERNMENT_LETTER", "BANK_STATEMENT"];
/// Customer statuses in which Fin.com takes an attach; any other is answered 403 (or 409
/// while one is being processed).
pub const ATTACHABLE_STATUSES: &[&str] = &["INCOMPLETE", "ACTION_REQUIRED"];
/// Fin.com's age bounds for `dob`.
const MIN_AGE: i32 = 18;
const MAX_AGE: i32 = 120;
const MAX_STATE_CHARS: usize = 64;

pub const FRONT: &str = "FRONT";
pub const BACK: &str = "BACK";
pub const SELFIE: &str = "SELFIE";
pub const PROOF_OF_ADDRESS: &str = "PROOF_OF_ADDRESS";

/// The field path of a scan slot, for issues about the scan itself.
pub fn scan_field(slot: &str) -> String {
    format!("scans.{slot}")
}

/// ISO 3166-1 alpha-3 for an alpha-2 code (`us` → `USA`), or `None` when Fin.com has no
/// code for it.
pub fn alpha3(alpha2: &str) -> Option<&'static str> {
    let country = celes::Country::from_alpha2(alpha2.trim()).ok()?;
    // XKX (Kosovo) is a user-assigned code, not ISO 3166-1: Fin.com's list lacks it.
    (country.alpha3 != "XKX").then_some(country.alpha3)
}

pub use crate::latin::latin_suggestion;
use crate::latin::needs_latin;

/// A Latin form the form offers beside an empty `_en` field, for staff to take or correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LatinSuggestion {
    /// The `_en` field's path, e.g. `name.latin.first` or `addresses[0].street1Latin`.
    pub field: String,
    /// [`latin_suggestion`] of the customer's own value.
    pub value: String,
    /// The customer's own value the suggestion is made from: what staff taking or keeping
    /// a Latin form record it was taken for.
    pub source: String,
    /// The field holds a Latin form taken for an earlier value: staff take this suggestion
    /// or keep what is there.
    pub stale: bool,
}

/// For a Fin.com draft, a suggestion for each name and street line of the address sent
/// whose `_en` form Fin.com needs and staff have not typed. Only offered: nothing here is
/// ever put in the draft without staff taking it.
pub fn latin_suggestions(draft: &Draft) -> Vec<LatinSuggestion> {
    if draft.provider != draft::ProviderChoice::Fin {
        return Vec::new();
    }
    latin_fields(draft)
        .into_iter()
        .filter_map(|f| {
            let stale = latin::is_stale(f.value, f.latin, f.from);
            (stale || needs_latin(f.value, f.latin)).then(|| LatinSuggestion {
                value: latin_suggestion(f.value),
                source: f.value.trim().to_owned(),
                field: f.field,
                stale,
            })
        })
        .filter(|s| !s.value.is_empty())
        .collect()
}

/// Each name and street line of a draft that has a Latin form beside it for Fin.com.
fn latin_fields(draft: &Draft) -> Vec<latin::LatinField<'_>> {
    use latin::LatinField as F;
    let n = &draft.name;
    let l = &n.latin;
    let mut fields = vec![
        F::new(
            "name.latin.first".to_owned(),
            "the first name",
            &n.first,
            &l.first,
            &l.first_from,
        ),
        F::new(
            "name.latin.middle".to_owned(),
            "the middle name",
            &n.middle,
            &l.middle,
            &l.middle_from,
        ),
        F::new(
            "name.latin.last".to_owned(),
            "the last name",
            &n.last,
            &l.last,
            &l.last_from,
        ),
    ];
    if let Some(i) = fin_address_index(draft) {
        let a = &draft.addresses[i];
        fields.push(F::new(
            format!("addresses[{i}].street1Latin"),
            "the street address",
            &a.street1,
            &a.street1_latin,
            &a.street1_latin_from,
        ));
        fields.push(F::new(
            format!("addresses[{i}].street2Latin"),
            "the second address line",
            &a.street2,
            &a.street2_latin,
            &a.street2_latin_from,
        ));
    }
    fields
}

/// Fin.com's identity document type for the draft's `idType` (or Fin.com's own spelling).
/// `None` for documents Fin.com does not take as identity (Social Security card, other).
pub fn fin_document_type(id_type: &str) -> Option<IdentifyingDocumentType> {
    match id_type.trim() {
        "Passport" | "PASSPORT" => Some(IdentifyingDocumentType::Passport),
        "IdCard" | "NATIONAL_ID" => Some(IdentifyingDocumentType::NationalId),
        "DriversLicense" | "DRIVERS_LICENSE" => Some(IdentifyingDocumentType::DriversLicense),
        "ResidencePermit" | "RESIDENCE_PERMIT" => Some(IdentifyingDocumentType::ResidencePermit),
        "SELFIE" => Some(IdentifyingDocumentType::Selfie),
        _ => None,
    }
}

/// The scan slots a document type fills, all of them needed: a passport one page, cards
/// a FRONT and a BACK. Takes the draft's spelling (`IdCard`) or Fin.com's (`NATIONAL_ID`);
/// address document types and `PROOF_OF_ADDRESS` give the proof-of-address slot.
pub fn slots_for(document_type: &str) -> &'static [&'static str] {
    if ADDRESS_DOCUMENT_TYPES.contains(&document_type.trim())
        || document_type.trim() == PROOF_OF_ADDRESS
    {
        return &[PROOF_OF_ADDRESS];
    }
    match fin_document_type(document_type) {
        Some(IdentifyingDocumentType::Passport) => &[FRONT],
        Some(
            IdentifyingDocumentType::NationalId
            | IdentifyingDocumentType::DriversLicense
            | IdentifyingDocumentType::ResidencePermit,
        ) => &[FRONT, BACK],
        Some(IdentifyingDocumentType::Selfie) => &[SELFIE],
        None => &[],
    }
}

/// One scan slot of an attach and whether Fin.com needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SlotNeed {
    pub slot: String,
    pub required: bool,
}

/// Every slot an attach with this identity document type can carry, in the order the
/// Scans step shows them. A passport has no BACK; the selfie is required only when the
/// client's configuration says so.
pub fn slot_needs(document_type: &str, config: FinAttachConfig) -> Vec<SlotNeed> {
    let need = |slot: &str, required| SlotNeed {
        slot: slot.to_owned(),
        required,
    };
    let mut needs: Vec<SlotNeed> = slots_for(document_type)
        .iter()
        .filter(|s| **s == FRONT || **s == BACK)
        .map(|s| need(s, true))
        .collect();
    needs.push(need(SELFIE, config.selfie_required));
    needs.push(need(PROOF_OF_ADDRESS, true));
    needs
}

/// What Fin.com has configured for the bank as a client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FinAttachConfig {
    /// A SELFIE entry "may be required depending on your client configuration".
    pub selfie_required: bool,
}

/// The `tos_policies_value` query parameter of the create answer's `tos_policies_url`.
pub fn tos_policies_value(tos_policies_url: &str) -> Option<String> {
    let (_, query) = tos_policies_url.split_once('?')?;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "tos_policies_value")
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

// ---- which of the draft's entries go to Fin.com ----

/// Fin.com takes one of each: the primary, else the first.
fn chosen<T>(items: &[T], primary: impl Fn(&T) -> bool) -> Option<usize> {
    items
        .iter()
        .position(primary)
        .or((!items.is_empty()).then_some(0))
}

/// Which of `draft.addresses` becomes `address` (and the country of residence).
pub fn fin_address_index(draft: &Draft) -> Option<usize> {
    chosen(&draft.addresses, |a| a.is_primary)
}

/// Which of `draft.phones` becomes `basic_info.phone`.
pub fn fin_phone_index(draft: &Draft) -> Option<usize> {
    chosen(&draft.phones, |p| p.is_primary)
}

/// Which of `draft.emails` becomes `basic_info.email`.
pub fn fin_email_index(draft: &Draft) -> Option<usize> {
    chosen(&draft.emails, |e| e.is_primary)
}

/// Which of `draft.identity_documents` is attached: the only one Fin.com can take, or the
/// primary among several. `None` when there is none, or several and no single primary.
pub fn fin_identity_document_index(draft: &Draft) -> Option<usize> {
    let eligible: Vec<usize> = draft
        .identity_documents
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            fin_document_type(&d.id_type).is_some_and(|t| t != IdentifyingDocumentType::Selfie)
        })
        .map(|(i, _)| i)
        .collect();
    match eligible.as_slice() {
        [only] => Some(*only),
        _ => {
            let primaries: Vec<usize> = eligible
                .iter()
                .copied()
                .filter(|i| draft.identity_documents[*i].is_primary)
                .collect();
            match primaries.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        }
    }
}

/// The ISO 3166-2 code of an address's state: `US-` and the USPS code in the US;
/// elsewhere what staff typed, either whole (`CA-ON`) or its part after the dash (`ON`).
pub fn subdivision_code(address: &draft::Address) -> Option<String> {
    let country = address.country.trim().to_uppercase();
    let state = address.state.trim().to_uppercase();
    if state.is_empty() || country.len() != 2 {
        return None;
    }
    let code = if state.contains('-') {
        state
    } else {
        format!("{country}-{state}")
    };
    let (prefix, part) = code.split_once('-')?;
    let shaped = prefix == country
        && (1..=3).contains(&part.len())
        && part
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !shaped || (country == "US" && !validate::is_us_state(part)) {
        return None;
    }
    Some(code)
}

fn tax_document_type(id_type: &str) -> &'static str {
    match id_type.trim() {
        "Ssn" => "SSN",
        "Itin" => "ITIN",
        "Ein" => "EIN",
        _ => "TIN",
    }
}

/// SSNs and ITINs as on the card (`123-45-6789`), EINs as on the IRS letter
/// (`12-3456789`), so the same number is always the same `document_id`.
fn tax_document_id(t: &draft::TaxId) -> String {
    let digits = digits_only(&t.number);
    match t.id_type.trim() {
        "Ssn" | "Itin" if digits.len() == 9 => {
            format!("{}-{}-{}", &digits[0..3], &digits[3..5], &digits[5..9])
        }
        "Ein" if digits.len() == 9 => format!("{}-{}", &digits[0..2], &digits[2..9]),
        _ => t.number.trim().to_owned(),
    }
}

fn tax_country(t: &draft::TaxId) -> String {
    match (t.id_type.trim(), t.country.trim()) {
        ("Ssn" | "Ein" | "Itin", "") => "US".to_owned(),
        (_, country) => country.to_uppercase(),
    }
}

fn positive_id(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok().filter(|id| *id > 0)
}

fn age_on(born: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

// ---- the create rules ----

struct Rules {
    issues: Vec<Issue>,
}

impl Rules {
    fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue::error(field, code, message));
    }

    fn warning(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue {
            severity: Severity::Warning,
            ..Issue::error(field, code, message)
        });
    }

    /// Fin.com wants an `_en` form in plain ASCII beside any value that is not ASCII, and
    /// one that still belongs to that value.
    fn latin(&mut self, f: &latin::LatinField<'_>) {
        let (field, what) = (f.field.as_str(), f.what);
        let (value, latin) = (f.value.trim(), f.latin.trim());
        if latin::is_stale(value, latin, f.from) {
            self.error(
                field,
                latin::STALE,
                format!(
                    "{} changed since this Latin form was taken for \"{}\": take \"{}\" or keep this one.",
                    latin::capitalised(what),
                    f.from.trim(),
                    latin_suggestion(value)
                ),
            );
        } else if needs_latin(value, latin) {
            self.error(
                field,
                "latin_required",
                format!(
                    "Fin.com needs {what} in plain Latin letters as well, e.g. \"{}\": check it against the customer's document.",
                    latin_suggestion(value)
                ),
            );
        } else if !latin.is_ascii() {
            self.error(
                field,
                "latin_ascii",
                format!(
                    "Write {what} in plain Latin letters without accents, e.g. \"{}\".",
                    latin_suggestion(latin)
                ),
            );
        }
    }

    fn alpha3(&mut self, field: &str, value: &str) {
        // Codes the shared rules refuse are reported there; this is for the few ISO
        // codes Fin.com's list lacks.
        let code = value.trim().to_uppercase();
        if isocountry::CountryCode::for_alpha2(&code).is_ok() && alpha3(&code).is_none() {
            self.error(
                field,
                "fin_country",
                "Fin.com has no code for this country; choose the country as on the customer's documents.",
            );
        }
    }

    fn positive_id(&mut self, field: &str, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.error(field, "required", format!("Choose {what}."));
        } else if positive_id(value).is_none() {
            self.error(
                field,
                "fin_id",
                format!("Choose {what} from Fin.com's list again: it is not one of its ids."),
            );
        }
    }
}

/// The issues of `draft_on` that Fin.com's mapping overrides: Fin.com knows residence
/// permits, which the shared list of document kinds does not.
fn overridden_by_fin(draft: &Draft, issue: &Issue) -> bool {
    draft.identity_documents.iter().enumerate().any(|(i, d)| {
        let kind = fin_document_type(&d.id_type);
        (issue.field == format!("identityDocuments[{i}].idType")
            && issue.code == "not_allowed"
            && kind == Some(IdentifyingDocumentType::ResidencePermit))
            // Only a licence has an issuing state for Fin.com; on other types it is not sent.
            || (issue.field == format!("identityDocuments[{i}].issuingStateOrProvince")
                && kind.is_some_and(|k| k != IdentifyingDocumentType::DriversLicense))
    })
}

/// [`validate::draft_on`] plus everything Fin.com's Create Individual Customer V2 requires:
/// an individual; Latin `_en` forms beside names and streets that are not ASCII; age 18 to
/// 120; an e-mail, an E.164 phone and an address with an ISO 3166-2 subdivision; countries
/// Fin.com has alpha-3 codes for; at least one tax id, each number once; the financial
/// profile (employment status, occupation, purpose, sources of funds, monthly volume) and
/// STANDARD or RELIANCE verification. `today` is passed in.
pub fn fin_on(draft: &Draft, today: NaiveDate) -> Vec<Issue> {
    let mut r = Rules {
        issues: validate::draft_on(draft, today)
            .into_iter()
            .filter(|i| !overridden_by_fin(draft, i))
            .collect(),
    };
    if draft.kind != PartyKind::Person {
        r.error(
            "kind",
            "fin_individual_only",
            "Fin.com onboards individuals here: make this draft a person, or choose another provider for the company.",
        );
    }
    let f = &draft.fin;
    let verification = f.verification_type.trim();
    if verification.is_empty() {
        r.error(
            "fin.verificationType",
            "required",
            "Choose the verification type (STANDARD, or RELIANCE if the bank verified the customer).",
        );
    } else if !VERIFICATION_TYPES.contains(&verification) {
        r.error(
            "fin.verificationType",
            "not_allowed",
            "Choose the verification type from: STANDARD, RELIANCE.",
        );
    }

    for f in latin_fields(draft) {
        r.latin(&f);
    }

    let p = &draft.person;
    if let Some(born) = parse_date(&p.birth_date).filter(|d| *d <= today) {
        let age = age_on(born, today);
        if !(MIN_AGE..=MAX_AGE).contains(&age) {
            r.error(
                "person.birthDate",
                "fin_age",
                format!("Fin.com onboards customers aged {MIN_AGE} to {MAX_AGE}; this date makes them {age}."),
            );
        }
    }
    r.alpha3("person.citizenshipCountry", &p.citizenship_country);
    r.alpha3(
        "person.secondCitizenshipCountry",
        &p.second_citizenship_country,
    );
    let gender = p.gender.trim().to_uppercase();
    if !gender.is_empty() && gender != "MALE" && gender != "FEMALE" {
        r.warning(
            "person.gender",
            "fin_gender_not_sent",
            "Fin.com records only MALE or FEMALE: the gender will be left out of the request.",
        );
    }

    if fin_email_index(draft).is_none() {
        r.error(
            "emails",
            "required",
            "Fin.com needs the customer's e-mail address: add one.",
        );
    }
    match fin_phone_index(draft) {
        None => r.error(
            "phones",
            "required",
            "Fin.com needs the customer's phone number: add one.",
        ),
        Some(i) if !draft.phones[i].extension.trim().is_empty() => r.warning(
            &format!("phones[{i}].extension"),
            "fin_extension_not_sent",
            "Fin.com takes no extension: only the number will be sent.",
        ),
        Some(_) => {}
    }

    match fin_address_index(draft) {
        None => r.error(
            "addresses",
            "required",
            "Fin.com needs the customer's residential address: add it.",
        ),
        Some(i) => {
            let a = &draft.addresses[i];
            let path = |name: &str| format!("addresses[{i}].{name}");
            r.alpha3(&path("country"), &a.country);
            if a.state.trim().is_empty() {
                r.error(
                    &path("state"),
                    "required",
                    "Fin.com needs the state or region as its ISO 3166-2 code, e.g. CA-ON or just ON.",
                );
            } else if subdivision_code(a).is_none() {
                r.error(
                    &path("state"),
                    "fin_subdivision",
                    "Enter the state or region as its ISO 3166-2 code, e.g. CA-ON (or just ON for Ontario).",
                );
            }
        }
    }

    let mut seen = HashSet::new();
    for (i, t) in draft.tax_ids.iter().enumerate() {
        r.alpha3(&format!("taxIds[{i}].country"), &tax_country(t));
        let id = tax_document_id(t);
        if !id.is_empty() && !seen.insert(id) {
            r.error(
                &format!("taxIds[{i}].number"),
                "fin_duplicate_tax_id",
                "This tax id is already in the list: remove the repeat.",
            );
        }
    }

    let dd = &draft.due_diligence;
    if dd.employment_status.trim().is_empty() {
        r.error(
            "dueDiligence.employmentStatus",
            "required",
            "Choose the employment status.",
        );
    }
    if dd.expected_monthly_volume.trim().is_empty() {
        r.error(
            "dueDiligence.expectedMonthlyVolume",
            "required",
            "Enter the US dollars a month the customer expects to move, e.g. 5,000.",
        );
    }
    r.positive_id("fin.occupationId", &f.occupation_id, "the occupation");
    r.positive_id("fin.purposeId", &f.purpose_id, "the purpose of the account");
    if f.source_of_fund_ids.is_empty() {
        r.error(
            "fin.sourceOfFundIds",
            "required",
            "Choose at least one source of funds.",
        );
    }
    for (i, id) in f.source_of_fund_ids.iter().enumerate() {
        r.positive_id(
            &format!("fin.sourceOfFundIds[{i}]"),
            id,
            "the source of funds",
        );
    }
    r.issues
}

// ---- the create mapping ----

fn some(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A value the rules passed but the mapping cannot read: a rule is missing. Reported on
/// the field rather than sent.
fn unmapped(field: &str, what: &str) -> Error {
    Error::Invalid(vec![Issue::error(
        field,
        "unmapped",
        format!("Check {what}: it could not be prepared for Fin.com."),
    )])
}

fn required_alpha3(field: &str, alpha2: &str) -> Result<String> {
    alpha3(alpha2)
        .map(str::to_owned)
        .ok_or_else(|| unmapped(field, "the country"))
}

/// The Create Individual Customer V2 body for a draft. Refuses a draft with any error
/// under [`fin_on`]; warnings pass. Values go normalised: the e-mail lower-case, the
/// phone in E.164, countries in alpha-3.
pub fn create_individual(draft: &Draft, today: NaiveDate) -> Result<FinCreateIndividual> {
    let issues = fin_on(draft, today);
    if validate::has_errors(&issues) {
        return Err(Error::Invalid(issues));
    }
    let d = validate::normalised(draft);
    let ai = fin_address_index(&d).ok_or_else(|| unmapped("addresses", "the address"))?;
    let pi = fin_phone_index(&d).ok_or_else(|| unmapped("phones", "the phone"))?;
    let ei = fin_email_index(&d).ok_or_else(|| unmapped("emails", "the e-mail"))?;
    let a = &d.addresses[ai];
    // The normalised draft holds North American numbers as 10 digits: read them again.
    let phone = phone_e164(&draft.phones[pi].number, &draft.phones[pi].country)
        .ok_or_else(|| unmapped(&format!("phones[{pi}].number"), "the phone number"))?;
    let country_of_residence = required_alpha3(&format!("addresses[{ai}].country"), &a.country)?;
    let tax_info = d
        .tax_ids
        .iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(FinTaxInfo {
                country_code: required_alpha3(&format!("taxIds[{i}].country"), &tax_country(t))?,
                document_type: tax_document_type(&t.id_type).to_owned(),
                document_id: tax_document_id(&draft.tax_ids[i]),
            })
        })
        .collect::<Result<_>>()?;
    let gender = match d.person.gender.trim().to_uppercase().as_str() {
        "MALE" => Some(Gender::Male),
        "FEMALE" => Some(Gender::Female),
        _ => None,
    };
    let n = &d.name;
    let basic_info = FinBasicInfo {
        first_name: n.first.clone(),
        first_name_en: some(&n.latin.first),
        middle_name: some(&n.middle),
        middle_name_en: some(&n.middle).and(some(&n.latin.middle)),
        last_name: n.last.clone(),
        last_name_en: some(&n.latin.last),
        dob: d.person.birth_date.clone(),
        email: d.emails[ei].address.to_lowercase(),
        phone,
        country_of_residence: country_of_residence.clone(),
        primary_nationality: required_alpha3(
            "person.citizenshipCountry",
            &d.person.citizenship_country,
        )?,
        secondary_nationality: match some(&d.person.second_citizenship_country) {
            Some(c) => Some(required_alpha3("person.secondCitizenshipCountry", &c)?),
            None => None,
        },
        gender,
        tax_info,
    };
    let address = FinAddress {
        street_line_1: a.street1.clone(),
        street_line_1_en: some(&a.street1_latin),
        street_line_2: some(&a.street2),
        street_line_2_en: some(&a.street2).and(some(&a.street2_latin)),
        city: a.city.clone(),
        subdivision_code: subdivision_code(a)
            .ok_or_else(|| unmapped(&format!("addresses[{ai}].state"), "the state"))?,
        postal_code: a.postal_code.clone(),
        country: country_of_residence,
    };
    let dd = &d.due_diligence;
    let employment_status = match dd.employment_status.trim() {
        "EMPLOYED" => EmploymentStatus::Employed,
        "SELF_EMPLOYED" => EmploymentStatus::SelfEmployed,
        "RETIRED" => EmploymentStatus::Retired,
        "STUDENT" => EmploymentStatus::Student,
        "UNEMPLOYED" => EmploymentStatus::Unemployed,
        _ => {
            return Err(unmapped(
                "dueDiligence.employmentStatus",
                "the employment status",
            ))
        }
    };
    let volume = parse_amount(&dd.expected_monthly_volume)
        .filter(|v| *v >= 0.0)
        .ok_or_else(|| unmapped("dueDiligence.expectedMonthlyVolume", "the monthly volume"))?;
    let f = &d.fin;
    let financial_profile = FinFinancialProfile {
        employment_status,
        occupation_id: positive_id(&f.occupation_id)
            .ok_or_else(|| unmapped("fin.occupationId", "the occupation"))?,
        purpose_id: positive_id(&f.purpose_id)
            .ok_or_else(|| unmapped("fin.purposeId", "the purpose"))?,
        purpose_remarks: some(&f.remarks),
        source_of_fund_ids: f
            .source_of_fund_ids
            .iter()
            .map(|id| {
                positive_id(id)
                    .ok_or_else(|| unmapped("fin.sourceOfFundIds", "the sources of funds"))
            })
            .collect::<Result<_>>()?,
        source_of_funds_description: some(
            &dd.source_of_funds
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        // Fin.com takes whole dollars; the volume is an estimate, so cents are rounded.
        monthly_volume_usd: volume.round() as u64,
    };
    let verification_type = match f.verification_type.trim() {
        "STANDARD" => VerificationType::Standard,
        "RELIANCE" => VerificationType::Reliance,
        _ => return Err(unmapped("fin.verificationType", "the verification type")),
    };
    Ok(FinCreateIndividual {
        verification_type,
        basic_info,
        address,
        financial_profile,
        meta_data: None,
    })
}

// ---- the attach ----

/// The URI a slot's scan was uploaded under, when the draft still holds that scan.
enum SlotFile<'a> {
    Ready(&'a str),
    /// Scanned, but not (or no longer) uploaded for this customer.
    NotUploaded,
    Missing,
}

fn slot_file<'a>(
    draft: &Draft,
    uploaded: &'a BTreeMap<String, String>,
    slot: &str,
) -> SlotFile<'a> {
    if !draft.scans.iter().any(|s| s.slot == slot) {
        return SlotFile::Missing;
    }
    match uploaded
        .get(slot)
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
    {
        Some(uri) => SlotFile::Ready(uri),
        None => SlotFile::NotUploaded,
    }
}

/// The Attach Documents V2 body for a customer Fin.com has created from this draft, with
/// every rule of the attach checked first: the customer's status (INCOMPLETE or
/// ACTION_REQUIRED); accepted terms; one identity document, with its number, country and
/// an expiry in the future; the files each document type takes (a passport one, cards a
/// FRONT and a BACK); a licence's state when issued in the US, and no state on other
/// documents; exactly one proof of address with its type; each file uploaded for this
/// customer (`uploaded`: slot → URI from the upload answer) and used once; a SELFIE when
/// the client's configuration requires it. `today` is passed in.
pub fn attach_documents(
    draft: &Draft,
    uploaded: &BTreeMap<String, String>,
    config: FinAttachConfig,
    customer_status: &str,
    tos_policies_value: &str,
    today: NaiveDate,
) -> std::result::Result<FinAttach, Vec<Issue>> {
    let mut r = Rules { issues: Vec::new() };
    let status = customer_status.trim();
    if !ATTACHABLE_STATUSES.contains(&status) {
        let message = match status {
            "PROCESSING" | "REVIEWING" => {
                "Fin.com is still reviewing the documents already sent: wait for its answer before sending others.".to_owned()
            }
            _ => format!(
                "Fin.com takes documents only while the customer is INCOMPLETE or ACTION_REQUIRED; this customer is {status}."
            ),
        };
        r.error("", "fin_customer_status", message);
    }
    if tos_policies_value.trim().is_empty() {
        r.error(
            "",
            "fin_terms",
            "The customer must first be shown Fin.com's terms of service and accept them.",
        );
    }

    let mut files_used: Vec<(&str, String)> = Vec::new();
    let mut file = |r: &mut Rules,
                    slot: &'static str,
                    required: bool,
                    what: &str|
     -> Option<String> {
        match slot_file(draft, uploaded, slot) {
            SlotFile::Ready(uri) => {
                files_used.push((slot, uri.to_owned()));
                Some(uri.to_owned())
            }
            SlotFile::NotUploaded => {
                r.error(
                    &scan_field(slot),
                    "fin_not_uploaded",
                    format!("The {what} has not been uploaded to Fin.com for this customer yet: upload it, then send again."),
                );
                None
            }
            SlotFile::Missing if required => {
                r.error(&scan_field(slot), "required", format!("Scan the {what}."));
                None
            }
            SlotFile::Missing => None,
        }
    };

    let mut identifying_documents = Vec::new();
    let selfie = file(&mut r, SELFIE, config.selfie_required, "customer's selfie");
    if let Some(uri) = selfie {
        identifying_documents.push(FinIdentifyingDocument {
            document_type: IdentifyingDocumentType::Selfie,
            number: None,
            country: None,
            state: None,
            issue_date: None,
            expiry_date: None,
            files: vec![FinFile { side: None, uri }],
        });
    }

    let eligible = draft
        .identity_documents
        .iter()
        .filter(|d| fin_document_type(&d.id_type).is_some())
        .count();
    match fin_identity_document_index(draft) {
        None if eligible == 0 => r.error(
            "identityDocuments",
            "fin_identity_document_required",
            "Add the customer's passport, national id card, driver's license or residence permit.",
        ),
        None => r.error(
            "identityDocuments",
            "fin_one_identity_document",
            "Fin.com takes one identity document at a time: mark the one to send as primary.",
        ),
        Some(i) => {
            if let Some(document) = identity_document(&mut r, &mut file, draft, i, today) {
                identifying_documents.push(document);
            }
        }
    }

    let address_type = draft.fin.address_document_type.trim();
    let document_type = match address_type {
        "UTILITY_BILL" => Some(AddressDocumentType::UtilityBill),
        "GOVERNMENT_LETTER" => Some(AddressDocumentType::GovernmentLetter),
        "BANK_STATEMENT" => Some(AddressDocumentType::BankStatement),
        "" => {
            r.error(
                "fin.addressDocumentType",
                "required",
                "Choose what the proof of address is: utility bill, government letter or bank statement.",
            );
            None
        }
        _ => {
            r.error(
                "fin.addressDocumentType",
                "not_allowed",
                format!(
                    "Choose what the proof of address is from: {}.",
                    ADDRESS_DOCUMENT_TYPES.join(", ")
                ),
            );
            None
        }
    };
    let residence = match fin_address_index(draft) {
        Some(i) => {
            let country = alpha3(&draft.addresses[i].country);
            if country.is_none() {
                r.error(
                    &format!("addresses[{i}].country"),
                    "fin_country",
                    "Choose the country of the address: the proof of address must come from it.",
                );
            }
            country
        }
        None => {
            r.error(
                "addresses",
                "required",
                "Add the customer's residential address: the proof of address must match it.",
            );
            None
        }
    };
    let proof = file(&mut r, PROOF_OF_ADDRESS, true, "proof of address");

    let mut seen = HashSet::new();
    for (slot, uri) in &files_used {
        // A selfie may repeat another file; every other file is used once.
        if *slot != SELFIE && !seen.insert(uri.clone()) {
            r.error(
                &scan_field(slot),
                "fin_same_file",
                "This is the same uploaded file as another scan: scan this side or page on its own.",
            );
        }
    }

    if validate::has_errors(&r.issues) {
        return Err(r.issues);
    }
    let (Some(document_type), Some(country), Some(uri)) = (document_type, residence, proof) else {
        return Err(vec![Issue::error(
            "",
            "unmapped",
            "Check the documents: they could not be prepared for Fin.com.",
        )]);
    };
    Ok(FinAttach {
        identifying_documents,
        address_documents: vec![FinAddressDocument {
            document_type,
            country: country.to_owned(),
            issue_date: None,
            files: vec![FinFile { side: None, uri }],
        }],
        tos_policies_value: tos_policies_value.trim().to_owned(),
    })
}

fn identity_document(
    r: &mut Rules,
    file: &mut impl FnMut(&mut Rules, &'static str, bool, &str) -> Option<String>,
    draft: &Draft,
    i: usize,
    today: NaiveDate,
) -> Option<FinIdentifyingDocument> {
    let d = &draft.identity_documents[i];
    let path = |name: &str| format!("identityDocuments[{i}].{name}");
    let document_type = fin_document_type(&d.id_type)?;
    let number = some(&d.number);
    if number.is_none() {
        r.error(&path("number"), "required", "Enter the document number.");
    }
    let country = alpha3(&d.issuing_country);
    if country.is_none() {
        r.error(
            &path("issuingCountry"),
            "required",
            "Choose the country that issued the document.",
        );
    }
    let issued = parse_date(&d.issued_date);
    if !d.issued_date.trim().is_empty() && issued.is_none() {
        r.error(
            &path("issuedDate"),
            "date_format",
            "Enter a real date as MM/DD/YYYY or YYYY-MM-DD, for example 06/01/2019.",
        );
    }
    let expires = parse_date(&d.expiry_date);
    match expires {
        None if d.expiry_date.trim().is_empty() => r.error(
            &path("expiryDate"),
            "required",
            "Fin.com needs the document's expiry date, e.g. 06/01/2029 or 2029-06-01.",
        ),
        None => r.error(
            &path("expiryDate"),
            "date_format",
            "Enter a real date as MM/DD/YYYY or YYYY-MM-DD, for example 06/01/2029.",
        ),
        Some(e) if e <= today => r.error(
            &path("expiryDate"),
            "expired",
            "This document has expired: ask the customer for a current one.",
        ),
        Some(e) if issued.is_some_and(|iss| e <= iss) => r.error(
            &path("expiryDate"),
            "expiry_before_issue",
            "The expiry date must be after the issue date; check both dates on the document.",
        ),
        Some(_) => {}
    }

    let state_typed = d.issuing_state_or_province.trim();
    let us = d.issuing_country.trim().eq_ignore_ascii_case("US");
    // Only a driver's licence has an issuing state: Fin.com forbids one on passports, id
    // cards and residence permits. A state left from a licence (the type was switched) is
    // not kept and not held against staff, as the field is for licences only.
    let state = match document_type {
        IdentifyingDocumentType::DriversLicense if us => {
            let code = state_typed.to_uppercase();
            let code = code.strip_prefix("US-").unwrap_or(&code).to_owned();
            if state_typed.is_empty() {
                r.error(
                    &path("issuingStateOrProvince"),
                    "required",
                    "Choose the state that issued the driver's license (e.g. CA).",
                );
                None
            } else if !validate::is_us_state(&code) {
                r.error(
                    &path("issuingStateOrProvince"),
                    "us_state",
                    "Use the two-letter USPS state code, e.g. CA, NY or DC.",
                );
                None
            } else {
                Some(format!("US-{code}"))
            }
        }
        IdentifyingDocumentType::DriversLicense
            if state_typed.chars().count() > MAX_STATE_CHARS =>
        {
            r.error(
                &path("issuingStateOrProvince"),
                "too_long",
                format!("The issuing state or province can be at most {MAX_STATE_CHARS} characters; shorten it."),
            );
            None
        }
        IdentifyingDocumentType::DriversLicense => some(state_typed),
        _ => None,
    };

    let files = match document_type {
        IdentifyingDocumentType::Passport => {
            if draft.scans.iter().any(|s| s.slot == BACK) {
                r.error(
                    &scan_field(BACK),
                    "fin_passport_one_file",
                    "A passport is sent as its photo page alone: remove the BACK scan.",
                );
            }
            file(r, FRONT, true, "passport's photo page")
                .map(|uri| vec![FinFile { side: None, uri }])
        }
        _ => {
            let front = file(r, FRONT, true, "front of the document");
            let back = file(r, BACK, true, "back of the document");
            front.zip(back).map(|(front, back)| {
                vec![
                    FinFile {
                        side: Some(Side::Front),
                        uri: front,
                    },
                    FinFile {
                        side: Some(Side::Back),
                        uri: back,
                    },
                ]
            })
        }
    }?;
    Some(FinIdentifyingDocument {
        document_type,
        number,
        country: country.map(str::to_owned),
        state,
        issue_date: issued.map(|d| d.format("%Y-%m-%d").to_string()),
        expiry_date: expires.map(|d| d.format("%Y-%m-%d").to_string()),
        files,
    })
}

// ---- Fin.com's answers, back onto the draft ----

/// Which request a Fin.com error answered, so its field can be found in the draft.
#[derive(Debug, Clone, Copy)]
pub enum FinStep<'a> {
    Create,
    /// The attach as it was sent, and the slot → URI map it was built from.
    Attach {
        body: &'a FinAttach,
        uploaded: &'a BTreeMap<String, String>,
    },
}

/// The slot a file URI was uploaded for.
fn slot_of_uri(uploaded: &BTreeMap<String, String>, uri: &str) -> Option<String> {
    let uri = uri.trim();
    uploaded
        .iter()
        .find(|(_, u)| u.trim() == uri && !uri.is_empty())
        .map(|(slot, _)| slot.clone())
}

/// The draft field (or `scans.SLOT`) a Fin.com 422 error names, e.g.
/// `basic_info.tax_info.0.document_id` → `taxIds[0].number`,
/// `identifying_documents.1.files.0.uri` → `scans.FRONT`. `message` is read only when the
/// path alone does not say (a `files` error naming the URI). `None` when neither says: the
/// error is then shown whole.
pub fn draft_field_of_fin_error(
    path: &str,
    message: &str,
    step: FinStep<'_>,
    draft: &Draft,
) -> Option<String> {
    // Both `a.0.b` and `a[0].b` spellings reach here.
    let normal = path.trim().replace('[', ".").replace(']', "");
    let parts: Vec<&str> = normal.split('.').filter(|p| !p.is_empty()).collect();
    match step {
        FinStep::Create => create_field(&parts, draft),
        FinStep::Attach { body, uploaded } => attach_field(&parts, message, body, uploaded, draft),
    }
}

fn create_field(parts: &[&str], draft: &Draft) -> Option<String> {
    let address = || fin_address_index(draft).map(|i| format!("addresses[{i}]"));
    let field = match parts {
        ["verification_type", ..] => "fin.verificationType".to_owned(),
        ["basic_info", "first_name"] => "name.first".to_owned(),
        ["basic_info", "first_name_en"] => "name.latin.first".to_owned(),
        ["basic_info", "middle_name"] => "name.middle".to_owned(),
        ["basic_info", "middle_name_en"] => "name.latin.middle".to_owned(),
        ["basic_info", "last_name"] => "name.last".to_owned(),
        ["basic_info", "last_name_en"] => "name.latin.last".to_owned(),
        ["basic_info", "dob"] => "person.birthDate".to_owned(),
        ["basic_info", "email"] => format!("emails[{}].address", fin_email_index(draft)?),
        ["basic_info", "phone"] => format!("phones[{}].number", fin_phone_index(draft)?),
        ["basic_info", "country_of_residence"] => format!("{}.country", address()?),
        ["basic_info", "primary_nationality"] => "person.citizenshipCountry".to_owned(),
        ["basic_info", "secondary_nationality"] => "person.secondCitizenshipCountry".to_owned(),
        ["basic_info", "gender"] => "person.gender".to_owned(),
        ["basic_info", "tax_info"] => "taxIds".to_owned(),
        ["basic_info", "tax_info", i, rest @ ..] => {
            // tax_info is sent in the draft's order, one entry per tax id.
            let i: usize = i.parse().ok()?;
            match rest {
                ["country_code"] => format!("taxIds[{i}].country"),
                ["document_type"] => format!("taxIds[{i}].idType"),
                _ => format!("taxIds[{i}].number"),
            }
        }
        ["address", name] => {
            let field = match *name {
                "street_line_1" => "street1",
                "street_line_1_en" => "street1Latin",
                "street_line_2" => "street2",
                "street_line_2_en" => "street2Latin",
                "city" => "city",
                "subdivision_code" => "state",
                "postal_code" => "postalCode",
                "country" => "country",
                _ => return None,
            };
            format!("{}.{field}", address()?)
        }
        ["financial_profile", name, rest @ ..] => match (*name, rest) {
            ("employment_status", _) => "dueDiligence.employmentStatus".to_owned(),
            ("occupation_id", _) => "fin.occupationId".to_owned(),
            ("purpose_id", _) => "fin.purposeId".to_owned(),
            ("purpose_remarks", _) => "fin.remarks".to_owned(),
            ("source_of_fund_ids", [i, ..]) => {
                format!("fin.sourceOfFundIds[{}]", i.parse::<usize>().ok()?)
            }
            ("source_of_fund_ids", _) => "fin.sourceOfFundIds".to_owned(),
            ("source_of_funds_description", _) => "dueDiligence.sourceOfFunds".to_owned(),
            ("monthly_volume_usd", _) => "dueDiligence.expectedMonthlyVolume".to_owned(),
            _ => return None,
        },
        _ => return None,
    };
    Some(field)
}

fn attach_field(
    parts: &[&str],
    message: &str,
    body: &FinAttach,
    uploaded: &BTreeMap<String, String>,
    draft: &Draft,
) -> Option<String> {
    let identity = || fin_identity_document_index(draft).map(|i| format!("identityDocuments[{i}]"));
    match parts {
        ["identifying_documents"] => Some("identityDocuments".to_owned()),
        ["identifying_documents", n, rest @ ..] => {
            let doc = body.identifying_documents.get(n.parse::<usize>().ok()?)?;
            let selfie = doc.document_type == IdentifyingDocumentType::Selfie;
            match rest {
                ["files", m, ..] => {
                    let file = doc.files.get(m.parse::<usize>().ok()?)?;
                    slot_of_uri(uploaded, &file.uri).map(|s| scan_field(&s))
                }
                _ if selfie => Some(scan_field(SELFIE)),
                // Which side is missing is not said: the front is where staff start.
                ["files"] => Some(scan_field(FRONT)),
                [name] => {
                    let field = match *name {
                        "type" => "idType",
                        "number" => "number",
                        "country" => "issuingCountry",
                        "state" => "issuingStateOrProvince",
                        "issue_date" => "issuedDate",
                        "expiry_date" => "expiryDate",
                        _ => return identity(),
                    };
                    Some(format!("{}.{field}", identity()?))
                }
                _ => identity(),
            }
        }
        ["address_documents", _, "type"] => Some("fin.addressDocumentType".to_owned()),
        ["address_documents", _, "country"] => {
            fin_address_index(draft).map(|i| format!("addresses[{i}].country"))
        }
        ["address_documents", ..] => Some(scan_field(PROOF_OF_ADDRESS)),
        // "<uri> was not uploaded": the URI names the slot.
        ["files", ..] => uploaded
            .iter()
            .find(|(_, uri)| !uri.trim().is_empty() && message.contains(uri.trim()))
            .map(|(slot, _)| scan_field(slot)),
        _ => None,
    }
}

/// Fin.com's 422 errors as issues on the draft: each on its field where one is found,
/// else with an empty `field`, to be shown whole above the form.
pub fn issues_of_fin_errors(
    error: &FinValidationError,
    step: FinStep<'_>,
    draft: &Draft,
) -> Vec<Issue> {
    let mut issues: Vec<Issue> = error
        .errors
        .iter()
        .flatten()
        .map(|(path, message)| {
            let field = draft_field_of_fin_error(path, message, step, draft).unwrap_or_default();
            Issue::error(
                &field,
                "fin_422",
                format!("Fin.com: {path} {}", sentence(message)),
            )
        })
        .collect();
    if issues.is_empty() && !error.message.trim().is_empty() {
        issues.push(Issue::error(
            "",
            "fin_422",
            format!("Fin.com: {}", sentence(&error.message)),
        ));
    }
    issues
}

fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with('.') {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// The identity slots a section of a request for information or a rejected document of
/// this type points at.
fn identity_slots(document_type: &str) -> Vec<String> {
    let slots = slots_for(document_type);
    let slots = if slots.is_empty() {
        &[FRONT][..]
    } else {
        slots
    };
    slots.iter().map(|s| scan_field(s)).collect()
}

/// What Fin.com said when it sent the customer back (ACTION_REQUIRED) or refused them
/// (REJECTED), as issues: a rejected document on the scan slot its URI was uploaded for
/// (`uploaded`: slot → URI, as attached), a request for information on the scan or
/// document field it asks for again, the applicant-level reasons on the whole form.
pub fn rejection_issues(
    customer: &FinCustomerDetail,
    uploaded: &BTreeMap<String, String>,
    draft: &Draft,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let identity = fin_identity_document_index(draft);
    let id_type = identity
        .and_then(|i| draft.identity_documents.get(i))
        .map(|d| d.id_type.clone())
        .unwrap_or_default();
    if let Some(reason) = &customer.rejection_reason {
        if let Some(applicant) = &reason.applicant {
            if !applicant.reject_labels.is_empty()
                || !applicant.moderation_comment.trim().is_empty()
            {
                issues.push(Issue::error(
                    "",
                    "fin_rejected_applicant",
                    format!(
                        "Fin.com: {}",
                        sentence(&describe(
                            &applicant.moderation_comment,
                            &applicant.reject_labels
                        ))
                    ),
                ));
            }
        }
        for doc in &reason.documents {
            let fields = match slot_of_uri(uploaded, &doc.uri) {
                Some(slot) => vec![scan_field(&slot)],
                None => match doc.category.as_str() {
                    "PROOF_OF_ADDRESS" => vec![scan_field(PROOF_OF_ADDRESS)],
                    "SELFIE" => vec![scan_field(SELFIE)],
                    "PROOF_OF_IDENTITY" => identity_slots(&id_type),
                    _ => vec![String::new()],
                },
            };
            for field in fields {
                issues.push(Issue::error(
                    &field,
                    "fin_rejected_document",
                    format!(
                        "Fin.com: {}",
                        sentence(&describe(&doc.moderation_comment, &doc.reject_labels))
                    ),
                ));
            }
        }
    }
    for rfi in &customer.request_for_information {
        let address = matches!(
            rfi.section.as_str(),
            "proof_of_address" | "address_documents"
        );
        for category in &rfi.categories {
            let selfie = category.document_type == SELFIE;
            for f in &category.fields {
                let fields: Vec<String> = match (address, selfie, f.field_name.as_str()) {
                    (true, _, "type") => vec!["fin.addressDocumentType".to_owned()],
                    (true, _, _) => vec![scan_field(PROOF_OF_ADDRESS)],
                    (false, true, _) => vec![scan_field(SELFIE)],
                    (false, false, "files") => identity_slots(&category.document_type),
                    (false, false, name) => {
                        let field = match name {
                            "type" => "idType",
                            "number" => "number",
                            "country" => "issuingCountry",
                            "state" => "issuingStateOrProvince",
                            "issue_date" => "issuedDate",
                            "expiry_date" => "expiryDate",
                            _ => "",
                        };
                        match identity {
                            Some(i) if !field.is_empty() => {
                                vec![format!("identityDocuments[{i}].{field}")]
                            }
                            _ => vec![String::new()],
                        }
                    }
                };
                let message = match &f.reason {
                    Some(reason) if !reason.trim().is_empty() => sentence(reason),
                    _ => format!(
                        "{} is {}: provide it again.",
                        f.field_name,
                        f.status.to_lowercase()
                    ),
                };
                for field in fields {
                    issues.push(Issue::error(
                        &field,
                        "fin_information_requested",
                        format!("Fin.com: {message}"),
                    ));
                }
            }
        }
    }
    issues
}

fn describe(comment: &str, labels: &[String]) -> String {
    let comment = comment.split_whitespace().collect::<Vec<_>>().join(" ");
    match (comment.is_empty(), labels.is_empty()) {
        (false, true) => comment,
        (true, false) => format!("refused ({})", labels.join(", ")),
        (false, false) => format!("{} ({})", comment.trim_end_matches('.'), labels.join(", ")),
        (true, true) => "refused".to_owned(),
    }
}

#[cfg(test)]
mod tests;
