//! The kinds of step a submission plan is made of. A plan is made once, when staff press
//! Submit: each step's body is frozen to bytes and its idempotency key fixed then, and both
//! are stored in the vault's outbox, so any resend — after a timeout or a restart — is
//! byte-for-byte the same request under the same key.
//!
//! Also the small readings of a stored plan every flow needs: a step's kind, the customer
//! a done step created, a key kept for an unchanged resend.

use std::time::Duration;

use branchdesk_vault::{NewStep, Plan, Step, StepStatus};
use chrono::Utc;
use serde::Serialize;

use crate::Result;

/// A step's kind, stored as text with the index of the draft row it came from
/// (`cos.address[0]`), so a provider error on it can be placed on that row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// COS `POST /core/v1/cm/customers`.
    CosCreateCustomer,
    /// A resubmission whose customer COS already created: read it, create nothing.
    CosKnownCustomer,
    CosAddress,
    CosPhone,
    CosEmail,
    CosIdentification,
    CosBeneficialOwner,
    /// Fin.com `POST /v2/customers/individual`.
    FinCreateIndividual,
    /// A resubmission whose customer Fin.com already created: nothing is sent.
    FinKnownCustomer,
    /// The customer accepts Fin.com's terms; staff confirm it. Nothing is sent: the step
    /// waits until the confirmation is in the audit log.
    FinTerms,
    /// Fin.com `POST /v1/customers/upload` of one scan slot.
    FinUpload,
    /// A scan uploaded by an earlier plan and unchanged since: its URI is reused.
    FinUploaded,
    /// Fin.com `POST /v2/customers/{id}/individual/attach`.
    FinAttach,
    /// BVNK `POST /platform/v1/customers/agreement/sessions`: the agreements the customer
    /// is to accept.
    BvnkAgreementSession,
    /// The customer accepted BVNK's agreements; staff confirm it, and the session is marked
    /// `SIGNED` (`PUT …/agreement/sessions/{reference}`).
    BvnkAgreementSigned,
    /// BVNK `POST /platform/v1/customers`, referring to the signed session.
    BvnkCreateCustomer,
    /// A resubmission whose customer BVNK already created: read it, create nothing.
    BvnkKnownCustomer,
    /// BVNK `POST /platform/v1/customers/{reference}/documents` with one scan.
    BvnkDocument,
    /// BVNK `PUT /platform/v1/customers/{reference}`: a submitted company's details, edited.
    BvnkDetails,
    /// BVNK `PUT /platform/v1/customers/{reference}/associates`: its associates, edited.
    BvnkAssociates,
    /// BVNK `PUT /platform/v1/customers/{reference}/status`: a reviewer's decision
    /// (`VERIFIED` or `REJECTED`), added to the submitted plan.
    BvnkDecision,
}

const NAMES: [(StepKind, &str); 21] = [
    (StepKind::CosCreateCustomer, "cos.create_customer"),
    (StepKind::CosKnownCustomer, "cos.known_customer"),
    (StepKind::CosAddress, "cos.address"),
    (StepKind::CosPhone, "cos.phone"),
    (StepKind::CosEmail, "cos.email"),
    (StepKind::CosIdentification, "cos.identification"),
    (StepKind::CosBeneficialOwner, "cos.beneficial_owner"),
    (StepKind::FinCreateIndividual, "fin.create_individual"),
    (StepKind::FinKnownCustomer, "fin.known_customer"),
    (StepKind::FinTerms, "fin.terms"),
    (StepKind::FinUpload, "fin.upload"),
    (StepKind::FinUploaded, "fin.uploaded"),
    (StepKind::FinAttach, "fin.attach"),
    (StepKind::BvnkAgreementSession, "bvnk.agreement_session"),
    (StepKind::BvnkAgreementSigned, "bvnk.agreement_signed"),
    (StepKind::BvnkCreateCustomer, "bvnk.create_customer"),
    (StepKind::BvnkKnownCustomer, "bvnk.known_customer"),
    (StepKind::BvnkDocument, "bvnk.document"),
    (StepKind::BvnkDetails, "bvnk.details"),
    (StepKind::BvnkAssociates, "bvnk.associates"),
    (StepKind::BvnkDecision, "bvnk.decision"),
];

impl StepKind {
    fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or("unknown")
    }

    pub fn with_index(self, index: usize) -> String {
        format!("{}[{index}]", self.name())
    }

    pub fn parse(text: &str) -> Option<(StepKind, usize)> {
        let (name, rest) = text.split_once('[')?;
        let index = rest.strip_suffix(']')?.parse().ok()?;
        NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(k, _)| (*k, index))
    }

    /// The provider a step belongs to.
    pub fn provider(self) -> branchdesk_vault::Provider {
        match self {
            StepKind::FinCreateIndividual
            | StepKind::FinKnownCustomer
            | StepKind::FinTerms
            | StepKind::FinUpload
            | StepKind::FinUploaded
            | StepKind::FinAttach => branchdesk_vault::Provider::Fin,
            StepKind::BvnkAgreementSession
            | StepKind::BvnkAgreementSigned
            | StepKind::BvnkCreateCustomer
            | StepKind::BvnkKnownCustomer
            | StepKind::BvnkDocument
            | StepKind::BvnkDetails
            | StepKind::BvnkAssociates
            | StepKind::BvnkDecision => branchdesk_vault::Provider::Bvnk,
            _ => branchdesk_vault::Provider::Cos,
        }
    }

    /// Whether the step waits on a person rather than a provider.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            StepKind::FinKnownCustomer | StepKind::FinTerms | StepKind::FinUploaded
        )
    }

    /// The endpoint a step calls, as a template without ids (for the audit log); `None`
    /// for steps that call nothing.
    pub fn endpoint(self) -> Option<&'static str> {
        match self {
            StepKind::FinCreateIndividual => Some("POST /v2/customers/individual"),
            StepKind::FinUpload => Some("POST /v1/customers/upload"),
            StepKind::FinAttach => Some("POST /v2/customers/{id}/individual/attach"),
            StepKind::FinKnownCustomer | StepKind::FinTerms | StepKind::FinUploaded => None,
            StepKind::BvnkAgreementSession => {
                Some("POST /platform/v1/customers/agreement/sessions")
            }
            StepKind::BvnkAgreementSigned => {
                Some("PUT /platform/v1/customers/agreement/sessions/{reference}")
            }
            StepKind::BvnkCreateCustomer => Some("POST /platform/v1/customers"),
            StepKind::BvnkKnownCustomer => Some("GET /platform/v1/customers/{reference}"),
            StepKind::BvnkDocument => Some("POST /platform/v1/customers/{reference}/documents"),
            StepKind::BvnkDetails => Some("PUT /platform/v1/customers/{reference}"),
            StepKind::BvnkAssociates => Some("PUT /platform/v1/customers/{reference}/associates"),
            StepKind::BvnkDecision => Some("PUT /platform/v1/customers/{reference}/status"),
            _ => self.cos_endpoint(),
        }
    }

    /// What a done step is called in the Activity list: COS's webhook event names, and
    /// plain names for Fin.com's steps.
    pub fn event(self) -> &'static str {
        match self {
            StepKind::FinCreateIndividual | StepKind::FinKnownCustomer => "fin.customer_created",
            StepKind::FinTerms => "fin.terms_accepted",
            StepKind::FinUpload | StepKind::FinUploaded => "fin.document_uploaded",
            StepKind::FinAttach => "fin.documents_attached",
            StepKind::BvnkAgreementSession => "bvnk.agreement_prepared",
            StepKind::BvnkAgreementSigned => "bvnk.agreement_signed",
            StepKind::BvnkCreateCustomer | StepKind::BvnkKnownCustomer => "bvnk.customer_created",
            StepKind::BvnkDocument => "bvnk.document_sent",
            StepKind::BvnkDetails => "bvnk.details_updated",
            StepKind::BvnkAssociates => "bvnk.associates_updated",
            StepKind::BvnkDecision => "bvnk.decision_sent",
            _ => self.cos_event(),
        }
    }

    /// The COS endpoint a step calls, as a template without ids (for the audit log).
    pub fn cos_endpoint(self) -> Option<&'static str> {
        Some(match self {
            StepKind::CosCreateCustomer => "POST /core/v1/cm/customers",
            StepKind::CosKnownCustomer => "GET /core/v1/cm/customers/{id}",
            StepKind::CosAddress => "POST /core/v1/cm/customers/{id}/addresses",
            StepKind::CosPhone => "POST /core/v1/cm/customers/{id}/phones",
            StepKind::CosEmail => "POST /core/v1/cm/customers/{id}/emails",
            StepKind::CosIdentification => "POST /core/v1/cm/customers/{id}/identifications",
            StepKind::CosBeneficialOwner => "POST /core/v1/cm/customers/{id}/beneficial-owners",
            _ => return None,
        })
    }

    /// The COS webhook event a done step corresponds to, for the Activity list.
    pub fn cos_event(self) -> &'static str {
        match self {
            StepKind::CosCreateCustomer | StepKind::CosKnownCustomer => "Core.Customer.Onboarded",
            StepKind::CosAddress => "Core.Customer.Address.Added",
            StepKind::CosPhone => "Core.Customer.Phone.Added",
            StepKind::CosEmail => "Core.Customer.Email.Added",
            StepKind::CosIdentification => "Core.Customer.Identification.Added",
            StepKind::CosBeneficialOwner => "Core.Customer.BeneficialOwner.Added",
            _ => "unknown",
        }
    }
}

/// A stored step's kind, parsed; `None` for a name this build does not know.
pub(crate) fn kind_of(step: &Step) -> Option<StepKind> {
    StepKind::parse(&step.kind).map(|(kind, _)| kind)
}

/// Whether `step` is of `kind`, whatever its row.
pub(crate) fn is(step: &Step, kind: StepKind) -> bool {
    kind_of(step) == Some(kind)
}

/// The customer id a done step of the plan received (a create, or a known customer).
pub fn customer_id_of(steps: &[Step]) -> Option<String> {
    steps.iter().find_map(|s| {
        (s.status == StepStatus::Done)
            .then(|| {
                s.provider_ids
                    .get("customerId")?
                    .as_str()
                    .map(str::to_owned)
            })
            .flatten()
    })
}

/// A resend of an unchanged step keeps its key, so the provider sees the same request; a
/// changed body is a new request and gets a new key, and so does one whose key the
/// provider has forgotten (its first sending is then older than `retention`).
pub(crate) fn reuse_key(
    previous: Option<&Plan>,
    kind: &str,
    body: &[u8],
    retention: Duration,
) -> String {
    previous
        .and_then(|plan| plan.steps.iter().find(|s| s.kind == kind && s.body == body))
        .filter(|s| {
            Utc::now()
                .signed_duration_since(s.planned_at)
                .to_std()
                .map_or(true, |age| age < retention)
        })
        .map(|s| s.idempotency_key.clone())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// A step of `kind` for row `index`, under a fresh key.
pub(crate) fn new_step(kind: StepKind, index: usize, body: Vec<u8>) -> NewStep {
    NewStep {
        kind: kind.with_index(index),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        body,
    }
}

/// A step body: the request as JSON bytes, frozen when the plan is made.
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(value)?)
}

pub(crate) fn jsons<T: Serialize>(values: &[T]) -> Result<Vec<Vec<u8>>> {
    values.iter().map(json).collect()
}

/// A stored step body read back.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    Ok(serde_json::from_slice(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for (kind, _) in NAMES {
            for index in [0, 3] {
                assert_eq!(
                    StepKind::parse(&kind.with_index(index)),
                    Some((kind, index))
                );
            }
        }
        assert_eq!(StepKind::parse("cos.address"), None);
        assert_eq!(
            StepKind::parse("fin.upload[2]"),
            Some((StepKind::FinUpload, 2))
        );
        assert_eq!(StepKind::parse("fin.download[0]"), None);
        assert_eq!(StepKind::parse("cos.phone[x]"), None);
    }
}
