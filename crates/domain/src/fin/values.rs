//! Values the rules and the mapping share: the scan slots, countries in alpha-3, the
//! Latin-script suggestions, which slots a document needs, the terms value.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::wire::*;

pub const VERIFICATION_TYPES: &[&str] = &["STANDARD", "RELIANCE"];
/// The tax ids a Fin.com individual may give.
pub const FIN_TAX_ID_TYPES: &[&str] = &["Ssn", "Itin", "Foreign"];
/// The identity documents Fin.com takes, in the draft's spelling ([`fin_document_type`]).
pub const FIN_ID_TYPES: &[&str] = &["DriversLicense", "Passport", "IdCard", "ResidencePermit"];
/// Fin.com's `gender` values.
pub const GENDERS: &[&str] = &["FEMALE", "MALE"];
/// Fin.com's statuses after the documents are attached, in the order they come (a
/// decision other than approval leaves the trail).
pub const STATUS_TRAIL: &[&str] = &["PROCESSING", "REVIEWING", "APPROVED"];
pub const ADDRESS_DOCUMENT_TYPES: &[&str] =
    &["UTILITY_BILL", "GOVERNMENT_LETTER", "BANK_STATEMENT"];
/// Customer statuses in which Fin.com takes an attach; any other is answered 403 (or 409
/// while one is being processed).
pub const ATTACHABLE_STATUSES: &[&str] = &["INCOMPLETE", "ACTION_REQUIRED"];
/// Fin.com's age bounds for `dob`.
pub(super) const MIN_AGE: i32 = 18;
pub(super) const MAX_AGE: i32 = 120;
pub(super) const MAX_STATE_CHARS: usize = 64;

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
