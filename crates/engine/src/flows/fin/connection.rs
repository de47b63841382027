//! A Fin.com connection: its client, its attach rules, and the uploads in flight.

use branchdesk_api::fin::FinClient;
use branchdesk_domain::fin::FinAttachConfig;

use crate::uploads::Uploads;
use crate::{Error, Result};

pub struct FinConnection {
    client: Option<FinClient>,
    attach: FinAttachConfig,
    pub(crate) uploads: Uploads,
}

impl Default for FinConnection {
    /// No connection: a Fin.com draft is refused when it is submitted, in words.
    fn default() -> Self {
        Self {
            client: None,
            attach: FinAttachConfig::default(),
            uploads: Uploads::default(),
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

    /// Upload progress of every draft, as it happens.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<crate::records::UploadView> {
        self.uploads.subscribe()
    }
}
