use std::path::PathBuf;
use std::time::Instant;

use branchdesk_engine::training::Training;
use branchdesk_engine::Workstation;

/// Everything the commands share. Training mode is the default: with no connection
/// configured, the sandbox runs in-process and the workstation points at it.
pub struct AppState {
    pub workstation: Workstation,
    pub data_dir: PathBuf,
    pub started: Instant,
    /// The in-process sandbox, kept for as long as the app runs in Training mode.
    training: Option<Training>,
}

impl AppState {
    pub async fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let started = Instant::now();
        let data_dir = branchdesk_vault::data_dir(None)?;
        let training = Training::start(Default::default()).await?;
        let workstation = training.workstation()?;
        Ok(Self {
            workstation,
            data_dir,
            started,
            training: Some(training),
        })
    }

    pub fn training_url(&self) -> Option<String> {
        self.training.as_ref().map(Training::url)
    }
}
