//! Training mode: the provider sandbox runs inside the app on a loopback port, and the
//! workstation points at it, so anyone can do a complete onboarding with no setup.

use branchdesk_sandbox::{Sandbox, SandboxConfig};

use crate::clients::CosConnection;
use crate::{Error, Result};

pub struct Training {
    sandbox: Sandbox,
    /// Whether the sandbox's Fin.com asks for a selfie with every attach.
    fin_selfie_required: bool,
}

impl Training {
    pub async fn start(config: SandboxConfig) -> Result<Self> {
        let fin_selfie_required = config.fin_selfie_required;
        let sandbox = Sandbox::start(config).await.map_err(Error::Training)?;
        tracing::info!(url = %sandbox.url(), "Training sandbox listening");
        Ok(Self {
            sandbox,
            fin_selfie_required,
        })
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

    /// Fin.com in the sandbox, with the sandbox's own client configuration.
    pub fn fin_connection(
        &self,
        http: reqwest::Client,
    ) -> Result<crate::flows::fin::FinConnection> {
        let credentials = &self.sandbox.credentials().fin;
        let client = crate::clients::fin_client(
            http,
            &self.sandbox.url(),
            None,
            &credentials.client_id,
            branchdesk_domain::Sensitive::new(credentials.client_secret.clone()),
        )?;
        let attach = branchdesk_domain::fin::FinAttachConfig {
            selfie_required: self.fin_selfie_required,
        };
        Ok(crate::flows::fin::FinConnection::new(client, attach))
    }

    /// BVNK in the sandbox.
    pub fn bvnk_connection(
        &self,
        http: reqwest::Client,
    ) -> Result<crate::flows::bvnk::BvnkConnection> {
        let credentials = &self.sandbox.credentials().bvnk;
        let client = crate::clients::bvnk_client(
            http,
            &self.sandbox.url(),
            &credentials.hawk_id,
            branchdesk_domain::Sensitive::new(credentials.hawk_key.clone()),
        )?;
        Ok(crate::flows::bvnk::BvnkConnection::new(client))
    }

    pub async fn shutdown(self) {
        self.sandbox.shutdown().await;
    }
}
