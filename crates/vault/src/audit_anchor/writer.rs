//! The anchor's keyring writes, on a thread of their own.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use super::{audit_head_entry, decode_hash};
use crate::keys::encode_hex;
use crate::{Error, Result, SecretStore, Sensitive};

/// What the head entry holds, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Head {
    pub(super) seq: i64,
    /// The entry's hash in hex (the genesis value for 0).
    pub(super) hash: String,
    pub(super) keyed_from: i64,
}

/// Writes heads to the keyring on a thread of its own. A Secret Service write takes about
/// 150 ms (measured with gnome-keyring), fifty times an audited commit, so commits hand the
/// head over and go on; the thread writes the latest one handed over, skipping any that a
/// later one overtook meanwhile. The anchor then trails the chain by the commits of one
/// keyring write at most, and `verify` waits for the write in progress first.
pub(super) struct HeadWriter {
    pub(super) shared: Arc<WriterShared>,
    pub(super) thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
pub(super) struct WriterShared {
    pub(super) state: Mutex<WriterState>,
    pub(super) changed: std::sync::Condvar,
    /// The head this process last handed to the keyring or read from it, so unchanged
    /// heads cost no keyring write; `None` when the keyring had none, and then none is
    /// ever made up.
    pub(super) anchored: Mutex<Option<(i64, Vec<u8>)>>,
}

#[derive(Default)]
pub(super) struct WriterState {
    /// The keyring's head is still being read (the thread's first task, so opening the
    /// vault does not wait for it).
    loading: bool,
    next: Option<(i64, Vec<u8>)>,
    busy: bool,
    stop: bool,
}

impl WriterShared {
    fn lock(&self) -> MutexGuard<'_, WriterState> {
        // Plain assignments under the lock: a panic cannot leave it half-written.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn anchored(&self) -> MutexGuard<'_, Option<(i64, Vec<u8>)>> {
        // One assignment under the lock: a panic cannot leave it half-written.
        self.anchored
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, WriterState>) -> MutexGuard<'a, WriterState> {
        self.changed
            .wait(guard)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl HeadWriter {
    /// With `read_first`, the thread first reads the keyring's head for this log.
    pub(super) fn start(
        secrets: Arc<dyn SecretStore>,
        vault_id: &str,
        keyed_from: i64,
        read_first: bool,
    ) -> Result<Self> {
        let shared = Arc::new(WriterShared::default());
        shared.lock().loading = read_first;
        let worker = Arc::clone(&shared);
        let entry = audit_head_entry(vault_id);
        let thread = std::thread::Builder::new()
            .name("audit-anchor".to_owned())
            .spawn(move || loop {
                if worker.lock().loading {
                    let head = read_head_from(secrets.as_ref(), &entry)
                        .ok()
                        .flatten()
                        .filter(|head| head.keyed_from == keyed_from)
                        .and_then(|head| decode_hash(&head.hash).map(|hash| (head.seq, hash)));
                    *worker.anchored() = head;
                    worker.lock().loading = false;
                    worker.changed.notify_all();
                }
                let (seq, hash) = {
                    let mut state = worker.lock();
                    loop {
                        if let Some(next) = state.next.take() {
                            state.busy = true;
                            break next;
                        }
                        if state.stop {
                            return;
                        }
                        state = worker.wait(state);
                    }
                };
                // A failed write leaves the older head in place, which verify still
                // accepts; the next commit hands over a newer one to try again.
                let _ = write_head_to(secrets.as_ref(), &entry, keyed_from, seq, &hash);
                worker.lock().busy = false;
                worker.changed.notify_all();
            })
            .map_err(|source| {
                Error::io("starting the audit anchor's writer for", vault_id, source)
            })?;
        Ok(HeadWriter {
            shared,
            thread: Some(thread),
        })
    }

    pub(super) fn submit(&self, seq: i64, hash: Vec<u8>) {
        self.shared.lock().next = Some((seq, hash));
        self.shared.changed.notify_all();
    }

    /// Returns once every head handed over is in the keyring (or failed to get there).
    pub(super) fn flush(&self) {
        let mut state = self.shared.lock();
        while state.loading || state.next.is_some() || state.busy {
            state = self.shared.wait(state);
        }
    }

    /// Returns once the keyring's head has been read.
    pub(super) fn loaded(&self) {
        let mut state = self.shared.lock();
        while state.loading {
            state = self.shared.wait(state);
        }
    }
}

impl Drop for HeadWriter {
    fn drop(&mut self) {
        // The last head handed over is written before the vault is gone.
        self.shared.lock().stop = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub(super) fn read_head_from(secrets: &dyn SecretStore, entry: &str) -> Result<Option<Head>> {
    let Some(text) = secrets.get(entry)? else {
        return Ok(None);
    };
    Ok(serde_json::from_str(text.expose()).ok())
}

pub(super) fn write_head_to(
    secrets: &dyn SecretStore,
    entry: &str,
    keyed_from: i64,
    seq: i64,
    hash: &[u8],
) -> Result<()> {
    let head = Head {
        seq,
        hash: encode_hex(hash).to_string(),
        keyed_from,
    };
    secrets.set(entry, &Sensitive::new(serde_json::to_string(&head)?))
}
