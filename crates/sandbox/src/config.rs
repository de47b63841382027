//! How a sandbox is set up: its settings and the training credentials it accepts.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::faults::Faults;

/// How the sandbox behaves. `Default` gives the documented training setup.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Seeds every random choice (fault draws, generated numbers) so runs repeat.
    pub seed: u64,
    pub faults: Faults,
    /// SQLite file keeping the state across restarts; `None` keeps it in memory.
    pub db: Option<PathBuf>,
    /// How long OFAC/PEP/internalList scans, Fin.com reviews and BVNK decisions (after a
    /// customer becomes PENDING) stay pending.
    pub compliance_delay: Duration,
    /// Whether Fin.com attach requires exactly one SELFIE entry (a per-client setting there).
    pub fin_selfie_required: bool,
    /// Whether the Fin.com client may create RELIANCE customers (else 423).
    pub fin_reliance_enabled: bool,
    /// Largest accepted Fin.com upload per file; larger files get 413.
    pub fin_upload_limit_bytes: u64,
    /// Lifetime of COS and Fin.com access tokens.
    pub token_ttl: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 0,
            faults: Faults::default(),
            db: None,
            compliance_delay: Duration::from_secs(3),
            fin_selfie_required: false,
            fin_reliance_enabled: false,
            fin_upload_limit_bytes: 10 * 1024 * 1024,
            token_ttl: Duration::from_secs(86_400),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CosCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub partner_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinCredentials {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BvnkCredentials {
    pub hawk_id: String,
    pub hawk_key: String,
}

/// The fixed training credentials the sandbox accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub cos: CosCredentials,
    pub fin: FinCredentials,
    pub bvnk: BvnkCredentials,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            cos: CosCredentials {
                client_id: "branchdesk-training".into(),
                client_secret: "cos-training-secret".into(),
                partner_id: "6e80b097-693c-4592-8440-02f345335bbf".into(),
            },
            fin: FinCredentials {
                client_id: "branchdesk-training".into(),
                client_secret: "fin-training-secret".into(),
            },
            bvnk: BvnkCredentials {
                hawk_id: "branchdesk-training".into(),
                hawk_key: "bvnk-training-hawk-key".into(),
            },
        }
    }
}
