use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use branchdesk_engine::people::{self, Person};
use branchdesk_engine::setup::{self, Settings};
use branchdesk_engine::store::{FolderLock, KeyringStore, Vault};
use branchdesk_engine::training::Training;
use branchdesk_engine::{Desk, Environment};
use tokio::task::JoinHandle;

mod opening;
mod restore;

pub use opening::{open_when_drawn, Opening};

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
    runtime: RwLock<Runtime>,
    /// Held while the desk is rebuilt or the vault replaced, so that two of those never
    /// interleave (and never two runners at once).
    switching: tokio::sync::Mutex<()>,
    /// The data folder, this process's alone while it runs: no second runner on the outbox.
    _folder: FolderLock,
    /// Who is at the desk, and when they last did something (for the idle lock).
    signed_in: std::sync::Mutex<Signed>,
}

struct Signed {
    person: Option<Person>,
    last_seen: Instant,
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
    /// Opens the vault in `data_dir` (this process holds its `folder`) and starts the desk
    /// as `settings` (the settings file, as read at start) ask.
    pub async fn start(
        data_dir: PathBuf,
        folder: FolderLock,
        settings: &Settings,
    ) -> branchdesk_engine::Result<Self> {
        let secrets = KeyringStore::new(KEYRING_NAMESPACE);
        let vault = Arc::new(Vault::open(&data_dir, &secrets)?);
        let mut runtime = Self::runtime(&vault, &secrets, settings).await?;
        // Picks up whatever was queued when the app last closed, then waits for more.
        runtime.runner = Some(tokio::spawn(Arc::clone(&runtime.desk).run()));
        Ok(Self {
            vault: RwLock::new(Some(vault)),
            secrets,
            data_dir,
            runtime: RwLock::new(runtime),
            switching: tokio::sync::Mutex::new(()),
            _folder: folder,
            signed_in: std::sync::Mutex::new(Signed {
                person: None,
                last_seen: Instant::now(),
            }),
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

    fn signed(&self) -> std::sync::MutexGuard<'_, Signed> {
        self.signed_in
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The person signed in, if still: the idle lock signs them out after the desk's idle
    /// time, and Training's Trainee is signed out once Training is off.
    pub fn person(&self) -> Option<Person> {
        let desk = self.desk();
        let idle = self.idle_seconds();
        let mut signed = self.signed();
        let expired = signed.last_seen.elapsed().as_secs() >= u64::from(idle);
        let trainee_outside = signed
            .person
            .as_ref()
            .is_some_and(|p| p.name == people::TRAINEE)
            && desk.environment() != Environment::Training;
        if expired || trainee_outside {
            signed.person = None;
        }
        signed.person.clone()
    }

    /// Seconds without activity before the window locks: the desk's idle minutes. Test
    /// builds may shorten it (`BRANCHDESK_TEST_IDLE_SECONDS`) so a journey sees the lock
    /// without waiting minutes; release builds have no such hook.
    pub fn idle_seconds(&self) -> u32 {
        #[cfg(feature = "e2e-hooks")]
        if let Some(seconds) = std::env::var("BRANCHDESK_TEST_IDLE_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
        {
            return seconds;
        }
        people::idle_minutes(self.desk().vault()).unwrap_or(people::IDLE_MINUTES) * 60
    }

    /// Who acts for a command that the audit log records: the person signed in (their
    /// activity keeps the idle lock away), or the OS user on a desk without profiles.
    pub fn acting(&self) -> branchdesk_engine::Result<Person> {
        let person = self.person();
        let acting = self.desk().acting(person.as_ref())?;
        self.signed().last_seen = Instant::now();
        Ok(acting)
    }

    /// Signs `person` in.
    pub fn sign_in(&self, person: Person) {
        let mut signed = self.signed();
        signed.person = Some(person);
        signed.last_seen = Instant::now();
    }

    /// Signs out whoever is signed in (the lock, Switch person).
    pub fn sign_out(&self) {
        self.signed().person = None;
    }

    /// The page reports activity (keys, pointer), so reading a case is not idleness.
    pub fn touch(&self) {
        let mut signed = self.signed();
        if signed.person.is_some() {
            signed.last_seen = Instant::now();
        }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    /// Sets its flag when the task holding it is dropped (ended or cut off).
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_runner_ending_its_pass_is_waited_for_before_the_next_starts() {
        let ended = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ended);
        let runner = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            flag.store(true, Ordering::SeqCst);
        });
        let started = tokio::time::Instant::now();
        stop_runner(runner).await;
        assert!(ended.load(Ordering::SeqCst), "its pass ran to the end");
        assert!(started.elapsed() < RUNNER_STOP_WAIT);
    }

    #[tokio::test(start_paused = true)]
    async fn a_runner_that_does_not_stop_is_cut_off_after_the_wait() {
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = Dropped(Arc::clone(&dropped));
        let runner = tokio::spawn(async move {
            let _held = guard;
            std::future::pending::<()>().await;
        });
        let started = tokio::time::Instant::now();
        stop_runner(runner).await;
        assert!(
            started.elapsed() >= RUNNER_STOP_WAIT,
            "it was given the wait"
        );
        assert!(
            dropped.load(Ordering::SeqCst),
            "cut off: its work is gone before the next runner starts"
        );
    }
}
