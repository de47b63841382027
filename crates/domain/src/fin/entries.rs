//! Which of the draft's entries go to Fin.com (Fin.com takes one address, phone, e-mail
//! and identity document), and the small conversions their values need.

use chrono::{Datelike, NaiveDate};

use crate::draft::{self, Draft};
use crate::validate::{self, digits_only};

use super::values::*;
use super::wire::*;

/// Fin.com takes one of each: the primary, else the first.
pub(super) fn chosen<T>(items: &[T], primary: impl Fn(&T) -> bool) -> Option<usize> {
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

pub(super) fn tax_document_type(id_type: &str) -> &'static str {
    match id_type.trim() {
        "Ssn" => "SSN",
        "Itin" => "ITIN",
        "Ein" => "EIN",
        _ => "TIN",
    }
}

/// SSNs and ITINs as on the card (`123-45-6789`), EINs as on the IRS letter
/// (`12-3456789`), so the same number is always the same `document_id`.
pub(super) fn tax_document_id(t: &draft::TaxId) -> String {
    let digits = digits_only(&t.number);
    match t.id_type.trim() {
        "Ssn" | "Itin" if digits.len() == 9 => {
            format!("{}-{}-{}", &digits[0..3], &digits[3..5], &digits[5..9])
        }
        "Ein" if digits.len() == 9 => format!("{}-{}", &digits[0..2], &digits[2..9]),
        _ => t.number.trim().to_owned(),
    }
}

pub(super) fn tax_country(t: &draft::TaxId) -> String {
    match (t.id_type.trim(), t.country.trim()) {
        ("Ssn" | "Ein" | "Itin", "") => "US".to_owned(),
        (_, country) => country.to_uppercase(),
    }
}

pub(super) fn positive_id(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok().filter(|id| *id > 0)
}

pub(super) fn age_on(born: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

/// The scan slots Fin.com needs for this draft's identity document (and the proof of
/// address, and the selfie when the client's configuration asks for it) that have no scan
/// yet. None while the draft has no document Fin.com takes.
pub fn missing_slots(draft: &Draft, config: FinAttachConfig) -> Vec<String> {
    let Some(document) = fin_identity_document_index(draft) else {
        return Vec::new();
    };
    let id_type = &draft.identity_documents[document].id_type;
    slot_needs(id_type, config)
        .into_iter()
        .filter(|need| need.required && !draft.scans.iter().any(|s| s.slot == need.slot))
        .map(|need| need.slot)
        .collect()
}
