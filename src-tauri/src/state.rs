use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use branchdesk_engine::training::Training;
use branchdesk_engine::{cos_client, http_client, Desk, Environment};
use branchdesk_vault::{KeyringStore, Vault};

/// Everything the commands share. Training mode is the default: with no connection
/// configured, the sandbox runs in-process and the desk points at it.
pub struct AppState {
    pub desk: Arc<Desk>,
    pub data_dir: PathBuf,
    pub started: Instant,
    /// The in-process sandbox, kept for as long as the app runs in Training mode.
    training: Option<Training>,
}

/// Keyring entries of development builds never mix with a production install's.
const KEYRING_NAMESPACE: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "production"
};

impl AppState {
    pub async fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let started = Instant::now();
        let data_dir = branchdesk_vault::data_dir(None)?;
        let vault = Arc::new(Vault::open(
            &data_dir,
            &KeyringStore::new(KEYRING_NAMESPACE),
        )?);
        let training = Training::start(Default::default()).await?;
        let connection = training.cos_connection();
        let cos = cos_client(http_client()?, &connection)?;
        let desk = Arc::new(Desk::new(
            vault,
            cos,
            connection.partner_id.clone(),
            Environment::Training,
            connection.base_url.clone(),
        ));
        // Picks up whatever was queued when the app last closed, then waits for more.
        tokio::spawn(Arc::clone(&desk).run());
        Ok(Self {
            desk,
            data_dir,
            started,
            training: Some(training),
        })
    }

    pub fn training_url(&self) -> Option<String> {
        self.training.as_ref().map(Training::url)
    }
}
