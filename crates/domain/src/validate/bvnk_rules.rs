//! What BVNK requires: a company with its registration, industry, expected volumes and
//! associates (one who controls it, one who signs), each adult with a real date of birth,
//! an e-mail, an E.164 phone, an identity document and its scans; or an individual with
//! the same of their own. Scans must fit the connection's document limit once in base64.

use chrono::{Datelike, NaiveDate};

use crate::bvnk::slots;
use crate::draft::{Associate, Draft, PartyKind};
use crate::options::{
    BVNK_COMPANY_DOCUMENTS, BVNK_DOCUMENT_TYPES, BVNK_RISK_SCORES, BVNK_USE_CASES,
};

use super::rows::*;
use super::rules::*;
use super::values::*;
use crate::issue::*;

/// The age from which BVNK takes a person as an associate or a customer.
const ADULT_YEARS: i32 = 18;

/// The values of one of the pick lists the form offers: what the form offers is what the
/// rules take.
fn values(rows: &'static [(&'static str, &'static str, &'static str)]) -> Vec<&'static str> {
    rows.iter().map(|(value, _, _)| *value).collect()
}

/// The BVNK rules of `draft` on `today`. `document_limit_bytes` is the connection's limit
/// for one document before base64; a scan over it cannot be sent.
pub fn bvnk_on(draft: &Draft, today: NaiveDate, document_limit_bytes: u64) -> Vec<Issue> {
    let mut r = Rules::default();
    let b = &draft.bvnk;
    r.one_of(
        "bvnk.useCase",
        &b.use_case,
        "BVNK's use case",
        &values(BVNK_USE_CASES),
    );
    if !b.risk_score.trim().is_empty() {
        r.one_of(
            "bvnk.riskScore",
            &upper(&b.risk_score),
            "the risk score",
            &values(BVNK_RISK_SCORES),
        );
    }
    match draft.kind {
        PartyKind::Company => company(&mut r, draft, today),
        PartyKind::Person => individual(&mut r, draft, today),
    }
    scans(&mut r, draft, document_limit_bytes);
    r.issues
}

fn upper(value: &str) -> String {
    value.trim().to_ascii_uppercase()
}

fn company(r: &mut Rules, draft: &Draft, today: NaiveDate) {
    let c = &draft.company;
    r.required(
        "company.legalName",
        &c.legal_name,
        "the company's legal name",
        100,
    );
    r.required(
        "company.registrationNumber",
        &c.registration_number,
        "the company's registration number",
        60,
    );
    r.country(
        "company.taxResidenceCountry",
        &c.tax_residence_country,
        "the country where the company is resident for tax",
    );
    reference(
        r,
        "bvnk.industryReference",
        &draft.bvnk.industry_reference,
        "the industry",
    );
    reference(
        r,
        "bvnk.monthlyExpectedVolumesReference",
        &draft.bvnk.monthly_expected_volumes_reference,
        "the expected monthly volume",
    );
    r.one_of(
        "bvnk.companyDocumentType",
        &draft.bvnk.company_document_type,
        "what the company's document is",
        &values(BVNK_COMPANY_DOCUMENTS),
    );
    address(r, draft);
    if draft.associates.is_empty() {
        r.error(
            "associates",
            "required",
            "Add the people behind the company: at least one who controls it and one who signs for it.",
        );
        return;
    }
    for (i, a) in draft.associates.iter().enumerate() {
        associate(r, &format!("associates[{i}]"), a, today);
    }
    if !draft.associates.iter().any(|a| a.has_control) {
        r.error(
            "associates",
            "bvnk_control",
            "Say who controls the company: answer \"Controls the company?\" with yes for at least one person.",
        );
    }
    if !draft.associates.iter().any(|a| a.is_signer) {
        r.error(
            "associates",
            "bvnk_signer",
            "Say who signs for the company: answer \"Signs for it?\" with yes for at least one person.",
        );
    }
}

fn address(r: &mut Rules, draft: &Draft) {
    let Some(a) = draft
        .addresses
        .iter()
        .find(|a| a.is_primary)
        .or(draft.addresses.first())
    else {
        r.error("addresses", "required", "Add the address.");
        return;
    };
    let i = draft
        .addresses
        .iter()
        .position(|x| std::ptr::eq(x, a))
        .unwrap_or(0);
    let path = format!("addresses[{i}]");
    r.required(&format!("{path}.street1"), &a.street1, "the street", 150);
    r.required(&format!("{path}.city"), &a.city, "the city", 100);
    r.required(
        &format!("{path}.postalCode"),
        &a.postal_code,
        "the postal code",
        20,
    );
    r.country(&format!("{path}.country"), &a.country, "the country");
}

/// A reference from one of BVNK's lists: a UUID.
fn reference(r: &mut Rules, field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        r.error(field, "required", format!("Choose {what}."));
    } else if !is_guid(value) {
        r.error(
            field,
            "bvnk_reference",
            format!("Choose {what} from BVNK's list; this is not one of its references."),
        );
    }
}

fn adult(r: &mut Rules, field: &str, value: &str, today: NaiveDate) {
    if let Some(issue) = birth_date(field, value, today) {
        r.add(Some(issue));
        return;
    }
    let Some(born) = parse_date(value) else {
        return;
    };
    let mut age = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    if age < ADULT_YEARS {
        r.error(
            field,
            "bvnk_adult",
            format!("BVNK takes adults only: this person is {age}. Check the date of birth."),
        );
    }
}

fn email(r: &mut Rules, field: &str, value: &str) {
    if value.trim().is_empty() {
        r.error(field, "required", "Enter the e-mail address.");
    } else if !is_email(value) {
        r.error(
            field,
            "email_format",
            "This is not an e-mail address: it should look like name@example.com.",
        );
    }
}

fn phone(r: &mut Rules, field: &str, value: &str, region: &str) {
    if value.trim().is_empty() {
        r.error(field, "required", "Enter the phone number.");
    } else if phone_e164(value, region).is_none() {
        r.error(
            field,
            "phone_format",
            "Enter the phone number with + and the country code, e.g. +1 201 555 2345.",
        );
    }
}

fn associate(r: &mut Rules, path: &str, a: &Associate, today: NaiveDate) {
    names(r, &format!("{path}.name"), &a.name);
    adult(r, &format!("{path}.birthDate"), &a.birth_date, today);
    r.country(
        &format!("{path}.birthCountry"),
        &a.birth_country,
        "the country of birth",
    );
    email(r, &format!("{path}.email"), &a.email);
    phone(r, &format!("{path}.phone"), &a.phone, &a.address.country);
    r.required(
        &format!("{path}.title"),
        &a.title,
        "the person's title, e.g. CEO",
        100,
    );
    if !a.risk_score.trim().is_empty() {
        r.one_of(
            &format!("{path}.riskScore"),
            &upper(&a.risk_score),
            "the risk score",
            &values(BVNK_RISK_SCORES),
        );
    }
    let d = &a.document;
    r.one_of(
        &format!("{path}.document.idType"),
        &d.id_type,
        "the kind of identity document",
        &values(BVNK_DOCUMENT_TYPES),
    );
    r.required(
        &format!("{path}.document.number"),
        &d.number,
        "the document number",
        50,
    );
    r.country(
        &format!("{path}.document.issuingCountry"),
        &d.issuing_country,
        "the country that issued the document",
    );
    if !a.address.country.trim().is_empty() {
        r.add(country_code(
            &format!("{path}.address.country"),
            &a.address.country,
        ));
    }
    if !a.tax_id.number.trim().is_empty() && !a.tax_id.country.trim().is_empty() {
        r.add(country_code(
            &format!("{path}.taxId.country"),
            &a.tax_id.country,
        ));
    }
}

fn individual(r: &mut Rules, draft: &Draft, today: NaiveDate) {
    names(r, "name", &draft.name);
    let p = &draft.person;
    adult(r, "person.birthDate", &p.birth_date, today);
    r.country(
        "person.citizenshipCountry",
        &p.citizenship_country,
        "the nationality",
    );
    r.country(
        "person.birthCountry",
        &p.birth_country,
        "the country of birth",
    );
    match draft.emails.first() {
        Some(e) => email(r, "emails[0].address", &e.address),
        None => r.error("emails", "required", "Add the customer's e-mail address."),
    }
    let region = draft
        .addresses
        .first()
        .map(|a| a.country.as_str())
        .unwrap_or("");
    match draft.phones.first() {
        Some(p) => phone(r, "phones[0].number", &p.number, region),
        None => r.error("phones", "required", "Add the customer's phone number."),
    }
    address(r, draft);
    match draft.identity_documents.first() {
        Some(d) => {
            r.one_of(
                "identityDocuments[0].idType",
                &d.id_type,
                "the kind of identity document",
                &values(BVNK_DOCUMENT_TYPES),
            );
            r.required(
                "identityDocuments[0].number",
                &d.number,
                "the document number",
                50,
            );
        }
        None => r.error(
            "identityDocuments",
            "required",
            "Add the customer's identity document (passport, licence or ID card).",
        ),
    }
}

/// Every scan the onboarding sends is attached, and none is over the limit.
fn scans(r: &mut Rules, draft: &Draft, limit: u64) {
    for needed in slots::needed(draft) {
        let Some(scan) = draft.scans.iter().find(|s| s.slot == needed.slot) else {
            let which = match (needed.sub_type, needed.associate) {
                (_, None) if needed.kind == "COMPANY_DOC" => "the company's document".to_owned(),
                (Some(side), Some(i)) => {
                    format!("the {} of person {}'s document", side_name(side), i + 1)
                }
                (Some(side), None) => format!("the {} of the identity document", side_name(side)),
                (None, _) => "the document".to_owned(),
            };
            r.error(
                &format!("scans.{}", needed.slot),
                "scan_missing",
                format!("Scan {which}."),
            );
            continue;
        };
        if scan.bytes > limit {
            r.error(
                &format!("scans.{}", needed.slot),
                "scan_too_large",
                format!(
                    "This scan is {:.1} MB; BVNK is set to take at most {:.1} MB a document. Scan it again at a lower resolution.",
                    scan.bytes as f64 / 1_000_000.0,
                    limit as f64 / 1_000_000.0
                ),
            );
        }
    }
}

fn side_name(side: crate::bvnk::SubType) -> &'static str {
    match side {
        crate::bvnk::SubType::FrontSide => "front",
        crate::bvnk::SubType::BackSide => "back",
    }
}
