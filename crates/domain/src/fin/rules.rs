//! Fin.com's documented rules for a create, checked here so staff see them on the form,
//! not as a 422 ([`fin_on`]).

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::draft::{Draft, PartyKind};
use crate::latin;
use crate::validate::{self, parse_date, Issue, Severity};

use super::entries::*;
use super::latin_forms::*;
use super::values::*;
use super::wire::*;
use crate::latin::needs_latin;

pub(super) struct Rules {
    pub(super) issues: Vec<Issue>,
}

impl Rules {
    pub(super) fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue::error(field, code, message));
    }

    pub(super) fn warning(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue {
            severity: Severity::Warning,
            ..Issue::error(field, code, message)
        });
    }

    /// Fin.com wants an `_en` form in plain ASCII beside any value that is not ASCII, and
    /// one that still belongs to that value.
    pub(super) fn latin(&mut self, f: &latin::LatinField<'_>) {
        let (field, what) = (f.field.as_str(), f.what);
        let (value, latin) = (f.value.trim(), f.latin.trim());
        if latin::is_stale(value, latin, f.from) {
            self.error(
                field,
                latin::STALE,
                format!(
                    "{} changed since this Latin form was taken for \"{}\": take \"{}\" or keep this one.",
                    latin::capitalised(what),
                    f.from.trim(),
                    latin_suggestion(value)
                ),
            );
        } else if needs_latin(value, latin) {
            self.error(
                field,
                "latin_required",
                format!(
                    "Fin.com needs {what} in plain Latin letters as well, e.g. \"{}\": check it against the customer's document.",
                    latin_suggestion(value)
                ),
            );
        } else if !latin.is_ascii() {
            self.error(
                field,
                "latin_ascii",
                format!(
                    "Write {what} in plain Latin letters without accents, e.g. \"{}\".",
                    latin_suggestion(latin)
                ),
            );
        }
    }

    pub(super) fn alpha3(&mut self, field: &str, value: &str) {
        // Codes the shared rules refuse are reported there; this is for the few ISO
        // codes Fin.com's list lacks.
        let code = value.trim().to_uppercase();
        if isocountry::CountryCode::for_alpha2(&code).is_ok() && alpha3(&code).is_none() {
            self.error(
                field,
                "fin_country",
                "Fin.com has no code for this country; choose the country as on the customer's documents.",
            );
        }
    }

    pub(super) fn positive_id(&mut self, field: &str, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.error(field, "required", format!("Choose {what}."));
        } else if positive_id(value).is_none() {
            self.error(
                field,
                "fin_id",
                format!("Choose {what} from Fin.com's list again: it is not one of its ids."),
            );
        }
    }
}

/// The issues of `draft_on` that Fin.com's mapping overrides: Fin.com knows residence
/// permits, which the shared list of document kinds does not.
pub(super) fn overridden_by_fin(draft: &Draft, issue: &Issue) -> bool {
    draft.identity_documents.iter().enumerate().any(|(i, d)| {
        let kind = fin_document_type(&d.id_type);
        (issue.field == format!("identityDocuments[{i}].idType")
            && issue.code == "not_allowed"
            && kind == Some(IdentifyingDocumentType::ResidencePermit))
            // Only a licence has an issuing state for Fin.com; on other types it is not sent.
            || (issue.field == format!("identityDocuments[{i}].issuingStateOrProvince")
                && kind.is_some_and(|k| k != IdentifyingDocumentType::DriversLicense))
    })
}

/// [`validate::draft_on`] plus everything Fin.com's Create Individual Customer V2 requires:
/// an individual; Latin `_en` forms beside names and streets that are not ASCII; age 18 to
/// 120; an e-mail, an E.164 phone and an address with an ISO 3166-2 subdivision; countries
/// Fin.com has alpha-3 codes for; at least one tax id, each number once; the financial
/// profile (employment status, occupation, purpose, sources of funds, monthly volume) and
/// STANDARD or RELIANCE verification. `today` is passed in.
pub fn fin_on(draft: &Draft, today: NaiveDate) -> Vec<Issue> {
    let mut r = Rules {
        issues: validate::draft_on(draft, today)
            .into_iter()
            .filter(|i| !overridden_by_fin(draft, i))
            .collect(),
    };
    if draft.kind != PartyKind::Person {
        r.error(
            "kind",
            "fin_individual_only",
            "Fin.com onboards individuals here: make this draft a person, or choose another provider for the company.",
        );
    }
    let f = &draft.fin;
    let verification = f.verification_type.trim();
    if verification.is_empty() {
        r.error(
            "fin.verificationType",
            "required",
            "Choose the verification type (STANDARD, or RELIANCE if the bank verified the customer).",
        );
    } else if !VERIFICATION_TYPES.contains(&verification) {
        r.error(
            "fin.verificationType",
            "not_allowed",
            "Choose the verification type from: STANDARD, RELIANCE.",
        );
    }

    for f in latin_fields(draft) {
        r.latin(&f);
    }

    let p = &draft.person;
    if let Some(born) = parse_date(&p.birth_date).filter(|d| *d <= today) {
        let age = age_on(born, today);
        if !(MIN_AGE..=MAX_AGE).contains(&age) {
            r.error(
                "person.birthDate",
                "fin_age",
                format!("Fin.com onboards customers aged {MIN_AGE} to {MAX_AGE}; this date makes them {age}."),
            );
        }
    }
    r.alpha3("person.citizenshipCountry", &p.citizenship_country);
    r.alpha3(
        "person.secondCitizenshipCountry",
        &p.second_citizenship_country,
    );
    let gender = p.gender.trim().to_uppercase();
    if !gender.is_empty() && gender != "MALE" && gender != "FEMALE" {
        r.warning(
            "person.gender",
            "fin_gender_not_sent",
            "Fin.com records only MALE or FEMALE: the gender will be left out of the request.",
        );
    }

    if fin_email_index(draft).is_none() {
        r.error(
            "emails",
            "required",
            "Fin.com needs the customer's e-mail address: add one.",
        );
    }
    match fin_phone_index(draft) {
        None => r.error(
            "phones",
            "required",
            "Fin.com needs the customer's phone number: add one.",
        ),
        Some(i) if !draft.phones[i].extension.trim().is_empty() => r.warning(
            &format!("phones[{i}].extension"),
            "fin_extension_not_sent",
            "Fin.com takes no extension: only the number will be sent.",
        ),
        Some(_) => {}
    }

    match fin_address_index(draft) {
        None => r.error(
            "addresses",
            "required",
            "Fin.com needs the customer's residential address: add it.",
        ),
        Some(i) => {
            let a = &draft.addresses[i];
            let path = |name: &str| format!("addresses[{i}].{name}");
            r.alpha3(&path("country"), &a.country);
            if a.state.trim().is_empty() {
                r.error(
                    &path("state"),
                    "required",
                    "Fin.com needs the state or region as its ISO 3166-2 code, e.g. CA-ON or just ON.",
                );
            } else if subdivision_code(a).is_none() {
                r.error(
                    &path("state"),
                    "fin_subdivision",
                    "Enter the state or region as its ISO 3166-2 code, e.g. CA-ON (or just ON for Ontario).",
                );
            }
        }
    }

    let mut seen = HashSet::new();
    for (i, t) in draft.tax_ids.iter().enumerate() {
        r.alpha3(&format!("taxIds[{i}].country"), &tax_country(t));
        let id = tax_document_id(t);
        if !id.is_empty() && !seen.insert(id) {
            r.error(
                &format!("taxIds[{i}].number"),
                "fin_duplicate_tax_id",
                "This tax id is already in the list: remove the repeat.",
            );
        }
    }

    let dd = &draft.due_diligence;
    if dd.employment_status.trim().is_empty() {
        r.error(
            "dueDiligence.employmentStatus",
            "required",
            "Choose the employment status.",
        );
    }
    if dd.expected_monthly_volume.trim().is_empty() {
        r.error(
            "dueDiligence.expectedMonthlyVolume",
            "required",
            "Enter the US dollars a month the customer expects to move, e.g. 5,000.",
        );
    }
    r.positive_id("fin.occupationId", &f.occupation_id, "the occupation");
    r.positive_id("fin.purposeId", &f.purpose_id, "the purpose of the account");
    if f.source_of_fund_ids.is_empty() {
        r.error(
            "fin.sourceOfFundIds",
            "required",
            "Choose at least one source of funds.",
        );
    }
    for (i, id) in f.source_of_fund_ids.iter().enumerate() {
        r.positive_id(
            &format!("fin.sourceOfFundIds[{i}]"),
            id,
            "the source of funds",
        );
    }
    r.issues
}
