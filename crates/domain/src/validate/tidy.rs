//! A draft's values in the form providers take them.

use crate::draft::{Address, Draft, Names, TaxId};

use super::values::*;

/// The draft with every value in the form providers take it: trimmed; dates as
/// YYYY-MM-DD; countries and US states upper-case; SSN/EIN/ITIN as 9 digits; North American phones as 10 digits and
/// others in E.164; ZIP codes without spaces. Values that do not parse are left trimmed,
/// as typed, for the rules to report.
pub fn normalised(draft: &Draft) -> Draft {
    let mut d = draft.clone();
    trim_names(&mut d.name);
    d.person.birth_date = iso_date(&d.person.birth_date);
    d.person.citizenship_country = upper(&d.person.citizenship_country);
    d.person.second_citizenship_country = upper(&d.person.second_citizenship_country);
    d.person.birth_country = upper(&d.person.birth_country);
    d.company.registration_number = tidy(&d.company.registration_number);
    d.company.legal_name = tidy(&d.company.legal_name);
    d.company.date_formed = iso_date(&d.company.date_formed);
    d.company.entity_type = tidy(&d.company.entity_type);
    d.company.ownership_type = tidy(&d.company.ownership_type);
    d.company.tax_residence_country = upper(&d.company.tax_residence_country);
    for t in &mut d.tax_ids {
        normalise_tax_id(t);
    }
    for a in &mut d.addresses {
        normalise_address(a);
    }
    for p in &mut d.phones {
        p.phone_type = tidy(&p.phone_type);
        p.country = upper(&p.country);
        p.extension = tidy(&p.extension);
        p.number = normalised_phone(&p.number, &p.country);
    }
    for e in &mut d.emails {
        e.address = tidy(&e.address);
        e.email_type = tidy(&e.email_type);
    }
    for doc in &mut d.identity_documents {
        doc.id_type = tidy(&doc.id_type);
        doc.number = tidy(&doc.number);
        doc.issued_date = iso_date(&doc.issued_date);
        doc.expiry_date = iso_date(&doc.expiry_date);
        doc.verified_date = iso_date(&doc.verified_date);
        doc.issuing_authority = tidy(&doc.issuing_authority);
        doc.issuing_country = upper(&doc.issuing_country);
        doc.issuing_state_or_province = if doc.issuing_country == "US" {
            upper(&doc.issuing_state_or_province)
        } else {
            tidy(&doc.issuing_state_or_province)
        };
        doc.scan_ids = doc.scan_ids.iter().map(|s| tidy(s)).collect();
    }
    for a in &mut d.associates {
        trim_names(&mut a.name);
        a.birth_date = iso_date(&a.birth_date);
        a.title = tidy(&a.title);
        a.ownership_percentage = tidy(&a.ownership_percentage);
        a.email = tidy(&a.email);
        normalise_address(&mut a.address);
        // Read in the person's own country when typed without a code, as the rules do.
        a.phone = phone_e164(&a.phone, &a.address.country).unwrap_or_else(|| tidy(&a.phone));
        normalise_tax_id(&mut a.tax_id);
        a.birth_country = upper(&a.birth_country);
        a.risk_score = upper(&a.risk_score);
        a.document.id_type = tidy(&a.document.id_type);
        a.document.number = tidy(&a.document.number);
        a.document.issuing_country = upper(&a.document.issuing_country);
    }
    let b = &mut d.bvnk;
    b.risk_score = upper(&b.risk_score);
    b.industry_reference = tidy(&b.industry_reference).to_lowercase();
    b.monthly_expected_volumes_reference =
        tidy(&b.monthly_expected_volumes_reference).to_lowercase();
    let c = &mut d.cos;
    c.risk_rating = tidy(&c.risk_rating);
    c.client_identifier = tidy(&c.client_identifier);
    c.backup_withholding_percent = tidy(&c.backup_withholding_percent);
    c.primary_owner_customer_id = tidy(&c.primary_owner_customer_id).to_lowercase();
    for o in &mut c.beneficial_owners {
        o.owner_customer_id = tidy(&o.owner_customer_id).to_lowercase();
        o.title = tidy(&o.title);
        o.ownership_percentage = parse_percentage(&o.ownership_percentage)
            .map(|p| p.to_string())
            .unwrap_or_else(|| tidy(&o.ownership_percentage));
    }
    d
}

pub(super) fn upper(value: &str) -> String {
    value.trim().to_uppercase()
}

pub(super) fn trim_names(n: &mut Names) {
    for value in [
        &mut n.prefix,
        &mut n.first,
        &mut n.middle,
        &mut n.last,
        &mut n.suffix,
        &mut n.preferred,
        &mut n.latin.first,
        &mut n.latin.middle,
        &mut n.latin.last,
    ] {
        *value = tidy(value);
    }
}

pub(super) fn normalise_tax_id(t: &mut TaxId) {
    t.id_type = tidy(&t.id_type);
    t.country = upper(&t.country);
    t.number = match t.id_type.as_str() {
        "Ssn" | "Ein" | "Itin" if digits_only(&t.number).len() == 9 => digits_only(&t.number),
        _ => tidy(&t.number),
    };
}

pub(super) fn normalise_address(a: &mut Address) {
    for value in [
        &mut a.address_type,
        &mut a.classification,
        &mut a.street1,
        &mut a.street2,
        &mut a.street1_latin,
        &mut a.street2_latin,
        &mut a.city,
        &mut a.postal_code,
    ] {
        *value = tidy(value);
    }
    a.country = upper(&a.country);
    a.state = if a.country == "US" {
        upper(&a.state)
    } else {
        tidy(&a.state)
    };
    if a.country == "US" {
        a.postal_code = a.postal_code.replace(' ', "");
    }
}

/// North American numbers as 10 digits (what COS takes), any other in E.164.
pub(super) fn normalised_phone(typed: &str, region: &str) -> String {
    let Some(e164) = phone_e164(typed, region) else {
        return tidy(typed);
    };
    match e164.strip_prefix("+1") {
        Some(national) if national.len() == 10 => national.to_owned(),
        _ => e164,
    }
}
