//! Training mode: the provider sandbox runs inside the app on a loopback port, and the
//! workstation points at it, so anyone can do a complete onboarding with no setup.

use branchdesk_sandbox::{Sandbox, SandboxConfig};

use crate::workstation::CosConnection;
use crate::{Error, Result};

pub struct Training {
    sandbox: Sandbox,
}

impl Training {
    pub async fn start(config: SandboxConfig) -> Result<Self> {
        let sandbox = Sandbox::start(config)
            .await
            .map_err(|e| Error::Training(e.to_string()))?;
        tracing::info!(url = %sandbox.url(), "Training sandbox listening");
        Ok(Self { sandbox })
    }

    pub fn url(&self) -> String {
        self.sandbox.url()
    }

    pub fn cos_connection(&self) -> CosConnection {
        let credentials = &self.sandbox.credentials().cos;
        CosConnection {
            base_url: self.sandbox.url(),
            token_url: format!("{}/connect/token", self.sandbox.url()),
            client_id: credentials.client_id.clone(),
            client_secret: branchdesk_domain::Sensitive::new(credentials.client_secret.clone()),
            partner_id: credentials.partner_id.clone(),
        }
    }

    pub async fn shutdown(self) {
        self.sandbox.shutdown().await;
    }
}
