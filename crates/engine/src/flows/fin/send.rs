//! Sending a Fin.com step. Everything after the create is safe to resume: an upload whose
//! URI is stored is never repeated, and the attach is rebuilt byte for byte from what the
//! plan stored, and sent only while Fin.com still takes documents; one whose answer was lost
//! counts as attached once Fin.com has moved on.

use std::sync::Arc;

use branchdesk_api::fin::UploadFile;
use branchdesk_api::Error as ApiError;
use branchdesk_domain::draft::Draft;
use branchdesk_domain::fin as wire;
use branchdesk_domain::validate::{Issue, Severity};
use branchdesk_vault::{ScanId, Step, StepStatus, Vault};
use serde::Serialize;

use super::connection::FinConnection;
use super::recovery::answer_may_be_lost;
use super::stored::{
    customer_of, frozen_draft, tos_url_of, uris_of, KnownCustomer, UploadBody, Uploaded,
};
use super::terms;
use crate::records::today;
use crate::steps::{parse, StepKind};
use crate::{Error, Result};

/// Sends one Fin.com step. `plan` is the plan as stored, for the ids earlier steps got.
pub(crate) async fn send(
    fin: &FinConnection,
    vault: &Arc<Vault>,
    kind: StepKind,
    step: &Step,
    plan: &[Step],
) -> Result<serde_json::Value> {
    match kind {
        StepKind::FinCreateIndividual => {
            let created = match fin.client()?.create_individual(&RawJson(&step.body)).await {
                Ok(created) => created,
                Err(error) => {
                    let draft = frozen_draft(plan).unwrap_or_default();
                    return Err(placed(error.into(), &draft, wire::FinStep::Create));
                }
            };
            Ok(serde_json::json!({
                "customerId": created.customer_id,
                "tosPoliciesUrl": created.tos_policies_url,
            }))
        }
        StepKind::FinKnownCustomer => {
            let known: KnownCustomer = parse(&step.body)?;
            Ok(serde_json::json!({
                "customerId": known.customer_id,
                "tosPoliciesUrl": known.tos_policies_url,
            }))
        }
        StepKind::FinTerms => {
            let (by, at) =
                terms::confirmation(vault, step.draft_id)?.ok_or(Error::AwaitingTerms)?;
            Ok(serde_json::json!({ "acceptedBy": by, "acceptedAt": at }))
        }
        StepKind::FinUploaded => {
            let uploaded: Uploaded = parse(&step.body)?;
            Ok(serde_json::json!({
                "slot": uploaded.slot,
                "scanId": uploaded.scan_id,
                "uri": uploaded.uri,
            }))
        }
        StepKind::FinUpload => upload(fin, vault, step, plan).await,
        StepKind::FinAttach => attach(fin, step, plan).await,
        _ => Err(Error::PlanInconsistent(format!(
            "{} is not a Fin.com step",
            step.kind
        ))),
    }
}

async fn upload(
    fin: &FinConnection,
    vault: &Arc<Vault>,
    step: &Step,
    plan: &[Step],
) -> Result<serde_json::Value> {
    let body: UploadBody = parse(&step.body)?;
    let customer = customer_of(plan).ok_or_else(|| {
        Error::PlanInconsistent("an upload before the Fin.com customer".to_owned())
    })?;
    let scan = ScanId(uuid::Uuid::parse_str(&body.scan_id).map_err(|_| Error::NotFound)?);
    let vault = Arc::clone(vault);
    let file = UploadFile::from_chunks(
        body.file_name.clone(),
        body.mime.clone(),
        body.bytes,
        move || {
            let vault = Arc::clone(&vault);
            async move { crate::scans::open_scan_chunks(vault, scan) }
        },
    );
    let cancel = fin.uploads.cancel_token(step.draft_id);
    let report = fin.uploads.reporter(step.draft_id, &body.slot);
    let sent = fin
        .client()?
        .upload(&customer, &[file], report, &cancel)
        .await;
    if matches!(sent, Err(ApiError::Cancelled)) {
        // Spent: submitting again uploads afresh.
        fin.uploads.forget_cancel(step.draft_id);
    }
    let uri = sent?
        .into_iter()
        .next()
        .ok_or_else(|| Error::PlanInconsistent("an upload answered without a URI".to_owned()))?;
    Ok(serde_json::json!({ "slot": body.slot, "scanId": body.scan_id, "uri": uri }))
}

async fn attach(fin: &FinConnection, step: &Step, plan: &[Step]) -> Result<serde_json::Value> {
    let draft: Draft = parse(&step.body)?;
    let customer = customer_of(plan).ok_or_else(|| {
        Error::PlanInconsistent("an attach before the Fin.com customer".to_owned())
    })?;
    let client = fin.client()?;
    let current = client.get_customer(&customer).await?;
    if step.status == StepStatus::Sent
        && step.attempts > 1
        && !current.customer_status.allows_attach()
    {
        // An attach that went out before a restart and was taken: Fin.com moved on.
        return Ok(
            serde_json::json!({ "customerId": customer, "status": current.customer_status.as_str() }),
        );
    }
    let uploaded = uris_of(plan);
    let tos = tos_url_of(plan)
        .and_then(|url| wire::tos_policies_value(&url))
        .unwrap_or_default();
    let body = wire::attach_documents(
        &draft,
        &uploaded,
        fin.attach_config(),
        current.customer_status.as_str(),
        &tos,
        today(),
    )
    .map_err(Error::Invalid)?;
    if let Err(error) = client.attach_documents(&customer, &body).await {
        if answer_may_be_lost(&error) {
            // The attach may have gone through with its answer lost: the client's retry
            // then meets 409 (ours is being processed) or 403 (Fin.com has moved on).
            // Fin.com took documents a moment ago; if it takes none now, ours arrived.
            if let Ok(now) = client.get_customer(&customer).await {
                if !now.customer_status.allows_attach() {
                    fin.uploads.forget_cancel(step.draft_id);
                    return Ok(serde_json::json!({
                        "customerId": customer,
                        "status": now.customer_status.as_str(),
                    }));
                }
            }
        }
        let answered = wire::FinStep::Attach {
            body: &body,
            uploaded: &uploaded,
        };
        return Err(placed(error.into(), &draft, answered));
    }
    fin.uploads.forget_cancel(step.draft_id);
    Ok(serde_json::json!({ "customerId": customer, "status": "PROCESSING" }))
}

/// A step body that is already JSON, sent as it is.
struct RawJson<'a>(&'a [u8]);

impl Serialize for RawJson<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let value: serde_json::Value =
            serde_json::from_slice(self.0).map_err(serde::ser::Error::custom)?;
        value.serialize(serializer)
    }
}

/// A Fin.com 422 as issues on the draft: each problem on the field (or scan slot) it names,
/// so staff see it where they fix it.
fn placed(error: Error, draft: &Draft, step: wire::FinStep<'_>) -> Error {
    let Error::Provider(ApiError::Invalid {
        fields, message, ..
    }) = &error
    else {
        return error;
    };
    let mut issues: Vec<Issue> = fields
        .iter()
        .map(|f| Issue {
            field: wire::draft_field_of_fin_error(&f.path, &f.message, step, draft)
                .unwrap_or_default(),
            code: "rejected".to_owned(),
            message: format!("Fin.com: {}", f.message),
            severity: Severity::Error,
        })
        .collect();
    if issues.is_empty() {
        issues.push(Issue {
            field: String::new(),
            code: "rejected".to_owned(),
            message: format!("Fin.com: {message}"),
            severity: Severity::Error,
        });
    }
    Error::Invalid(issues)
}
