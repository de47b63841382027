//! What COS checks in each kind of body: profiles, addresses, phones, emails and
//! identifications.

use chrono::Utc;
use serde_json::Value;

use super::check::Check;
use super::errors::{Errors, FORMAT, NOT_PERSONAL_OWNER};
use crate::formats;
use crate::state::Store;

const TAX_ID_TYPES: &[&str] = &["Ssn", "Ein", "Itin", "Foreign", "Other"];
const RISK_RATINGS: &[&str] = &["Low", "Medium", "High"];
const ID_TYPES: &[&str] = &[
    "DriversLicense",
    "Passport",
    "IdCard",
    "SocialSecurity",
    "Other",
];

/// Profile checks; for a Business the primary owner must already be a Personal customer.
pub(super) fn check_profile(profile: &Value, classification: &str, store: &Store) -> Errors {
    let mut c = Check::new(profile, "profile.");
    c.one_of("riskRating", true, RISK_RATINGS);
    c.boolean("politicallyExposedPerson", true);
    c.boolean("enableBackupWithholding", false);
    c.boolean("privacyOptOut", false);
    c.number("backupWithholdingPercent", false, 0.0, 100.0);
    c.country2("citizenshipCountryCode", false);
    let tax_type = if classification == "Business" {
        c.one_of("taxIdType", true, &["Ein"])
    } else {
        c.boolean("regO", true);
        c.one_of("taxIdType", true, TAX_ID_TYPES)
    };
    match tax_type {
        Some("Ssn" | "Ein" | "Itin") => {
            c.digits("taxId", true, 9);
        }
        _ => {
            c.string("taxId", true, 50);
        }
    }
    let mut rule = Vec::new();
    if classification == "Business" {
        c.date("dateFormed", true);
        c.string("entityType", true, 100);
        c.string("ownershipType", true, 100);
        if let Some(owner) = c.guid("primaryOwnerCustomerId", true) {
            if !is_personal(store, owner) {
                rule.push((
                    NOT_PERSONAL_OWNER,
                    "primaryOwnerCustomerId must be an existing Personal customer: onboard the owner first"
                        .to_string(),
                ));
            }
        }
    } else if let Some(born) = c.date("birthDate", false) {
        if born > Utc::now().date_naive() {
            c.errors
                .push((FORMAT, "profile.birthDate must not be in the future".into()));
        }
    }
    let mut all = c.errors;
    all.extend(rule);
    all
}

pub(super) fn is_personal(store: &Store, id: &str) -> bool {
    store
        .cos_customers
        .get(&id.to_ascii_lowercase())
        .is_some_and(|c| c.record["classification"] == "Personal")
}

pub(super) fn check_address(v: &Value, prefix: &'static str) -> Errors {
    let mut c = Check::new(v, prefix);
    c.string("addressType", true, 50);
    c.one_of("classification", false, &["Residential", "Business"]);
    c.boolean("isPrimary", false);
    c.string("street1", true, 100);
    c.string("street2", false, 100);
    c.string("city", true, 50);
    let country = c.string("countryCode", true, 10);
    c.country2("countryCode", false);
    let us = country == Some("US");
    c.string("state", us, 50);
    if let Some(postal) = c.string("postalCode", true, 20) {
        let ok = |p: &str| p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit());
        let zip = match postal.split_once('-') {
            Some((a, b)) => ok(a) && b.len() == 4 && b.bytes().all(|x| x.is_ascii_digit()),
            None => ok(postal),
        };
        if us && !zip {
            c.errors.push((
                FORMAT,
                format!("{prefix}postalCode must be a US ZIP code (12345 or 12345-6789)"),
            ));
        }
    }
    c.errors
}

pub(super) fn check_phone(v: &Value, prefix: &'static str) -> Errors {
    let mut c = Check::new(v, prefix);
    c.boolean("isPrimary", false);
    c.one_of("phoneType", true, &["Mobile", "Work", "Home"]);
    c.digits("phoneNumber", true, 10);
    if let Some(ext) = c.string("extension", false, 10) {
        if !ext.bytes().all(|b| b.is_ascii_digit()) {
            c.errors
                .push((FORMAT, format!("{prefix}extension must be digits")));
        }
    }
    c.errors
}

pub(super) fn check_email(v: &Value, prefix: &'static str) -> Errors {
    let mut c = Check::new(v, prefix);
    c.boolean("isPrimary", false);
    c.string("emailType", false, 50);
    if let Some(email) = c.string("emailAddress", true, 254) {
        if !formats::is_email(email) {
            c.errors.push((
                FORMAT,
                format!("{prefix}emailAddress is not a valid email address"),
            ));
        }
    }
    c.errors
}

pub(super) fn check_identification(v: &Value) -> Errors {
    let mut c = Check::new(v, "");
    c.boolean("isPrimary", true);
    c.string("idNumber", true, 50);
    c.one_of("idType", true, ID_TYPES);
    c.date("issuedDate", false);
    c.date("expDate", false);
    c.date("verifiedDate", false);
    c.string("issuingAuthority", true, 100);
    c.string("issuingStateOrProvince", false, 50);
    c.country2("issuingCountryCode", true);
    c.errors
}
