//! `draft list` and `status`: where each draft is, in lines for people or JSON for scripts.
//!
//! `status_row` and `fin_status` shape the engine's `Submission` for printing; the engine
//! already maps an approved or rejected draft to Fin.com's APPROVED/REJECTED when it builds
//! its `FinOutcome` (engine `fin.rs`), and this mapping is to move there.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use branchdesk_domain::fin::CustomerStatus;
use branchdesk_engine::records::UNKNOWN_OUTCOME;
use branchdesk_engine::records::{Submission, AWAITING_TERMS};
use branchdesk_engine::{Desk, Error as EngineError};
use branchdesk_vault::DraftFilter;
use futures::StreamExt;

use crate::terminal::printable;

pub fn list(data_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let drafts = vault.list_drafts(&DraftFilter::default())?;
    let mut out = std::io::stdout().lock();
    if json {
        // The summary carries only the masked tax id; the full one stays in the body.
        writeln!(out, "{}", serde_json::to_string(&drafts)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for d in drafts {
        writeln!(
            out,
            "{}  {:<15} {:<7} {:<12} {}{}",
            d.id,
            d.state,
            d.kind.as_str(),
            d.masked_tax_id.as_ref().map_or("", |m| m.as_str()),
            printable(&d.display_name),
            // Archived in the app: kept, and hidden from its Drafts list.
            if d.archived { "  (archived)" } else { "" }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn status(desk: &Desk, json: bool) -> Result<ExitCode> {
    let drafts = desk.vault().list_drafts(&DraftFilter::default())?;
    let rows: Vec<serde_json::Value> = futures::stream::iter(drafts)
        .map(|d| async move {
            let submission = desk.submission_status(&d.id.to_string()).await?;
            Ok::<_, anyhow::Error>(status_row(&d, &submission))
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::Value::Array(rows))?;
        return Ok(ExitCode::SUCCESS);
    }
    // Every field may carry a provider's text: printed escaped, never obeyed.
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => printable(s).into_owned(),
        serde_json::Value::Null => "-".to_owned(),
        other => printable(&other.to_string()).into_owned(),
    };
    for r in rows {
        let fin = &r["fin"];
        let bvnk = &r["bvnk"];
        if bvnk.is_object() {
            writeln!(
                out,
                "{}  {:<15} {}/{}  BVNK customer {}  status {}  {}",
                text(&r["id"]),
                text(&r["state"]),
                r["doneSteps"],
                r["totalSteps"],
                text(&bvnk["reference"]),
                text(&bvnk["status"]),
                text(&r["name"]),
            )?;
            if r["state"] == AWAITING_TERMS {
                let link = match desk.terms(&text(&r["id"])) {
                    Ok(Some(page)) => printable(&page.url).into_owned(),
                    Err(error @ EngineError::TermsLinkRefused(_)) => {
                        format!("(none: {})", printable(&error.to_string()))
                    }
                    _ => "-".to_owned(),
                };
                writeln!(
                    out,
                    "    show the customer BVNK's agreements: {}\n    once accepted: branchdesk-cli tos confirm {} --staff NAME",
                    link,
                    text(&r["id"]),
                )?;
            }
            if let Some(url) = bvnk["verificationUrl"].as_str() {
                writeln!(
                    out,
                    "    verification {}: {}",
                    text(&bvnk["verificationStatus"]),
                    printable(url)
                )?;
            }
            for (n, reference) in bvnk["associates"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                writeln!(out, "    associate {}: {}", n + 1, text(reference))?;
            }
        } else if fin.is_object() {
            writeln!(
                out,
                "{}  {:<15} {}/{}  Fin.com customer {}  status {}  {}",
                text(&r["id"]),
                text(&r["state"]),
                r["doneSteps"],
                r["totalSteps"],
                text(&fin["customerId"]),
                text(&fin["status"]),
                text(&r["name"]),
            )?;
            if r["state"] == AWAITING_TERMS {
                let link = match fin["tosUrl"].as_str() {
                    Some(url) => printable(url).into_owned(),
                    // `tosUrl` is left out when the engine refused the link; say why.
                    None => match desk.terms(&text(&r["id"])) {
                        Err(error @ EngineError::TermsLinkRefused(_)) => {
                            format!("(none: {})", printable(&error.to_string()))
                        }
                        _ => "-".to_owned(),
                    },
                };
                writeln!(
                    out,
                    "    show the customer Fin.com's terms: {}\n    once accepted: branchdesk-cli tos confirm {} --staff NAME",
                    link,
                    text(&r["id"]),
                )?;
            }
            for reason in fin["reasons"].as_array().into_iter().flatten() {
                match reason["field"].as_str().filter(|f| !f.is_empty()) {
                    Some(field) => writeln!(
                        out,
                        "    {}: {}",
                        printable(field),
                        text(&reason["message"])
                    )?,
                    None => writeln!(out, "    {}", text(&reason["message"]))?,
                }
            }
        } else {
            writeln!(
                out,
                "{}  {:<15} {}/{}  customer {}  CIF {}  OFAC {}  PEP {}  internal {}  {}",
                text(&r["id"]),
                text(&r["state"]),
                r["doneSteps"],
                r["totalSteps"],
                text(&r["customerId"]),
                text(&r["cifNumber"]),
                text(&r["ofac"]),
                text(&r["pepScan"]),
                text(&r["internalList"]),
                text(&r["name"]),
            )?;
        }
        if let Some(message) = r["error"]["message"].as_str() {
            writeln!(out, "    {}", printable(message))?;
        }
        if r["error"]["code"] == UNKNOWN_OUTCOME {
            let (command, flag) = match r["provider"].as_str() {
                Some("fin") => ("fin", "--customer-id ID"),
                Some("bvnk") => ("bvnk", "--reference REFERENCE"),
                _ => ("cos", "--customer-id ID"),
            };
            let without = flag.split(' ').next().unwrap_or(flag);
            writeln!(
                out,
                "    once checked: branchdesk-cli {command} resolve {} --staff NAME [{flag}]   (without {without}: it was not created)",
                text(&r["id"]),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status_row(d: &branchdesk_vault::DraftSummary, submission: &Submission) -> serde_json::Value {
    let outcome = submission.outcome.as_ref();
    let fin = submission.fin.as_ref();
    serde_json::json!({
        "id": d.id,
        "name": d.display_name,
        "kind": d.kind.as_str(),
        "provider": d.provider,
        "maskedTaxId": d.masked_tax_id,
        "state": submission.state,
        "doneSteps": submission.done_steps,
        "totalSteps": submission.total_steps,
        "customerId": outcome
            .map(|o| &o.customer_id)
            .or(fin.map(|f| &f.customer_id))
            .or(submission.bvnk.as_ref().and_then(|b| b.reference.as_ref())),
        "cifNumber": outcome.and_then(|o| o.cif_number.as_ref()),
        "ofac": outcome.and_then(|o| o.ofac),
        "pepScan": outcome.and_then(|o| o.pep_scan),
        "internalList": outcome.and_then(|o| o.internal_list),
        "settled": outcome.map(|o| o.settled),
        // Only while the customer has the terms to accept: after that the link is history.
        "fin": fin.map(|f| serde_json::json!({
            "customerId": f.customer_id,
            "status": f.status,
            "termsAccepted": f.terms_accepted,
            "tosUrl": (submission.state == AWAITING_TERMS)
                .then_some(f.tos_url.as_ref())
                .flatten(),
            "reasons": if f.status == CustomerStatus::ActionRequired { f.reasons.as_slice() } else { &[] },
        })),
        "bvnk": submission.bvnk.as_ref().map(|b| serde_json::json!({
            "reference": b.reference,
            "status": b.status,
            "agreementAccepted": b.agreement_accepted,
            "verificationStatus": b.verification_status,
            "verificationUrl": b.verification_url,
            "associates": b.associates,
        })),
        "error": submission.error,
    })
}
