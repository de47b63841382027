//! Sending a BVNK step. Every request carries the step's own `X-Idempotency-Key` with
//! bytes fixed by the plan: the create's session reference is filled in from what the
//! session step stored, and a document's person reference from the create's answer, so a
//! resend after a restart is the same request.

use std::sync::Arc;

use branchdesk_api::bvnk::BvnkDocument;
use branchdesk_api::fin::UploadFile;
use branchdesk_api::Error as ApiError;
use branchdesk_domain::bvnk::fields::draft_field;
use branchdesk_domain::bvnk::wire::Customer;
use branchdesk_domain::bvnk::DocumentMeta;
use branchdesk_domain::validate::{Issue, Severity};
use branchdesk_vault::{ScanId, Step, Vault};

use super::agreement;
use super::connection::BvnkConnection;
use super::stored::{associates_of, customer_of, session_of, DocumentBody, KnownCustomer};
use crate::steps::{parse, StepKind};
use crate::{Error, Result};

/// Sends one BVNK step. `plan` is the plan as stored, for what earlier steps received.
pub(crate) async fn send(
    bvnk: &BvnkConnection,
    vault: &Arc<Vault>,
    kind: StepKind,
    step: &Step,
    plan: &[Step],
) -> Result<serde_json::Value> {
    let client = bvnk.client()?;
    let key = step.idempotency_key.as_str();
    match kind {
        StepKind::BvnkAgreementSession => {
            let session = client.create_agreement_session(&step.body, key).await?;
            let urls: Vec<&str> = session.agreements.iter().map(|a| a.url.as_str()).collect();
            Ok(serde_json::json!({
                "sessionReference": session.reference,
                "agreementUrls": urls,
            }))
        }
        StepKind::BvnkAgreementSigned => {
            let (by, at) =
                agreement::confirmation(vault, step.draft_id)?.ok_or(Error::AwaitingTerms)?;
            let session = session_of(plan).ok_or_else(|| {
                Error::PlanInconsistent("a signature before the agreement session".to_owned())
            })?;
            client
                .update_agreement_session(&session, "SIGNED", key)
                .await?;
            Ok(serde_json::json!({
                "sessionReference": session,
                "acceptedBy": by,
                "acceptedAt": at,
            }))
        }
        StepKind::BvnkCreateCustomer => {
            let session = session_of(plan).ok_or_else(|| {
                Error::PlanInconsistent("a create before the agreement session".to_owned())
            })?;
            let mut body: serde_json::Value = parse(&step.body)?;
            body["signedAgreementSessionReference"] = serde_json::Value::String(session);
            let body = serde_json::to_vec(&body)?;
            match client.create_customer(&body, key).await {
                Ok(customer) => Ok(created(&customer)),
                Err(error) => Err(placed(error.into(), vault, step)),
            }
        }
        StepKind::BvnkKnownCustomer => {
            let known: KnownCustomer = parse(&step.body)?;
            let customer = client.get_customer(&known.customer_id).await?;
            Ok(created(&customer))
        }
        StepKind::BvnkDetails | StepKind::BvnkAssociates => {
            let reference = customer_of(plan).ok_or_else(|| {
                Error::PlanInconsistent("an update before the BVNK customer".to_owned())
            })?;
            let sent = if kind == StepKind::BvnkDetails {
                client.update_details(&reference, &step.body, key).await
            } else {
                client.update_associates(&reference, &step.body, key).await
            };
            match sent {
                Ok(customer) => Ok(created(&customer)),
                Err(error) => Err(placed(error.into(), vault, step)),
            }
        }
        StepKind::BvnkDocument => document(bvnk, vault, step, plan).await,
        StepKind::BvnkDecision => {
            let reference = customer_of(plan).ok_or_else(|| {
                Error::PlanInconsistent("a decision before the BVNK customer".to_owned())
            })?;
            let decision: crate::review::decide::DecisionBody = parse(&step.body)?;
            let customer = client
                .update_status(&reference, &decision.status, key)
                .await?;
            Ok(serde_json::json!({
                "customerId": customer.reference,
                "customerStatus": customer.status.as_str(),
                "decidedBy": decision.reviewer,
            }))
        }
        _ => Err(Error::PlanInconsistent(format!(
            "{} is not a BVNK step",
            step.kind
        ))),
    }
}

/// What a create (or a read of the customer) stores: its reference, status and the
/// associates' person references in order.
fn created(customer: &Customer) -> serde_json::Value {
    serde_json::json!({
        "customerId": customer.reference,
        "status": customer.status.as_str(),
        "associates": customer.associate_references(),
    })
}

async fn document(
    bvnk: &BvnkConnection,
    vault: &Arc<Vault>,
    step: &Step,
    plan: &[Step],
) -> Result<serde_json::Value> {
    let body: DocumentBody = parse(&step.body)?;
    let reference = customer_of(plan)
        .ok_or_else(|| Error::PlanInconsistent("a document before the BVNK customer".to_owned()))?;
    let person = match body.associate {
        Some(index) => Some(
            associates_of(plan)
                .get(index)
                .cloned()
                .flatten()
                .ok_or_else(|| {
                    Error::PlanInconsistent(format!(
                        "BVNK gave no reference for associate {}",
                        index + 1
                    ))
                })?,
        ),
        None => None,
    };
    let scan = ScanId(uuid::Uuid::parse_str(&body.scan_id).map_err(|_| Error::NotFound)?);
    let source = Arc::clone(vault);
    let file = UploadFile::from_chunks(
        body.file_name.clone(),
        body.mime.clone(),
        body.bytes,
        move || {
            let vault = Arc::clone(&source);
            async move { crate::scans::open_scan_chunks(vault, scan) }
        },
    );
    let meta = DocumentMeta {
        customer_person_reference: person,
        kind: body.kind.clone(),
        sub_type: body.sub_type.clone(),
        name: body.file_name.clone(),
        description: body.description.clone(),
        country_code: body.country_code.clone(),
        // The scan's own id: BVNK can tell the documents apart, and it names no one.
        external_reference: body.scan_id.clone(),
    };
    let cancel = bvnk.uploads.cancel_token(step.draft_id);
    let report = bvnk.uploads.reporter(step.draft_id, &body.slot);
    let documents = [BvnkDocument { meta, file }];
    let sent = bvnk
        .client()?
        .add_documents(
            &reference,
            &documents,
            &step.idempotency_key,
            report,
            &cancel,
        )
        .await;
    if matches!(sent, Err(ApiError::Cancelled)) {
        // Spent: submitting again sends afresh.
        bvnk.uploads.forget_cancel(step.draft_id);
    }
    sent?;
    Ok(serde_json::json!({
        "customerId": reference,
        "slot": body.slot,
        "scanId": body.scan_id,
    }))
}

/// A BVNK refusal as issues on the draft: each problem on the field it names, so staff see
/// it where they fix it. The draft as submitted is read only then, not for every step.
fn placed(error: Error, vault: &Vault, step: &Step) -> Error {
    let Error::Provider(ApiError::Invalid {
        fields, message, ..
    }) = &error
    else {
        return error;
    };
    let draft = crate::drafts::get(vault, &step.draft_id.to_string())
        .map(|record| record.draft)
        .unwrap_or_default();
    let draft = &draft;
    let mut issues: Vec<Issue> = fields
        .iter()
        .map(|f| Issue {
            field: draft_field(&f.path, draft).unwrap_or_default(),
            code: "rejected".to_owned(),
            message: format!("BVNK: {}", f.message),
            severity: Severity::Error,
        })
        .collect();
    if issues.is_empty() {
        issues.push(Issue {
            field: String::new(),
            code: "rejected".to_owned(),
            message: format!("BVNK: {message}"),
            severity: Severity::Error,
        });
    }
    Error::Invalid(issues)
}
