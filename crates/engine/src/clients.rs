//! The workstation: one connection per provider and the flows that use them.

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::Sensitive;

use crate::{Error, Result};

/// Which provider environment the workstation talks to; always shown to staff.
pub use branchdesk_domain::kinds::Environment;

#[derive(Debug, Clone)]
pub struct CosConnection {
    pub base_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Sensitive<String>,
    pub partner_id: String,
}

/// A COS client for a connection, on the app's one HTTP client.
pub fn cos_client(http: reqwest::Client, connection: &CosConnection) -> Result<CosClient> {
    Ok(CosClient::new(
        http,
        CosConfig {
            base_url: connection.base_url.clone(),
            token_url: connection.token_url.clone(),
            client_id: connection.client_id.clone(),
            client_secret: connection.client_secret.clone(),
            audience: AUDIENCE.to_owned(),
            retry: RetryPolicy::default(),
            timeouts: Default::default(),
        },
    )?)
}

/// One HTTP client for the whole app: it pools connections and TLS sessions. Built by the
/// api crate, so it follows no redirect (a 307 would resend a customer's data or a client
/// secret to another host) and has a connect timeout but no overall one: each provider
/// request sets its own total, an upload's by its size.
pub fn http_client() -> Result<reqwest::Client> {
    branchdesk_api::http_client(&branchdesk_api::Timeouts::default()).map_err(Error::HttpClient)
}

/// A BVNK client for a connection, on the app's one HTTP client.
pub fn bvnk_client(
    http: reqwest::Client,
    base_url: &str,
    hawk_id: &str,
    hawk_key: Sensitive<String>,
) -> Result<branchdesk_api::bvnk::BvnkClient> {
    let config = branchdesk_api::bvnk::BvnkConfig::new(base_url, hawk_id, hawk_key);
    Ok(branchdesk_api::bvnk::BvnkClient::new(http, config)?)
}

/// A Fin.com client for a connection, on the app's one HTTP client. `token_url`: the
/// connection's own token address, when tokens do not come from the API's host.
pub fn fin_client(
    http: reqwest::Client,
    base_url: &str,
    token_url: Option<&str>,
    client_id: &str,
    client_secret: Sensitive<String>,
) -> Result<branchdesk_api::fin::FinClient> {
    let mut config = branchdesk_api::fin::FinConfig::new(base_url, client_id, client_secret);
    config.token_url = token_url.map(str::to_owned);
    Ok(branchdesk_api::fin::FinClient::new(http, config)?)
}
