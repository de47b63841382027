//! The workstation: one connection per provider and the flows that use them.

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::cos::{self, Customer, ScanStatus};
use branchdesk_domain::draft::Person;
use branchdesk_domain::Sensitive;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::plan::{Plan, Step, StepKind};
use crate::{Error, Result};

/// Which provider environment the workstation talks to; always shown to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Environment {
    Training,
    Sandbox,
    Production,
}

#[derive(Debug, Clone)]
pub struct CosConnection {
    pub base_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Sensitive<String>,
    pub partner_id: String,
}

/// What staff see after a COS submission, and as the compliance checks settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CosOutcome {
    pub customer_id: String,
    pub cif_number: Option<String>,
    pub ofac: Option<ScanStatus>,
    pub pep_scan: Option<ScanStatus>,
    pub internal_list: Option<ScanStatus>,
    /// True once no check is still Pending.
    pub settled: bool,
}

impl From<Customer> for CosOutcome {
    fn from(customer: Customer) -> Self {
        let checks = [customer.ofac, customer.pep_scan, customer.internal_list];
        let settled = checks.iter().flatten().all(|s| *s != ScanStatus::Pending);
        Self {
            customer_id: customer.id,
            cif_number: customer.cif_number,
            ofac: customer.ofac,
            pep_scan: customer.pep_scan,
            internal_list: customer.internal_list,
            settled,
        }
    }
}

pub struct Workstation {
    environment: Environment,
    cos: CosClient,
    cos_base_url: String,
    partner_id: String,
}

impl Workstation {
    pub fn new(environment: Environment, connection: CosConnection) -> Result<Self> {
        // One HTTP client for the whole app: it pools connections and TLS sessions.
        let http = reqwest_client()?;
        let cos = CosClient::new(
            http,
            CosConfig {
                base_url: connection.base_url.clone(),
                token_url: connection.token_url,
                client_id: connection.client_id,
                client_secret: connection.client_secret,
                audience: AUDIENCE.to_owned(),
                retry: RetryPolicy::default(),
            },
        )?;
        Ok(Self {
            environment,
            cos,
            cos_base_url: connection.base_url,
            partner_id: connection.partner_id,
        })
    }

    pub fn environment(&self) -> Environment {
        self.environment
    }

    pub fn cos_base_url(&self) -> &str {
        &self.cos_base_url
    }

    /// Freezes the draft into a plan: the body bytes and the key are fixed here.
    pub fn plan_cos_personal(&self, person: &Person) -> Result<Plan> {
        let request = cos::personal_customer(&self.partner_id, person)?;
        let body = serde_json::to_vec(&request).map_err(|e| Error::Encode(e.to_string()))?;
        Ok(Plan {
            steps: vec![Step::new(StepKind::CosCreateCustomer, body)],
        })
    }

    pub async fn run_cos_plan(&self, plan: &Plan) -> Result<CosOutcome> {
        let mut outcome = None;
        for step in &plan.steps {
            match step.kind {
                StepKind::CosCreateCustomer => {
                    let customer = self
                        .cos
                        .create_customer(&step.body, &step.idempotency_key)
                        .await?;
                    outcome = Some(CosOutcome::from(customer));
                }
            }
        }
        outcome.ok_or_else(|| Error::Encode("the plan has no create-customer step".to_owned()))
    }

    /// Validates, plans and sends a Personal customer to COS.
    pub async fn submit_cos_personal(&self, person: &Person) -> Result<CosOutcome> {
        let plan = self.plan_cos_personal(person)?;
        self.run_cos_plan(&plan).await
    }

    /// The customer's current compliance statuses, read from COS.
    pub async fn cos_status(&self, customer_id: &str) -> Result<CosOutcome> {
        Ok(self.cos.get_customer(customer_id).await?.into())
    }
}

fn reqwest_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(60))
        .user_agent(concat!("Branchdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Encode(format!("HTTP client: {e}")))
}
