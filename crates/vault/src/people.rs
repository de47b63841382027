//! Staff profiles and the desk's own settings. The vault stores them and appends each
//! change's audit entry in the same transaction; what a PIN must be, when a profile locks
//! and who may change what are the engine's rules (`branchdesk_engine::people`).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::audit::{append_in, AuditRecord};
use crate::draft_search::fold;
use crate::types::{column, timestamp};
use crate::{Error, Result, Vault};

pub use branchdesk_domain::kinds::Role;

/// A person who works at this desk. The PIN's hash never leaves the vault's callers'
/// sign-in check: it is not part of this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffProfile {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// False only for Training's ready profile, which signs in without one.
    pub has_pin: bool,
    pub disabled: bool,
    pub failed_pins: u32,
    /// Set after too many wrong PINs: no sign-in before this time.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A new profile.
#[derive(Debug, Clone)]
pub struct NewStaff<'a> {
    pub name: &'a str,
    pub role: Role,
    /// An Argon2id PHC string; `None` only for Training's ready profile.
    pub pin_hash: Option<String>,
}

/// A change to a profile; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct StaffChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    /// A new PIN hash; setting one also clears the wrong-PIN count and any lock.
    pub pin_hash: Option<String>,
}

const COLUMNS: &str = "id, name, role, pin_hash IS NOT NULL, disabled, failed_pins, locked_until";

fn profile_from_row(row: &Row<'_>) -> rusqlite::Result<StaffProfile> {
    let locked: Option<String> = row.get(6)?;
    Ok(StaffProfile {
        id: row.get(0)?,
        name: row.get(1)?,
        role: column(row, 2)?,
        has_pin: row.get(3)?,
        disabled: row.get(4)?,
        failed_pins: row.get(5)?,
        locked_until: locked
            .map(|text| crate::types::parse_timestamp(&text))
            .transpose()
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    6,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
    })
}

fn by_name_in(conn: &Connection, name: &str) -> Result<Option<(StaffProfile, Option<String>)>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS}, pin_hash FROM staff WHERE name_folded = ?1"
        ))?
        .query_row([fold(name.trim())], |row| {
            Ok((profile_from_row(row)?, row.get::<_, Option<String>>(7)?))
        })
        .optional()?)
}

impl Vault {
    /// Every profile, by name.
    pub fn list_staff(&self) -> Result<Vec<StaffProfile>> {
        let conn = self.conn();
        let mut statement =
            conn.prepare_cached(&format!("SELECT {COLUMNS} FROM staff ORDER BY name_folded"))?;
        let rows = statement.query_map([], profile_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many profiles exist: none means the desk works as it did before profiles.
    pub fn staff_count(&self) -> Result<u64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM staff", [], |row| row.get(0))?)
    }

    /// The profile named `name` (case and accents ignored) with its PIN hash.
    pub fn staff_with_pin(&self, name: &str) -> Result<Option<(StaffProfile, Option<String>)>> {
        by_name_in(&self.conn(), name)
    }

    /// Adds a profile and its audit entry in one commit; a name already taken (case and
    /// accents ignored) is refused.
    pub fn add_staff(&self, staff: &NewStaff<'_>, audit: &AuditRecord) -> Result<StaffProfile> {
        let name = staff.name.trim();
        self.in_write(|tx| {
            if by_name_in(tx, name)?.is_some() {
                return Err(Error::StaffNameTaken(name.to_owned()));
            }
            let now = timestamp(Utc::now());
            let id = uuid::Uuid::new_v4().to_string();
            tx.prepare_cached(
                "INSERT INTO staff (id, name, name_folded, role, pin_hash, created_at,
                                    updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?
            .execute(params![
                id,
                name,
                fold(name),
                staff.role.as_str(),
                staff.pin_hash,
                now
            ])?;
            append_in(tx, audit)?;
            by_name_in(tx, name)?
                .map(|(profile, _)| profile)
                .ok_or_else(|| Error::Corrupt("a profile vanished as it was written".into()))
        })
    }

    /// Changes a profile and appends its audit entry in one commit.
    pub fn change_staff(
        &self,
        name: &str,
        change: &StaffChange,
        audit: &AuditRecord,
    ) -> Result<StaffProfile> {
        self.in_write(|tx| {
            let Some((profile, _)) = by_name_in(tx, name)? else {
                return Err(Error::StaffNotFound(name.trim().to_owned()));
            };
            let now = timestamp(Utc::now());
            if let Some(role) = change.role {
                tx.execute(
                    "UPDATE staff SET role = ?2, updated_at = ?3 WHERE id = ?1",
                    params![profile.id, role.as_str(), now],
                )?;
            }
            if let Some(disabled) = change.disabled {
                tx.execute(
                    "UPDATE staff SET disabled = ?2, updated_at = ?3 WHERE id = ?1",
                    params![profile.id, disabled, now],
                )?;
            }
            if let Some(hash) = &change.pin_hash {
                tx.execute(
                    "UPDATE staff SET pin_hash = ?2, failed_pins = 0, locked_until = NULL,
                                      updated_at = ?3
                     WHERE id = ?1",
                    params![profile.id, hash, now],
                )?;
            }
            append_in(tx, audit)?;
            by_name_in(tx, name)?
                .map(|(profile, _)| profile)
                .ok_or_else(|| Error::Corrupt("a profile vanished as it was changed".into()))
        })
    }

    /// Records a sign-in attempt's outcome: a right PIN clears the count, a wrong one adds
    /// to it and, at `lock_after`, locks the profile until `lock_until`. The audit entry
    /// goes in the same commit.
    pub fn record_pin_attempt(
        &self,
        id: &str,
        right: bool,
        lock_after: u32,
        lock_until: DateTime<Utc>,
        audit: &AuditRecord,
    ) -> Result<StaffProfile> {
        self.in_write(|tx| {
            let now = timestamp(Utc::now());
            if right {
                tx.execute(
                    "UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE id = ?1",
                    params![id],
                )?;
            } else {
                tx.execute(
                    "UPDATE staff SET failed_pins = failed_pins + 1,
                        locked_until = CASE WHEN failed_pins + 1 >= ?2 THEN ?3
                                            ELSE locked_until END,
                        updated_at = ?4
                     WHERE id = ?1",
                    params![id, lock_after, timestamp(lock_until), now],
                )?;
            }
            append_in(tx, audit)?;
            tx.prepare_cached(&format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"))?
                .query_row([id], profile_from_row)
                .optional()?
                .ok_or_else(|| Error::StaffNotFound(id.to_owned()))
        })
    }

    /// A desk setting's stored value.
    pub fn desk_setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT value FROM desk_settings WHERE key = ?1")?
            .query_row([key], |row| row.get(0))
            .optional()?)
    }

    /// Sets a desk setting and appends its audit entry in one commit.
    pub fn set_desk_setting(&self, key: &str, value: &str, audit: &AuditRecord) -> Result<()> {
        self.in_write(|tx| {
            tx.execute(
                "INSERT INTO desk_settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
                params![key, value, timestamp(Utc::now())],
            )?;
            append_in(tx, audit)?;
            Ok(())
        })
    }

    /// Runs `work` in one IMMEDIATE transaction (an audit append chains to the last entry).
    pub(crate) fn in_write<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done = work(&tx)?;
        tx.commit()?;
        self.settle_anchor(&conn);
        Ok(done)
    }
}
