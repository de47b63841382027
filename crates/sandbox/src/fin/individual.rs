//! The rules of a Create Individual Customer V2 body.

use std::collections::HashSet;

use chrono::{Datelike, Utc};
use serde_json::Value;

use super::check::Check;
use super::reply::FieldErrors;
use crate::formats;

const EMPLOYMENT: &[&str] = &[
    "EMPLOYED",
    "SELF_EMPLOYED",
    "RETIRED",
    "STUDENT",
    "UNEMPLOYED",
];

fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn is_subdivision(s: &str) -> bool {
    match s.split_once('-') {
        Some((country, sub)) => {
            formats::is_upper_alpha(country, 2)
                && (1..=3).contains(&sub.len())
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
        None => false,
    }
}

fn age_on(born: chrono::NaiveDate, today: chrono::NaiveDate) -> i32 {
    let mut age = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

pub(super) fn check_individual(body: &Value) -> FieldErrors {
    let mut c = Check { errors: Vec::new() };
    c.one_of(
        body,
        "verification_type",
        "verification_type",
        true,
        &["STANDARD", "RELIANCE"],
    );
    if let Some(b) = c.object(body, "basic_info", "basic_info") {
        c.with_latin(b, "first_name", "basic_info", true);
        c.with_latin(b, "middle_name", "basic_info", false);
        c.with_latin(b, "last_name", "basic_info", true);
        if let Some(dob) = c.date(b, "dob", "basic_info.dob", true) {
            let age = age_on(dob, Utc::now().date_naive());
            if !(18..=120).contains(&age) {
                c.push("basic_info.dob", "age must be between 18 and 120 years");
            }
        }
        if let Some(email) = c.string(b, "email", "basic_info.email", true) {
            if email != email.to_lowercase() {
                c.push("basic_info.email", "must be all lowercase");
            } else if !formats::is_email(email) {
                c.push("basic_info.email", "must be a valid email address");
            }
        }
        if let Some(phone) = c.string(b, "phone", "basic_info.phone", true) {
            if !is_e164(phone) {
                c.push(
                    "basic_info.phone",
                    "must be in E.164 format, e.g. +14155552671",
                );
            }
        }
        c.country(
            b,
            "country_of_residence",
            "basic_info.country_of_residence",
            true,
        );
        c.country(
            b,
            "primary_nationality",
            "basic_info.primary_nationality",
            true,
        );
        c.country(
            b,
            "secondary_nationality",
            "basic_info.secondary_nationality",
            false,
        );
        c.one_of(b, "gender", "basic_info.gender", false, &["MALE", "FEMALE"]);
        match b.get("tax_info") {
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut seen = HashSet::new();
                for (i, item) in items.iter().enumerate() {
                    let p = format!("basic_info.tax_info.{i}");
                    c.country(item, "country_code", &format!("{p}.country_code"), true);
                    c.string(item, "document_type", &format!("{p}.document_type"), true);
                    if let Some(id) =
                        c.string(item, "document_id", &format!("{p}.document_id"), true)
                    {
                        if !seen.insert(id.to_string()) {
                            c.push(format!("{p}.document_id"), "must be unique");
                        }
                    }
                }
            }
            Some(Value::Array(_)) => c.push("basic_info.tax_info", "must have at least 1 item"),
            None | Some(Value::Null) => c.push("basic_info.tax_info", "is required"),
            Some(_) => c.push("basic_info.tax_info", "must be an array"),
        }
    }
    if let Some(a) = c.object(body, "address", "address") {
        c.with_latin(a, "street_line_1", "address", true);
        c.with_latin(a, "street_line_2", "address", false);
        c.string(a, "city", "address.city", true);
        if let Some(sub) = c.string(a, "subdivision_code", "address.subdivision_code", true) {
            if !is_subdivision(sub) {
                c.push(
                    "address.subdivision_code",
                    "must be an ISO 3166-2 code such as US-CA",
                );
            }
        }
        c.string(a, "postal_code", "address.postal_code", true);
        c.country(a, "country", "address.country", true);
    }
    if let Some(f) = c.object(body, "financial_profile", "financial_profile") {
        c.one_of(
            f,
            "employment_status",
            "financial_profile.employment_status",
            true,
            EMPLOYMENT,
        );
        c.integer(f, "occupation_id", "financial_profile.occupation_id", 1);
        c.integer(f, "purpose_id", "financial_profile.purpose_id", 1);
        match f.get("source_of_fund_ids") {
            Some(Value::Array(ids)) if !ids.is_empty() => {
                if !ids.iter().all(|x| x.is_i64() || x.is_u64()) {
                    c.push(
                        "financial_profile.source_of_fund_ids",
                        "must contain integers",
                    );
                }
            }
            Some(Value::Array(_)) => c.push(
                "financial_profile.source_of_fund_ids",
                "must have at least 1 item",
            ),
            _ => c.push("financial_profile.source_of_fund_ids", "is required"),
        }
        c.integer(
            f,
            "monthly_volume_usd",
            "financial_profile.monthly_volume_usd",
            0,
        );
        c.string(
            f,
            "purpose_remarks",
            "financial_profile.purpose_remarks",
            false,
        );
        c.string(
            f,
            "source_of_funds_description",
            "financial_profile.source_of_funds_description",
            false,
        );
    }
    match body.get("meta_data") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => c.push("meta_data", "must be an object"),
    }
    c.errors
}
