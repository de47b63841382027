//! The vault and keyring the app uses, opened for one CLI command.

use std::path::Path;
use std::sync::Arc;

use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use branchdesk_domain::Sensitive;
use branchdesk_engine::logging::{self, Echo, LogGuard};
use branchdesk_engine::{cos_client, http_client, CosConnection, Desk, Environment};
use branchdesk_vault::{FolderLock, KeyringStore, Provider, Vault};

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
    start_log(&dir);
    hold_folder(&dir)?;
    let vault = Vault::open(&dir, &secrets)
        .with_context(|| format!("opening the vault in {}", dir.display()))?;
    Ok((Arc::new(vault), secrets))
}

/// The data folder, this process's alone from the first time the vault is opened until it
/// ends (the system releases it however the process ends): one runner per outbox.
static FOLDER: OnceLock<FolderLock> = OnceLock::new();

/// Takes the data folder for this command, or says which process has it.
pub fn hold_folder(dir: &Path) -> Result<()> {
    if FOLDER.get().is_some() {
        return Ok(());
    }
    let command = COMMAND.get().copied().unwrap_or("command");
    let lock = FolderLock::acquire(dir, &format!("branchdesk-cli {command}"))?;
    let _ = FOLDER.set(lock);
    Ok(())
}

static COMMAND: OnceLock<&'static str> = OnceLock::new();
static LOG: OnceLock<Option<LogGuard>> = OnceLock::new();

/// The command being run, for the log's first line.
pub fn set_command(command: &'static str) {
    let _ = COMMAND.set(command);
}

/// Starts the log in `dir/logs` the first time the data folder is opened: a command
/// refused for its arguments before that writes nothing anywhere. A log that cannot be
/// started is said once and does not stop the command.
fn start_log(dir: &Path) {
    LOG.get_or_init(|| match logging::init(dir, "branchdesk-cli", Echo::Off) {
        Ok(guard) => {
            let command = COMMAND.get().copied().unwrap_or_default();
            tracing::info!(command, "command");
            Some(guard)
        }
        Err(error) => {
            eprintln!("branchdesk-cli: warning: no log file: {error}");
            None
        }
    });
}

pub const ADD_COS_HINT: &str = "branchdesk-cli connection add cos --base-url URL --client-id ID \
     --partner-id GUID [--auth-url URL]   (the client secret on standard input)";

pub const ADD_FIN_HINT: &str = "branchdesk-cli connection add fin --base-url URL --client-id ID   \
     (the client secret on standard input)";

pub const ADD_BVNK_HINT: &str = "branchdesk-cli connection add bvnk --base-url URL --hawk-id ID   \
     (the Hawk key on standard input)";

/// Which providers the desk can reach, so a draft for one that is not configured is
/// refused at planning with the command that fixes it, rather than failing in the outbox.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub cos: bool,
    pub fin: bool,
    pub bvnk: bool,
}

impl Reach {
    /// Why a draft for `provider` cannot be sent from here, if it cannot.
    pub fn refusal(self, provider: branchdesk_domain::draft::Provider) -> Option<String> {
        use branchdesk_domain::draft::Provider;
        match provider {
            Provider::Cos if !self.cos => Some(format!(
                "no COS connection is configured; add one first:\n  {ADD_COS_HINT}"
            )),
            Provider::Fin if !self.fin => Some(format!(
                "no Fin.com connection is configured; add one first:\n  {ADD_FIN_HINT}"
            )),
            Provider::Bvnk if !self.bvnk => Some(format!(
                "no BVNK connection is configured; add one first:\n  {ADD_BVNK_HINT}"
            )),
            _ => None,
        }
    }
}

/// A desk on the configured connections, as the app builds it: COS, and Fin.com and BVNK
/// when they are configured. At least one of them is needed.
pub fn desk(vault: Arc<Vault>, secrets: &KeyringStore) -> Result<(Desk, Reach)> {
    let cos = vault.connection_for(Provider::Cos)?;
    let fin = vault.connection_for(Provider::Fin)?;
    let bvnk = vault.connection_for(Provider::Bvnk)?;
    if cos.is_none() && fin.is_none() && bvnk.is_none() {
        bail!(
            "no provider connection is configured; add one first:\n  {ADD_COS_HINT}\n  {ADD_FIN_HINT}\n  {ADD_BVNK_HINT}"
        );
    }
    let reach = Reach {
        cos: cos.is_some(),
        fin: fin.is_some(),
        bvnk: bvnk.is_some(),
    };
    let desk = match &cos {
        Some(connection) => {
            if connection.secret(secrets)?.is_none() {
                bail!(
                    "the COS connection's client secret is missing from the keyring; add the connection again:\n  {ADD_COS_HINT}"
                );
            }
            branchdesk_engine::setup::cos_desk(Arc::clone(&vault), secrets, connection)?
        }
        None => local_desk(vault)?,
    };
    let desk = match &fin {
        Some(connection) => {
            if connection.secret(secrets)?.is_none() {
                bail!(
                    "the Fin.com connection's client secret is missing from the keyring; add the connection again:\n  {ADD_FIN_HINT}"
                );
            }
            let fin = branchdesk_engine::setup::fin_connection(connection, secrets)?;
            desk.with_fin(fin)
        }
        None => desk,
    };
    Ok(match &bvnk {
        Some(connection) => {
            if connection.secret(secrets)?.is_none() {
                bail!(
                    "the BVNK connection's Hawk key is missing from the keyring; add the connection again:\n  {ADD_BVNK_HINT}"
                );
            }
            let bvnk = branchdesk_engine::setup::bvnk_connection(connection, secrets)?;
            (desk.with_bvnk(bvnk), reach)
        }
        None => (desk, reach),
    })
}

/// A desk for work that asks no provider anything (attaching scans on import, recording the
/// terms), and the COS side of a desk with only a Fin.com connection. `Desk` always holds a
/// COS client; this one points at a reserved name that never resolves, so a request made by
/// mistake fails instead of reaching anyone.
pub fn local_desk(vault: Arc<Vault>) -> Result<Desk> {
    let nowhere = CosConnection {
        base_url: "https://cos.invalid".to_owned(),
        token_url: "https://cos.invalid/connect/token".to_owned(),
        client_id: String::new(),
        client_secret: Sensitive::new(String::new()),
        partner_id: String::new(),
    };
    let cos = cos_client(http_client()?, &nowhere)?;
    let environment = environment(&vault)?;
    Ok(Desk::new(
        vault,
        cos,
        String::new(),
        environment,
        nowhere.base_url,
    ))
}

/// The environment the CLI's desk works in: its COS connection's, else its Fin.com or
/// BVNK connection's, else Sandbox (the CLI never runs Training's built-in sandbox). It
/// decides whether submissions wait for a second person's check.
pub fn environment(vault: &Vault) -> Result<Environment> {
    for provider in [Provider::Cos, Provider::Fin, Provider::Bvnk] {
        if let Some(connection) = vault.connection_for(provider)? {
            return Ok(connection.environment);
        }
    }
    Ok(Environment::Sandbox)
}
