use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use branchdesk_engine::setup::{self, Settings};
use branchdesk_engine::store::{FolderLock, KeyringStore, Vault};
use branchdesk_engine::training::Training;
use branchdesk_engine::Desk;
use tokio::task::JoinHandle;

mod restore;

/// Keyring entries of development builds never mix with a production install's.
const KEYRING_NAMESPACE: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "production"
};

/// Everything the commands share. The desk can be swapped (Training on or off) while the
/// app runs; commands take the current one for the length of their call.
pub struct AppState {
    /// The workstation's own vault: real drafts and the provider connections. Training's
    /// drafts live in a vault of their own, behind the Training desk. Empty only while a
    /// backup is restored over it (see `restore.rs`).
    vault: RwLock<Option<Arc<Vault>>>,
    pub secrets: KeyringStore,
    pub data_dir: PathBuf,
    pub started: Instant,
    runtime: RwLock<Runtime>,
    /// Held while the desk is rebuilt or the vault replaced, so that two of those never
    /// interleave (and never two runners at once).
    switching: tokio::sync::Mutex<()>,
    /// The data folder, this process's alone while it runs: no second runner on the outbox.
    _folder: FolderLock,
}

struct Runtime {
    desk: Arc<Desk>,
    /// The in-process sandbox, for as long as the app runs in Training mode.
    training: Option<Training>,
    problem: Option<String>,
    /// Started once the runtime is in place, so that two runners never work at once.
    runner: Option<JoinHandle<()>>,
}

/// How long a switch waits for the old runner to finish the pass it is in before cutting it
/// off; a request cut off half-way is resolved by a person, never resent blindly.
const RUNNER_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl AppState {
    /// Opens the vault in `data_dir` (this process holds its `folder`) and starts the
    /// desk; `started` is when the process began, for the start-up time.
    pub async fn start(
        data_dir: PathBuf,
        folder: FolderLock,
        started: Instant,
    ) -> branchdesk_engine::Result<Self> {
        let secrets = KeyringStore::new(KEYRING_NAMESPACE);
        let vault = Arc::new(Vault::open(&data_dir, &secrets)?);
        let mut runtime = Self::runtime(&vault, &secrets, &Settings::load(&data_dir)).await?;
        // Picks up whatever was queued when the app last closed, then waits for more.
        runtime.runner = Some(tokio::spawn(Arc::clone(&runtime.desk).run()));
        Ok(Self {
            vault: RwLock::new(Some(vault)),
            secrets,
            data_dir,
            started,
            runtime: RwLock::new(runtime),
            switching: tokio::sync::Mutex::new(()),
            _folder: folder,
        })
    }

    async fn runtime(
        vault: &Arc<Vault>,
        secrets: &KeyringStore,
        settings: &Settings,
    ) -> branchdesk_engine::Result<Runtime> {
        let data_dir = vault.data_dir().to_path_buf();
        let started = setup::start(&data_dir, Arc::clone(vault), secrets, settings).await?;
        Ok(Runtime {
            desk: started.desk,
            training: started.training,
            problem: started.problem,
            runner: None,
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Runtime> {
        // Swapping a runtime is a plain assignment: a panic cannot leave it half-made.
        self.runtime
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The workstation's vault; refused while a backup is being restored over it.
    pub fn vault(&self) -> branchdesk_engine::Result<Arc<Vault>> {
        self.vault
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .ok_or(branchdesk_engine::Error::RestoreUnderWay)
    }

    pub fn desk(&self) -> Arc<Desk> {
        Arc::clone(&self.read().desk)
    }

    pub fn training_url(&self) -> Option<String> {
        self.read().training.as_ref().map(Training::url)
    }

    pub fn problem(&self) -> Option<String> {
        self.read().problem.clone()
    }

    /// Saves the settings and moves the desk onto what they now ask for. A step in flight
    /// on the old desk is simply resent by the new one: its key and bytes are in the vault.
    pub async fn apply(&self, settings: &Settings) -> branchdesk_engine::Result<()> {
        let _switching = self.switching.lock().await;
        // A plan is made for one provider environment; moving to another with work still
        // queued could send practice to a real bank, or the reverse.
        setup::ensure_queue_empty(&[self.desk().vault()])?;
        self.rebuild_locked(settings).await
    }

    /// Saves the settings and rebuilds the desk on them without asking the queue: for a
    /// change that leaves every queued plan's destination as it was (a connection's
    /// missing secret given back).
    pub async fn rebuild(&self, settings: &Settings) -> branchdesk_engine::Result<()> {
        let _switching = self.switching.lock().await;
        self.rebuild_locked(settings).await
    }

    /// The rebuild itself; the caller holds `switching`.
    async fn rebuild_locked(&self, settings: &Settings) -> branchdesk_engine::Result<()> {
        settings.save(&self.data_dir)?;
        let vault = self.vault()?;
        let fresh = Self::runtime(&vault, &self.secrets, settings).await?;
        let mut old = {
            let mut guard = self
                .runtime
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            std::mem::replace(&mut *guard, fresh)
        };
        // The old runner ends its pass before the new one starts: never two at once.
        old.desk.stop();
        if let Some(runner) = old.runner.take() {
            stop_runner(runner).await;
        }
        {
            let mut guard = self
                .runtime
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let desk = Arc::clone(&guard.desk);
            guard.runner = Some(tokio::spawn(desk.run()));
        }
        if let Some(training) = old.training {
            training.shutdown().await;
        }
        Ok(())
    }
}

/// Waits for a stopped desk's runner to end the pass it is in, or cuts it off.
async fn stop_runner(mut runner: JoinHandle<()>) {
    if tokio::time::timeout(RUNNER_STOP_WAIT, &mut runner)
        .await
        .is_err()
    {
        tracing::warn!("the previous runner did not stop in time and was cut off");
        runner.abort();
        let _ = runner.await;
    }
}
