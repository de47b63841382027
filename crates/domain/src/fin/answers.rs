//! Fin.com's answers mapped back onto the draft's fields and scan slots: a 422's field
//! paths, and a decision's rejection reasons and requests for information.

use std::collections::BTreeMap;

use crate::draft::Draft;
use crate::validate::Issue;

use super::entries::*;
use super::values::*;
use super::wire::*;

/// Which request a Fin.com error answered, so its field can be found in the draft.
#[derive(Debug, Clone, Copy)]
pub enum FinStep<'a> {
    Create,
    /// The attach as it was sent, and the slot → URI map it was built from.
    Attach {
        body: &'a FinAttach,
        uploaded: &'a BTreeMap<String, String>,
    },
}

/// The slot a file URI was uploaded for.
pub(super) fn slot_of_uri(uploaded: &BTreeMap<String, String>, uri: &str) -> Option<String> {
    let uri = uri.trim();
    uploaded
        .iter()
        .find(|(_, u)| u.trim() == uri && !uri.is_empty())
        .map(|(slot, _)| slot.clone())
}

/// The draft field (or `scans.SLOT`) a Fin.com 422 error names, e.g.
/// `basic_info.tax_info.0.document_id` → `taxIds[0].number`,
/// `identifying_documents.1.files.0.uri` → `scans.FRONT`. `message` is read only when the
/// path alone does not say (a `files` error naming the URI). `None` when neither says: the
/// error is then shown whole.
pub fn draft_field_of_fin_error(
    path: &str,
    message: &str,
    step: FinStep<'_>,
    draft: &Draft,
) -> Option<String> {
    // Both `a.0.b` and `a[0].b` spellings reach here.
    let normal = path.trim().replace('[', ".").replace(']', "");
    let parts: Vec<&str> = normal.split('.').filter(|p| !p.is_empty()).collect();
    match step {
        FinStep::Create => create_field(&parts, draft),
        FinStep::Attach { body, uploaded } => attach_field(&parts, message, body, uploaded, draft),
    }
}

pub(super) fn create_field(parts: &[&str], draft: &Draft) -> Option<String> {
    let address = || fin_address_index(draft).map(|i| format!("addresses[{i}]"));
    let field = match parts {
        ["verification_type", ..] => "fin.verificationType".to_owned(),
        ["basic_info", "first_name"] => "name.first".to_owned(),
        ["basic_info", "first_name_en"] => "name.latin.first".to_owned(),
        ["basic_info", "middle_name"] => "name.middle".to_owned(),
        ["basic_info", "middle_name_en"] => "name.latin.middle".to_owned(),
        ["basic_info", "last_name"] => "name.last".to_owned(),
        ["basic_info", "last_name_en"] => "name.latin.last".to_owned(),
        ["basic_info", "dob"] => "person.birthDate".to_owned(),
        ["basic_info", "email"] => format!("emails[{}].address", fin_email_index(draft)?),
        ["basic_info", "phone"] => format!("phones[{}].number", fin_phone_index(draft)?),
        ["basic_info", "country_of_residence"] => format!("{}.country", address()?),
        ["basic_info", "primary_nationality"] => "person.citizenshipCountry".to_owned(),
        ["basic_info", "secondary_nationality"] => "person.secondCitizenshipCountry".to_owned(),
        ["basic_info", "gender"] => "person.gender".to_owned(),
        ["basic_info", "tax_info"] => "taxIds".to_owned(),
        ["basic_info", "tax_info", i, rest @ ..] => {
            // tax_info is sent in the draft's order, one entry per tax id.
            let i: usize = i.parse().ok()?;
            match rest {
                ["country_code"] => format!("taxIds[{i}].country"),
                ["document_type"] => format!("taxIds[{i}].idType"),
                _ => format!("taxIds[{i}].number"),
            }
        }
        ["address", name] => {
            let field = match *name {
                "street_line_1" => "street1",
                "street_line_1_en" => "street1Latin",
                "street_line_2" => "street2",
                "street_line_2_en" => "street2Latin",
                "city" => "city",
                "subdivision_code" => "state",
                "postal_code" => "postalCode",
                "country" => "country",
                _ => return None,
            };
            format!("{}.{field}", address()?)
        }
        ["financial_profile", name, rest @ ..] => match (*name, rest) {
            ("employment_status", _) => "dueDiligence.employmentStatus".to_owned(),
            ("occupation_id", _) => "fin.occupationId".to_owned(),
            ("purpose_id", _) => "fin.purposeId".to_owned(),
            ("purpose_remarks", _) => "fin.remarks".to_owned(),
            ("source_of_fund_ids", [i, ..]) => {
                format!("fin.sourceOfFundIds[{}]", i.parse::<usize>().ok()?)
            }
            ("source_of_fund_ids", _) => "fin.sourceOfFundIds".to_owned(),
            ("source_of_funds_description", _) => "dueDiligence.sourceOfFunds".to_owned(),
            ("monthly_volume_usd", _) => "dueDiligence.expectedMonthlyVolume".to_owned(),
            _ => return None,
        },
        _ => return None,
    };
    Some(field)
}

pub(super) fn attach_field(
    parts: &[&str],
    message: &str,
    body: &FinAttach,
    uploaded: &BTreeMap<String, String>,
    draft: &Draft,
) -> Option<String> {
    let identity = || fin_identity_document_index(draft).map(|i| format!("identityDocuments[{i}]"));
    match parts {
        ["identifying_documents"] => Some("identityDocuments".to_owned()),
        ["identifying_documents", n, rest @ ..] => {
            let doc = body.identifying_documents.get(n.parse::<usize>().ok()?)?;
            let selfie = doc.document_type == IdentifyingDocumentType::Selfie;
            match rest {
                ["files", m, ..] => {
                    let file = doc.files.get(m.parse::<usize>().ok()?)?;
                    slot_of_uri(uploaded, &file.uri).map(|s| scan_field(&s))
                }
                _ if selfie => Some(scan_field(SELFIE)),
                // Which side is missing is not said: the front is where staff start.
                ["files"] => Some(scan_field(FRONT)),
                [name] => {
                    let field = match *name {
                        "type" => "idType",
                        "number" => "number",
                        "country" => "issuingCountry",
                        "state" => "issuingStateOrProvince",
                        "issue_date" => "issuedDate",
                        "expiry_date" => "expiryDate",
                        _ => return identity(),
                    };
                    Some(format!("{}.{field}", identity()?))
                }
                _ => identity(),
            }
        }
        ["address_documents", _, "type"] => Some("fin.addressDocumentType".to_owned()),
        ["address_documents", _, "country"] => {
            fin_address_index(draft).map(|i| format!("addresses[{i}].country"))
        }
        ["address_documents", ..] => Some(scan_field(PROOF_OF_ADDRESS)),
        // "<uri> was not uploaded": the URI names the slot.
        ["files", ..] => uploaded
            .iter()
            .find(|(_, uri)| !uri.trim().is_empty() && message.contains(uri.trim()))
            .map(|(slot, _)| scan_field(slot)),
        _ => None,
    }
}

/// Fin.com's 422 errors as issues on the draft: each on its field where one is found,
/// else with an empty `field`, to be shown whole above the form.
pub fn issues_of_fin_errors(
    error: &FinValidationError,
    step: FinStep<'_>,
    draft: &Draft,
) -> Vec<Issue> {
    let mut issues: Vec<Issue> = error
        .errors
        .iter()
        .flatten()
        .map(|(path, message)| {
            let field = draft_field_of_fin_error(path, message, step, draft).unwrap_or_default();
            Issue::error(
                &field,
                "fin_422",
                format!("Fin.com: {path} {}", sentence(message)),
            )
        })
        .collect();
    if issues.is_empty() && !error.message.trim().is_empty() {
        issues.push(Issue::error(
            "",
            "fin_422",
            format!("Fin.com: {}", sentence(&error.message)),
        ));
    }
    issues
}

pub(super) fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with('.') {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// The identity slots a section of a request for information or a rejected document of
/// this type points at.
pub(super) fn identity_slots(document_type: &str) -> Vec<String> {
    let slots = slots_for(document_type);
    let slots = if slots.is_empty() {
        &[FRONT][..]
    } else {
        slots
    };
    slots.iter().map(|s| scan_field(s)).collect()
}

/// What Fin.com said when it sent the customer back (ACTION_REQUIRED) or refused them
/// (REJECTED), as issues: a rejected document on the scan slot its URI was uploaded for
/// (`uploaded`: slot → URI, as attached), a request for information on the scan or
/// document field it asks for again, the applicant-level reasons on the whole form.
pub fn rejection_issues(
    rejection: Option<&FinRejectionReason>,
    requests: &[FinRequestForInformation],
    uploaded: &BTreeMap<String, String>,
    draft: &Draft,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let identity = fin_identity_document_index(draft);
    let id_type = identity
        .and_then(|i| draft.identity_documents.get(i))
        .map(|d| d.id_type.clone())
        .unwrap_or_default();
    if let Some(reason) = rejection {
        if let Some(applicant) = &reason.applicant {
            if !applicant.reject_labels.is_empty()
                || !applicant.moderation_comment.trim().is_empty()
            {
                issues.push(Issue::error(
                    "",
                    "fin_rejected_applicant",
                    format!(
                        "Fin.com: {}",
                        sentence(&describe(
                            &applicant.moderation_comment,
                            &applicant.reject_labels
                        ))
                    ),
                ));
            }
        }
        for doc in &reason.documents {
            let fields = match slot_of_uri(uploaded, &doc.uri) {
                Some(slot) => vec![scan_field(&slot)],
                None => match doc.category.as_str() {
                    "PROOF_OF_ADDRESS" => vec![scan_field(PROOF_OF_ADDRESS)],
                    "SELFIE" => vec![scan_field(SELFIE)],
                    "PROOF_OF_IDENTITY" => identity_slots(&id_type),
                    _ => vec![String::new()],
                },
            };
            for field in fields {
                issues.push(Issue::error(
                    &field,
                    "fin_rejected_document",
                    format!(
                        "Fin.com: {}",
                        sentence(&describe(&doc.moderation_comment, &doc.reject_labels))
                    ),
                ));
            }
        }
    }
    for rfi in requests {
        let address = matches!(
            rfi.section.as_str(),
            "proof_of_address" | "address_documents"
        );
        for category in &rfi.categories {
            let selfie = category.document_type == SELFIE;
            for f in &category.fields {
                let fields: Vec<String> = match (address, selfie, f.field_name.as_str()) {
                    (true, _, "type") => vec!["fin.addressDocumentType".to_owned()],
                    (true, _, _) => vec![scan_field(PROOF_OF_ADDRESS)],
                    (false, true, _) => vec![scan_field(SELFIE)],
                    (false, false, "files") => identity_slots(&category.document_type),
                    (false, false, name) => {
                        let field = match name {
                            "type" => "idType",
                            "number" => "number",
                            "country" => "issuingCountry",
                            "state" => "issuingStateOrProvince",
                            "issue_date" => "issuedDate",
                            "expiry_date" => "expiryDate",
                            _ => "",
                        };
                        match identity {
                            Some(i) if !field.is_empty() => {
                                vec![format!("identityDocuments[{i}].{field}")]
                            }
                            _ => vec![String::new()],
                        }
                    }
                };
                let message = match &f.reason {
                    Some(reason) if !reason.trim().is_empty() => sentence(reason),
                    _ => format!(
                        "{} is {}: provide it again.",
                        f.field_name,
                        f.status.to_lowercase()
                    ),
                };
                for field in fields {
                    issues.push(Issue::error(
                        &field,
                        "fin_information_requested",
                        format!("Fin.com: {message}"),
                    ));
                }
            }
        }
    }
    issues
}

pub(super) fn describe(comment: &str, labels: &[String]) -> String {
    let comment = comment.split_whitespace().collect::<Vec<_>>().join(" ");
    match (comment.is_empty(), labels.is_empty()) {
        (false, true) => comment,
        (true, false) => format!("refused ({})", labels.join(", ")),
        (false, false) => format!("{} ({})", comment.trim_end_matches('.'), labels.join(", ")),
        (true, true) => "refused".to_owned(),
    }
}
