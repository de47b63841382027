//! What a document says about its holder, read from the document itself: the PDF417
//! barcode on the back of a US or Canadian licence or ID card (AAMVA DL/ID Card Design
//! Standard, [`aamva`]) and the machine-readable zone of a passport or ID card (ICAO 9303,
//! [`mrz`]). Pure parsing of the decoded text: finding and decoding the barcode or zone in a
//! picture is the documents crate's work. Values come out in the draft's own formats (dates
//! `YYYY-MM-DD`, countries ISO alpha-2 and alpha-3 both) and are the holder's PII like every
//! other field.

pub mod aamva;
pub mod mrz;
pub mod offer;

use serde::Serialize;
use ts_rs::TS;

/// Where a value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Pdf417,
    Mrz,
}

/// What kind of document was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    DriversLicence,
    IdCard,
    Passport,
}

/// A value a document gives, by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    FirstName,
    MiddleName,
    LastName,
    Suffix,
    BirthDate,
    /// `MALE`, `FEMALE` or `UNSPECIFIED`.
    Sex,
    Street1,
    Street2,
    City,
    /// A US state or Canadian province code (`CA`, `ON`).
    State,
    PostalCode,
    /// ISO 3166 alpha-2 (`US`).
    Country,
    DocumentNumber,
    IssuedDate,
    ExpiryDate,
    /// The state or province that issued a licence (`CA`).
    IssuingState,
    /// ISO 3166 alpha-3, as Fin.com takes it (`USA`, `UTO` for ICAO's specimen state).
    IssuingCountry,
    /// ISO 3166 alpha-3.
    Nationality,
}

/// One value read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReadField {
    pub field: Field,
    pub value: String,
}

/// A check digit and whether it agreed with what it guards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckDigit {
    /// `documentNumber`, `birthDate`, `expiryDate`, `personalNumber` or `composite`.
    pub guards: String,
    pub ok: bool,
}

/// What a document gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRead {
    pub source: Source,
    pub document: DocumentKind,
    pub fields: Vec<ReadField>,
    /// The MRZ's check digits; empty for a barcode, which has none.
    pub checks: Vec<CheckDigit>,
}

impl DocumentRead {
    /// The value read for `field`, if one was.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.value.as_str())
    }
}

/// Why a text is not a document's data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("this barcode is not an AAMVA licence or ID card: {0}")]
    NotAamva(&'static str),
    #[error("the licence's barcode has no DL or ID data")]
    NoLicenceData,
    #[error("this is not a machine-readable zone: {0}")]
    NotMrz(&'static str),
    #[error("the machine-readable zone's check digits do not agree, so nothing from it is used")]
    CheckDigitsFailed,
}

/// `YYYY-MM-DD` from its parts when they make a real date.
fn iso_date(year: i32, month: u32, day: u32) -> Option<String> {
    chrono::NaiveDate::from_ymd_opt(year, month, day).map(|d| d.format("%Y-%m-%d").to_string())
}

/// ISO alpha-2 for an alpha-3 country code (`USA` → `US`); `None` for one ISO does not
/// list (ICAO's specimen `UTO`, `D` for Germany in old MRZs).
fn alpha2(alpha3: &str) -> Option<String> {
    celes::Country::from_alpha3(alpha3)
        .ok()
        .map(|c| c.alpha2.to_owned())
}
