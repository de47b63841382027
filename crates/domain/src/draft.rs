//! The provider-neutral onboarding draft: what staff type, as they typed it. Values are
//! kept as strings so nothing a person entered is ever lost to a parse error; the
//! validation rules decide what is acceptable and the provider mappings normalise.
//!
//! One [`Draft`] serves every provider. What all providers ask for in some form (names,
//! dates, tax ids, addresses, phones, e-mails, identity documents, due diligence, owners)
//! is neutral; what only one provider has a word for lives in that provider's section
//! ([`CosSection`], [`FinSection`]) so a mapping never has to guess.
//!
//! Choice values (address type, phone type, document type, tax id type, risk rating) are
//! spelled as COS spells its enums (`Home`, `Mobile`, `DriversLicense`, `Ssn`, `Low`): one
//! spelling for the form, translated by each other provider's mapping. Countries are ISO
//! 3166-1 alpha-2 (`US`); mappings to providers that want alpha-3 convert.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::kinds::{PartyKind, Provider};

/// A person being onboarded as a Personal customer: the first, smallest form.
/// Still accepted everywhere; [`Person::to_draft`] lifts it into a full [`Draft`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// US Social Security number, as typed (`123-45-6789` or `123456789`).
    pub ssn: String,
    /// ISO 3166-1 alpha-2 country of citizenship, e.g. `US`.
    pub citizenship_country: String,
}

impl Person {
    /// The same person as a full draft, with the defaults COS used for the short form
    /// (risk rating Low, no PEP, no Reg O, no backup withholding).
    pub fn to_draft(&self) -> Draft {
        Draft {
            kind: PartyKind::Person,
            name: Names {
                first: self.first_name.clone(),
                last: self.last_name.clone(),
                ..Names::default()
            },
            person: PersonDetails {
                birth_date: self.birth_date.clone(),
                citizenship_country: self.citizenship_country.clone(),
                ..PersonDetails::default()
            },
            tax_ids: vec![TaxId {
                id_type: "Ssn".into(),
                number: self.ssn.clone(),
                country: "US".into(),
            }],
            cos: CosSection {
                risk_rating: "Low".into(),
                ..CosSection::default()
            },
            ..Draft::default()
        }
    }
}

/// One onboarding, for any provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Draft {
    pub provider: Provider,
    pub kind: PartyKind,
    /// The person's names; for a company, the names of the person staff deal with are
    /// not here but in [`Draft::associates`].
    pub name: Names,
    /// Only read when `kind` is `person`.
    pub person: PersonDetails,
    /// Only read when `kind` is `company`.
    pub company: CompanyDetails,
    pub tax_ids: Vec<TaxId>,
    pub addresses: Vec<Address>,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub identity_documents: Vec<IdentityDocument>,
    pub due_diligence: DueDiligence,
    /// People behind a company (owners, directors, signers), for providers that take
    /// them inline (BVNK associates). COS takes owners as existing customers instead:
    /// see [`CosSection::beneficial_owners`].
    pub associates: Vec<Associate>,
    pub cos: CosSection,
    pub fin: FinSection,
    pub bvnk: BvnkSection,
    /// The scans attached to the draft, one per slot. Only ids and what the checks found:
    /// the images themselves live encrypted in the vault.
    pub scans: Vec<ScanSlot>,
    /// Where a field's value came from when it was not typed: `barcode` or `mrz`, by the
    /// field's path (`name.first`). Typed fields are not listed.
    #[ts(type = "Record<string, string>")]
    pub value_sources: std::collections::BTreeMap<String, String>,
}

/// One attached scan. `slot`: `FRONT`, `BACK`, `SELFIE` or `PROOF_OF_ADDRESS`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ScanSlot {
    pub slot: String,
    pub scan_id: String,
    pub thumbnail_id: String,
    /// The name of the file staff chose, for them to recognise it.
    pub file_name: String,
    /// Size of what is stored (after normalisation).
    #[ts(type = "number")]
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub pages: Option<u32>,
    /// `JPEG`, `PNG` or `PDF`.
    pub format: String,
    /// The quality checks' findings, one sentence each.
    pub checks: Vec<ScanCheck>,
    /// Why staff kept the scan despite its warnings (recorded in the audit log too);
    /// empty while none was given. Cleared whenever the file changes.
    pub override_reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ScanCheck {
    /// `resolution`, `blur`, `too_dark`, `too_bright`, `glare`, …
    pub check: String,
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Names {
    pub prefix: String,
    pub first: String,
    pub middle: String,
    pub last: String,
    pub suffix: String,
    pub preferred: String,
    /// Latin-script forms of names written in another script (Fin.com's `_en` fields);
    /// empty when the name is already Latin.
    pub latin: LatinNames,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct LatinNames {
    pub first: String,
    pub middle: String,
    pub last: String,
    /// The name each Latin form was taken or confirmed for: when the name changes after,
    /// the Latin form is stale until staff take the new suggestion or keep it. Empty for
    /// forms saved before this was recorded.
    pub first_from: String,
    pub middle_from: String,
    pub last_from: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct PersonDetails {
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// ISO 3166-1 alpha-2.
    pub citizenship_country: String,
    /// ISO 3166-1 alpha-2; empty when there is none.
    pub second_citizenship_country: String,
    /// As the customer states it (`FEMALE`, `MALE`, …); only some providers ask.
    pub gender: String,
    /// ISO 3166-1 alpha-2 (BVNK `birthCountryCode`).
    pub birth_country: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CompanyDetails {
    /// The registered legal name (COS `entityName`, BVNK `company.name`).
    pub legal_name: String,
    /// `YYYY-MM-DD` the entity was formed.
    pub date_formed: String,
    /// e.g. `LLC`, `Corporation`, `Partnership`.
    pub entity_type: String,
    /// e.g. `Private`, `Public`.
    pub ownership_type: String,
    pub description: String,
    /// ISO 3166-1 alpha-2 country where the company is resident for tax.
    pub tax_residence_country: String,
    /// The number in the company register (BVNK `registrationNumber`).
    pub registration_number: String,
}

/// A tax identifier. `id_type`: `Ssn`, `Ein`, `Itin` or `Foreign`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct TaxId {
    pub id_type: String,
    /// As typed: `123-45-6789`, `12-3456789`, or a foreign number.
    pub number: String,
    /// ISO 3166-1 alpha-2 of the issuing country; `US` for SSN, EIN and ITIN.
    pub country: String,
}

/// `address_type`: `Home`, `Work`, `Mailing`, `Business`, `Other`;
/// `classification`: `Residential` or `Business`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Address {
    pub address_type: String,
    pub classification: String,
    pub is_primary: bool,
    pub street1: String,
    pub street2: String,
    /// Latin forms of the street lines when written in another script (Fin.com `_en`).
    pub street1_latin: String,
    pub street2_latin: String,
    /// The street lines the Latin forms were taken or confirmed for (see
    /// [`LatinNames::first_from`]).
    pub street1_latin_from: String,
    pub street2_latin_from: String,
    pub city: String,
    /// For the US a two-letter state code (`NY`, `DC`, `PR`); elsewhere the
    /// state, province or region as written locally.
    pub state: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// `phone_type`: `Mobile`, `Work` or `Home`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Phone {
    pub phone_type: String,
    pub is_primary: bool,
    /// As typed: `(201) 555-2345`, `+1 201 555 2345`, `201.555.2345`.
    pub number: String,
    pub extension: String,
    /// ISO 3166-1 alpha-2 region the number belongs to when typed without `+`;
    /// empty means `US`.
    pub country: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Email {
    /// e.g. `Personal`, `Work`.
    pub email_type: String,
    pub is_primary: bool,
    pub address: String,
}

/// `id_type`: `DriversLicense`, `Passport`, `IdCard`, `SocialSecurity`, `Other`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct IdentityDocument {
    pub id_type: String,
    pub is_primary: bool,
    pub number: String,
    /// `YYYY-MM-DD`; optional.
    pub issued_date: String,
    /// `YYYY-MM-DD`; optional.
    pub expiry_date: String,
    /// `YYYY-MM-DD` staff checked the document; optional.
    pub verified_date: String,
    /// e.g. `New York DMV`.
    pub issuing_authority: String,
    pub issuing_state_or_province: String,
    /// ISO 3166-1 alpha-2.
    pub issuing_country: String,
    /// The scans of this document, by the id the document store gave them. Only ids:
    /// the images never travel inside a draft.
    pub scan_ids: Vec<String>,
}

/// Know-your-customer answers, in the customer's own words where there is no list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct DueDiligence {
    /// `EMPLOYED`, `SELF_EMPLOYED`, `RETIRED`, `STUDENT`, `UNEMPLOYED`.
    pub employment_status: String,
    pub occupation: String,
    pub employer: String,
    /// US dollars a year, as typed.
    pub annual_income: String,
    /// US dollars a month the customer expects to move, as typed.
    pub expected_monthly_volume: String,
    pub source_of_funds: Vec<String>,
    pub account_purpose: String,
}

/// A person behind a company, for providers that take them inline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Associate {
    /// Fixed when the associate is added, so its scans stay its own when others are
    /// removed (see `bvnk::slots`).
    pub id: String,
    pub name: Names,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub title: String,
    /// 0–100, as typed; empty when the person owns nothing.
    pub ownership_percentage: String,
    pub has_control: bool,
    pub is_signer: bool,
    pub email: String,
    pub phone: String,
    pub tax_id: TaxId,
    pub address: Address,
    /// Owns 25 % or more (BVNK `controls.hasOwnership`).
    pub has_ownership: bool,
    /// ISO 3166-1 alpha-2 (BVNK `birthCountryCode`).
    pub birth_country: String,
    /// The identity document whose scans go with the associate.
    pub document: AssociateDocument,
    /// `LOW`, `MEDIUM` or `HIGH`.
    pub risk_score: String,
}

/// An associate's identity document. `id_type` as for [`IdentityDocument`]: `Passport`,
/// `DriversLicense`, `IdCard` or `ResidencePermit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct AssociateDocument {
    pub id_type: String,
    pub number: String,
    /// ISO 3166-1 alpha-2.
    pub issuing_country: String,
}

/// What only Cross River COS asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CosSection {
    /// `Low`, `Medium` or `High`.
    pub risk_rating: String,
    /// Regulation O insider (an executive, director or principal shareholder of the bank).
    pub reg_o: bool,
    pub politically_exposed_person: bool,
    pub enable_backup_withholding: bool,
    /// 0–100, as typed; only read when backup withholding is on.
    pub backup_withholding_percent: String,
    pub privacy_opt_out: bool,
    /// The partner's own unique reference for the record (≤ 50 characters).
    pub client_identifier: String,
    /// Business only: the COS id of the Personal customer who is the primary owner.
    pub primary_owner_customer_id: String,
    /// Business only.
    pub beneficial_owners: Vec<CosBeneficialOwner>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CosBeneficialOwner {
    /// The COS id of an existing Personal customer.
    pub owner_customer_id: String,
    pub title: String,
    /// 0–100, as typed.
    pub ownership_percentage: String,
}

/// What only Fin.com asks for: its own lists of ids for the financial profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct FinSection {
    /// `STANDARD` or `RELIANCE`.
    pub verification_type: String,
    pub occupation_id: String,
    pub purpose_id: String,
    pub source_of_fund_ids: Vec<String>,
    pub remarks: String,
    /// What the proof-of-address scan is: `UTILITY_BILL`, `GOVERNMENT_LETTER` or
    /// `BANK_STATEMENT`. Fin.com's attach needs it and no other provider names it.
    #[serde(default)]
    pub address_document_type: String,
}

/// What only BVNK asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct BvnkSection {
    /// A reference from BVNK's industries list (a child entry).
    pub industry_reference: String,
    /// A reference from BVNK's monthly expected volumes list.
    pub monthly_expected_volumes_reference: String,
    /// The agreement session's `useCase`, e.g. `EMBEDDED_FIAT_ACCOUNTS`.
    pub use_case: String,
    /// `LOW`, `MEDIUM` or `HIGH`.
    pub risk_score: String,
    /// What the company's document scan is: `INCORPORATION_CERT`,
    /// `INCORPORATION_ARTICLES`, `DIRECTORS_REGISTRY` or `PROOF_OF_ADDRESS`.
    pub company_document_type: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_form_reads_from_empty_json_and_keeps_camel_case() {
        let draft: Draft = serde_json::from_str("{}").unwrap();
        assert_eq!(draft, Draft::default());
        let json = serde_json::to_value(Draft::default()).unwrap();
        assert!(json.get("identityDocuments").is_some());
        assert!(json["cos"].get("primaryOwnerCustomerId").is_some());
        assert_eq!(json["kind"], "person");
    }

    #[test]
    fn typed_values_survive_whatever_they_are() {
        let json = r#"{"kind":"company","cos":{"beneficialOwners":[{"ownershipPercentage":"fifty"}]},
            "phones":[{"number":"call me"}]}"#;
        let draft: Draft = serde_json::from_str(json).unwrap();
        assert_eq!(draft.kind, PartyKind::Company);
        assert_eq!(draft.cos.beneficial_owners[0].ownership_percentage, "fifty");
        assert_eq!(draft.phones[0].number, "call me");
    }

    #[test]
    fn a_legacy_person_becomes_a_personal_draft() {
        let person = Person {
            first_name: "Peter".into(),
            last_name: "Griffin".into(),
            birth_date: "1953-09-22".into(),
            ssn: "119-98-8776".into(),
            citizenship_country: "US".into(),
        };
        let draft = person.to_draft();
        assert_eq!(draft.kind, PartyKind::Person);
        assert_eq!(draft.name.first, "Peter");
        assert_eq!(draft.tax_ids[0].id_type, "Ssn");
        assert_eq!(draft.tax_ids[0].number, "119-98-8776");
        assert_eq!(draft.cos.risk_rating, "Low");
    }
}
