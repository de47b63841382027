//! Provider connections: base URL, token URL and the non-secret identifiers in the database;
//! the secret itself only in the [`SecretStore`], under [`secret_entry`] of the connection.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::types::{column, time_column, timestamp};
use crate::{ConnectionId, Environment, Provider, Result, SecretStore, Sensitive, Vault};

/// A connection as it is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    pub provider: Provider,
    pub environment: Environment,
    pub base_url: String,
    /// Where tokens come from (COS, Fin.com); BVNK signs each request instead.
    pub auth_url: Option<String>,
    pub client_id: Option<String>,
    /// COS only: the partner GUID every customer is created under.
    pub partner_id: Option<String>,
    /// BVNK only: the Hawk id whose key is the secret.
    pub hawk_id: Option<String>,
    /// Fin.com only: its client configuration asks for a SELFIE with every set of documents.
    pub fin_selfie_required: bool,
}

/// A stored connection. It has no secret field, so printing or serialising one can never
/// leak the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub id: ConnectionId,
    pub provider: Provider,
    pub environment: Environment,
    pub base_url: String,
    pub auth_url: Option<String>,
    pub client_id: Option<String>,
    pub partner_id: Option<String>,
    pub hawk_id: Option<String>,
    pub fin_selfie_required: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The keyring entry holding a connection's secret.
pub fn secret_entry(id: ConnectionId) -> String {
    format!("connection-{id}")
}

const COLUMNS: &str = "id, provider, environment, base_url, auth_url, client_id, partner_id,
     hawk_id, fin_selfie_required, created_at, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Connection> {
    Ok(Connection {
        id: column(row, 0)?,
        provider: column(row, 1)?,
        environment: column(row, 2)?,
        base_url: row.get(3)?,
        auth_url: row.get(4)?,
        client_id: row.get(5)?,
        partner_id: row.get(6)?,
        hawk_id: row.get(7)?,
        fin_selfie_required: row.get(8)?,
        created_at: time_column(row, 9)?,
        updated_at: time_column(row, 10)?,
    })
}

impl Vault {
    /// Stores the secret in `secrets` first, then the connection: a crash in between leaves
    /// an orphaned keyring entry, never a connection without its secret.
    pub fn add_connection(
        &self,
        new: &NewConnection,
        secret: &Sensitive<String>,
        secrets: &dyn SecretStore,
    ) -> Result<Connection> {
        let id = ConnectionId::new();
        let entry = secret_entry(id);
        secrets.set(&entry, secret)?;
        let now = timestamp(Utc::now());
        let inserted = self.conn().execute(
            "INSERT INTO connections (id, provider, environment, base_url, auth_url, client_id,
                                      partner_id, hawk_id, fin_selfie_required, created_at,
                                      updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                id.to_string(),
                new.provider.as_str(),
                new.environment.as_str(),
                new.base_url,
                new.auth_url,
                new.client_id,
                new.partner_id,
                new.hawk_id,
                new.fin_selfie_required,
                now
            ],
        );
        if let Err(error) = inserted {
            // Best effort: the insert's error is the one worth reporting.
            let _ = secrets.delete(&entry);
            return Err(error.into());
        }
        self.get_connection(id)?
            .ok_or_else(|| crate::Error::Corrupt("a connection vanished as it was written".into()))
    }

    /// Every connection, in the order they were added.
    pub fn list_connections(&self) -> Result<Vec<Connection>> {
        let conn = self.conn();
        let mut statement =
            conn.prepare(&format!("SELECT {COLUMNS} FROM connections ORDER BY rowid"))?;
        let rows = statement.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_connection(&self, id: ConnectionId) -> Result<Option<Connection>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM connections WHERE id = ?1"),
                [id.to_string()],
                from_row,
            )
            .optional()?)
    }

    /// The provider's most recently added connection.
    pub fn connection_for(&self, provider: Provider) -> Result<Option<Connection>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM connections WHERE provider = ?1
                     ORDER BY rowid DESC LIMIT 1"
                ),
                [provider.as_str()],
                from_row,
            )
            .optional()?)
    }

    /// Removes the connection, then its secret. `false` when there was no such connection.
    pub fn remove_connection(&self, id: ConnectionId, secrets: &dyn SecretStore) -> Result<bool> {
        let removed = self
            .conn()
            .execute("DELETE FROM connections WHERE id = ?1", [id.to_string()])?;
        secrets.delete(&secret_entry(id))?;
        Ok(removed > 0)
    }
}

impl Connection {
    /// The connection's secret from the keyring; `None` if the entry has gone missing.
    pub fn secret(&self, secrets: &dyn SecretStore) -> Result<Option<Sensitive<String>>> {
        secrets.get(&secret_entry(self.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;

    fn cos(base_url: &str) -> NewConnection {
        NewConnection {
            provider: Provider::Cos,
            environment: Environment::Sandbox,
            base_url: base_url.into(),
            auth_url: Some(format!("{base_url}/connect/token")),
            client_id: Some("client".into()),
            partner_id: Some("6e80b097-693c-4592-8440-02f345335bbf".into()),
            hawk_id: None,
            fin_selfie_required: false,
        }
    }

    fn fin(selfie_required: bool) -> NewConnection {
        NewConnection {
            provider: Provider::Fin,
            environment: Environment::Sandbox,
            base_url: "https://fin.example".into(),
            auth_url: Some("https://fin.example/v1/oauth/token".into()),
            client_id: Some("client".into()),
            partner_id: None,
            hawk_id: None,
            fin_selfie_required: selfie_required,
        }
    }

    #[test]
    fn a_connection_keeps_its_secret_in_the_store_only() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        let secret = Sensitive::new("s3cr3t-value".to_owned());
        let first = vault
            .add_connection(&cos("https://a.example"), &secret, &secrets)
            .unwrap();
        let second = vault
            .add_connection(&cos("https://b.example"), &secret, &secrets)
            .unwrap();

        assert_eq!(
            vault.list_connections().unwrap(),
            vec![first.clone(), second.clone()]
        );
        assert_eq!(
            vault.get_connection(first.id).unwrap().as_ref(),
            Some(&first)
        );
        assert_eq!(
            vault
                .connection_for(Provider::Cos)
                .unwrap()
                .unwrap()
                .base_url,
            "https://b.example"
        );
        assert!(vault.connection_for(Provider::Bvnk).unwrap().is_none());
        assert_eq!(first.secret(&secrets).unwrap().as_ref(), Some(&secret));
        let json = serde_json::to_string(&vault.list_connections().unwrap()).unwrap();
        assert!(!json.contains("s3cr3t"), "{json}");
        let stored: i64 = vault
            .raw()
            .query_row(
                "SELECT count(*) FROM connections WHERE base_url || coalesce(auth_url, '') || coalesce(client_id, '') LIKE '%s3cr3t%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, 0);

        assert!(vault.remove_connection(first.id, &secrets).unwrap());
        assert!(!vault.remove_connection(first.id, &secrets).unwrap());
        assert!(first.secret(&secrets).unwrap().is_none());
        assert_eq!(vault.list_connections().unwrap(), vec![second]);
    }

    #[test]
    fn a_fin_connection_keeps_whether_a_selfie_is_required() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let secret = Sensitive::new("s3cr3t-value".to_owned());
        let (asks, does_not) = {
            let vault = Vault::open(dir.path(), &secrets).unwrap();
            let asks = vault.add_connection(&fin(true), &secret, &secrets).unwrap();
            let does_not = vault
                .add_connection(&fin(false), &secret, &secrets)
                .unwrap();
            (asks, does_not)
        };
        assert!(asks.fin_selfie_required);
        assert!(!does_not.fin_selfie_required);

        // After a restart, from the database.
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        assert_eq!(vault.get_connection(asks.id).unwrap().as_ref(), Some(&asks));
        assert_eq!(
            vault.list_connections().unwrap(),
            vec![asks.clone(), does_not.clone()]
        );
        assert_eq!(
            vault.connection_for(Provider::Fin).unwrap().as_ref(),
            Some(&does_not)
        );
        let json = serde_json::to_value(&asks).unwrap();
        assert_eq!(json["finSelfieRequired"], true);
    }

    #[test]
    fn only_a_fin_connection_can_require_a_selfie() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        let refused = vault.add_connection(
            &NewConnection {
                fin_selfie_required: true,
                ..cos("https://a.example")
            },
            &Sensitive::new("s3cr3t-value".to_owned()),
            &secrets,
        );
        assert!(refused.is_err());
        assert!(vault.list_connections().unwrap().is_empty());
    }

    #[test]
    fn connections_made_before_the_selfie_setting_read_as_not_required() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let secret = Sensitive::new("s3cr3t-value".to_owned());
        let id = {
            let vault = Vault::open(dir.path(), &secrets).unwrap();
            let id = vault
                .add_connection(&fin(true), &secret, &secrets)
                .unwrap()
                .id;
            // The database as the release before the setting left it.
            vault
                .raw()
                .execute_batch(&format!(
                    "{}
                     ALTER TABLE connections DROP COLUMN fin_selfie_required;
                     DROP TABLE audit_anchor;
                         {}
                         PRAGMA user_version = 6;",
                    crate::archive::tests::UNDO_PEOPLE_AND_REVIEW,
                    crate::archive::tests::UNDO_ARCHIVED
                ))
                .unwrap();
            id
        };
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        let upgraded = vault.get_connection(id).unwrap().unwrap();
        assert!(!upgraded.fin_selfie_required);
        assert_eq!(upgraded.client_id.as_deref(), Some("client"));
    }
}
