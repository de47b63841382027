//! The Activity list: the audit log a page at a time, newest first, in the bank's words,
//! with the verification of its hash chain. Reads the vault only.

use std::collections::HashMap;

use branchdesk_domain::validate::{Issue, Severity};
use branchdesk_vault::{AuditFilter, AuditOutcome, AuditWindow, DraftId, Vault};
use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::activity_words::{self, Words};
use crate::{Error, Result};

/// Entries a page holds: a screenful and more, never the whole log.
pub const PAGE: u32 = 200;

/// Which entries the Activity list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActivityQuery<'a> {
    /// One draft's entries, or all.
    pub draft: Option<&'a str>,
    /// `success`, `failure`, `unknown`, or empty for all.
    pub outcome: &'a str,
    /// The first and last local days shown (`YYYY-MM-DD`, both included); either may be
    /// left out.
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    /// Entries older than this one: the `older` of the page before.
    pub before: Option<u64>,
}

/// One line of the Activity list. Audit entries hold no personal data; the draft's name is
/// looked up for display only.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    #[ts(type = "number")]
    pub seq: u64,
    pub at: String,
    pub draft_id: Option<String>,
    pub draft_name: Option<String>,
    pub actor: String,
    /// Who acted, by name; `None` when Branchdesk acted on its own.
    pub staff: Option<String>,
    /// The entry said in the bank's words, for the interface to put in the staff's language.
    pub words: Words,
    pub action: String,
    pub endpoint: Option<String>,
    pub status: Option<u16>,
    pub outcome: String,
}

/// The Activity list and whether the log's hash chain is intact.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub entries: Vec<ActivityEntry>,
    /// The `before` of the next (older) page, when there is one.
    #[ts(type = "number | null")]
    pub older: Option<u64>,
    pub intact: bool,
    #[ts(type = "number")]
    pub checked: u64,
    #[ts(type = "number")]
    pub problems: u64,
    /// Each problem found, e.g. entries cut off the end of the log or the database rolled
    /// back to an older copy; empty when intact.
    pub findings: Vec<ActivityFinding>,
}

/// One problem with the audit log, for the Activity view to put in words.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityFinding {
    /// The entry where it shows.
    #[ts(type = "number")]
    pub seq: u64,
    /// `altered`, `chain_broken`, `missing`, `head_mismatch`, `unanchored`, `truncated`
    /// or `rolled_back`.
    pub kind: String,
    /// The problem in English words.
    pub text: String,
}

/// One page of the Activity list.
pub fn page(vault: &Vault, query: &ActivityQuery<'_>) -> Result<Activity> {
    let filter = AuditFilter {
        draft_id: query
            .draft
            .filter(|d| !d.is_empty())
            .map(|d| d.parse::<DraftId>().map_err(|_| Error::NotFound))
            .transpose()?,
        outcome: query.outcome.parse::<AuditOutcome>().ok(),
    };
    let since = day("from", query.from)?.map(start_of);
    let until = day("to", query.to)?.map(|d| start_of(d.succ_opt().unwrap_or(NaiveDate::MAX)));
    let found = vault.audit_page(
        &filter,
        &AuditWindow {
            since,
            until,
            before: query.before,
            limit: PAGE,
        },
    )?;
    // Names for the drafts on this page only, looked up once each.
    let mut names: HashMap<DraftId, Option<String>> = HashMap::new();
    let mut entries = Vec::with_capacity(found.len());
    for e in found {
        let draft_name = match e.record.draft_id {
            Some(id) => match names.get(&id) {
                Some(name) => name.clone(),
                None => {
                    let name = vault.get_draft(id)?.map(|d| d.summary.display_name);
                    names.insert(id, name.clone());
                    name
                }
            },
            None => None,
        };
        entries.push(ActivityEntry {
            seq: e.seq,
            at: e
                .at
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            draft_name,
            draft_id: e.record.draft_id.map(|d| d.to_string()),
            actor: e.record.actor.as_str().to_owned(),
            staff: activity_words::staff_of(&e.record.actor),
            words: activity_words::words_of(&e.record),
            action: e.record.action,
            endpoint: e.record.endpoint,
            status: e.record.status,
            outcome: e.record.outcome.to_string(),
        });
    }
    let older = (entries.len() == PAGE as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    let report = vault.verify_audit()?;
    Ok(Activity {
        entries,
        older,
        intact: report.is_intact(),
        checked: report.entries,
        problems: u64::try_from(report.problems.len()).unwrap_or(u64::MAX),
        findings: report
            .problems
            .iter()
            .map(|problem| ActivityFinding {
                seq: problem.seq,
                kind: serde_json::to_value(problem.kind)
                    .ok()
                    .and_then(|kind| kind.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                text: problem.to_string(),
            })
            .collect(),
    })
}

/// A day bound as staff typed or picked it: `YYYY-MM-DD`, or empty. `field`: which bound,
/// for the message to sit under.
fn day(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>> {
    let value = value.unwrap_or("").trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            Error::Invalid(vec![Issue {
                field: field.to_owned(),
                code: "date".to_owned(),
                message: "Write the date as YYYY-MM-DD.".to_owned(),
                severity: Severity::Error,
            }])
        })
}

/// The instant a local day begins (the earliest, where a clock change repeats an hour).
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Local
        .from_local_datetime(&midnight)
        .earliest()
        // A day that starts inside a skipped hour starts when the clock resumes.
        .or_else(|| {
            Local
                .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_staff_write_them_and_begin_at_local_midnight() {
        let december_5 = NaiveDate::from_ymd_opt(2026, 12, 5);
        assert_eq!(day("from", Some(" 2026-12-05 ")).unwrap(), december_5);
        assert!(day("from", Some("05/12/2026")).is_err());
        assert_eq!(day("to", None).unwrap(), None);
        let start = start_of(december_5.unwrap()).with_timezone(&Local);
        assert_eq!(
            start.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-12-05 00:00:00"
        );
    }
}
