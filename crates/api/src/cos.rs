//! Cross River COS, Customer Management v1: OAuth2 client-credentials token, create and get
//! customer, add its addresses, phones, e-mails, identifications and beneficial owners, and
//! update its profile. Every POST and PUT carries the caller's `idempotency-Key`, and a
//! retry resends the same key with the same bytes, so COS can recognise it as the same
//! request: the bodies are frozen by the caller, never rebuilt here.

use std::time::{Duration, Instant};

use backon::Retryable;
use branchdesk_domain::cos::{
    AddressRecord, BeneficialOwnerRecord, Customer, EmailRecord, ErrorBody, IdentificationRecord,
    PhoneRecord,
};
use branchdesk_domain::validate::{check_idempotency_key, is_guid};
use branchdesk_domain::Sensitive;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use crate::exchange::{exchange, json_of, settle_keyed_create, unreadable, Answer, Stakes};
use crate::http::{check_base_url, is_retryable_status, retry_after};
use crate::{Error, Result, RetryPolicy, Timeouts};

/// The audience COS expects in its token request.
pub const AUDIENCE: &str = "https://api.crbcos.com/";

/// A token is renewed this long before it expires, so a request never races its expiry.
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

/// How to reach one COS partner account.
#[derive(Debug, Clone)]
pub struct CosConfig {
    pub base_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Sensitive<String>,
    pub audience: String,
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

struct Token {
    bearer: Sensitive<String>,
    renew_at: Instant,
}

pub struct CosClient {
    http: reqwest::Client,
    base: Url,
    token_url: Url,
    config: CosConfig,
    token: Mutex<Option<Token>>,
}

impl CosClient {
    pub fn new(http: reqwest::Client, config: CosConfig) -> Result<Self> {
        let base = check_base_url(&config.base_url)?;
        let token_url = check_base_url(&config.token_url)?;
        Ok(Self {
            http,
            base,
            token_url,
            config,
            token: Mutex::new(None),
        })
    }

    /// `POST /core/v1/cm/customers` with a body frozen by the caller: a Personal or a
    /// Business customer, whichever the body says. Resent with the same key while it surely
    /// did not arrive, COS asks for it again (5xx, 408, 409, 424, 429) or its answer could
    /// not be read; when the last attempt's answer is neither a refusal nor a readable
    /// customer — cut off, unreadable, too large, a redirect — [`Error::OutcomeUnknown`].
    pub async fn create_customer(&self, body: &[u8], idempotency_key: &str) -> Result<Customer> {
        checked_key(idempotency_key)?;
        self.call(
            Stakes::KeyedCreate,
            Method::POST,
            "core/v1/cm/customers",
            Some(body),
            Some(idempotency_key),
        )
        .await
        .map_err(settle_keyed_create)
    }

    /// `GET /core/v1/cm/customers/{id}`.
    pub async fn get_customer(&self, id: &str) -> Result<Customer> {
        let path = customer_path(id, "")?;
        self.call(Stakes::Repeatable, Method::GET, &path, None, None)
            .await
    }

    /// `POST /core/v1/cm/customers/{id}/addresses`.
    pub async fn add_address(
        &self,
        customer_id: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<AddressRecord> {
        self.post_sub(customer_id, "/addresses", body, idempotency_key)
            .await
    }

    /// `POST /core/v1/cm/customers/{id}/phones`.
    pub async fn add_phone(
        &self,
        customer_id: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<PhoneRecord> {
        self.post_sub(customer_id, "/phones", body, idempotency_key)
            .await
    }

    /// `POST /core/v1/cm/customers/{id}/emails`.
    pub async fn add_email(
        &self,
        customer_id: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<EmailRecord> {
        self.post_sub(customer_id, "/emails", body, idempotency_key)
            .await
    }

    /// `POST /core/v1/cm/customers/{id}/identifications`.
    pub async fn add_identification(
        &self,
        customer_id: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<IdentificationRecord> {
        self.post_sub(customer_id, "/identifications", body, idempotency_key)
            .await
    }

    /// `POST /core/v1/cm/customers/{id}/identifications/{identificationId}`: replaces
    /// that identification.
    pub async fn update_identification(
        &self,
        customer_id: &str,
        identification_id: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<IdentificationRecord> {
        if !is_guid(identification_id) {
            return Err(Error::InvalidRequest(format!(
                "{identification_id:?} is not a COS identification id"
            )));
        }
        let rest = format!("/identifications/{}", identification_id.trim());
        self.post_sub(customer_id, &rest, body, idempotency_key)
            .await
    }

    /// `POST /core/v1/cm/customers/{id}/beneficial-owners` (Business customers only).
    pub async fn add_beneficial_owner(
        &self,
        customer_id: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<BeneficialOwnerRecord> {
        self.post_sub(customer_id, "/beneficial-owners", body, idempotency_key)
            .await
    }

    /// `PUT /core/v1/cm/customers/{id}/profile` with the profile as its body; answers the
    /// whole record. The key makes a resend of the same update harmless.
    pub async fn update_profile(
        &self,
        customer_id: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<Customer> {
        checked_key(idempotency_key)?;
        let path = customer_path(customer_id, "/profile")?;
        self.call(
            Stakes::Repeatable,
            Method::PUT,
            &path,
            Some(body),
            Some(idempotency_key),
        )
        .await
    }

    /// A keyed addition: an answer that cannot be read is retried with the same key (COS
    /// answers a resend with what it stored), and after the last attempt is an
    /// [`Error::Unavailable`] — retryable, never a definite failure.
    async fn post_sub<T: DeserializeOwned>(
        &self,
        customer_id: &str,
        rest: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<T> {
        checked_key(idempotency_key)?;
        let path = customer_path(customer_id, rest)?;
        self.call(
            Stakes::Repeatable,
            Method::POST,
            &path,
            Some(body),
            Some(idempotency_key),
        )
        .await
    }

    /// Obtains a token now, to check that the connection's credentials work.
    pub async fn check_credentials(&self) -> Result<()> {
        self.invalidate_token().await;
        self.bearer().await.map(|_| ())
    }

    /// Sends with bounded retries and reads the answer's JSON; reading is part of each
    /// attempt, so an unreadable answer to a repeatable request is tried again.
    async fn call<T: DeserializeOwned>(
        &self,
        stakes: Stakes,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        key: Option<&str>,
    ) -> Result<T> {
        let attempt = || async {
            let answer = self
                .send_authorised(stakes, method.clone(), path, body, key)
                .await?;
            json_of(&answer).map_err(|why| unreadable(answer.status.as_u16(), &why, stakes))
        };
        attempt
            .retry(self.config.retry.backoff())
            .when(Error::is_retryable)
            .adjust(crate::http::next_delay)
            .notify(|error, delay| {
                tracing::warn!(%path, ?delay, error = %error.for_log(), "COS request will be retried");
            })
            .await
    }

    /// One attempt, renewing the token once if COS says it is no longer valid.
    async fn send_authorised(
        &self,
        stakes: Stakes,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        key: Option<&str>,
    ) -> Result<Answer> {
        let answer = self
            .send_once(stakes, method.clone(), path, body, key)
            .await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return judge(answer);
        }
        self.invalidate_token().await;
        let answer = self.send_once(stakes, method, path, body, key).await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            return Err(Error::Auth { status: 401 });
        }
        judge(answer)
    }

    async fn send_once(
        &self,
        stakes: Stakes,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        key: Option<&str>,
    ) -> Result<Answer> {
        let bearer = self.bearer().await?;
        let url = self
            .base
            .join(path)
            .map_err(|_| Error::BadUrl(path.to_owned()))?;
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, format!("Bearer {}", bearer.expose()))
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(key) = key {
            request = request.header("idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let started = Instant::now();
        let timeouts = &self.config.timeouts;
        let answer = exchange(request, &url, timeouts.idle, timeouts.request, None)
            .await
            .map_err(|broken| {
                tracing::info!(%method, %path, elapsed_ms = started.elapsed().as_millis() as u64, outcome = ?broken, "COS gave no usable answer");
                broken.error(stakes)
            })?;
        tracing::info!(
            %method,
            %path,
            status = answer.status.as_u16(),
            replayed = answer.headers.contains_key("original-request-id"),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "COS answered"
        );
        Ok(answer)
    }

    async fn invalidate_token(&self) {
        *self.token.lock().await = None;
    }

    /// The cached token, or a new one by client credentials when it is missing or about
    /// to expire. The lock is held while fetching so concurrent callers share one request.
    async fn bearer(&self) -> Result<Sensitive<String>> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref() {
            if Instant::now() < token.renew_at {
                return Ok(token.bearer.clone());
            }
        }
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose().as_str()),
            ("audience", self.config.audience.as_str()),
        ];
        let request = self.http.post(self.token_url.clone()).form(&form);
        let timeouts = &self.config.timeouts;
        let answer = exchange(
            request,
            &self.token_url,
            timeouts.idle,
            timeouts.request,
            None,
        )
        .await
        .map_err(|broken| broken.token_error())?;
        let status = answer.status;
        tracing::info!(status = status.as_u16(), "COS token answered");
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST {
            return Err(Error::Auth {
                status: status.as_u16(),
            });
        }
        if !status.is_success() {
            return Err(Error::Unavailable {
                status: status.as_u16(),
                detail: Some("while obtaining a token".to_owned()),
                retry_after: retry_after(&answer.headers),
            });
        }
        let answer: TokenAnswer =
            json_of(&answer).map_err(|why| Error::Decode(format!("token answer: {why}")))?;
        let lifetime = Duration::from_secs(answer.expires_in);
        let token = Token {
            bearer: Sensitive::new(answer.access_token),
            renew_at: Instant::now() + lifetime.saturating_sub(RENEW_BEFORE_EXPIRY),
        };
        let bearer = token.bearer.clone();
        *cached = Some(token);
        Ok(bearer)
    }
}

/// The path of one customer's resource. The id goes into the URL, so anything but a GUID
/// (`../`, `?`) is refused before it can point the request elsewhere.
fn customer_path(customer_id: &str, rest: &str) -> Result<String> {
    if !is_guid(customer_id) {
        return Err(Error::InvalidRequest(format!(
            "{customer_id:?} is not a COS customer id"
        )));
    }
    Ok(format!("core/v1/cm/customers/{}{rest}", customer_id.trim()))
}

/// COS refuses keys over 50 characters (code 1010); saying so here saves a round trip and
/// keeps a bad key from being retried.
fn checked_key(key: &str) -> Result<()> {
    match check_idempotency_key(key) {
        Some(issue) => Err(Error::InvalidRequest(issue.message)),
        None => Ok(()),
    }
}

fn judge(answer: Answer) -> Result<Answer> {
    let status = answer.status.as_u16();
    if answer.status.is_success() {
        return Ok(answer);
    }
    if is_retryable_status(status) {
        return Err(Error::Unavailable {
            status,
            detail: error_items(&answer.body).map(|errors| {
                errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            retry_after: retry_after(&answer.headers),
        });
    }
    if status == 403 {
        return Err(Error::Auth { status });
    }
    Err(Error::Rejected {
        status,
        errors: error_items(&answer.body).unwrap_or_default(),
    })
}

fn error_items(body: &[u8]) -> Option<Vec<branchdesk_domain::cos::ErrorItem>> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use branchdesk_domain::cos::{CosStep, ErrorItem};

    #[test]
    fn only_guids_go_into_customer_paths() {
        assert_eq!(
            customer_path("9052b6a5-3f09-41d1-b526-ade80104eb79", "/phones").unwrap(),
            "core/v1/cm/customers/9052b6a5-3f09-41d1-b526-ade80104eb79/phones"
        );
        for bad in ["", "../connect/token", "9052b6a5?x=1", "a/b"] {
            assert!(
                matches!(customer_path(bad, ""), Err(Error::InvalidRequest(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn idempotency_keys_are_1_to_50_characters() {
        assert!(checked_key(&uuid::Uuid::new_v4().to_string()).is_ok());
        assert!(checked_key(&"k".repeat(50)).is_ok());
        assert!(checked_key(&"k".repeat(51)).is_err());
        assert!(checked_key("").is_err());
    }

    #[test]
    fn provider_errors_become_draft_issues() {
        let rejected = Error::Rejected {
            status: 400,
            errors: vec![ErrorItem {
                code: 1001,
                message: "phoneNumber must be exactly 10 digits".into(),
            }],
        };
        let issues = rejected.cos_issues(CosStep::Phone(2));
        assert_eq!(issues[0].field, "phones[2].number");
        let unavailable = Error::Unavailable {
            status: 503,
            detail: None,
            retry_after: None,
        };
        let issues = unavailable.cos_issues(CosStep::Phone(2));
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "");
        assert!(issues[0].message.contains("503"));
    }
}
