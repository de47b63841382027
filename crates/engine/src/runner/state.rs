//! The runner's state: the vault and the providers' clients, the committer its writes go
//! through, the drafts it is sending, and how it is woken and stopped.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use branchdesk_api::cos::CosClient;
use branchdesk_vault::{Committer, DraftId, Step, StepId, Vault};
use chrono::Utc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::flows::bvnk::BvnkConnection;
use crate::flows::fin::FinConnection;
use crate::{Error, Result};

/// How long COS keeps an idempotency key. A request whose fate is unknown and whose key is
/// older than this cannot be resent safely: COS would take it as new.
pub const COS_KEY_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How often the runner asks Fin.com about customers it has not decided on yet.
const FIN_FOLLOW_INTERVAL: Duration = Duration::from_secs(20);

pub(crate) struct Runner {
    pub(crate) vault: Arc<Vault>,
    pub(crate) cos: CosClient,
    pub(crate) fin: FinConnection,
    pub(crate) bvnk: BvnkConnection,
    pub(crate) key_retention: Duration,
    pub(in crate::runner) follow_interval: Duration,
    pub(in crate::runner) wake: Notify,
    pub(in crate::runner) committer: OnceLock<Committer>,
    /// Drafts a run is sending now: a second run of the same draft (the app's runner and a
    /// command, say) leaves it to the first.
    pub(in crate::runner) running: Mutex<HashSet<DraftId>>,
    /// Steps whose last attempt found no provider, already recorded as waiting: the next
    /// passes back off without adding an audit entry each.
    pub(in crate::runner) waiting: Mutex<HashSet<StepId>>,
    /// Asks the runner to stop after its current pass (see [`Runner::stop`]).
    pub(in crate::runner) stopping: CancellationToken,
}

impl Runner {
    pub(crate) fn new(vault: Arc<Vault>, cos: CosClient) -> Self {
        Self {
            vault,
            cos,
            fin: FinConnection::default(),
            bvnk: BvnkConnection::default(),
            key_retention: COS_KEY_RETENTION,
            follow_interval: FIN_FOLLOW_INTERVAL,
            wake: Notify::new(),
            committer: OnceLock::new(),
            running: Mutex::new(HashSet::new()),
            waiting: Mutex::new(HashSet::new()),
            stopping: CancellationToken::new(),
        }
    }

    /// Test hook: how often the runner asks Fin.com about undecided customers.
    pub(crate) fn set_follow_interval(&mut self, interval: Duration) {
        self.follow_interval = interval;
    }

    /// New work (a submit, a confirmation): the runner's next pass starts now.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Asks the runner to stop once its current pass is over: no request it started is cut
    /// off half-way (a cut-off create is an unknown outcome). Await the runner's task after.
    pub(crate) fn stop(&self) {
        self.stopping.cancel();
    }

    /// The committer for the runner's writes, started with the first run.
    pub(in crate::runner) fn committer(&self) -> Result<&Committer> {
        if let Some(committer) = self.committer.get() {
            return Ok(committer);
        }
        let started = Committer::start(Arc::clone(&self.vault))?;
        Ok(self.committer.get_or_init(|| started))
    }

    /// A runner write, on a blocking thread: the other drafts' requests go on while it waits
    /// for the disk, and writes that wait together share one commit.
    pub(in crate::runner) async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Vault) -> branchdesk_vault::Result<T> + Send + 'static,
    ) -> Result<T> {
        let vault = Arc::clone(&self.vault);
        let path = self.vault.database_path().to_path_buf();
        match tokio::task::spawn_blocking(move || work(&vault)).await {
            Ok(result) => Ok(result?),
            Err(join) => match join.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                // Only when the runtime shuts down, and then nobody is waiting for this.
                Err(_) => Err(Error::Vault(branchdesk_vault::Error::Io {
                    action: "writing",
                    path,
                    source: std::io::Error::other("the runtime shut down"),
                })),
            },
        }
    }

    /// Whether the provider has forgotten this step's idempotency key by now.
    pub(in crate::runner) fn key_expired(&self, step: &Step) -> bool {
        let age = Utc::now().signed_duration_since(step.planned_at);
        age.to_std().is_ok_and(|age| age >= self.key_retention)
    }

    /// An answer came: a later wait is a new state change, recorded again.
    pub(in crate::runner) fn answered(&self, step: &Step) {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&step.id);
    }

    /// Whether this is the first pass to find `step` waiting for its provider.
    pub(in crate::runner) fn first_wait(&self, step: &Step) -> bool {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(step.id)
    }
}

/// A draft's place in [`Runner::running`], given back when dropped.
pub(in crate::runner) struct Claimed<'a> {
    set: &'a Mutex<HashSet<DraftId>>,
    draft: DraftId,
}

impl<'a> Claimed<'a> {
    /// The draft for this run alone; `None` when another run is sending it.
    pub(in crate::runner) fn enter(
        set: &'a Mutex<HashSet<DraftId>>,
        draft: DraftId,
    ) -> Option<Self> {
        let entered = set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(draft);
        entered.then_some(Claimed { set, draft })
    }
}

impl Drop for Claimed<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.draft);
    }
}

/// A draft's run, ready once what it recorded is on disk.
pub(in crate::runner) type Settling<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>>;

/// A write handed to the committer, ready once its commit is on disk.
pub(in crate::runner) type OnDisk<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send>>;

/// The answer to give the committer with a write, and the future that has it.
pub(in crate::runner) fn on_disk<T: Send + 'static>() -> (
    impl FnOnce(branchdesk_vault::Result<T>) + Send + 'static,
    OnDisk<T>,
) {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let answer = move |result| {
        // Nobody waits for it any more only when the run was abandoned.
        let _ = sender.send(result);
    };
    let answered = Box::pin(async move {
        match receiver.await {
            Ok(result) => Ok(result?),
            Err(_) => Err(Error::Vault(branchdesk_vault::Error::Corrupt(
                "the committer stopped without answering a write".to_owned(),
            ))),
        }
    });
    (answer, answered)
}
