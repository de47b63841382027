//! Cross River COS (Customer Management v1) wire types, spelled exactly as COS spells them,
//! and the one mapping from a [`Draft`] to COS requests.
//!
//! Why one file (about 800 lines): it is COS's wire contract, read side by side with the
//! provider's pages — request and answer types, and the mapping of COS's error codes back to
//! draft fields, which must change together. Its tests live in `cos/tests.rs`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::{self, Draft, PartyKind, Person};
use crate::validate::{self, digits_only, Issue};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Classification {
    Personal,
    Business,
}

/// COS accepts these; Branchdesk's drafts produce `Ssn`, `Ein`, `Itin` and `Foreign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaxIdType {
    Ssn,
    Ein,
    Itin,
    Foreign,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskRating {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressClassification {
    Residential,
    Business,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneType {
    Mobile,
    Work,
    Home,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdType {
    DriversLicense,
    Passport,
    IdCard,
    SocialSecurity,
    Other,
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

/// The customer's banking profile, as sent on create and on `PUT …/profile`.
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
    /// Business only, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_formed: Option<String>,
    /// Business only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// Business only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_type: Option<String>,
    /// Business only: an existing Personal customer (onboard the owner first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_owner_customer_id: Option<String>,
}

/// `POST /core/v1/cm/customers`, for a Personal or a Business customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomer {
    pub partner_id: String,
    pub name: Name,
    pub classification: Classification,
    pub profile: Profile,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_identifier: Option<String>,
    /// Fields agreed with the bank's compliance liaison; COS publishes no fixed list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_diligence: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_due_diligence: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_address: Option<AddressRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<PhoneRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_email: Option<String>,
}

pub use crate::scan_status::ScanStatus;

/// A customer record as COS answers it (create, get, profile update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cif_number: Option<String>,
    pub classification: Classification,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ofac: Option<ScanStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep_scan: Option<ScanStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_list: Option<ScanStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<CustomerProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_identifier: Option<String>,
    // The primary records and due diligence are kept as COS sent them: their shapes vary
    // between pages of the reference (`primaryEmail` is a string in requests, an object in
    // answers), and a record that was created must never fail to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_address: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_email: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_identification: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_diligence: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_due_diligence: Option<serde_json::Value>,
}

/// The profile in an answer: every field optional, so an answer that leaves one out
/// still reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomerProfile {
    #[serde(rename = "regO", skip_serializing_if = "Option::is_none")]
    pub reg_o: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citizenship_country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub politically_exposed_person: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_backup_withholding: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_withholding_percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id_type: Option<TaxIdType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_rating: Option<RiskRating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_opt_out: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_formed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_owner_customer_id: Option<String>,
}

/// `POST /core/v1/cm/customers/{id}/addresses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressRequest {
    /// `Home`, `Work`, …: COS does not close the list.
    pub address_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<AddressClassification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_primary: Option<bool>,
    pub street1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub postal_code: String,
    pub country_code: String,
}

/// `POST /core/v1/cm/customers/{id}/phones`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_primary: Option<bool>,
    pub phone_type: PhoneType,
    /// 10 digits, no `+`, no country code.
    pub phone_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

/// `POST /core/v1/cm/customers/{id}/emails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_primary: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_type: Option<String>,
    pub email_address: String,
}

/// `POST /core/v1/cm/customers/{id}/identifications`: metadata only, COS keeps no scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentificationRequest {
    pub is_primary: bool,
    pub id_number: String,
    pub id_type: IdType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_date: Option<String>,
    pub issuing_authority: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_state_or_province: Option<String>,
    pub issuing_country_code: String,
}

/// `POST /core/v1/cm/customers/{id}/beneficial-owners` (Business customers only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BeneficialOwnerRequest {
    /// An existing Personal customer.
    pub owner_customer_id: String,
    pub owner_title: String,
    #[serde(serialize_with = "whole_when_whole")]
    pub ownership_percentage: f64,
}

/// Writes `60` rather than `60.0`: the form COS documents, and the same bytes for the same
/// share however it was typed.
fn whole_when_whole<S: serde::Serializer>(
    value: &f64,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && (0.0..=1e15).contains(value) {
        // Whole and in range, so the cast is exact.
        serializer.serialize_u64(*value as u64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// A sub-record as COS answers it: the request's fields plus COS's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record<T> {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `Active` or `Inactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    #[serde(flatten)]
    pub fields: T,
}

pub type AddressRecord = Record<AddressRequest>;
pub type PhoneRecord = Record<PhoneRequest>;
pub type EmailRecord = Record<EmailRequest>;
pub type IdentificationRecord = Record<IdentificationRequest>;
pub type BeneficialOwnerRecord = Record<BeneficialOwnerRequest>;

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
            birth_date: validate::parse_date(&person.birth_date)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            risk_rating: RiskRating::Low,
            privacy_opt_out: None,
            date_formed: None,
            entity_type: None,
            ownership_type: None,
            primary_owner_customer_id: None,
        },
        client_identifier: None,
        due_diligence: None,
        business_due_diligence: None,
        primary_address: None,
        primary_phone: None,
        primary_email: None,
    })
}

/// Everything COS needs to onboard one draft, in the order it is sent: the customer,
/// then each sub-record under the id COS gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct CosOnboarding {
    pub customer: CreateCustomer,
    /// In the draft's order, so `addresses[i]` here is `addresses[i]` there.
    pub addresses: Vec<AddressRequest>,
    pub phones: Vec<PhoneRequest>,
    pub emails: Vec<EmailRequest>,
    pub identifications: Vec<IdentificationRequest>,
    pub beneficial_owners: Vec<BeneficialOwnerRequest>,
    /// Which of the draft's tax ids became `profile.taxId`, so COS errors on it land there.
    pub tax_id_index: usize,
}

/// Maps a draft onto every COS request it needs, Personal or Business by `draft.kind`.
/// Refuses a draft with any error under [`validate::cos_on`]; warnings pass.
pub fn onboarding(partner_id: &str, draft: &Draft, today: NaiveDate) -> Result<CosOnboarding> {
    let issues = validate::cos_on(draft, today);
    if validate::has_errors(&issues) {
        return Err(Error::Invalid(issues));
    }
    let d = validate::normalised(draft);
    let (profile, tax_id_index) = profile_of(&d)?;
    let name = match d.kind {
        PartyKind::Person => Name {
            prefix: some(&d.name.prefix),
            first_name: some(&d.name.first),
            middle_name: some(&d.name.middle),
            last_name: some(&d.name.last),
            suffix: some(&d.name.suffix),
            preferred_name: some(&d.name.preferred),
            ..Name::default()
        },
        PartyKind::Company => Name {
            entity_name: some(&d.company.legal_name),
            ..Name::default()
        },
    };
    let customer = CreateCustomer {
        partner_id: partner_id.trim().to_owned(),
        name,
        classification: match d.kind {
            PartyKind::Person => Classification::Personal,
            PartyKind::Company => Classification::Business,
        },
        profile,
        client_identifier: some(&d.cos.client_identifier),
        due_diligence: None,
        business_due_diligence: None,
        primary_address: None,
        primary_phone: None,
        primary_email: None,
    };
    Ok(CosOnboarding {
        customer,
        addresses: d
            .addresses
            .iter()
            .map(address_request)
            .collect::<Result<_>>()?,
        phones: d.phones.iter().map(phone_request).collect::<Result<_>>()?,
        emails: d.emails.iter().map(email_request).collect(),
        identifications: d
            .identity_documents
            .iter()
            .map(identification_request)
            .collect::<Result<_>>()?,
        beneficial_owners: d
            .cos
            .beneficial_owners
            .iter()
            .map(beneficial_owner_request)
            .collect::<Result<_>>()?,
        tax_id_index,
    })
}

/// The body of `PUT /core/v1/cm/customers/{id}/profile` for the draft as it is now.
pub fn profile_update(draft: &Draft, today: NaiveDate) -> Result<Profile> {
    Ok(onboarding("", draft, today)?.customer.profile)
}

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
        format!("Check {what}: it could not be prepared for COS."),
    )])
}

fn profile_of(d: &Draft) -> Result<(Profile, usize)> {
    let preference: &[&str] = match d.kind {
        PartyKind::Person => &["Ssn", "Itin", "Foreign"],
        PartyKind::Company => &["Ein"],
    };
    let (tax_id_index, tax_id) = preference
        .iter()
        .find_map(|kind| {
            d.tax_ids
                .iter()
                .enumerate()
                .find(|(_, t)| t.id_type == *kind)
        })
        .ok_or_else(|| unmapped("taxIds", "the tax id"))?;
    let tax_id_type = match tax_id.id_type.as_str() {
        "Ssn" => TaxIdType::Ssn,
        "Ein" => TaxIdType::Ein,
        "Itin" => TaxIdType::Itin,
        _ => TaxIdType::Foreign,
    };
    let risk_rating = match d.cos.risk_rating.as_str() {
        "Low" => RiskRating::Low,
        "Medium" => RiskRating::Medium,
        "High" => RiskRating::High,
        _ => return Err(unmapped("cos.riskRating", "the risk rating")),
    };
    let backup_withholding_percent = if d.cos.enable_backup_withholding {
        let percent = validate::parse_percentage(&d.cos.backup_withholding_percent)
            .filter(|p| (0.0..=100.0).contains(p) && p.fract() == 0.0)
            .ok_or_else(|| unmapped("cos.backupWithholdingPercent", "the percentage"))?;
        // Range-checked just above, so the cast cannot truncate.
        Some(percent as u8)
    } else {
        None
    };
    let person = d.kind == PartyKind::Person;
    let company = d.kind == PartyKind::Company;
    let only = |keep: bool, value: &str| if keep { some(value) } else { None };
    let profile = Profile {
        reg_o: d.cos.reg_o,
        citizenship_country_code: only(person, &d.person.citizenship_country),
        politically_exposed_person: d.cos.politically_exposed_person,
        enable_backup_withholding: Some(d.cos.enable_backup_withholding),
        backup_withholding_percent,
        tax_id_type,
        tax_id: tax_id.number.clone(),
        birth_date: only(person, &d.person.birth_date),
        risk_rating,
        privacy_opt_out: Some(d.cos.privacy_opt_out),
        date_formed: only(company, &d.company.date_formed),
        entity_type: only(company, &d.company.entity_type),
        ownership_type: only(company, &d.company.ownership_type),
        primary_owner_customer_id: only(company, &d.cos.primary_owner_customer_id),
    };
    Ok((profile, tax_id_index))
}

fn address_request(a: &draft::Address) -> Result<AddressRequest> {
    let classification = match a.classification.as_str() {
        "" => None,
        "Residential" => Some(AddressClassification::Residential),
        "Business" => Some(AddressClassification::Business),
        _ => return Err(unmapped("addresses", "the address classification")),
    };
    Ok(AddressRequest {
        address_type: a.address_type.clone(),
        classification,
        is_primary: Some(a.is_primary),
        street1: a.street1.clone(),
        street2: some(&a.street2),
        city: a.city.clone(),
        state: some(&a.state),
        postal_code: a.postal_code.clone(),
        country_code: a.country.clone(),
    })
}

fn phone_request(p: &draft::Phone) -> Result<PhoneRequest> {
    let phone_type = match p.phone_type.as_str() {
        "Mobile" => PhoneType::Mobile,
        "Work" => PhoneType::Work,
        "Home" => PhoneType::Home,
        _ => return Err(unmapped("phones", "the kind of phone")),
    };
    // The normalised draft holds North American numbers as 10 digits already.
    let phone_number = validate::us_phone_digits(&p.number)
        .ok_or_else(|| unmapped("phones", "the phone number"))?;
    Ok(PhoneRequest {
        is_primary: Some(p.is_primary),
        phone_type,
        phone_number,
        extension: some(&p.extension),
    })
}

fn email_request(e: &draft::Email) -> EmailRequest {
    EmailRequest {
        is_primary: Some(e.is_primary),
        email_type: some(&e.email_type),
        email_address: e.address.clone(),
    }
}

fn identification_request(doc: &draft::IdentityDocument) -> Result<IdentificationRequest> {
    let id_type = match doc.id_type.as_str() {
        "DriversLicense" => IdType::DriversLicense,
        "Passport" => IdType::Passport,
        "IdCard" => IdType::IdCard,
        "SocialSecurity" => IdType::SocialSecurity,
        "Other" => IdType::Other,
        _ => return Err(unmapped("identityDocuments", "the kind of document")),
    };
    Ok(IdentificationRequest {
        is_primary: doc.is_primary,
        id_number: doc.number.clone(),
        id_type,
        issued_date: some(&doc.issued_date),
        exp_date: some(&doc.expiry_date),
        verified_date: some(&doc.verified_date),
        issuing_authority: doc.issuing_authority.clone(),
        issuing_state_or_province: some(&doc.issuing_state_or_province),
        issuing_country_code: doc.issuing_country.clone(),
    })
}

fn beneficial_owner_request(o: &draft::CosBeneficialOwner) -> Result<BeneficialOwnerRequest> {
    let ownership_percentage = validate::parse_percentage(&o.ownership_percentage)
        .ok_or_else(|| unmapped("cos.beneficialOwners", "the ownership percentage"))?;
    Ok(BeneficialOwnerRequest {
        owner_customer_id: o.owner_customer_id.clone(),
        owner_title: o.title.clone(),
        ownership_percentage,
    })
}

/// Which COS request an error answered, so its field can be found in the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CosStep {
    /// The create; `tax_id` is [`CosOnboarding::tax_id_index`].
    Create {
        tax_id: usize,
    },
    /// `PUT …/profile`; `tax_id` as for `Create`.
    Profile {
        tax_id: usize,
    },
    /// The request made from `addresses[i]` (and so on for each kind).
    Address(usize),
    Phone(usize),
    Email(usize),
    Identification(usize),
    BeneficialOwner(usize),
}

/// COS error codes that name their field by themselves.
const NOT_PERSONAL_OWNER: i64 = 2001;
const NOT_PERSONAL_BENEFICIAL_OWNER: i64 = 2002;
const NOT_BUSINESS: i64 = 2003;
const OWNERSHIP_OVER_100: i64 = 2004;

/// The draft field path a COS error concerns (e.g. `addresses[0].postalCode`), from its
/// code where the code is specific, else from the COS field name in the message. `None`
/// when neither says: the error is then shown whole.
pub fn draft_field_of_error(item: &ErrorItem, step: CosStep) -> Option<String> {
    match (item.code, step) {
        (NOT_PERSONAL_OWNER, _) => return Some("cos.primaryOwnerCustomerId".to_owned()),
        (NOT_PERSONAL_BENEFICIAL_OWNER, CosStep::BeneficialOwner(i)) => {
            return Some(format!("cos.beneficialOwners[{i}].ownerCustomerId"))
        }
        (OWNERSHIP_OVER_100, CosStep::BeneficialOwner(i)) => {
            return Some(format!("cos.beneficialOwners[{i}].ownershipPercentage"))
        }
        (NOT_BUSINESS, _) => return Some("cos.beneficialOwners".to_owned()),
        _ => {}
    }
    // "profile.taxId must be exactly 9 digits", "First name required": compare without
    // spaces and case, so both spellings of a field name meet.
    let message: String = item
        .message
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let find = |table: &[(&str, &str)]| {
        table
            .iter()
            .find(|(needle, _)| message.contains(needle))
            .map(|(_, field)| (*field).to_owned())
    };
    match step {
        CosStep::Create { tax_id } | CosStep::Profile { tax_id } => {
            let tax = [
                ("taxidtype", format!("taxIds[{tax_id}].idType")),
                ("taxid", format!("taxIds[{tax_id}].number")),
            ];
            if let Some((_, field)) = tax.iter().find(|(needle, _)| message.contains(needle)) {
                return Some(field.clone());
            }
            find(&[
                ("entityname", "company.legalName"),
                ("firstname", "name.first"),
                ("middlename", "name.middle"),
                ("lastname", "name.last"),
                ("preferredname", "name.preferred"),
                ("prefix", "name.prefix"),
                ("suffix", "name.suffix"),
                ("birth", "person.birthDate"),
                ("citizenship", "person.citizenshipCountry"),
                ("riskrating", "cos.riskRating"),
                ("politicallyexposed", "cos.politicallyExposedPerson"),
                ("backupwithholdingpercent", "cos.backupWithholdingPercent"),
                ("enablebackupwithholding", "cos.enableBackupWithholding"),
                ("privacyoptout", "cos.privacyOptOut"),
                ("clientidentifier", "cos.clientIdentifier"),
                ("primaryownercustomerid", "cos.primaryOwnerCustomerId"),
                ("dateformed", "company.dateFormed"),
                ("entitytype", "company.entityType"),
                ("ownershiptype", "company.ownershipType"),
                ("rego", "cos.regO"),
            ])
        }
        CosStep::Address(i) => find(&[
            ("addresstype", "addressType"),
            ("classification", "classification"),
            ("street1", "street1"),
            ("street2", "street2"),
            ("city", "city"),
            ("postalcode", "postalCode"),
            ("zip", "postalCode"),
            ("countrycode", "country"),
            ("country", "country"),
            ("state", "state"),
        ])
        .map(|f| format!("addresses[{i}].{f}")),
        CosStep::Phone(i) => find(&[
            ("phonetype", "phoneType"),
            ("phonenumber", "number"),
            ("extension", "extension"),
        ])
        .map(|f| format!("phones[{i}].{f}")),
        CosStep::Email(i) => find(&[("emailtype", "emailType"), ("email", "address")])
            .map(|f| format!("emails[{i}].{f}")),
        CosStep::Identification(i) => find(&[
            ("idnumber", "number"),
            ("idtype", "idType"),
            ("issueddate", "issuedDate"),
            ("expdate", "expiryDate"),
            ("verifieddate", "verifiedDate"),
            ("issuingauthority", "issuingAuthority"),
            ("issuingstateorprovince", "issuingStateOrProvince"),
            ("issuingcountrycode", "issuingCountry"),
        ])
        .map(|f| format!("identityDocuments[{i}].{f}")),
        CosStep::BeneficialOwner(i) => find(&[
            ("ownercustomerid", "ownerCustomerId"),
            ("ownertitle", "title"),
            ("ownershippercentage", "ownershipPercentage"),
        ])
        .map(|f| format!("cos.beneficialOwners[{i}].{f}")),
    }
}

/// COS's errors as issues on the draft: each on its field where one is found, else with
/// an empty `field`, to be shown whole above the form. The code is `cos_<Code>`.
pub fn issues_of_errors(errors: &[ErrorItem], step: CosStep) -> Vec<Issue> {
    errors
        .iter()
        .map(|item| {
            let field = draft_field_of_error(item, step).unwrap_or_default();
            let message = if item.message.ends_with('.') {
                format!("COS: {}", item.message)
            } else {
                format!("COS: {}.", item.message)
            };
            Issue::error(&field, &format!("cos_{}", item.code), message)
        })
        .collect()
}

/// Which field of the legacy [`Person`] form a COS error message concerns, when the
/// message says so plainly. For drafts, use [`draft_field_of_error`].
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
mod tests;
