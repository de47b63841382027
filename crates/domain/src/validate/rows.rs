//! The rules every provider shares ([`draft_on`]) and those of each of a draft's rows:
//! names, tax ids, addresses, phones, e-mails, identity documents, due diligence,
//! associates. Each takes the row's path for its findings.

use std::str::FromStr;

use chrono::NaiveDate;

use crate::draft::{
    Address, Associate, Draft, Email, IdentityDocument, Names, PartyKind, Phone, TaxId,
};

use super::rules::*;
use super::values::*;
use crate::issue::*;

/// Checks a draft against the rules every provider shares: what is filled in must make
/// sense, and a person or company must be identifiable. `today` is passed in.
pub fn draft_on(draft: &Draft, today: NaiveDate) -> Vec<Issue> {
    let mut r = Rules::default();
    match draft.kind {
        PartyKind::Person => {
            names(&mut r, "name", &draft.name);
            let p = &draft.person;
            r.add(birth_date("person.birthDate", &p.birth_date, today));
            r.add(country_alpha2(
                "person.citizenshipCountry",
                &p.citizenship_country,
            ));
            r.optional_country(
                "person.secondCitizenshipCountry",
                &p.second_citizenship_country,
            );
        }
        PartyKind::Company => {
            let c = &draft.company;
            r.required(
                "company.legalName",
                &c.legal_name,
                "the company's legal name",
                100,
            );
            if c.date_formed.trim().is_empty() {
                r.error(
                    "company.dateFormed",
                    "required",
                    "Enter the date the company was formed, e.g. 05/01/2001 or 2001-05-01.",
                );
            } else {
                let formed = r.date("company.dateFormed", &c.date_formed);
                r.not_future("company.dateFormed", formed, today, "the date formed");
            }
            r.optional_country("company.taxResidenceCountry", &c.tax_residence_country);
        }
    }
    if draft.tax_ids.is_empty() {
        let what = match draft.kind {
            PartyKind::Person => "the customer's SSN (or ITIN or foreign tax id)",
            PartyKind::Company => "the company's EIN",
        };
        r.error("taxIds", "required", format!("Add {what}."));
    }
    for (i, tax_id) in draft.tax_ids.iter().enumerate() {
        tax_id_rules(&mut r, &format!("taxIds[{i}]"), tax_id);
    }
    for (i, address) in draft.addresses.iter().enumerate() {
        address_rules(&mut r, &format!("addresses[{i}]"), address);
    }
    r.only_one_primary(
        "addresses",
        draft.addresses.iter().map(|a| a.is_primary),
        "address",
    );
    for (i, phone) in draft.phones.iter().enumerate() {
        phone_rules(&mut r, &format!("phones[{i}]"), phone);
    }
    r.only_one_primary("phones", draft.phones.iter().map(|p| p.is_primary), "phone");
    for (i, email) in draft.emails.iter().enumerate() {
        email_rules(&mut r, &format!("emails[{i}]"), email);
    }
    r.only_one_primary(
        "emails",
        draft.emails.iter().map(|e| e.is_primary),
        "e-mail",
    );
    for (i, document) in draft.identity_documents.iter().enumerate() {
        document_rules(&mut r, &format!("identityDocuments[{i}]"), document, today);
    }
    r.only_one_primary(
        "identityDocuments",
        draft.identity_documents.iter().map(|d| d.is_primary),
        "identity document",
    );
    due_diligence_rules(&mut r, draft);
    associate_rules(&mut r, &draft.associates, today);
    r.issues
}

pub(super) fn names(r: &mut Rules, path: &str, n: &Names) {
    r.add(required_name(
        &format!("{path}.first"),
        "first name",
        &n.first,
    ));
    r.add(required_name(&format!("{path}.last"), "last name", &n.last));
    for (field, value, what) in [
        ("prefix", &n.prefix, "the prefix"),
        ("middle", &n.middle, "the middle name"),
        ("suffix", &n.suffix, "the suffix"),
        ("preferred", &n.preferred, "the preferred name"),
        ("latin.first", &n.latin.first, "the Latin first name"),
        ("latin.middle", &n.latin.middle, "the Latin middle name"),
        ("latin.last", &n.latin.last, "the Latin last name"),
    ] {
        r.max_len(&format!("{path}.{field}"), value, what, MAX_NAME_CHARS);
    }
}

pub(super) fn tax_id_rules(r: &mut Rules, path: &str, t: &TaxId) {
    let kind = format!("{path}.idType");
    let number = format!("{path}.number");
    if !r.one_of(&kind, &t.id_type, "the kind of tax id", TAX_ID_TYPES) {
        return;
    }
    match t.id_type.trim() {
        "Ssn" => r.add(ssn(&number, &t.number)),
        "Ein" => r.add(ein(&number, &t.number)),
        "Itin" => r.add(itin(&number, &t.number)),
        _ => {
            r.required(
                &number,
                &t.number,
                "the tax id number",
                MAX_IDENTIFIER_CHARS,
            );
            r.country(
                &format!("{path}.country"),
                &t.country,
                "the country that issued the tax id",
            );
            return;
        }
    }
    let country = t.country.trim();
    if !country.is_empty() && !country.eq_ignore_ascii_case("US") {
        r.error(
            &format!("{path}.country"),
            "tax_id_country",
            "SSNs, EINs and ITINs are US numbers: set the country to US, or choose Foreign.",
        );
    }
}

pub(super) fn address_rules(r: &mut Rules, path: &str, a: &Address) {
    let field = |name: &str| format!("{path}.{name}");
    if a.address_type.trim().is_empty() {
        r.error(
            &field("addressType"),
            "required",
            "Choose the kind of address (Home, Work, …).",
        );
    } else if !ADDRESS_TYPES.contains(&a.address_type.trim()) {
        r.warning(
            &field("addressType"),
            "unusual_address_type",
            format!(
                "Usual kinds of address are {}; check this one.",
                ADDRESS_TYPES.join(", ")
            ),
        );
    }
    if !a.classification.trim().is_empty() {
        r.one_of(
            &field("classification"),
            &a.classification,
            "Residential or Business",
            ADDRESS_CLASSIFICATIONS,
        );
    }
    r.required(&field("street1"), &a.street1, "the street address", 100);
    r.max_len(
        &field("street2"),
        &a.street2,
        "the second address line",
        100,
    );
    r.max_len(
        &field("street1Latin"),
        &a.street1_latin,
        "the Latin street address",
        100,
    );
    r.max_len(
        &field("street2Latin"),
        &a.street2_latin,
        "the Latin second address line",
        100,
    );
    r.required(&field("city"), &a.city, "the city", 50);
    r.country(&field("country"), &a.country, "the country");
    let us = a.country.trim().eq_ignore_ascii_case("US");
    if us {
        if a.state.trim().is_empty() {
            r.error(
                &field("state"),
                "required",
                "Choose the state (two letters, e.g. NY or DC).",
            );
        } else if !is_us_state(&a.state) {
            r.error(
                &field("state"),
                "us_state",
                "Use the two-letter USPS state code, e.g. NY, DC or PR.",
            );
        }
        if a.postal_code.trim().is_empty() {
            r.error(
                &field("postalCode"),
                "required",
                "Enter the ZIP code (12345 or 12345-6789).",
            );
        } else if !is_zip(&a.postal_code) {
            r.error(
                &field("postalCode"),
                "zip",
                "A ZIP code is 5 digits, or 5+4 as 12345-6789.",
            );
        }
    } else {
        r.max_len(&field("state"), &a.state, "the state or province", 50);
        r.required(&field("postalCode"), &a.postal_code, "the postal code", 20);
    }
}

pub(super) fn phone_rules(r: &mut Rules, path: &str, p: &Phone) {
    let field = |name: &str| format!("{path}.{name}");
    r.one_of(
        &field("phoneType"),
        &p.phone_type,
        "the kind of phone",
        PHONE_TYPES,
    );
    if p.number.trim().is_empty() {
        r.error(
            &field("number"),
            "required",
            "Enter the phone number, e.g. (201) 555-2345.",
        );
    } else if !p.country.trim().is_empty()
        && phonenumber::country::Id::from_str(&p.country.trim().to_uppercase()).is_err()
    {
        r.error(
            &field("country"),
            "country_code",
            "Use the two-letter ISO country code, e.g. US or MX.",
        );
    } else if phone_e164(&p.number, &p.country).is_none() {
        r.error(
            &field("number"),
            "phone_format",
            "This is not a phone number we can dial: enter it with its area code, e.g. (201) 555-2345, or with + and the country code.",
        );
    }
    let extension = p.extension.trim();
    if !extension.is_empty()
        && (extension.len() > 10 || !extension.bytes().all(|b| b.is_ascii_digit()))
    {
        r.error(
            &field("extension"),
            "extension",
            "The extension is up to 10 digits, e.g. 204.",
        );
    }
}

pub(super) fn email_rules(r: &mut Rules, path: &str, e: &Email) {
    let field = |name: &str| format!("{path}.{name}");
    if r.required(&field("address"), &e.address, "the e-mail address", 254) && !is_email(&e.address)
    {
        r.error(
            &field("address"),
            "email_format",
            "This is not an e-mail address: it should look like name@example.com.",
        );
    }
    r.max_len(&field("emailType"), &e.email_type, "the kind of e-mail", 50);
}

pub(super) fn document_rules(r: &mut Rules, path: &str, d: &IdentityDocument, today: NaiveDate) {
    let field = |name: &str| format!("{path}.{name}");
    r.one_of(
        &field("idType"),
        &d.id_type,
        "the kind of document",
        ID_TYPES,
    );
    r.required(
        &field("number"),
        &d.number,
        "the document number",
        MAX_IDENTIFIER_CHARS,
    );
    let issued = r.date(&field("issuedDate"), &d.issued_date);
    let expires = r.date(&field("expiryDate"), &d.expiry_date);
    let verified = r.date(&field("verifiedDate"), &d.verified_date);
    r.not_future(&field("issuedDate"), issued, today, "the issue date");
    r.not_future(
        &field("verifiedDate"),
        verified,
        today,
        "the date the document was verified",
    );
    if let (Some(issued), Some(expires)) = (issued, expires) {
        if issued >= expires {
            r.error(
                &field("expiryDate"),
                "expiry_before_issue",
                "The expiry date must be after the issue date; check both dates on the document.",
            );
        }
    }
    if let Some(expires) = expires {
        let days_left = (expires - today).num_days();
        if days_left < 0 {
            r.error(
                &field("expiryDate"),
                "expired",
                "This document has expired: ask the customer for a current one.",
            );
        } else if days_left <= EXPIRY_WARNING_DAYS {
            r.warning(
                &field("expiryDate"),
                "expires_soon",
                format!(
                    "This document expires in {days_left} day(s): accept it, but remind the customer to renew it."
                ),
            );
        }
    }
    // Required by COS only (see `cos_on`): Fin.com's documents carry no issuer.
    r.max_len(
        &field("issuingAuthority"),
        &d.issuing_authority,
        "who issued the document",
        100,
    );
    r.max_len(
        &field("issuingStateOrProvince"),
        &d.issuing_state_or_province,
        "the issuing state or province",
        50,
    );
    r.country(
        &field("issuingCountry"),
        &d.issuing_country,
        "the country that issued the document",
    );
    let us = d.issuing_country.trim().eq_ignore_ascii_case("US");
    if us && d.id_type.trim() == "DriversLicense" {
        if d.issuing_state_or_province.trim().is_empty() {
            r.error(
                &field("issuingStateOrProvince"),
                "required",
                "Choose the state that issued the driver's license (e.g. NY).",
            );
        } else if !is_us_state(&d.issuing_state_or_province) {
            r.error(
                &field("issuingStateOrProvince"),
                "us_state",
                "Use the two-letter USPS state code, e.g. NY, DC or PR.",
            );
        }
    }
    for (i, scan) in d.scan_ids.iter().enumerate() {
        if scan.trim().is_empty() {
            r.error(
                &field(&format!("scanIds[{i}]")),
                "required",
                "Remove the empty scan or scan the document again.",
            );
        }
    }
}

pub(super) fn due_diligence_rules(r: &mut Rules, draft: &Draft) {
    let d = &draft.due_diligence;
    if !d.employment_status.trim().is_empty() {
        r.one_of(
            "dueDiligence.employmentStatus",
            &d.employment_status,
            "the employment status",
            EMPLOYMENT_STATUSES,
        );
    }
    for (field, value) in [
        ("dueDiligence.annualIncome", &d.annual_income),
        (
            "dueDiligence.expectedMonthlyVolume",
            &d.expected_monthly_volume,
        ),
    ] {
        if value.trim().is_empty() {
            continue;
        }
        match parse_amount(value) {
            Some(amount) if amount >= 0.0 => {}
            _ => r.error(
                field,
                "amount",
                "Enter an amount in US dollars, e.g. 85,000.",
            ),
        }
    }
}

pub(super) fn associate_rules(r: &mut Rules, associates: &[Associate], today: NaiveDate) {
    let mut total = 0.0;
    for (i, a) in associates.iter().enumerate() {
        let path = format!("associates[{i}]");
        names(r, &format!("{path}.name"), &a.name);
        if !a.birth_date.trim().is_empty() {
            r.add(birth_date(
                &format!("{path}.birthDate"),
                &a.birth_date,
                today,
            ));
        }
        r.max_len(&format!("{path}.title"), &a.title, "the title", 100);
        total += r
            .percentage(
                &format!("{path}.ownershipPercentage"),
                &a.ownership_percentage,
                false,
            )
            .unwrap_or(0.0);
        if !a.email.trim().is_empty() && !is_email(&a.email) {
            r.error(
                &format!("{path}.email"),
                "email_format",
                "This is not an e-mail address: it should look like name@example.com.",
            );
        }
        if !a.phone.trim().is_empty() && phone_e164(&a.phone, "").is_none() {
            r.error(
                &format!("{path}.phone"),
                "phone_format",
                "Enter the phone number with + and the country code, e.g. +1 201 555 2345.",
            );
        }
        if !a.tax_id.id_type.trim().is_empty() || !a.tax_id.number.trim().is_empty() {
            tax_id_rules(r, &format!("{path}.taxId"), &a.tax_id);
        }
    }
    if total > 100.0 {
        r.error(
            "associates",
            "ownership_total",
            format!("Ownership adds up to {total}%; it cannot be more than 100%."),
        );
    }
}
