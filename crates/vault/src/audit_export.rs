//! The audit log written out as JSON Lines, and checking such a file on its own.
//!
//! Line 1 names the log (`vaultId`, whose keyring entry holds the key, and `keyedFrom`).
//! Then one line per entry with every stored column exactly as hashed (`providerIds` as
//! the stored text), its `prevHash` and `hash`. The last line closes the range: how many
//! entries, the first one's `prevHash` and the last one's `hash`, sealed with the log's
//! key, so lines cut off the end, a changed `keyedFrom` or a range spliced from elsewhere
//! all fail. Checking needs only the file and the key, not the database.

use std::io::{BufRead, Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{raw_from_row, RawEntry, ENTRY_COLUMNS, GENESIS};
use crate::audit_anchor::{audit_key_entry, seal_with};
use crate::keys::{decode_hex, encode_hex, Key};
use crate::types::timestamp;
use crate::{AuditProblem, AuditProblemKind, Error, Result, SecretStore, Vault, VerifyReport};

const FORMAT: &str = "branchdesk-audit-export";
const VERSION: u32 = 1;
/// No line Branchdesk writes comes near this; a longer one is not ours.
const MAX_LINE: u64 = 1024 * 1024;
const TRAILER_DOMAIN: &[u8] = b"branchdesk-audit-export-v1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    vault_id: String,
    keyed_from: i64,
    exported_at: String,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Line {
    seq: i64,
    at: String,
    draft_id: Option<String>,
    actor: String,
    action: String,
    provider: Option<String>,
    endpoint: Option<String>,
    status: Option<i64>,
    provider_ids: String,
    outcome: String,
    prev_hash: String,
    hash: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Trailer {
    entries: u64,
    first_prev_hash: String,
    last_hash: String,
    seal: String,
}

/// Either an entry or the closing line; the header is read on its own.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Body {
    Entry(Line),
    End(Trailer),
}

fn trailer_seal(
    key: &Key,
    vault_id: &str,
    keyed_from: i64,
    entries: u64,
    first_prev: &[u8],
    last: &[u8],
) -> [u8; 32] {
    let mut message = TRAILER_DOMAIN.to_vec();
    message.extend_from_slice(&(vault_id.len() as u64).to_be_bytes());
    message.extend_from_slice(vault_id.as_bytes());
    message.extend_from_slice(&keyed_from.to_be_bytes());
    message.extend_from_slice(&entries.to_be_bytes());
    message.extend_from_slice(&(first_prev.len() as u64).to_be_bytes());
    message.extend_from_slice(first_prev);
    message.extend_from_slice(&(last.len() as u64).to_be_bytes());
    message.extend_from_slice(last);
    seal_with(key, &message)
}

impl Vault {
    /// Writes the entries made from `from` (inclusive) until `to` (exclusive), oldest
    /// first, as described in the module's documentation; how many were written.
    pub fn export_audit(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        out: &mut dyn Write,
    ) -> Result<u64> {
        let io = |e| Error::io("writing the audit export to", "the export file", e);
        let header = Header {
            format: FORMAT.to_owned(),
            version: VERSION,
            vault_id: self.anchor.vault_id().to_owned(),
            keyed_from: self.anchor.keyed_from(),
            exported_at: timestamp(Utc::now()),
            from: from.map(timestamp),
            to: to.map(timestamp),
        };
        serde_json::to_writer(&mut *out, &header)?;
        out.write_all(b"\n").map_err(io)?;

        // The reader connection: a long export never holds up the writer.
        let conn = self.reader();
        let mut statement = conn.prepare(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log
             WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) ORDER BY seq"
        ))?;
        let mut rows = statement.query([header.from.as_deref(), header.to.as_deref()])?;
        let mut entries = 0u64;
        let mut first_prev: Option<Vec<u8>> = None;
        let mut last = GENESIS.to_vec();
        while let Some(row) = rows.next()? {
            let (raw, prev_hash, hash) = raw_from_row(row)?;
            if first_prev.is_none() {
                first_prev = Some(prev_hash.clone());
            }
            let line = Line {
                seq: raw.seq,
                at: raw.at,
                draft_id: raw.draft_id,
                actor: raw.actor,
                action: raw.action,
                provider: raw.provider,
                endpoint: raw.endpoint,
                status: raw.status,
                provider_ids: raw.provider_ids,
                outcome: raw.outcome,
                prev_hash: encode_hex(&prev_hash).to_string(),
                hash: encode_hex(&hash).to_string(),
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n").map_err(io)?;
            entries += 1;
            last = hash;
        }
        let first_prev = first_prev.unwrap_or_else(|| last.clone());
        let seal = trailer_seal(
            self.anchor.key(),
            &header.vault_id,
            header.keyed_from,
            entries,
            &first_prev,
            &last,
        );
        let trailer = Trailer {
            entries,
            first_prev_hash: encode_hex(&first_prev).to_string(),
            last_hash: encode_hex(&last).to_string(),
            seal: encode_hex(&seal).to_string(),
        };
        serde_json::to_writer(&mut *out, &trailer)?;
        out.write_all(b"\n").map_err(io)?;
        out.flush().map_err(io)?;
        Ok(entries)
    }
}

/// Reads one line of at most [`MAX_LINE`] bytes; `None` at the end of the input.
fn next_line(input: &mut dyn BufRead) -> Result<Option<String>> {
    let mut line = Vec::new();
    let read = input
        .take(MAX_LINE + 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| Error::io("reading", "the audit export", e))?;
    if read == 0 {
        return Ok(None);
    }
    if line.len() as u64 > MAX_LINE {
        return Err(Error::InvalidInput(
            "the audit export has a line far longer than any Branchdesk writes".into(),
        ));
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| Error::InvalidInput("the audit export is not UTF-8 text".into()))
}

fn hash_field(text: &str) -> Option<Vec<u8>> {
    decode_hex(text).map(|bytes| bytes.to_vec())
}

/// Checks an export written by [`Vault::export_audit`], with the log's key from
/// `secrets`. `Err` when the file is not an export at all or its key is missing; an export
/// that reads but does not add up is an `Ok` report listing each problem.
pub fn verify_audit_export(
    input: &mut dyn BufRead,
    secrets: &dyn SecretStore,
) -> Result<VerifyReport> {
    let not_export = || Error::InvalidInput("the file is not a Branchdesk audit export".into());
    let header: Header = next_line(input)?
        .and_then(|line| serde_json::from_str(&line).ok())
        .filter(|h: &Header| h.format == FORMAT && h.version == VERSION)
        .ok_or_else(not_export)?;
    let entry = audit_key_entry(&header.vault_id);
    let key = match secrets.get(&entry)? {
        Some(text) => decode_hex(text.expose().trim()).ok_or(Error::InvalidAuditKey {
            entry: entry.clone(),
        })?,
        None => return Err(Error::AuditKeyMissing { entry }),
    };

    let mut problems = Vec::new();
    let mut report = |seq: i64, kind| {
        problems.push(AuditProblem {
            seq: u64::try_from(seq).unwrap_or(0),
            kind,
        })
    };
    let mut entries = 0u64;
    let mut first_prev: Option<Vec<u8>> = None;
    let mut last: Option<(i64, Vec<u8>)> = None;
    let mut closed = false;
    while let Some(text) = next_line(input)? {
        if closed {
            // Nothing may follow the closing line.
            report(
                last.as_ref().map_or(0, |l| l.0),
                AuditProblemKind::HeadMismatch,
            );
            break;
        }
        let body: Body = match serde_json::from_str(&text) {
            Ok(body) => body,
            Err(_) => {
                report(
                    last.as_ref().map_or(0, |l| l.0 + 1),
                    AuditProblemKind::Altered,
                );
                continue;
            }
        };
        match body {
            Body::Entry(line) => {
                entries += 1;
                let (Some(prev), Some(hash)) =
                    (hash_field(&line.prev_hash), hash_field(&line.hash))
                else {
                    report(line.seq, AuditProblemKind::Altered);
                    continue;
                };
                match &last {
                    None => first_prev = Some(prev.clone()),
                    Some((seq, last_hash)) => {
                        if line.seq != seq + 1 {
                            report(line.seq, AuditProblemKind::Missing);
                        }
                        if &prev != last_hash {
                            report(line.seq, AuditProblemKind::ChainBroken);
                        }
                    }
                }
                let raw = RawEntry {
                    seq: line.seq,
                    at: line.at,
                    draft_id: line.draft_id,
                    actor: line.actor,
                    action: line.action,
                    provider: line.provider,
                    endpoint: line.endpoint,
                    status: line.status,
                    provider_ids: line.provider_ids,
                    outcome: line.outcome,
                };
                let expected = if raw.seq < header.keyed_from {
                    raw.unkeyed_hash(&prev)
                } else {
                    seal_with(&key, &raw.message(&prev))
                };
                if expected.as_slice() != hash.as_slice() {
                    report(raw.seq, AuditProblemKind::Altered);
                }
                last = Some((raw.seq, hash));
            }
            Body::End(trailer) => {
                closed = true;
                let last_seq = last.as_ref().map_or(0, |l| l.0);
                let last_hash = last.as_ref().map_or_else(Vec::new, |l| l.1.clone());
                let matches = hash_field(&trailer.seal).is_some_and(|seal| {
                    let first = hash_field(&trailer.first_prev_hash).unwrap_or_default();
                    let end = hash_field(&trailer.last_hash).unwrap_or_default();
                    let expected = trailer_seal(
                        &key,
                        &header.vault_id,
                        header.keyed_from,
                        trailer.entries,
                        &first,
                        &end,
                    );
                    seal == expected.as_slice()
                        && trailer.entries == entries
                        && (entries == 0
                            || (Some(&first) == first_prev.as_ref() && end == last_hash))
                });
                if !matches {
                    report(last_seq, AuditProblemKind::HeadMismatch);
                }
            }
        }
    }
    if !closed {
        report(
            last.as_ref().map_or(0, |l| l.0),
            AuditProblemKind::Truncated,
        );
    }
    Ok(VerifyReport { entries, problems })
}
