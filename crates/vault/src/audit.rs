//! The audit log: who did what to which draft at which provider, and how it ended. Entries
//! are append-only and chained with a keyed hash (HMAC-SHA256, its key in the OS keyring)
//! so [`Vault::verify_audit`] can show that none was altered, inserted or removed, and the
//! chain's head is anchored in the keyring too (see `audit_anchor`) so that entries cut off
//! the end, or the whole file rolled back to an older copy, show as well. No PII goes in:
//! drafts are named by id, people by nothing, and providers' answers only by their opaque
//! ids.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::keys::encode_hex;
use crate::types::{column, time_column, timestamp};
use crate::{AuditOutcome, DraftId, Error, Provider, Result, Vault};

pub(crate) const GENESIS: [u8; 32] = [0; 32];

/// The SQL function, registered on the vault's own connection only, that seals an entry.
pub(crate) const SEAL_FUNCTION: &str = "branchdesk_audit_seal";
/// Entries written before the log was keyed: plain SHA-256 over this and the entry.
const DOMAIN: &[u8] = b"branchdesk-audit-v1";

/// Who acted: a member of staff by name, or Branchdesk itself (retries, resumes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    System,
    Staff(String),
}

impl Actor {
    pub fn as_str(&self) -> &str {
        match self {
            Actor::System => "system",
            Actor::Staff(name) => name,
        }
    }

    fn parse(text: String) -> Self {
        if text == "system" {
            Actor::System
        } else {
            Actor::Staff(text)
        }
    }
}

impl Serialize for Actor {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub draft_id: Option<DraftId>,
    pub actor: Actor,
    /// What was done, e.g. `submit` or `cos.create_customer`.
    pub action: String,
    pub provider: Option<Provider>,
    /// The path template called, e.g. `POST /core/v1/cm/customers`: no query string, since
    /// that is where personal data would hide.
    pub endpoint: Option<String>,
    /// The HTTP status, if an answer came.
    pub status: Option<u16>,
    /// The provider's ids for what it created, e.g. `{"customerId": "…"}`.
    pub provider_ids: serde_json::Value,
    pub outcome: AuditOutcome,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// 1, 2, 3, … without gaps.
    pub seq: u64,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub record: AuditRecord,
    /// This entry's chain hash, in hex.
    pub hash: String,
}

/// Which entries [`Vault::list_audit`] returns; the default is all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub draft_id: Option<DraftId>,
    pub outcome: Option<AuditOutcome>,
}

/// Which part of the log [`Vault::audit_page`] reads: entries from `since` and before
/// `until`, older than the entry `before`, at most `limit` of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditWindow {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before: Option<u64>,
    pub limit: u32,
}

/// What [`Vault::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReport {
    /// Entries read.
    pub entries: u64,
    /// Empty when the log is intact.
    pub problems: Vec<AuditProblem>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditProblem {
    /// The entry where it shows.
    pub seq: u64,
    pub kind: AuditProblemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditProblemKind {
    /// The entry's content no longer matches its hash: it was edited.
    Altered,
    /// The entry does not follow the one before it: an entry was inserted or removed
    /// before it, or its predecessor was rewritten with a new hash.
    ChainBroken,
    /// Numbers are missing before this entry: entries were removed.
    Missing,
    /// The last entry is not the one last appended: entries were cut off the end or added
    /// outside the vault. `seq` is the last entry present (0 for none).
    HeadMismatch,
    /// The keyring holds no anchor for this log, or one that does not fit it (another
    /// vault's, or its keyed part starts elsewhere), so cuts at the end cannot be ruled
    /// out. `seq` is the last entry present.
    Unanchored,
    /// The keyring's anchor names an entry that is no longer there: entries were cut off
    /// the end, or the database was rolled back to an older copy. `seq` is the anchored
    /// entry.
    Truncated,
    /// The entry the keyring anchors is there but is not the one anchored: the database
    /// was replaced by an older or another copy and written to since. `seq` is the
    /// anchored entry.
    RolledBack,
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            AuditProblemKind::Altered => "was altered",
            AuditProblemKind::ChainBroken => "does not follow the entry before it",
            AuditProblemKind::Missing => "comes after missing entries",
            AuditProblemKind::HeadMismatch => "is not the last entry written",
            AuditProblemKind::Unanchored => {
                "ends a log whose anchor in the keyring is missing or belongs to another \
                 log, so entries cut off the end would go unnoticed"
            }
            AuditProblemKind::Truncated => {
                "was anchored in the keyring but is gone: entries were cut off the end of \
                 the log, or the database was rolled back to an older copy"
            }
            AuditProblemKind::RolledBack => {
                "is not the entry anchored in the keyring: the database was replaced by an \
                 older or another copy"
            }
        };
        write!(f, "audit entry {} {what}", self.seq)
    }
}

/// The columns as stored, hashed exactly as they are so verifying never depends on parsing.
pub(crate) struct RawEntry {
    pub(crate) seq: i64,
    pub(crate) at: String,
    pub(crate) draft_id: Option<String>,
    pub(crate) actor: String,
    pub(crate) action: String,
    pub(crate) provider: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) status: Option<i64>,
    pub(crate) provider_ids: String,
    pub(crate) outcome: String,
}

impl RawEntry {
    /// What an entry's hash covers: its predecessor's hash and its own columns.
    pub(crate) fn message(&self, prev: &[u8]) -> Vec<u8> {
        let mut out = prev.to_vec();
        // Length-prefixed and tagged, so no two different entries encode alike.
        let mut field = |value: Option<&[u8]>| match value {
            None => out.push(0u8),
            Some(bytes) => {
                out.push(1u8);
                out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
                out.extend_from_slice(bytes);
            }
        };
        let status = self.status.map(|s| s.to_string());
        field(Some(&self.seq.to_be_bytes()));
        field(Some(self.at.as_bytes()));
        field(self.draft_id.as_deref().map(str::as_bytes));
        field(Some(self.actor.as_bytes()));
        field(Some(self.action.as_bytes()));
        field(self.provider.as_deref().map(str::as_bytes));
        field(self.endpoint.as_deref().map(str::as_bytes));
        field(status.as_deref().map(str::as_bytes));
        field(Some(self.provider_ids.as_bytes()));
        field(Some(self.outcome.as_bytes()));
        out
    }

    /// The unkeyed hash of entries written before the log had a key.
    pub(crate) fn unkeyed_hash(&self, prev: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        hasher.update(self.message(prev));
        hasher.finalize().into()
    }
}

pub(crate) const ENTRY_COLUMNS: &str =
    "seq, at, draft_id, actor, action, provider, endpoint, status,
     provider_ids, outcome, prev_hash, hash";

pub(crate) fn raw_from_row(row: &Row<'_>) -> rusqlite::Result<(RawEntry, Vec<u8>, Vec<u8>)> {
    Ok((
        RawEntry {
            seq: row.get(0)?,
            at: row.get(1)?,
            draft_id: row.get(2)?,
            actor: row.get(3)?,
            action: row.get(4)?,
            provider: row.get(5)?,
            endpoint: row.get(6)?,
            status: row.get(7)?,
            provider_ids: row.get(8)?,
            outcome: row.get(9)?,
        },
        row.get(10)?,
        row.get(11)?,
    ))
}

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let provider_ids: String = row.get(8)?;
    let hash: Vec<u8> = row.get(11)?;
    Ok(AuditEntry {
        seq: row.get(0)?,
        at: time_column(row, 1)?,
        record: AuditRecord {
            draft_id: match row.get::<_, Option<String>>(2)? {
                None => None,
                Some(_) => Some(column(row, 2)?),
            },
            actor: Actor::parse(row.get(3)?),
            action: row.get(4)?,
            provider: match row.get::<_, Option<String>>(5)? {
                None => None,
                Some(_) => Some(column(row, 5)?),
            },
            endpoint: row.get(6)?,
            status: row.get(7)?,
            provider_ids: serde_json::from_str(&provider_ids).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    8,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
            outcome: column(row, 9)?,
        },
        hash: encode_hex(&hash).to_string(),
    })
}

/// Appends an entry inside the caller's transaction, which must hold the write lock
/// (IMMEDIATE or a write already made) so that two appends never chain to the same
/// predecessor.
pub(crate) fn append_in(tx: &Connection, record: &AuditRecord) -> Result<AuditEntry> {
    if record.action.trim().is_empty() {
        return Err(Error::InvalidInput("an audit entry needs an action".into()));
    }
    if record.endpoint.as_deref().is_some_and(|e| e.contains('?')) {
        return Err(Error::InvalidInput(
            "an audited endpoint must be a path without its query string".into(),
        ));
    }
    // Every submission step appends here: the statements are parsed once per connection.
    let last: Option<(i64, Vec<u8>)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_vec()));
    let raw = RawEntry {
        seq: prev_seq + 1,
        at: timestamp(Utc::now()),
        draft_id: record.draft_id.map(|d| d.to_string()),
        actor: record.actor.as_str().to_owned(),
        action: record.action.clone(),
        provider: record.provider.map(|p| p.as_str().to_owned()),
        endpoint: record.endpoint.clone(),
        status: record.status.map(i64::from),
        provider_ids: serde_json::to_string(&record.provider_ids)?,
        outcome: record.outcome.as_str().to_owned(),
    };
    // Sealed with the key the vault registered on its connection: a connection without it
    // (anyone else's) cannot append at all.
    let hash: Vec<u8> = tx
        .prepare_cached(&format!("SELECT {SEAL_FUNCTION}(?1)"))?
        .query_row([raw.message(&prev_hash)], |row| row.get(0))?;
    tx.prepare_cached(&format!("INSERT INTO audit_log ({ENTRY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"))?
        .execute(params![
            raw.seq,
            raw.at,
            raw.draft_id,
            raw.actor,
            raw.action,
            raw.provider,
            raw.endpoint,
            raw.status,
            raw.provider_ids,
            raw.outcome,
            prev_hash,
            hash,
        ])?;
    tx.prepare_cached(
        "INSERT INTO audit_head (one, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )?
    .execute(params![raw.seq, hash])?;
    let entry = tx
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq = ?1"
        ))?
        .query_row([raw.seq], entry_from_row)?;
    Ok(entry)
}

impl Vault {
    /// Appends an entry, chained to the last one.
    pub fn append_audit(&self, record: &AuditRecord) -> Result<AuditEntry> {
        let mut conn = self.conn();
        // IMMEDIATE: two appends must not both chain to the same predecessor.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let entry = append_in(&tx, record)?;
        tx.commit()?;
        self.settle_anchor(&conn);
        Ok(entry)
    }

    /// The entries matching `filter`, oldest first.
    pub fn list_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log
             WHERE (?1 IS NULL OR draft_id = ?1) AND (?2 IS NULL OR outcome = ?2)
             ORDER BY seq"
        ))?;
        let rows = statement.query_map(
            params![
                filter.draft_id.map(|d| d.to_string()),
                filter.outcome.map(AuditOutcome::as_str)
            ],
            entry_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One page of the entries matching `filter`, newest first: reading a long log page
    /// by page keeps what is held in memory to the page.
    pub fn audit_page(
        &self,
        filter: &AuditFilter,
        window: &AuditWindow,
    ) -> Result<Vec<AuditEntry>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log
             WHERE (?1 IS NULL OR draft_id = ?1) AND (?2 IS NULL OR outcome = ?2)
               AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4)
               AND (?5 IS NULL OR seq < ?5)
             ORDER BY seq DESC LIMIT ?6"
        ))?;
        let rows = statement.query_map(
            params![
                filter.draft_id.map(|d| d.to_string()),
                filter.outcome.map(AuditOutcome::as_str),
                window.since.map(timestamp),
                window.until.map(timestamp),
                window
                    .before
                    .map(|seq| i64::try_from(seq).unwrap_or(i64::MAX)),
                window.limit,
            ],
            entry_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Re-computes the whole chain, and checks it against the anchor in the keyring. `Err`
    /// only when the log or the keyring cannot be read; a log that reads but does not add up
    /// is an `Ok` report listing each problem.
    pub fn verify_audit(&self) -> Result<VerifyReport> {
        let conn = self.conn();
        let mut checked = check_chain(&conn, self.anchor.keyed_from(), |message| {
            self.anchor.seal(message)
        })?;
        let head: Option<(i64, Vec<u8>)> = conn
            .query_row(
                "SELECT seq, hash FROM audit_head WHERE one = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let head_matches = match head {
            None => checked.entries == 0,
            Some((seq, hash)) => seq == checked.last_seq && hash == checked.last_hash,
        };
        if !head_matches {
            checked.problem(checked.last_seq, AuditProblemKind::HeadMismatch);
        }
        if let Some(problem) = self.anchor.check(&conn, checked.last_seq)? {
            checked.problems.push(problem);
        }
        Ok(VerifyReport {
            entries: checked.entries,
            problems: checked.problems,
        })
    }
}

/// What re-computing the chain found.
pub(crate) struct Checked {
    pub(crate) entries: u64,
    pub(crate) problems: Vec<AuditProblem>,
    pub(crate) last_seq: i64,
    pub(crate) last_hash: Vec<u8>,
}

impl Checked {
    fn problem(&mut self, seq: i64, kind: AuditProblemKind) {
        self.problems.push(AuditProblem {
            seq: u64::try_from(seq).unwrap_or(0),
            kind,
        });
    }
}

/// Re-computes every entry's hash: unkeyed below `keyed_from`, with `seal` from there on.
pub(crate) fn check_chain(
    conn: &Connection,
    keyed_from: i64,
    seal: impl Fn(&[u8]) -> [u8; 32],
) -> Result<Checked> {
    let mut statement = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq"
    ))?;
    let mut rows = statement.query([])?;
    let mut checked = Checked {
        entries: 0,
        problems: Vec::new(),
        last_seq: 0,
        last_hash: GENESIS.to_vec(),
    };
    while let Some(row) = rows.next()? {
        let (raw, prev_hash, hash) = raw_from_row(row)?;
        checked.entries += 1;
        if raw.seq != checked.last_seq + 1 {
            checked.problem(raw.seq, AuditProblemKind::Missing);
        }
        if prev_hash != checked.last_hash {
            checked.problem(raw.seq, AuditProblemKind::ChainBroken);
        }
        let expected = if raw.seq < keyed_from {
            raw.unkeyed_hash(&prev_hash)
        } else {
            seal(&raw.message(&prev_hash))
        };
        if expected.as_slice() != hash.as_slice() {
            checked.problem(raw.seq, AuditProblemKind::Altered);
        }
        checked.last_seq = raw.seq;
        checked.last_hash = hash;
    }
    Ok(checked)
}

#[cfg(test)]
mod tests;
