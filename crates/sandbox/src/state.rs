//! Shared server state. Everything a provider remembers lives in [`Store`], which is plain
//! data so it can be written to SQLite whole and read back after a restart.
//!
//! State only holds and saves; what moves it on with time is in `settle`, and what changes
//! it on a request is in each provider's handlers. Nothing here calls back into them.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{Credentials, SandboxConfig};
use crate::error::Result;
use crate::faults::FaultEngine;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct Stats {
    /// "METHOD /path/{id}" -> status (or "reset") -> count.
    pub requests: BTreeMap<String, BTreeMap<String, u64>>,
    pub customers: BTreeMap<String, u64>,
    pub duplicates: u64,
    pub duplicates_by_provider: BTreeMap<String, u64>,
    pub faults_injected: BTreeMap<String, u64>,
    pub idempotent_replays: u64,
    /// Documents each provider took (BVNK's documents call), replays not counted: what a
    /// client sent twice shows here twice.
    #[serde(default)]
    pub documents: BTreeMap<String, u64>,
    /// Customer statuses set by hand (BVNK's `PUT …/status`), replays not counted.
    #[serde(default)]
    pub status_changes: BTreeMap<String, u64>,
}

impl Stats {
    pub(crate) fn documents_received(&mut self, provider: &str, count: u64) {
        *self.documents.entry(provider.into()).or_default() += count;
    }

    pub(crate) fn customer_created(&mut self, provider: &str, duplicate: bool) {
        *self.customers.entry(provider.into()).or_default() += 1;
        if duplicate {
            self.duplicates += 1;
            *self
                .duplicates_by_provider
                .entry(provider.into())
                .or_default() += 1;
        }
    }
}

/// A stored answer for idempotent replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Replay {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
    pub request_id: String,
    pub stored_at: DateTime<Utc>,
    /// SHA-256 of the request body, for providers that refuse a key reused with another
    /// body (BVNK); empty where the body is part of the key instead (COS).
    #[serde(default)]
    pub body_sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CosCustomer {
    /// The record as GET answers it.
    pub record: Value,
    pub scan_due: DateTime<Utc>,
    pub scanned: bool,
    #[serde(default)]
    pub addresses: Vec<Value>,
    #[serde(default)]
    pub phones: Vec<Value>,
    #[serde(default)]
    pub emails: Vec<Value>,
    #[serde(default)]
    pub identifications: Vec<Value>,
    #[serde(default)]
    pub beneficial_owners: Vec<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FinCustomer {
    pub customer_id: String,
    pub owner: String,
    pub api_version: String,
    pub customer_type: String,
    pub status: String,
    pub tos_policies_value: String,
    pub request: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_status_updated_at: DateTime<Utc>,
    #[serde(default)]
    pub attach_count: u32,
    /// Status changes still to come from the last attach, in order.
    #[serde(default)]
    pub pending: Vec<(DateTime<Utc>, String)>,
    #[serde(default)]
    pub attached: Value,
    #[serde(default)]
    pub rejection_reason: Value,
    #[serde(default)]
    pub request_for_information: Vec<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FinFile {
    pub customer_id: String,
    pub field: String,
    pub mime: String,
    pub size: u64,
}

/// A BVNK agreement signing session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BvnkSession {
    /// The session as GET answers it.
    pub record: Value,
    /// The customer created with it: a session serves one customer only.
    #[serde(default)]
    pub customer: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Store {
    #[serde(default)]
    pub cos_tokens: HashMap<String, DateTime<Utc>>,
    #[serde(default)]
    pub cos_customers: BTreeMap<String, CosCustomer>,
    #[serde(default)]
    pub cos_events: Vec<Value>,
    #[serde(default)]
    pub cif_counter: u64,
    #[serde(default)]
    pub fin_tokens: HashMap<String, DateTime<Utc>>,
    #[serde(default)]
    pub fin_refresh_tokens: HashMap<String, DateTime<Utc>>,
    #[serde(default)]
    pub fin_customers: BTreeMap<String, FinCustomer>,
    #[serde(default)]
    pub fin_files: HashMap<String, FinFile>,
    #[serde(default)]
    pub bvnk_customers: BTreeMap<String, Value>,
    /// Documents received per customer reference, without their content.
    #[serde(default)]
    pub bvnk_documents: HashMap<String, Vec<Value>>,
    /// Agreement sessions by reference.
    #[serde(default)]
    pub bvnk_sessions: BTreeMap<String, BvnkSession>,
    /// Customer reference -> when it became PENDING, until BVNK's decision.
    #[serde(default)]
    pub bvnk_pending_since: BTreeMap<String, DateTime<Utc>>,
    /// "id\nnonce" -> unix seconds when first seen.
    #[serde(default)]
    pub bvnk_nonces: HashMap<String, i64>,
    #[serde(default)]
    pub idempotency: HashMap<String, Replay>,
    #[serde(default)]
    pub stats: Stats,
}

pub(crate) struct App {
    pub cfg: SandboxConfig,
    pub creds: Credentials,
    pub addr: SocketAddr,
    store: Mutex<Store>,
    pub faults: Mutex<FaultEngine>,
    pub rng: Mutex<ChaCha8Rng>,
    db: Option<Mutex<rusqlite::Connection>>,
    in_flight: Mutex<std::collections::HashSet<String>>,
    /// Where Fin.com terms links point, when a test has moved them off the sandbox (to see a
    /// client refuse a foreign link); `None`: the sandbox itself.
    tos_base: Mutex<Option<String>>,
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in one handler must not take the whole sandbox down with a poisoned lock.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    pub(crate) fn new(cfg: SandboxConfig, creds: Credentials, addr: SocketAddr) -> Result<App> {
        let (db, store) = match &cfg.db {
            Some(path) => {
                let conn = rusqlite::Connection::open(path)?;
                conn.execute_batch(
                    "CREATE TABLE IF NOT EXISTS sandbox_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        saved_at TEXT NOT NULL,
                        state TEXT NOT NULL
                    );",
                )?;
                let saved: Option<String> = conn
                    .query_row("SELECT state FROM sandbox_state WHERE id = 1", [], |r| {
                        r.get(0)
                    })
                    .optional()?;
                let store = match saved {
                    Some(text) => serde_json::from_str(&text)?,
                    None => Store::default(),
                };
                (Some(Mutex::new(conn)), store)
            }
            None => (None, Store::default()),
        };
        let faults = FaultEngine::new(cfg.seed, cfg.faults.clone());
        // Distinct stream from the fault draws so data generation does not shift fault timing.
        let rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x5eed_da7a);
        Ok(App {
            cfg,
            creds,
            addr,
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            rng: Mutex::new(rng),
            db,
            in_flight: Mutex::new(Default::default()),
            tos_base: Mutex::new(None),
        })
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        relock(&self.store)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultEngine> {
        relock(&self.faults)
    }

    pub(crate) fn rng(&self) -> MutexGuard<'_, ChaCha8Rng> {
        relock(&self.rng)
    }

    /// Idempotency keys whose first request is still being handled.
    pub(crate) fn in_flight(&self) -> MutexGuard<'_, std::collections::HashSet<String>> {
        relock(&self.in_flight)
    }

    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The start of Fin.com terms links: the sandbox's own URL unless overridden.
    pub(crate) fn tos_base_url(&self) -> String {
        relock(&self.tos_base)
            .clone()
            .unwrap_or_else(|| self.base_url())
    }

    pub(crate) fn set_tos_base_url(&self, base: Option<String>) {
        *relock(&self.tos_base) = base;
    }

    /// Writes the whole store to SQLite when a database is configured.
    pub(crate) fn persist(&self) {
        let Some(db) = &self.db else { return };
        let conn = relock(db);
        let text = match serde_json::to_string(&*self.store()) {
            Ok(text) => text,
            Err(err) => {
                tracing::error!("sandbox state not serialisable: {err}");
                return;
            }
        };
        let saved = conn.execute(
            "INSERT INTO sandbox_state (id, saved_at, state) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET saved_at = excluded.saved_at, state = excluded.state",
            rusqlite::params![Utc::now().to_rfc3339(), text],
        );
        if let Err(err) = saved {
            tracing::error!("sandbox state not saved: {err}");
        }
    }
}
