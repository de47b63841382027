//! The Activity list in the bank's words: each audit entry said as a sentence ("Sent the
//! phone number to Cross River", "Terms of service confirmed by Dana") as a message key
//! and its parameters, which the interface puts in the staff's language. Step names and
//! API paths stay in the entry for those who need them, never in the sentence.

use std::collections::BTreeMap;

use branchdesk_vault::{Actor, AuditOutcome, AuditRecord, Provider};
use serde::Serialize;
use ts_rs::TS;

use crate::flows::cos::compliance::CHECKS_RECEIVED;
use crate::steps::StepKind;

/// A sentence as a message key and its parameters. `params` are put in as they are
/// (names of people and providers); each of `keyed` is itself a message key, put in
/// translated ("the phone number").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Words {
    pub key: String,
    pub params: BTreeMap<String, String>,
    pub keyed: BTreeMap<String, String>,
}

impl Words {
    fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            ..Self::default()
        }
    }

    fn param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    fn keyed(mut self, name: &str, key: &str) -> Self {
        self.keyed.insert(name.to_owned(), key.to_owned());
        self
    }
}

/// The provider as the bank calls it.
fn provider_name(provider: Option<Provider>) -> &'static str {
    match provider {
        Some(Provider::Cos) => "Cross River",
        Some(Provider::Fin) => "Fin.com",
        Some(Provider::Bvnk) => "BVNK",
        None => "the provider",
    }
}

/// The member of staff who acted, or `None` when Branchdesk acted on its own.
pub fn staff_of(actor: &Actor) -> Option<String> {
    match actor {
        Actor::Staff(name) => Some(name.clone()),
        Actor::System => None,
    }
}

/// What a provider step sends, as the message key of its words.
fn thing_of(action: &str) -> Option<&'static str> {
    Some(match action {
        "Core.Customer.Onboarded" | "fin.customer_created" | "bvnk.customer_created" => {
            "activity.thing.customer"
        }
        "Core.Customer.Address.Added" => "activity.thing.address",
        "Core.Customer.Phone.Added" => "activity.thing.phone",
        "Core.Customer.Email.Added" => "activity.thing.email",
        "Core.Customer.Identification.Added" => "activity.thing.identification",
        "Core.Customer.BeneficialOwner.Added" => "activity.thing.owner",
        "fin.document_uploaded" | "bvnk.document_sent" => "activity.thing.document",
        "bvnk.agreement_prepared" => "activity.thing.agreementRequest",
        "bvnk.agreement_signed" => "activity.thing.agreementSignature",
        "bvnk.details_updated" => "activity.thing.details",
        "bvnk.associates_updated" => "activity.thing.associates",
        "bvnk.decision_sent" => "activity.thing.decision",
        "fin.documents_attached" => "activity.thing.documents",
        "fin.terms_accepted" => "activity.thing.terms",
        _ => return None,
    })
}

/// The sentence for one audit entry.
pub fn words_of(record: &AuditRecord) -> Words {
    let provider = provider_name(record.provider);
    let who = staff_of(&record.actor);
    let with_who = |words: Words| match &who {
        Some(name) => words.param("who", name.clone()),
        None => words.keyed("who", "activity.who.system"),
    };
    let action = record.action.as_str();
    let created = action == StepKind::CosCreateCustomer.event()
        || action == "fin.customer_created"
        || action == StepKind::BvnkCreateCustomer.event();
    if let Some(thing) = thing_of(action) {
        let key = match (record.outcome, created) {
            (AuditOutcome::Success, true) => "activity.created",
            (AuditOutcome::Success, false) if action == "fin.terms_accepted" => {
                "activity.termsAccepted"
            }
            (AuditOutcome::Success, false) => "activity.sent",
            (AuditOutcome::Failure, _) => "activity.refused",
            (AuditOutcome::Unknown, _) => "activity.unanswered",
        };
        return Words::new(key)
            .param("provider", provider)
            .keyed("thing", thing);
    }
    let words = match action {
        "submit" => Words::new("activity.submitted").param("provider", provider),
        "fin.terms_confirmed" => Words::new("activity.termsConfirmed"),
        "bvnk.agreement_confirmed" => Words::new("activity.agreementConfirmed"),
        "fin.status" | "bvnk.status" => Words::new("activity.finStatus").keyed(
            "status",
            match record
                .provider_ids
                .get("customerStatus")
                .and_then(|s| s.as_str())
            {
                Some("APPROVED" | "VERIFIED") => "activity.status.approved",
                Some("REJECTED") => "activity.status.rejected",
                Some("ACTION_REQUIRED") => "activity.status.actionRequired",
                _ => "activity.status.other",
            },
        ),
        "cos.customer_checked" | "fin.customer_checked" | "bvnk.customer_checked" => {
            let created = record.provider_ids.get("created").and_then(|c| c.as_bool());
            Words::new(if created == Some(true) {
                "activity.customerFound"
            } else {
                "activity.customerNotCreated"
            })
        }
        CHECKS_RECEIVED => Words::new("activity.checksReceived"),
        "scan.warnings_accepted" => Words::new("activity.scanKept"),
        "submit.for_check" => Words::new("activity.submittedForCheck"),
        "check.voided" => Words::new("activity.checkVoided"),
        "review.claimed" => Words::new("activity.caseClaimed"),
        "review.released" => Words::new("activity.caseReleased"),
        "review.note" => Words::new("activity.caseNote"),
        "review.revealed" => Words::new("activity.fieldRevealed").param(
            "field",
            record
                .provider_ids
                .get("field")
                .and_then(|f| f.as_str())
                .unwrap_or_default(),
        ),
        "review.approve" => Words::new("activity.caseApproved"),
        "review.reject" => Words::new("activity.caseRejected"),
        "review.send_back" => Words::new("activity.caseSentBack"),
        "staff.added" | "staff.changed" => Words::new(if action == "staff.added" {
            "activity.personAdded"
        } else {
            "activity.personChanged"
        })
        .param(
            "person",
            record
                .provider_ids
                .get("person")
                .and_then(|f| f.as_str())
                .unwrap_or_default(),
        ),
        "staff.signed_in" => Words::new("activity.signedIn"),
        "staff.wrong_pin" => Words::new("activity.wrongPin"),
        "settings.maker_checker" => Words::new(
            if record.provider_ids.get("on").and_then(|v| v.as_bool()) == Some(true) {
                "activity.makerCheckerOn"
            } else {
                "activity.makerCheckerOff"
            },
        ),
        "settings.idle_lock" => Words::new("activity.idleLockSet"),
        other => Words::new("activity.other").param("action", other),
    };
    with_who(words.param("provider", provider))
}

/// Whether an Activity line's local time (`YYYY-MM-DD HH:MM:SS`) falls on or between the
/// dates `from` and `to` (`YYYY-MM-DD`, local; empty for no bound).
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(action: &str, actor: Actor, outcome: AuditOutcome) -> AuditRecord {
        AuditRecord {
            draft_id: None,
            actor,
            action: action.to_owned(),
            provider: Some(Provider::Cos),
            endpoint: Some("POST /core/v1/cm/customers/{id}/phones".to_owned()),
            status: None,
            provider_ids: json!({}),
            outcome,
        }
    }

    #[test]
    fn every_review_and_people_action_is_said_in_words_in_both_languages() {
        let catalogues = [
            include_str!("../../../ui/i18n/en.js"),
            include_str!("../../../ui/i18n/es.js"),
        ];
        for action in [
            "submit.for_check",
            "check.voided",
            "review.claimed",
            "review.released",
            "review.note",
            "review.revealed",
            "review.approve",
            "review.reject",
            "review.send_back",
            "staff.added",
            "staff.changed",
            "staff.signed_in",
            "staff.wrong_pin",
            "settings.maker_checker",
            "settings.idle_lock",
        ] {
            let words = words_of(&record(
                action,
                Actor::Staff("Dana".to_owned()),
                AuditOutcome::Success,
            ));
            assert_ne!(words.key, "activity.other", "{action}");
            for catalogue in catalogues {
                assert!(
                    catalogue.contains(&format!("\"{}\":", words.key)),
                    "{action}: {}",
                    words.key
                );
            }
        }
    }

    #[test]
    fn steps_are_said_in_the_banks_words_not_as_paths() {
        let sent = words_of(&record(
            "Core.Customer.Phone.Added",
            Actor::System,
            AuditOutcome::Success,
        ));
        assert_eq!(sent.key, "activity.sent");
        assert_eq!(sent.params["provider"], "Cross River");
        assert_eq!(sent.keyed["thing"], "activity.thing.phone");
        let created = words_of(&record(
            "Core.Customer.Onboarded",
            Actor::System,
            AuditOutcome::Success,
        ));
        assert_eq!(created.key, "activity.created");
        let refused = words_of(&record(
            "Core.Customer.Phone.Added",
            Actor::System,
            AuditOutcome::Failure,
        ));
        assert_eq!(refused.key, "activity.refused");
        for words in [sent, created, refused] {
            assert!(words.params.values().all(|v| !v.contains('/')), "{words:?}");
        }
    }

    #[test]
    fn what_staff_did_names_them() {
        let mut terms = record(
            "fin.terms_confirmed",
            Actor::Staff("Dana".to_owned()),
            AuditOutcome::Success,
        );
        terms.provider = Some(Provider::Fin);
        let words = words_of(&terms);
        assert_eq!(words.key, "activity.termsConfirmed");
        assert_eq!(words.params["who"], "Dana");
        let submit = words_of(&record(
            "submit",
            Actor::Staff("Dana".to_owned()),
            AuditOutcome::Success,
        ));
        assert_eq!(
            (submit.key.as_str(), submit.params["who"].as_str()),
            ("activity.submitted", "Dana")
        );
        let system = words_of(&record("fin.status", Actor::System, AuditOutcome::Success));
        assert_eq!(system.keyed["who"], "activity.who.system");
    }

    #[test]
    fn every_bvnk_action_is_said_in_words_in_both_languages() {
        let catalogues = [
            include_str!("../../../ui/i18n/en.js"),
            include_str!("../../../ui/i18n/es.js"),
        ];
        let mut actions: Vec<&str> = [
            StepKind::BvnkAgreementSession,
            StepKind::BvnkAgreementSigned,
            StepKind::BvnkCreateCustomer,
            StepKind::BvnkKnownCustomer,
            StepKind::BvnkDocument,
            StepKind::BvnkDetails,
            StepKind::BvnkAssociates,
            StepKind::BvnkDecision,
        ]
        .iter()
        .map(|k| k.event())
        .collect();
        actions.extend([
            "bvnk.agreement_confirmed",
            "bvnk.status",
            "bvnk.customer_checked",
        ]);
        for action in actions {
            let mut entry = record(
                action,
                Actor::Staff("Dana".to_owned()),
                AuditOutcome::Success,
            );
            entry.provider = Some(Provider::Bvnk);
            let words = words_of(&entry);
            assert_ne!(words.key, "activity.other", "{action}");
            assert_eq!(words.params["provider"], "BVNK", "{action}");
            for key in std::iter::once(&words.key).chain(words.keyed.values()) {
                for catalogue in catalogues {
                    assert!(
                        catalogue.contains(&format!("\"{key}\":")),
                        "{action}: {key}"
                    );
                }
            }
        }
    }
}
