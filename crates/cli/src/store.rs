//! The vault and keyring the app uses, opened for one CLI command.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use branchdesk_engine::Desk;
use branchdesk_vault::{KeyringStore, Provider, Vault};

/// The same namespace as the app's, so the CLI opens the app's vault: development builds
/// share `dev`, installed ones `production`.
const KEYRING_NAMESPACE: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "production"
};

pub fn keyring() -> KeyringStore {
    KeyringStore::new(KEYRING_NAMESPACE)
}

pub fn open(data_dir: Option<&Path>) -> Result<(Arc<Vault>, KeyringStore)> {
    let secrets = keyring();
    let dir = branchdesk_vault::data_dir(data_dir)?;
    let vault = Vault::open(&dir, &secrets)
        .with_context(|| format!("opening the vault in {}", dir.display()))?;
    Ok((Arc::new(vault), secrets))
}

pub const ADD_COS_HINT: &str = "branchdesk-cli connection add cos --base-url URL --client-id ID \
     --partner-id GUID [--auth-url URL]   (the client secret on standard input)";

/// A desk on the configured COS connection, as the app builds it.
pub fn desk(vault: Arc<Vault>, secrets: &KeyringStore) -> Result<Desk> {
    let connection = vault.connection_for(Provider::Cos)?.ok_or_else(|| {
        anyhow!("no COS connection is configured; add one first:\n  {ADD_COS_HINT}")
    })?;
    if connection.secret(secrets)?.is_none() {
        bail!(
            "the COS connection's client secret is missing from the keyring; add the connection again:\n  {ADD_COS_HINT}"
        );
    }
    Ok(branchdesk_engine::setup::cos_desk(
        vault,
        secrets,
        &connection,
    )?)
}
