//! The Create Individual Customer V2 body for a draft ([`create_individual`]).

use chrono::NaiveDate;

use crate::draft::Draft;
use crate::validate::{self, parse_amount, phone_e164, Issue};
use crate::{Error, Result};

use super::entries::*;
use super::rules::*;
use super::values::*;
use super::wire::*;

pub(super) fn some(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A value the rules passed but the mapping cannot read: a rule is missing. Reported on
/// the field rather than sent.
pub(super) fn unmapped(field: &str, what: &str) -> Error {
    Error::Invalid(vec![Issue::error(
        field,
        "unmapped",
        format!("Check {what}: it could not be prepared for Fin.com."),
    )])
}

pub(super) fn required_alpha3(field: &str, alpha2: &str) -> Result<String> {
    alpha3(alpha2)
        .map(str::to_owned)
        .ok_or_else(|| unmapped(field, "the country"))
}

/// The Create Individual Customer V2 body for a draft. Refuses a draft with any error
/// under [`fin_on`]; warnings pass. Values go normalised: the e-mail lower-case, the
/// phone in E.164, countries in alpha-3.
pub fn create_individual(draft: &Draft, today: NaiveDate) -> Result<FinCreateIndividual> {
    let issues = fin_on(draft, today);
    if validate::has_errors(&issues) {
        return Err(Error::Invalid(issues));
    }
    let d = validate::normalised(draft);
    let ai = fin_address_index(&d).ok_or_else(|| unmapped("addresses", "the address"))?;
    let pi = fin_phone_index(&d).ok_or_else(|| unmapped("phones", "the phone"))?;
    let ei = fin_email_index(&d).ok_or_else(|| unmapped("emails", "the e-mail"))?;
    let a = &d.addresses[ai];
    // The normalised draft holds North American numbers as 10 digits: read them again.
    let phone = phone_e164(&draft.phones[pi].number, &draft.phones[pi].country)
        .ok_or_else(|| unmapped(&format!("phones[{pi}].number"), "the phone number"))?;
    let country_of_residence = required_alpha3(&format!("addresses[{ai}].country"), &a.country)?;
    let tax_info = d
        .tax_ids
        .iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(FinTaxInfo {
                country_code: required_alpha3(&format!("taxIds[{i}].country"), &tax_country(t))?,
                document_type: tax_document_type(&t.id_type).to_owned(),
                document_id: tax_document_id(&draft.tax_ids[i]),
            })
        })
        .collect::<Result<_>>()?;
    let gender = match d.person.gender.trim().to_uppercase().as_str() {
        "MALE" => Some(Gender::Male),
        "FEMALE" => Some(Gender::Female),
        _ => None,
    };
    let n = &d.name;
    let basic_info = FinBasicInfo {
        first_name: n.first.clone(),
        first_name_en: some(&n.latin.first),
        middle_name: some(&n.middle),
        middle_name_en: some(&n.middle).and(some(&n.latin.middle)),
        last_name: n.last.clone(),
        last_name_en: some(&n.latin.last),
        dob: d.person.birth_date.clone(),
        email: d.emails[ei].address.to_lowercase(),
        phone,
        country_of_residence: country_of_residence.clone(),
        primary_nationality: required_alpha3(
            "person.citizenshipCountry",
            &d.person.citizenship_country,
        )?,
        secondary_nationality: match some(&d.person.second_citizenship_country) {
            Some(c) => Some(required_alpha3("person.secondCitizenshipCountry", &c)?),
            None => None,
        },
        gender,
        tax_info,
    };
    let address = FinAddress {
        street_line_1: a.street1.clone(),
        street_line_1_en: some(&a.street1_latin),
        street_line_2: some(&a.street2),
        street_line_2_en: some(&a.street2).and(some(&a.street2_latin)),
        city: a.city.clone(),
        subdivision_code: subdivision_code(a)
            .ok_or_else(|| unmapped(&format!("addresses[{ai}].state"), "the state"))?,
        postal_code: a.postal_code.clone(),
        country: country_of_residence,
    };
    let dd = &d.due_diligence;
    let employment_status = match dd.employment_status.trim() {
        "EMPLOYED" => EmploymentStatus::Employed,
        "SELF_EMPLOYED" => EmploymentStatus::SelfEmployed,
        "RETIRED" => EmploymentStatus::Retired,
        "STUDENT" => EmploymentStatus::Student,
        "UNEMPLOYED" => EmploymentStatus::Unemployed,
        _ => {
            return Err(unmapped(
                "dueDiligence.employmentStatus",
                "the employment status",
            ))
        }
    };
    let volume = parse_amount(&dd.expected_monthly_volume)
        .filter(|v| *v >= 0.0)
        .ok_or_else(|| unmapped("dueDiligence.expectedMonthlyVolume", "the monthly volume"))?;
    let f = &d.fin;
    let financial_profile = FinFinancialProfile {
        employment_status,
        occupation_id: positive_id(&f.occupation_id)
            .ok_or_else(|| unmapped("fin.occupationId", "the occupation"))?,
        purpose_id: positive_id(&f.purpose_id)
            .ok_or_else(|| unmapped("fin.purposeId", "the purpose"))?,
        purpose_remarks: some(&f.remarks),
        source_of_fund_ids: f
            .source_of_fund_ids
            .iter()
            .map(|id| {
                positive_id(id)
                    .ok_or_else(|| unmapped("fin.sourceOfFundIds", "the sources of funds"))
            })
            .collect::<Result<_>>()?,
        source_of_funds_description: some(
            &dd.source_of_funds
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        // Fin.com takes whole dollars; the volume is an estimate, so cents are rounded.
        monthly_volume_usd: volume.round() as u64,
    };
    let verification_type = match f.verification_type.trim() {
        "STANDARD" => VerificationType::Standard,
        "RELIANCE" => VerificationType::Reliance,
        _ => return Err(unmapped("fin.verificationType", "the verification type")),
    };
    Ok(FinCreateIndividual {
        verification_type,
        basic_info,
        address,
        financial_profile,
        meta_data: None,
    })
}
