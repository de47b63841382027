//! The Attach Documents V2 body for a draft and its uploaded scans
//! ([`attach_documents`]), under the attach's own rules (FRONT/BACK, proof of address,
//! selfie).

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use crate::draft::Draft;
use crate::validate::{self, parse_date, Issue};

use super::create::*;
use super::entries::*;
use super::rules::*;
use super::values::*;
use super::wire::*;

/// The URI a slot's scan was uploaded under, when the draft still holds that scan.
pub(super) enum SlotFile<'a> {
    Ready(&'a str),
    /// Scanned, but not (or no longer) uploaded for this customer.
    NotUploaded,
    Missing,
}

pub(super) fn slot_file<'a>(
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

pub(super) fn identity_document(
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
