//! A desk that never reaches a provider, for tests of what happens before anything is sent.

use std::sync::Arc;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::Sensitive;
use branchdesk_engine::{Desk, Environment};
use branchdesk_vault::{MemoryStore, Vault};

/// A desk on the vault in `dir`, its COS client pointed at a port nothing listens on: no
/// request is made in these tests, the client only has to exist.
pub fn desk(dir: &std::path::Path, secrets: &MemoryStore) -> Desk {
    let vault = Arc::new(Vault::open(dir, secrets).unwrap());
    let cos = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: "http://127.0.0.1:9".into(),
            token_url: "http://127.0.0.1:9/connect/token".into(),
            client_id: "x".into(),
            client_secret: Sensitive::new("y".into()),
            audience: AUDIENCE.into(),
            retry: RetryPolicy::default(),
            timeouts: Default::default(),
        },
    )
    .unwrap();
    Desk::new(
        vault,
        cos,
        String::new(),
        Environment::Training,
        "http://127.0.0.1:9".into(),
    )
}
