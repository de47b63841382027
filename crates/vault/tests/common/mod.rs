//! Shared by the integration tests: a vault in a temp folder with keys in memory, and a
//! second, raw SQLCipher connection for tests that tamper behind the API's back.

#![allow(dead_code)]

use std::path::Path;

use branchdesk_vault::{
    DraftInput, DraftState, MaskedTaxId, MemoryStore, PartyKind, Provider, SecretStore, Vault,
    DATABASE_FILE, DATABASE_KEY_ENTRY,
};

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub secrets: MemoryStore,
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            secrets: MemoryStore::default(),
        }
    }

    pub fn open(&self) -> Vault {
        Vault::open(self.dir.path(), &self.secrets).unwrap()
    }

    /// What anyone holding the key can do with SQLCipher's own tools.
    pub fn raw(&self) -> rusqlite::Connection {
        raw_connection(self.dir.path(), &self.secrets)
    }
}

pub fn raw_connection(dir: &Path, secrets: &dyn SecretStore) -> rusqlite::Connection {
    let key = secrets.get(DATABASE_KEY_ENTRY).unwrap().unwrap();
    let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.expose()))
        .unwrap();
    conn
}

pub fn person(name: &str, provider: Provider) -> DraftInput {
    DraftInput {
        provider,
        kind: PartyKind::Person,
        display_name: name.to_owned(),
        masked_tax_id: Some(MaskedTaxId::from_full("123-45-6789")),
        state: DraftState::Draft,
        body: serde_json::json!({
            "person": { "firstName": name, "ssn": "123-45-6789" }
        }),
    }
}
