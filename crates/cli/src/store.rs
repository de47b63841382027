//! The vault and keyring the app uses, opened for one CLI command.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use branchdesk_engine::{cos_client, http_client, CosConnection, Desk, Environment};
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
    let client_secret = connection.secret(secrets)?.ok_or_else(|| {
        anyhow!(
            "the COS connection's client secret is missing from the keyring; add the connection again:\n  {ADD_COS_HINT}"
        )
    })?;
    let base_url = connection.base_url.clone();
    let cos = CosConnection {
        token_url: connection
            .auth_url
            .clone()
            .unwrap_or_else(|| crate::connection::default_auth_url(Provider::Cos, &base_url)),
        base_url: base_url.clone(),
        client_id: connection.client_id.clone().unwrap_or_default(),
        client_secret,
        partner_id: connection.partner_id.clone().unwrap_or_default(),
    };
    let client = cos_client(http_client()?, &cos)?;
    let environment = match connection.environment {
        branchdesk_vault::Environment::Sandbox => Environment::Sandbox,
        branchdesk_vault::Environment::Production => Environment::Production,
    };
    Ok(Desk::new(
        vault,
        client,
        cos.partner_id,
        environment,
        base_url,
    ))
}
