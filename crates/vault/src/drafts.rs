//! Drafts: a JSON body (the draft type's own serialisation, opaque here) plus the columns the
//! drafts list shows, searches and filters on.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::draft_search::{fold, query, search_key};
use crate::types::{column, time_column, timestamp};
use crate::{DraftId, DraftState, Error, PartyKind, Provider, Result, ScanId, Vault};

/// A tax id with all but its last four letters or digits replaced by `•`, keeping its
/// separators: `123-45-6789` becomes `•••-••-6789`. The full number lives only in the
/// draft's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MaskedTaxId(String);

impl MaskedTaxId {
    /// Masks a full tax id ([`branchdesk_domain::last_four`]).
    pub fn from_full(tax_id: &str) -> Self {
        Self(branchdesk_domain::last_four(tax_id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the caller writes: the body and the list columns kept beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftInput {
    pub provider: Provider,
    pub kind: PartyKind,
    /// The name the drafts list shows and searches, e.g. "Jane Doe" or "Acme LLC".
    pub display_name: String,
    pub masked_tax_id: Option<MaskedTaxId>,
    pub state: DraftState,
    pub body: serde_json::Value,
}

/// A row of the drafts list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftSummary {
    pub id: DraftId,
    pub provider: Provider,
    pub kind: PartyKind,
    pub display_name: String,
    pub masked_tax_id: Option<MaskedTaxId>,
    pub state: DraftState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Hidden from the Drafts list's default view; see [`Vault::archive_draft`].
    pub archived: bool,
}

/// A draft with its body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    #[serde(flatten)]
    pub summary: DraftSummary,
    pub body: serde_json::Value,
}

/// Which drafts [`Vault::list_drafts`] returns; the default is all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftFilter {
    /// What staff typed into the search: a part of the display name (accents and case
    /// ignored either way), the tax id's last four, or a customer id the provider gave.
    pub name_contains: Option<String>,
    pub provider: Option<Provider>,
    /// Any of these states; empty means any state.
    pub states: Vec<DraftState>,
    /// At most this many, newest first: a screen's worth. `None` means all.
    pub limit: Option<u32>,
    /// Only archived drafts (`Some(true)`), only the others (`Some(false)`), or both.
    pub archived: Option<bool>,
}

const SUMMARY_COLUMNS: &str =
    "id, provider, kind, display_name, masked_tax_id, state, created_at, updated_at, archived";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<DraftSummary> {
    Ok(DraftSummary {
        id: column(row, 0)?,
        provider: column(row, 1)?,
        kind: column(row, 2)?,
        display_name: row.get(3)?,
        masked_tax_id: row.get::<_, Option<String>>(4)?.map(MaskedTaxId),
        state: column(row, 5)?,
        created_at: time_column(row, 6)?,
        updated_at: time_column(row, 7)?,
        archived: row.get(8)?,
    })
}

pub(crate) fn set_state_in(conn: &Connection, id: DraftId, state: DraftState) -> Result<()> {
    let changed = conn
        .prepare_cached("UPDATE drafts SET state = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![
            id.to_string(),
            state.as_str(),
            timestamp(Utc::now())
        ])?;
    if changed == 0 {
        return Err(Error::DraftNotFound(id));
    }
    Ok(())
}

fn get_in(conn: &Connection, id: DraftId) -> Result<Option<Draft>> {
    let found = conn
        .query_row(
            &format!("SELECT {SUMMARY_COLUMNS}, body FROM drafts WHERE id = ?1"),
            [id.to_string()],
            |row| Ok((summary_from_row(row)?, row.get::<_, String>(9)?)),
        )
        .optional()?;
    match found {
        None => Ok(None),
        Some((summary, body)) => Ok(Some(Draft {
            summary,
            body: serde_json::from_str(&body)
                .map_err(|e| Error::Corrupt(format!("draft {id}'s body: {e}")))?,
        })),
    }
}

/// Writes a draft on `conn`, creating it if `id` is new; part of the caller's transaction
/// when there is one.
pub(crate) fn save_in(conn: &Connection, id: DraftId, input: &DraftInput) -> Result<DraftSummary> {
    let body = serde_json::to_string(&input.body)?;
    let now = timestamp(Utc::now());
    let mut statement = conn.prepare_cached(
        "INSERT INTO drafts (id, provider, kind, display_name, name_folded, masked_tax_id,
                             state, body, created_at, updated_at, search_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET
             provider = excluded.provider, kind = excluded.kind,
             display_name = excluded.display_name, name_folded = excluded.name_folded,
             search_key = excluded.search_key,
             masked_tax_id = excluded.masked_tax_id, state = excluded.state,
             body = excluded.body, updated_at = excluded.updated_at
         RETURNING created_at, updated_at, archived",
    )?;
    let (created_at, updated_at, archived) = statement.query_row(
        params![
            id.to_string(),
            input.provider.as_str(),
            input.kind.as_str(),
            input.display_name,
            fold(&input.display_name),
            input.masked_tax_id.as_ref().map(MaskedTaxId::as_str),
            input.state.as_str(),
            body,
            now,
            search_key(
                &input.display_name,
                input.masked_tax_id.as_ref().map(MaskedTaxId::as_str)
            ),
        ],
        |row| Ok((time_column(row, 0)?, time_column(row, 1)?, row.get(2)?)),
    )?;
    Ok(DraftSummary {
        id,
        provider: input.provider,
        kind: input.kind,
        display_name: input.display_name.clone(),
        masked_tax_id: input.masked_tax_id.clone(),
        state: input.state,
        created_at,
        updated_at,
        archived,
    })
}

/// Drafts being written together by [`Vault::save_drafts`], inside its transaction.
pub struct DraftBatch<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

impl DraftBatch<'_> {
    /// Writes a draft as [`Vault::save_draft`] does, as part of the batch.
    pub fn save(&mut self, id: DraftId, input: &DraftInput) -> Result<DraftSummary> {
        save_in(self.tx, id, input)
    }
}

/// The Drafts list's query. Every column it reads is in the `drafts_list` index, in its
/// order, so it never reads the table's rows (each carries a whole draft body).
fn list_sql() -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS} FROM drafts
         WHERE (?1 IS NULL OR instr(search_key, ?1) > 0 OR instr(customer_ids, ?1) > 0)
           AND (?2 IS NULL OR provider = ?2)
           AND (?3 IS NULL OR state IN (SELECT value FROM json_each(?3)))
           AND (?5 IS NULL OR archived = ?5)
         ORDER BY updated_at DESC, id
         LIMIT ?4"
    )
}

impl Vault {
    /// Stores a new draft under a fresh id.
    pub fn create_draft(&self, input: &DraftInput) -> Result<DraftSummary> {
        self.save_draft(DraftId::new(), input)
    }

    /// Writes a draft, creating it if `id` is new (autosave): one statement, one fsync.
    pub fn save_draft(&self, id: DraftId, input: &DraftInput) -> Result<DraftSummary> {
        save_in(&self.conn(), id, input)
    }

    /// Writes many drafts in one transaction: `fill` saves each through the batch, and
    /// either all of them are stored or, when `fill` fails (or the commit does), none.
    /// An import stores a file's customers this way, so a failure half-way leaves no half
    /// of it behind. The vault is held until `fill` returns, so it should only compute.
    pub fn save_drafts<T, E>(
        &self,
        fill: impl FnOnce(&mut DraftBatch<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<Error>,
    {
        self.in_draft_write(|tx| fill(&mut DraftBatch { tx }))
    }

    /// Runs `work` in one write transaction on drafts, taken at once (so no other write can come
    /// between what it reads and what it writes), committed when `work` succeeds and
    /// rolled back when it fails.
    fn in_draft_write<T, E>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<Error>,
    {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::from)?;
        // Dropping the transaction on an error rolls it back.
        let answer = work(&tx)?;
        tx.commit().map_err(Error::from)?;
        Ok(answer)
    }

    pub fn get_draft(&self, id: DraftId) -> Result<Option<Draft>> {
        get_in(&self.conn(), id)
    }

    /// Reads a draft, lets `change` make its new form from it, and writes that, with no
    /// other write in between: two changes of one draft at once (a scan attached while the
    /// form autosaves, two slots filled together) each see the other's result instead of
    /// the later one silently undoing the earlier. `change` runs while the vault is held,
    /// so it must only compute.
    pub fn update_draft<E>(
        &self,
        id: DraftId,
        change: impl FnOnce(Draft) -> std::result::Result<DraftInput, E>,
    ) -> std::result::Result<DraftSummary, E>
    where
        E: From<Error>,
    {
        self.in_draft_write(|tx| {
            let stored = get_in(tx, id)?.ok_or(Error::DraftNotFound(id))?;
            let input = change(stored)?;
            Ok(save_in(tx, id, &input)?)
        })
    }

    /// The drafts matching `filter`, most recently changed first.
    pub fn list_drafts(&self, filter: &DraftFilter) -> Result<Vec<DraftSummary>> {
        let name = filter.name_contains.as_deref().and_then(query);
        let states = (!filter.states.is_empty()).then(|| {
            serde_json::Value::from(filter.states.iter().map(|s| s.as_str()).collect::<Vec<_>>())
                .to_string()
        });
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&list_sql())?;
        // SQLite reads a negative LIMIT as "no limit".
        let limit = filter.limit.map_or(-1, i64::from);
        let rows = statement.query_map(
            params![
                name,
                filter.provider.map(Provider::as_str),
                states,
                limit,
                filter.archived
            ],
            summary_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes only a draft's state, e.g. from the submission engine.
    pub fn set_draft_state(&self, id: DraftId, state: DraftState) -> Result<()> {
        set_state_in(&self.conn(), id, state)
    }

    /// Deletes a draft and its scans; `false` if there was none. A scan file that cannot be
    /// removed now is reported, and removed by the sweep at the next open.
    ///
    /// Only a draft never planned can go: one that is past `ready`, or has any plan at all,
    /// has been or may have been sent, and deleting it would drop the provider's ids and
    /// the outbox that keeps it from being sent twice ([`Error::DeleteRefused`]; archive it
    /// instead). The check and the delete share one transaction, so a submit cannot slip
    /// in between.
    pub fn delete_draft(&self, id: DraftId) -> Result<bool> {
        let (changed, scans) = {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if let Some(state) = crate::archive::delete_refusal_in(&tx, id)? {
                return Err(Error::DeleteRefused { draft: id, state });
            }
            let scans = {
                let mut statement = tx.prepare("SELECT id FROM scans WHERE draft_id = ?1")?;
                let rows = statement.query_map([id.to_string()], |row| column::<ScanId>(row, 0))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let changed = tx.execute("DELETE FROM drafts WHERE id = ?1", [id.to_string()])?;
            tx.commit()?;
            (changed, scans)
        };
        for scan in scans {
            self.remove_scan_file(scan)?;
        }
        Ok(changed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_and_its_search_read_only_the_lists_index() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(dir.path(), &crate::MemoryStore::default()).unwrap();
        let conn = vault.raw();
        // The list's own query, as `list_drafts` prepares it.
        let sql = format!("EXPLAIN QUERY PLAN {}", list_sql());
        let mut statement = conn.prepare(&sql).unwrap();
        // Name, provider, states, archived: the list's parameters but the limit.
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            Option<bool>,
        );
        let cases: [Case<'_>; 4] = [
            (None, None, None, None),
            (Some("ortega"), None, None, Some(false)),
            (
                Some("ortega"),
                Some("cos"),
                Some(r#"["draft","ready"]"#),
                None,
            ),
            (None, None, None, Some(true)),
        ];
        for (name, provider, states, archived) in cases {
            let plan: Vec<String> = statement
                .query_map(params![name, provider, states, 100, archived], |row| {
                    row.get(3)
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("\n");
            assert!(
                plan.contains("USING COVERING INDEX drafts_list"),
                "{name:?}: {plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{name:?}: {plan}");
        }
    }

    #[test]
    fn tax_ids_keep_their_shape_and_only_their_last_four() {
        assert_eq!(
            MaskedTaxId::from_full("123-45-6789").as_str(),
            "•••-••-6789"
        );
        assert_eq!(MaskedTaxId::from_full("123456789").as_str(), "•••••6789");
        assert_eq!(MaskedTaxId::from_full("12-3456789").as_str(), "••-•••6789");
        assert_eq!(MaskedTaxId::from_full(" 1234 ").as_str(), "••••");
        assert_eq!(MaskedTaxId::from_full("").as_str(), "");
    }
}
