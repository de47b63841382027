//! The audit log's anchor outside the database.
//!
//! Anyone who can write the database file can cut entries off the end of a hash chain, or
//! put back an older copy of the whole file, and the chain still adds up. Two things kept
//! in the OS keyring, beside the database key, close that gap:
//!
//! - **The key** (`audit-key.<vault id>`): entries are chained with HMAC-SHA256 under it,
//!   so nobody without the keyring can write an entry that verifies, not even at the end.
//! - **The head** (`audit-head.<vault id>`): the sequence number and hash of an entry the
//!   chain is known to have reached, and where its keyed part starts.
//!
//! The head is written after the commit that appended the entries, never before: a
//! commit can still fail at its last step, and a head ahead of the database would be a
//! false alarm forever after. So a crash between the commit and the keyring write leaves
//! the head behind the chain. That is safe to accept: every entry past the head carries a
//! keyed hash, which only this vault can make, so a longer chain is never a forgery.
//! What `verify` refuses is a chain that no longer *contains* the head — cut short, or
//! rolled back to a copy from before the head was written — and an entry at the head's
//! sequence number that is not the anchored one. The window this leaves is the commits
//! made since the head was last written: normally none, at worst the last one before a
//! crash (and the outbox's own transactions until the next grouped commit, append or
//! close of the vault settles them).
//!
//! The keyring write itself runs on a thread of its own (a Secret Service write takes about
//! 150 ms, fifty times an audited commit), so the head may also trail by the commits made
//! while one write was under way; `verify` waits for the write in progress, and closing
//! the vault waits for the last one.
//!
//! The head only ever moves forward along the chain it anchors ([`Vault::settle_anchor`]
//! checks the old head is still in the chain before writing the new one), so a rolled
//! back database that is then written to does not launder itself into a new anchor.
//!
//! The vault id lives in the database (`audit_anchor`), so several data folders (the
//! training vault, tests) keep separate anchors under one keyring service.
//!
//! A data folder from before the anchor gets one the first time this version opens it:
//! its existing entries keep their unkeyed SHA-256 chain (`keyed_from` says where that
//! ends), a first keyed entry `audit.anchored` chains onto them, recording how many there
//! were and whether they verified at that moment. Older entries are then as safe from
//! later edits as the new ones (changing one breaks the keyed entry after them), but what
//! was done to them before the upgrade can only be judged by that record.

use std::sync::{Arc, MutexGuard};

use hmac::{Hmac, Mac};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::Sha256;

use crate::audit::{append_in, check_chain, raw_from_row, ENTRY_COLUMNS, GENESIS, SEAL_FUNCTION};
use crate::keys::{decode_hex, encode_hex, random_key, Key};
use crate::{
    Actor, AuditOutcome, AuditProblem, AuditProblemKind, AuditRecord, Error, Result, SecretStore,
    Sensitive, Vault,
};

mod writer;

use writer::{read_head_from, write_head_to, Head, HeadWriter};

/// The keyring entry holding the key of the audit chain of the vault with this id.
pub const AUDIT_KEY_ENTRY_PREFIX: &str = "audit-key.";
/// The keyring entry holding the anchored head of the vault with this id.
pub const AUDIT_HEAD_ENTRY_PREFIX: &str = "audit-head.";

/// Keyed entries hash this before the entry, so they can never collide with unkeyed ones.
const KEYED_DOMAIN: &[u8] = b"branchdesk-audit-v2";

/// The action of the entry that anchors an older, unkeyed log.
pub const ANCHORED_ACTION: &str = "audit.anchored";

pub fn audit_key_entry(vault_id: &str) -> String {
    format!("{AUDIT_KEY_ENTRY_PREFIX}{vault_id}")
}

pub fn audit_head_entry(vault_id: &str) -> String {
    format!("{AUDIT_HEAD_ENTRY_PREFIX}{vault_id}")
}

pub(crate) fn seal_with(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length; 32 bytes never fails.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(KEYED_DOMAIN);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The vault's audit key and anchor; see the module's documentation.
pub(crate) struct Anchor {
    vault_id: String,
    key: Key,
    keyed_from: i64,
    secrets: Arc<dyn SecretStore>,
    writer: HeadWriter,
}

impl Anchor {
    fn new(
        vault_id: String,
        key: Key,
        keyed_from: i64,
        secrets: Arc<dyn SecretStore>,
        read_head: bool,
    ) -> Result<Anchor> {
        let writer = HeadWriter::start(Arc::clone(&secrets), &vault_id, keyed_from, read_head)?;
        Ok(Anchor {
            vault_id,
            key,
            keyed_from,
            secrets,
            writer,
        })
    }

    /// The anchor of the database on `conn` (migrated), made now if it has none yet, and
    /// its sealing function registered on `conn`.
    pub(crate) fn open(conn: &mut Connection, secrets: &dyn SecretStore) -> Result<Anchor> {
        let secrets = secrets.shared();
        if let Some(anchor) = Self::load(conn, &secrets)? {
            return Ok(anchor);
        }
        Self::create(conn, secrets)
    }

    fn load(conn: &Connection, secrets: &Arc<dyn SecretStore>) -> Result<Option<Anchor>> {
        let row: Option<(String, i64)> = conn
            .query_row(
                "SELECT vault_id, keyed_from FROM audit_anchor WHERE one = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((vault_id, keyed_from)) = row else {
            return Ok(None);
        };
        let entry = audit_key_entry(&vault_id);
        let key = match secrets.get(&entry)? {
            Some(text) => decode_hex(text.expose().trim()).ok_or(Error::InvalidAuditKey {
                entry: entry.clone(),
            })?,
            None => return Err(Error::AuditKeyMissing { entry }),
        };
        let anchor = Anchor::new(vault_id, key, keyed_from, Arc::clone(secrets), true)?;
        anchor.install(conn)?;
        Ok(Some(anchor))
    }

    /// Gives the database an anchor: a new vault id, its key and head in the keyring, and
    /// for an older log with entries, the first keyed entry saying so.
    fn create(conn: &mut Connection, secrets: Arc<dyn SecretStore>) -> Result<Anchor> {
        let vault_id = uuid::Uuid::new_v4().to_string();
        let key = random_key();
        let key_entry = audit_key_entry(&vault_id);
        secrets.set(
            &key_entry,
            &Sensitive::new(encode_hex(key.as_ref()).to_string()),
        )?;
        let stored = secrets
            .get(&key_entry)?
            .and_then(|text| decode_hex(text.expose().trim()));
        if stored.as_ref() != Some(&key) {
            return Err(Error::Keyring(format!(
                "the new entry `{key_entry}` could not be read back"
            )));
        }

        // IMMEDIATE: another process opening the same old database at once makes its
        // anchor first or waits for ours, never both.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let raced: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM audit_anchor WHERE one = 1)",
            [],
            |row| row.get(0),
        )?;
        if raced {
            drop(tx);
            secrets.delete(&key_entry)?;
            return Self::load(conn, &secrets)?.ok_or_else(|| {
                Error::Corrupt("the audit log's anchor vanished while it was read".into())
            });
        }
        // Everything so far is unkeyed: the keyed part starts after it.
        let legacy = check_chain(&tx, i64::MAX, |_| [0; 32])?;
        let keyed_from = legacy.last_seq + 1;
        let anchor = Anchor::new(vault_id, key, keyed_from, secrets, false)?;
        anchor.install(&tx)?;
        // The head goes to the keyring before the commit: it is the chain as it already
        // stands, so it is true whether or not this commit lands.
        anchor.write_head(legacy.last_seq, &legacy.last_hash)?;
        tx.execute(
            "INSERT INTO audit_anchor (one, vault_id, keyed_from) VALUES (1, ?1, ?2)",
            params![anchor.vault_id, keyed_from],
        )?;
        if legacy.entries > 0 {
            append_in(
                &tx,
                &AuditRecord {
                    draft_id: None,
                    actor: Actor::System,
                    action: ANCHORED_ACTION.to_owned(),
                    provider: None,
                    endpoint: None,
                    status: None,
                    provider_ids: serde_json::json!({
                        "unkeyedEntries": legacy.entries,
                        "intactWhenAnchored": legacy.problems.is_empty(),
                    }),
                    outcome: if legacy.problems.is_empty() {
                        AuditOutcome::Success
                    } else {
                        AuditOutcome::Failure
                    },
                },
            )?;
        }
        tx.commit()?;
        Ok(anchor)
    }

    /// Registers the sealing function on `conn`; only connections the vault opens have it.
    pub(crate) fn install(&self, conn: &Connection) -> Result<()> {
        let key = self.key.clone();
        conn.create_scalar_function(
            SEAL_FUNCTION,
            1,
            FunctionFlags::SQLITE_UTF8
                | FunctionFlags::SQLITE_DETERMINISTIC
                | FunctionFlags::SQLITE_DIRECTONLY,
            move |ctx| {
                let message = ctx
                    .get_raw(0)
                    .as_blob()
                    .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e) as Box<_>))?;
                Ok(seal_with(&key, message).to_vec())
            },
        )?;
        Ok(())
    }

    pub(crate) fn vault_id(&self) -> &str {
        &self.vault_id
    }

    pub(crate) fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    pub(crate) fn key(&self) -> &Key {
        &self.key
    }

    pub(crate) fn keyed_from(&self) -> i64 {
        self.keyed_from
    }

    pub(crate) fn seal(&self, message: &[u8]) -> [u8; 32] {
        seal_with(&self.key, message)
    }

    fn anchored(&self) -> MutexGuard<'_, Option<(i64, Vec<u8>)>> {
        self.writer.shared.anchored()
    }

    fn read_head(&self) -> Result<Option<Head>> {
        read_head_from(self.secrets.as_ref(), &audit_head_entry(&self.vault_id))
    }

    /// Writes the head now, waiting for the keyring.
    fn write_head(&self, seq: i64, hash: &[u8]) -> Result<()> {
        write_head_to(
            self.secrets.as_ref(),
            &audit_head_entry(&self.vault_id),
            self.keyed_from,
            seq,
            hash,
        )?;
        *self.anchored() = Some((seq, hash.to_vec()));
        Ok(())
    }

    /// Moves the head to the chain's last committed entry, if the chain still contains
    /// the head it has now. `conn` must not be inside a transaction.
    fn settle(&self, conn: &Connection) -> Result<()> {
        self.writer.loaded();
        let anchored = self.anchored();
        let Some((seq, hash)) = anchored.clone() else {
            // No head to extend: a missing anchor stays missing, for verify to report.
            return Ok(());
        };
        let Some(last) = last_entry(conn)? else {
            return Ok(());
        };
        if last.0 == seq && last.1 == hash {
            return Ok(());
        }
        if !contains(conn, seq, &hash)? || !self.sealed_after(conn, seq, &hash)? {
            return Ok(());
        }
        let mut anchored = anchored;
        *anchored = Some(last.clone());
        self.writer.submit(last.0, last.1);
        Ok(())
    }

    /// Whether every entry after `seq` chains on from `hash` and carries this vault's
    /// keyed hash, so moving the anchor over them vouches only for genuine entries.
    fn sealed_after(&self, conn: &Connection, seq: i64, hash: &[u8]) -> Result<bool> {
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > ?1 ORDER BY seq"
        ))?;
        let mut rows = statement.query([seq])?;
        let (mut expected_seq, mut prev) = (seq + 1, hash.to_vec());
        while let Some(row) = rows.next()? {
            let (raw, prev_hash, stored) = raw_from_row(row)?;
            if raw.seq != expected_seq
                || prev_hash != prev
                || raw.seq < self.keyed_from
                || self.seal(&raw.message(&prev_hash)).as_slice() != stored.as_slice()
            {
                return Ok(false);
            }
            expected_seq += 1;
            prev = stored;
        }
        Ok(true)
    }

    /// How the keyring's head fits a chain whose last entry is `last_seq`.
    pub(crate) fn check(&self, conn: &Connection, last_seq: i64) -> Result<Option<AuditProblem>> {
        // The head handed over last is what this process knows; check against that.
        self.writer.flush();
        let at = |seq: i64, kind| {
            Some(AuditProblem {
                seq: u64::try_from(seq).unwrap_or(0),
                kind,
            })
        };
        let head = match self.read_head()? {
            Some(head) if head.keyed_from == self.keyed_from => head,
            _ => return Ok(at(last_seq, AuditProblemKind::Unanchored)),
        };
        let Some(hash) = decode_hash(&head.hash) else {
            return Ok(at(last_seq, AuditProblemKind::Unanchored));
        };
        if head.seq > last_seq {
            return Ok(at(head.seq, AuditProblemKind::Truncated));
        }
        if !contains(conn, head.seq, &hash)? {
            let present: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM audit_log WHERE seq = ?1)",
                [head.seq],
                |row| row.get(0),
            )?;
            let kind = if present || head.seq == 0 {
                AuditProblemKind::RolledBack
            } else {
                AuditProblemKind::Truncated
            };
            return Ok(at(head.seq, kind));
        }
        Ok(None)
    }
}

fn decode_hash(text: &str) -> Option<Vec<u8>> {
    decode_hex(text).map(|key| key.to_vec())
}

/// The last committed entry's sequence number and hash.
pub(crate) fn last_entry(conn: &Connection) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

/// Whether the chain has entry `seq` with `hash` (0 and the genesis value: the start).
fn contains(conn: &Connection, seq: i64, hash: &[u8]) -> Result<bool> {
    if seq == 0 {
        return Ok(hash == GENESIS);
    }
    let found: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hash FROM audit_log WHERE seq = ?1")?
        .query_row([seq], |row| row.get(0))
        .optional()?;
    Ok(found.as_deref() == Some(hash))
}

impl Vault {
    /// Writes the audit chain's new head to the keyring after a commit that appended to
    /// it. A failure here is not the caller's: its commit stands, the head stays where it
    /// was (verify still accepts the longer chain) and the next settle tries again.
    pub(crate) fn settle_anchor(&self, conn: &Connection) {
        let _ = self.anchor.settle(conn);
    }

    /// The id the keyring entries of this vault's audit anchor are named after.
    pub fn audit_vault_id(&self) -> &str {
        self.anchor.vault_id()
    }
}

impl Drop for Vault {
    fn drop(&mut self) {
        // Commits the outbox made in its own transactions are settled at the latest here.
        let conn = self.conn();
        let _ = self.anchor.settle(&conn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::RawEntry;
    use crate::keys::{self, DATABASE_KEY_ENTRY};
    use crate::{AuditFilter, MemoryStore, DATABASE_FILE};

    /// A data folder as the release before the anchor left it: schema 7, and `count`
    /// entries chained with the unkeyed hash.
    fn legacy_folder(count: i64) -> (tempfile::TempDir, MemoryStore) {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let key = keys::create(&secrets, DATABASE_KEY_ENTRY).unwrap();
        let mut conn = crate::db::connect(&dir.path().join(DATABASE_FILE), false, &key).unwrap();
        let tx = conn.transaction().unwrap();
        for (version, sql) in crate::db::MIGRATIONS.iter().filter(|(v, _)| *v <= 7) {
            tx.execute_batch(sql).unwrap();
            tx.pragma_update(None, "user_version", version).unwrap();
        }
        let mut prev = GENESIS.to_vec();
        for seq in 1..=count {
            let raw = RawEntry {
                seq,
                at: "2026-01-02T03:04:05.000000Z".into(),
                draft_id: None,
                actor: "system".into(),
                action: format!("old.{seq}"),
                provider: None,
                endpoint: None,
                status: None,
                provider_ids: "null".into(),
                outcome: "success".into(),
            };
            let hash = raw.unkeyed_hash(&prev);
            tx.execute(
                &format!(
                    "INSERT INTO audit_log ({ENTRY_COLUMNS}) VALUES
                     (?1, ?2, NULL, ?3, ?4, NULL, NULL, NULL, ?5, ?6, ?7, ?8)"
                ),
                params![
                    raw.seq,
                    raw.at,
                    raw.actor,
                    raw.action,
                    raw.provider_ids,
                    raw.outcome,
                    prev,
                    hash.as_slice()
                ],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO audit_head (one, seq, hash) VALUES (1, ?1, ?2)
                 ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                params![seq, hash.as_slice()],
            )
            .unwrap();
            prev = hash.to_vec();
        }
        tx.commit().unwrap();
        (dir, secrets)
    }

    #[test]
    fn an_older_log_is_anchored_with_an_entry_saying_so() {
        let (dir, secrets) = legacy_folder(3);
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        let report = vault.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.entries, 4);
        let entries = vault.list_audit(&AuditFilter::default()).unwrap();
        assert_eq!(entries[3].record.action, ANCHORED_ACTION);
        assert_eq!(
            entries[3].record.provider_ids,
            serde_json::json!({ "unkeyedEntries": 3, "intactWhenAnchored": true })
        );
        assert_eq!(vault.anchor.keyed_from(), 4);
        let key_entry = audit_key_entry(vault.audit_vault_id());
        assert!(secrets.get(&key_entry).unwrap().is_some());

        // Reopening keeps that anchor rather than making another.
        let id = vault.audit_vault_id().to_owned();
        drop(vault);
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        assert_eq!(vault.audit_vault_id(), id);
        assert_eq!(vault.list_audit(&AuditFilter::default()).unwrap().len(), 4);

        // An old entry edited afterwards, even with its unkeyed hash redone, breaks the
        // keyed entry chained onto them.
        let (mut raw, prev, _) = vault
            .raw()
            .query_row(
                &format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq = 3"),
                [],
                raw_from_row,
            )
            .unwrap();
        raw.action = "old.rewritten".into();
        let forged = raw.unkeyed_hash(&prev);
        vault
            .raw()
            .execute_batch(&format!(
                "DROP TRIGGER audit_log_no_update;
                 UPDATE audit_log SET action = 'old.rewritten', hash = x'{}' WHERE seq = 3;",
                encode_hex(&forged).as_str()
            ))
            .unwrap();
        let kinds: Vec<_> = vault
            .verify_audit()
            .unwrap()
            .problems
            .into_iter()
            .map(|p| (p.seq, p.kind))
            .collect();
        assert_eq!(kinds, vec![(4, AuditProblemKind::ChainBroken)]);
    }

    #[test]
    fn an_older_empty_log_needs_no_anchoring_entry() {
        let (dir, secrets) = legacy_folder(0);
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        assert_eq!(vault.verify_audit().unwrap().entries, 0);
        assert!(vault.verify_audit().unwrap().is_intact());
        assert_eq!(vault.anchor.keyed_from(), 1);
    }

    #[test]
    fn an_audit_key_gone_from_the_keyring_stops_the_vault_opening() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let id = Vault::open(dir.path(), &secrets)
            .unwrap()
            .audit_vault_id()
            .to_owned();
        secrets.delete(&audit_key_entry(&id)).unwrap();
        assert!(matches!(
            Vault::open(dir.path(), &secrets),
            Err(Error::AuditKeyMissing { .. })
        ));
    }
}
