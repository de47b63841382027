//! What Cross River COS requires beyond the shared rules.

use chrono::NaiveDate;

use crate::draft::{Draft, PartyKind};

use super::rows::*;
use super::rules::*;
use super::values::*;
use crate::issue::*;

/// [`draft_on`] plus what Cross River COS requires: a risk rating, a US phone, an EIN,
/// owner and beneficial owners for a Business, the 50-character `clientIdentifier`.
pub fn cos_on(draft: &Draft, today: NaiveDate) -> Vec<Issue> {
    let mut r = Rules {
        issues: draft_on(draft, today),
    };
    let c = &draft.cos;
    r.one_of(
        "cos.riskRating",
        &c.risk_rating,
        "the risk rating",
        RISK_RATINGS,
    );
    r.max_len(
        "cos.clientIdentifier",
        &c.client_identifier,
        "the client identifier",
        MAX_IDENTIFIER_CHARS,
    );
    if c.enable_backup_withholding {
        if c.backup_withholding_percent.trim().is_empty() {
            r.error(
                "cos.backupWithholdingPercent",
                "required",
                "Enter the backup withholding percentage (24 is the IRS rate).",
            );
        } else {
            r.percentage(
                "cos.backupWithholdingPercent",
                &c.backup_withholding_percent,
                true,
            );
        }
    }
    for (i, document) in draft.identity_documents.iter().enumerate() {
        if document.issuing_authority.trim().is_empty() {
            r.error(
                &format!("identityDocuments[{i}].issuingAuthority"),
                "required",
                "Enter who issued the document (e.g. New York DMV).",
            );
        }
    }
    for (i, phone) in draft.phones.iter().enumerate() {
        let valid_elsewhere = phone_e164(&phone.number, &phone.country).is_some();
        if valid_elsewhere && us_phone_digits(&phone.number).is_none() {
            r.error(
                &format!("phones[{i}].number"),
                "cos_phone_us",
                "COS takes only US and Canadian numbers (10 digits): enter one, or leave this phone out.",
            );
        }
    }
    match draft.kind {
        PartyKind::Person => {
            if !c.primary_owner_customer_id.trim().is_empty() || !c.beneficial_owners.is_empty() {
                r.error(
                    "cos.beneficialOwners",
                    "not_business",
                    "Owners belong to Business customers; remove them or make this a company.",
                );
            }
        }
        PartyKind::Company => {
            let co = &draft.company;
            r.required(
                "company.entityType",
                &co.entity_type,
                "the entity type (e.g. LLC)",
                100,
            );
            r.required(
                "company.ownershipType",
                &co.ownership_type,
                "the ownership type (e.g. Private)",
                100,
            );
            if !draft.tax_ids.is_empty() && !draft.tax_ids.iter().any(|t| t.id_type.trim() == "Ein")
            {
                r.error(
                    "taxIds",
                    "ein_required",
                    "A Business customer needs its EIN: add one.",
                );
            }
            let owner = c.primary_owner_customer_id.trim();
            if owner.is_empty() {
                r.error(
                    "cos.primaryOwnerCustomerId",
                    "required",
                    "A Business needs its primary owner: onboard the owner as a Personal customer first, then choose them here.",
                );
            } else if !is_guid(owner) {
                r.error(
                    "cos.primaryOwnerCustomerId",
                    "guid",
                    "This is not a COS customer id (it looks like 9052b6a5-3f09-41d1-b526-ade80104eb79); choose the owner again.",
                );
            }
            let mut total = 0.0;
            for (i, o) in c.beneficial_owners.iter().enumerate() {
                let path = format!("cos.beneficialOwners[{i}]");
                let id = o.owner_customer_id.trim();
                if id.is_empty() {
                    r.error(
                        &format!("{path}.ownerCustomerId"),
                        "required",
                        "Choose the owner: onboard them as a Personal customer first.",
                    );
                } else if !is_guid(id) {
                    r.error(
                        &format!("{path}.ownerCustomerId"),
                        "guid",
                        "This is not a COS customer id; choose the owner again.",
                    );
                }
                r.required(
                    &format!("{path}.title"),
                    &o.title,
                    "the owner's title (e.g. CEO)",
                    100,
                );
                let field = format!("{path}.ownershipPercentage");
                if let Some(share) = r.percentage(&field, &o.ownership_percentage, true) {
                    if share == 0.0 {
                        r.error(
                            &field,
                            "percent_range",
                            "A beneficial owner owns more than 0%; enter their share.",
                        );
                    }
                    total += share;
                }
            }
            r.issues
                .extend(crate::owners::repeated_owners(&c.beneficial_owners));
            if total > 100.0 {
                r.error(
                    "cos.beneficialOwners",
                    "ownership_total",
                    format!(
                        "The owners' shares add up to {total}%; they cannot be more than 100%."
                    ),
                );
            }
        }
    }
    r.issues
}
