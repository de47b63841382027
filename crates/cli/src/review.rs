//! `review list|show|decide`: the cases that wait for a person, one case as a reviewer
//! sees it, and a reviewer's decision. The rules (never the maker, a reason to reject or
//! send back, marks to send back) are the engine's (`branchdesk_engine::review`); the
//! review asks no provider anything, so it works on the vault alone and `submit` sends
//! what an approval lets go.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use branchdesk_engine::review::{CaseSummary, Decision, DecisionKind, Reason, REASONS};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::people::Staff;
use crate::terminal::printable;

/// Why a case waits, in words.
fn reason_words(case: &CaseSummary) -> String {
    let detail = case.detail.join(", ");
    match case.reason {
        Reason::AwaitingCheck => format!(
            "awaiting a second person's check (submitted by {})",
            if detail.is_empty() { "?" } else { &detail }
        ),
        Reason::Compliance => format!("a COS compliance result to look at ({detail})"),
        Reason::FinReviewing => "Fin.com is reviewing the customer".to_owned(),
        Reason::FinActionRequired => "Fin.com asks for more information".to_owned(),
        Reason::BvnkPending => "BVNK waits for a decision on the customer".to_owned(),
        Reason::UnknownOutcome => format!(
            "a request may or may not have reached the provider ({detail}): check there and resolve it"
        ),
    }
}

/// How long since `since` (RFC 3339), in words; and in seconds.
fn waited(since: &str, now: DateTime<Utc>) -> (String, i64) {
    let Ok(since) = DateTime::parse_from_rfc3339(since) else {
        return ("?".to_owned(), 0);
    };
    let seconds = (now - since.with_timezone(&Utc)).num_seconds().max(0);
    let words = match seconds {
        s if s < 60 => "under a minute".to_owned(),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    };
    (words, seconds)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    #[serde(flatten)]
    case: &'a CaseSummary,
    reason_text: String,
    waited: String,
    waited_seconds: i64,
}

/// `review list`: every case, longest waiting first.
pub fn list(data_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let desk = crate::store::local_desk(vault)?;
    let cases = desk.review_queue()?;
    let now = Utc::now();
    let rows: Vec<Row<'_>> = cases
        .iter()
        .map(|case| {
            let (words, seconds) = waited(&case.waiting_since, now);
            Row {
                case,
                reason_text: reason_words(case),
                waited: words,
                waited_seconds: seconds,
            }
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "no case waits for a person")?;
    }
    for row in rows {
        let claimed = row
            .case
            .claimed_by
            .as_deref()
            .map(|who| format!(", in hand: {}", printable(who)))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {}  {}  waited {}{claimed}\n    {}",
            row.case.draft_id,
            printable(&row.case.customer),
            row.case.provider,
            row.waited,
            printable(&row.reason_text)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `review show ID`: the case as it stands (fields masked), without taking it in hand.
pub fn show(data_dir: Option<&Path>, staff: &Staff, id: &str, json: bool) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let desk = crate::store::local_desk(vault)?;
    let by = staff.person(&desk)?;
    let case = desk.view_case(id.trim(), &by)?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&case)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let summary = &case.summary;
    let (waited, _) = waited(&summary.waiting_since, Utc::now());
    writeln!(
        out,
        "{}  {} ({}, {})  {}\n{} — waiting {waited}",
        summary.draft_id,
        printable(&summary.customer),
        summary.kind,
        summary.provider,
        case.state,
        printable(&reason_words(summary)),
    )?;
    if let Some(who) = &summary.claimed_by {
        writeln!(out, "in hand: {}", printable(who))?;
    }
    writeln!(out, "\nFields:")?;
    for field in &case.fields {
        writeln!(out, "  {:<40} {}", field.path, printable(&field.value))?;
    }
    if !case.scans.is_empty() {
        writeln!(out, "\nScans:")?;
        for scan in &case.scans {
            writeln!(
                out,
                "  {:<12} {} {} bytes",
                scan.slot, scan.format, scan.bytes
            )?;
            for check in &scan.checks {
                writeln!(
                    out,
                    "    {} {}: {}",
                    if check.ok { "ok  " } else { "warn" },
                    check.check,
                    printable(&check.message)
                )?;
            }
            if !scan.override_reason.is_empty() {
                writeln!(
                    out,
                    "    kept despite its warnings: {}",
                    printable(&scan.override_reason)
                )?;
            }
        }
    }
    if !case.notes.is_empty() {
        writeln!(out, "\nNotes:")?;
        for note in &case.notes {
            writeln!(
                out,
                "  {} {}: {}",
                note.at,
                printable(&note.author),
                printable(&note.body)
            )?;
        }
    }
    if !case.decisions.is_empty() {
        writeln!(out, "\nDecisions:")?;
        for d in &case.decisions {
            let marks = if d.marks.is_empty() {
                String::new()
            } else {
                format!(" [to fix: {}]", d.marks.join(", "))
            };
            writeln!(
                out,
                "  {} {} {} ({}): {}{marks}",
                d.at,
                printable(&d.reviewer),
                d.decision,
                d.because,
                printable(&d.note)
            )?;
        }
    }
    writeln!(out, "\nHistory (newest first):")?;
    for entry in &case.history {
        writeln!(
            out,
            "  {} {} {} {}",
            entry.at,
            printable(entry.staff.as_deref().unwrap_or(&entry.actor)),
            entry.action,
            entry.outcome
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What `review decide` was told.
pub struct Decide {
    pub kind: DecisionKind,
    pub because: Option<String>,
    pub reason: Option<String>,
    pub marks: Vec<String>,
}

/// `review decide ID`: approve, reject or send back, as the signed-in reviewer.
pub fn decide(
    data_dir: Option<&Path>,
    staff: &Staff,
    id: &str,
    decide: Decide,
) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let desk = crate::store::local_desk(vault)?;
    let by = staff.person(&desk)?;
    let note = decide.reason.unwrap_or_default();
    // A reason in words with no code is filed under `other`.
    let because = decide.because.unwrap_or_else(|| {
        if note.trim().is_empty() {
            String::new()
        } else {
            "other".to_owned()
        }
    });
    let decision = Decision {
        kind: decide.kind,
        because,
        note,
        marks: decide.marks,
    };
    let id = id.trim();
    desk.decide_case(id, &decision, &by)?;
    let what = match decide.kind {
        DecisionKind::Approve => {
            "approved; anything it lets go is in the outbox: `branchdesk-cli submit` sends it"
        }
        DecisionKind::Reject => "rejected",
        DecisionKind::SendBack => "sent back to its maker with the marked fields to fix",
    };
    println!("{id}: {what} (by {})", printable(&by.name));
    Ok(ExitCode::SUCCESS)
}

/// The codes `--because` takes.
pub fn reason_codes() -> &'static [&'static str] {
    REASONS
}
