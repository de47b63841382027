//! Cross River COS (Customer Management v1) wire types, spelled exactly as COS spells them,
//! and the one mapping from a [`Draft`] to COS requests.

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

/// The statuses of a COS compliance check (`ofac`, `pepScan`, `internalList`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub enum ScanStatus {
    Pending,
    Clear,
    Failed,
    Positive,
    Reviewing,
}

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
}
