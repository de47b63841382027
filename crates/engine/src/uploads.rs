//! The documents a provider connection has in flight: their progress, for the window to
//! follow, and a Cancel for each draft. Fin.com's uploads and BVNK's documents share it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use branchdesk_api::upload::{ProgressFn, UploadProgress};
use branchdesk_vault::DraftId;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::records::UploadView;

pub(crate) struct Uploads {
    progress: broadcast::Sender<UploadView>,
    cancels: Mutex<HashMap<DraftId, CancellationToken>>,
}

impl Default for Uploads {
    fn default() -> Self {
        Self {
            progress: broadcast::channel(64).0,
            cancels: Mutex::new(HashMap::new()),
        }
    }
}

impl Uploads {
    /// Where progress goes, for the window to follow.
    pub(crate) fn progress(&self) -> broadcast::Sender<UploadView> {
        self.progress.clone()
    }

    /// Sends progress where the window already listens (the desk's one channel).
    pub(crate) fn report_to(&mut self, progress: broadcast::Sender<UploadView>) {
        self.progress = progress;
    }

    /// Progress of every draft, as it happens.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<UploadView> {
        self.progress.subscribe()
    }

    /// What hears one scan's progress and passes it on as the window shows it.
    pub(crate) fn reporter(&self, draft: DraftId, slot: &str) -> ProgressFn {
        let progress = self.progress();
        let (draft, slot) = (draft.to_string(), slot.to_owned());
        Arc::new(move |p: UploadProgress| {
            // Nobody listening is fine: the window may be on another page.
            let _ = progress.send(UploadView {
                draft_id: draft.clone(),
                slot: slot.clone(),
                sent: p.sent,
                total: p.total,
                attempt: p.attempt,
            });
        })
    }

    /// The draft's Cancel, which a press between two documents has already set.
    pub(crate) fn cancel_token(&self, draft: DraftId) -> CancellationToken {
        self.cancels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(draft)
            .or_default()
            .clone()
    }

    /// Presses the draft's Cancel: the document in flight stops, and the next does not start.
    pub(crate) fn cancel(&self, draft: DraftId) {
        self.cancel_token(draft).cancel();
    }

    /// A Cancel belongs to the documents of one submission, never to the next.
    pub(crate) fn forget_cancel(&self, draft: DraftId) {
        self.cancels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&draft);
    }
}
