//! A Fin.com connection: its client, its attach rules, and the uploads in flight (their
//! progress for the window, and a Cancel for each draft).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use branchdesk_api::fin::FinClient;
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_vault::DraftId;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::records::UploadView;
use crate::{Error, Result};

pub struct FinConnection {
    client: Option<FinClient>,
    attach: FinAttachConfig,
    progress: broadcast::Sender<UploadView>,
    cancels: Mutex<HashMap<DraftId, CancellationToken>>,
}

impl Default for FinConnection {
    /// No connection: a Fin.com draft is refused when it is submitted, in words.
    fn default() -> Self {
        Self {
            client: None,
            attach: FinAttachConfig::default(),
            progress: broadcast::channel(64).0,
            cancels: Mutex::new(HashMap::new()),
        }
    }
}

impl FinConnection {
    pub fn new(client: FinClient, attach: FinAttachConfig) -> Self {
        Self {
            client: Some(client),
            attach,
            ..Self::default()
        }
    }

    pub fn client(&self) -> Result<&FinClient> {
        self.client.as_ref().ok_or(Error::NotConfigured {
            provider: "Fin.com",
        })
    }

    /// The connection's rules for an attach (whether a selfie is required).
    pub fn attach_config(&self) -> FinAttachConfig {
        self.attach
    }

    /// Where upload progress goes, for the window to follow.
    pub(crate) fn progress(&self) -> broadcast::Sender<UploadView> {
        self.progress.clone()
    }

    /// Upload progress of every draft, as it happens.
    pub fn subscribe(&self) -> broadcast::Receiver<UploadView> {
        self.progress.subscribe()
    }

    /// The draft's Cancel, which a press between two uploads has already set.
    pub(crate) fn cancel_token(&self, draft: DraftId) -> CancellationToken {
        self.cancels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(draft)
            .or_default()
            .clone()
    }

    /// Presses the draft's Cancel: the upload in flight stops, and the next does not start.
    pub(crate) fn cancel(&self, draft: DraftId) {
        self.cancel_token(draft).cancel();
    }

    /// A Cancel belongs to the uploads of one submission, never to the next.
    pub(crate) fn forget_cancel(&self, draft: DraftId) {
        self.cancels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&draft);
    }
}
