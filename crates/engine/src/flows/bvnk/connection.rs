//! A BVNK connection: its client, and the documents in flight.

use branchdesk_api::bvnk::BvnkClient;

use crate::uploads::Uploads;
use crate::{Error, Result};

#[derive(Default)]
pub struct BvnkConnection {
    /// No client: a BVNK draft is refused when it is submitted, in words.
    client: Option<BvnkClient>,
    pub(crate) uploads: Uploads,
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
}
