//! A BVNK connection: its client, and the documents in flight (their progress for the
//! window, and a Cancel for each draft).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use branchdesk_api::bvnk::BvnkClient;
use branchdesk_vault::DraftId;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::records::UploadView;
use crate::{Error, Result};

pub struct BvnkConnection {
    client: Option<BvnkClient>,
    progress: broadcast::Sender<UploadView>,
    cancels: Mutex<HashMap<DraftId, CancellationToken>>,
}

impl Default for BvnkConnection {
    /// No connection: a BVNK draft is refused when it is submitted, in words.
    fn default() -> Self {
        Self {
            client: None,
            progress: broadcast::channel(64).0,
            cancels: Mutex::new(HashMap::new()),
        }
    }
}

impl BvnkConnection {
    pub fn new(client: BvnkClient) -> Self {
        Self {
            client: Some(client),
            ..Self::default()
        }
    }

    pub fn client(&self) -> Result<&BvnkClient> {
        self.client
            .as_ref()
            .ok_or(Error::NotConfigured { provider: "BVNK" })
    }

    /// Sends progress where the window already listens (the desk's one channel).
    pub(crate) fn report_to(&mut self, progress: broadcast::Sender<UploadView>) {
        self.progress = progress;
    }

    pub(crate) fn progress(&self) -> broadcast::Sender<UploadView> {
        self.progress.clone()
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
