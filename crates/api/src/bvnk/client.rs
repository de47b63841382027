//! [`BvnkClient`]: one call per endpoint, each signed with Hawk, and how each is sent,
//! retried and judged.

use std::sync::atomic::AtomicU32;
use std::time::Instant;

use backon::Retryable;
use branchdesk_domain::bvnk::wire::{AgreementSession, Customer, ErrorBody};
use branchdesk_domain::validate::is_guid;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::config::BvnkConfig;
use super::documents::{BvnkDocument, DocumentsJob};
use super::hawk::Signer;
use crate::exchange::{exchange, json_of, settle_keyed_create, unreadable, Answer, Stakes};
use crate::http::{check_base_url, retry_after};
use crate::upload::stream::taken;
use crate::upload::ProgressFn;
use crate::{Error, FieldProblem, Result};

const CUSTOMERS: &str = "platform/v1/customers";
const AGREEMENT_SESSIONS: &str = "platform/v1/customers/agreement/sessions";

/// The code of a 409 that says a request under the same key is still being processed.
const IN_PROGRESS: &str = "IDEMPOTENCY_KEY_IN_PROGRESS";

/// What a request carries.
enum Payload<'a> {
    None,
    Json(&'a [u8]),
    Documents(&'a DocumentsJob<'a>),
}

pub struct BvnkClient {
    http: reqwest::Client,
    base: Url,
    config: BvnkConfig,
    signer: Signer,
}

impl BvnkClient {
    pub fn new(http: reqwest::Client, config: BvnkConfig) -> Result<Self> {
        let base = check_base_url(&config.base_url)?;
        let signer = Signer::new(&config.hawk_id, &config.hawk_key, config.clock.clone())?;
        Ok(Self {
            http,
            base,
            config,
            signer,
        })
    }

    /// The address requests go to (a link BVNK hands out is judged against it).
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `POST /platform/v1/customers` with a body frozen by the caller (a COMPANY with its
    /// associates, or an INDIVIDUAL) under its `X-Idempotency-Key`. Resent with the same key
    /// and bytes while it surely did not arrive or BVNK asks again (408, 429, 5xx); when the
    /// last answer is neither a refusal nor a readable customer — cut off, unreadable, a
    /// redirect — [`Error::OutcomeUnknown`]: a person looks before anything is sent again.
    pub async fn create_customer(&self, body: &[u8], idempotency_key: &str) -> Result<Customer> {
        checked_key(idempotency_key)?;
        self.call(
            Stakes::KeyedCreate,
            Method::POST,
            CUSTOMERS,
            &Payload::Json(body),
            Some(idempotency_key),
        )
        .await
        .map_err(settle_keyed_create)
    }

    /// `GET /platform/v1/customers/{reference}`.
    pub async fn get_customer(&self, reference: &str) -> Result<Customer> {
        let path = customer_path(reference, "")?;
        self.call(Stakes::Repeatable, Method::GET, &path, &Payload::None, None)
            .await
    }

    /// `PUT /platform/v1/customers/{reference}`: name, description, address.
    pub async fn update_details(
        &self,
        reference: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<Customer> {
        self.put(reference, "", body, idempotency_key).await
    }

    /// `PUT /platform/v1/customers/{reference}/associates`: the whole list, replaced.
    pub async fn update_associates(
        &self,
        reference: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<Customer> {
        self.put(reference, "/associates", body, idempotency_key)
            .await
    }

    /// `PUT /platform/v1/customers/{reference}/status` with `{"status": …}` (`PENDING`,
    /// `VERIFIED`, `REJECTED`).
    pub async fn update_status(
        &self,
        reference: &str,
        status: &str,
        idempotency_key: &str,
    ) -> Result<Customer> {
        if !matches!(status, "PENDING" | "VERIFIED" | "REJECTED") {
            return Err(Error::InvalidRequest(format!(
                "{status:?} is not a status BVNK takes (PENDING, VERIFIED or REJECTED)"
            )));
        }
        let body = serde_json::json!({ "status": status }).to_string();
        self.put(reference, "/status", body.as_bytes(), idempotency_key)
            .await
    }

    /// `POST /platform/v1/customers/{reference}/documents`: the documents in one JSON array,
    /// each file's base64 made as it is sent (never whole in memory). BVNK takes documents
    /// only while the customer is `INFO_REQUIRED` (409 otherwise). `progress` hears the file
    /// bytes sent (before base64); `cancel` stops at once with [`Error::Cancelled`].
    pub async fn add_documents(
        &self,
        reference: &str,
        documents: &[BvnkDocument],
        idempotency_key: &str,
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<()> {
        checked_key(idempotency_key)?;
        let path = customer_path(reference, "/documents")?;
        if documents.is_empty() {
            return Err(Error::InvalidRequest("no document to send".to_owned()));
        }
        for document in documents {
            if document.file.length > self.config.document_limit_bytes {
                return Err(Error::InvalidRequest(format!(
                    "{} is {} bytes, over the {} bytes BVNK is set to accept",
                    document.file.file_name, document.file.length, self.config.document_limit_bytes
                )));
            }
        }
        let job = DocumentsJob {
            documents,
            progress: &progress,
            cancel,
            attempt: AtomicU32::new(0),
        };
        let attempt = || async {
            self.send_signed(
                Stakes::Repeatable,
                Method::POST,
                &path,
                &Payload::Documents(&job),
                Some(idempotency_key),
            )
            .await
            .map(|_| ())
        };
        self.retried(&path, attempt).await
    }

    /// `POST /platform/v1/customers/agreement/sessions`: a signing session for the
    /// agreements a new customer accepts (`{customerType, countryCode, useCase}`).
    pub async fn create_agreement_session(
        &self,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<AgreementSession> {
        checked_key(idempotency_key)?;
        self.call(
            Stakes::Repeatable,
            Method::POST,
            AGREEMENT_SESSIONS,
            &Payload::Json(body),
            Some(idempotency_key),
        )
        .await
    }

    /// `PUT /platform/v1/customers/agreement/sessions/{reference}` with `{"status": …}`:
    /// `SIGNED` once the customer has accepted at the counter, or `DECLINED`. BVNK may
    /// answer with the session or with nothing (204): any 2xx is the update done.
    pub async fn update_agreement_session(
        &self,
        reference: &str,
        status: &str,
        idempotency_key: &str,
    ) -> Result<()> {
        checked_key(idempotency_key)?;
        checked_reference(reference)?;
        if !matches!(status, "SIGNED" | "DECLINED") {
            return Err(Error::InvalidRequest(format!(
                "{status:?} is not an agreement status (SIGNED or DECLINED)"
            )));
        }
        let path = format!("{AGREEMENT_SESSIONS}/{}", reference.trim());
        let body = serde_json::json!({ "status": status }).to_string();
        let attempt = || async {
            self.send_signed(
                Stakes::Repeatable,
                Method::PUT,
                &path,
                &Payload::Json(body.as_bytes()),
                Some(idempotency_key),
            )
            .await
            .map(|_| ())
        };
        self.retried(&path, attempt).await
    }

    /// Signs a request for a customer that cannot exist: BVNK answering 404 (not 401)
    /// shows the Hawk id and key are right.
    pub async fn check_credentials(&self) -> Result<()> {
        let probe = customer_path(&uuid::Uuid::nil().to_string(), "")?;
        match self
            .call::<serde_json::Value>(
                Stakes::Repeatable,
                Method::GET,
                &probe,
                &Payload::None,
                None,
            )
            .await
        {
            Ok(_) | Err(Error::NotFound) => Ok(()),
            Err(other) => Err(other),
        }
    }

    async fn put(
        &self,
        reference: &str,
        rest: &str,
        body: &[u8],
        idempotency_key: &str,
    ) -> Result<Customer> {
        checked_key(idempotency_key)?;
        let path = customer_path(reference, rest)?;
        // A PUT replaces what it names: sending it again leaves the same customer.
        self.call(
            Stakes::Repeatable,
            Method::PUT,
            &path,
            &Payload::Json(body),
            Some(idempotency_key),
        )
        .await
    }

    /// Sends with bounded retries and reads the answer's JSON; reading is part of each
    /// attempt, so an unreadable answer to a repeatable request is tried again.
    async fn call<T: DeserializeOwned>(
        &self,
        stakes: Stakes,
        method: Method,
        path: &str,
        payload: &Payload<'_>,
        key: Option<&str>,
    ) -> Result<T> {
        let attempt = || async {
            let answer = self
                .send_signed(stakes, method.clone(), path, payload, key)
                .await?;
            json_of(&answer).map_err(|why| unreadable(answer.status.as_u16(), &why, stakes))
        };
        self.retried(path, attempt).await
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retry policy is spent.
    async fn retried<T, F, Fut>(&self, path: &str, attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let path = loggable(path);
        attempt
            .retry(self.config.retry.backoff())
            .when(Error::is_retryable)
            .adjust(crate::http::next_delay)
            .notify(|error, delay| {
                tracing::warn!(%path, ?delay, error = %error.for_log(), "BVNK request will be retried");
            })
            .await
    }

    /// One attempt. A 401 that carries BVNK's signed time is tried once more with the
    /// clock put right (and a new nonce); any other 401 is the credentials.
    async fn send_signed(
        &self,
        stakes: Stakes,
        method: Method,
        path: &str,
        payload: &Payload<'_>,
        key: Option<&str>,
    ) -> Result<Answer> {
        let answer = self
            .send_once(stakes, method.clone(), path, payload, key)
            .await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return judge(answer);
        }
        let server_time = answer
            .headers
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| self.signer.learn_server_time(v));
        if !server_time {
            return Err(Error::Auth { status: 401 });
        }
        let answer = self.send_once(stakes, method, path, payload, key).await?;
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
        payload: &Payload<'_>,
        key: Option<&str>,
    ) -> Result<Answer> {
        let url = self
            .base
            .join(path)
            .map_err(|_| Error::BadUrl(path.to_owned()))?;
        let authorization = self.signer.authorization(method.as_str(), &url)?;
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json");
        if let Some(key) = key {
            request = request.header("X-Idempotency-Key", key);
        }
        let timeouts = &self.config.timeouts;
        let mut total = timeouts.request;
        let mut activity = None;
        let mut source_failure = None;
        let mut cancel = None;
        match payload {
            Payload::None => {}
            Payload::Json(body) => {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_vec());
            }
            Payload::Documents(job) => {
                if job.cancel.is_cancelled() {
                    return Err(Error::Cancelled);
                }
                let body = job.body().await?;
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .header(CONTENT_LENGTH, body.length)
                    .body(body.body);
                total = timeouts.upload_total(body.length);
                activity = Some(body.activity);
                source_failure = Some(body.failure);
                cancel = Some(job.cancel);
            }
        }
        let started = Instant::now();
        let exchange = exchange(request, &url, timeouts.idle, total, activity);
        let outcome = match cancel {
            Some(cancel) => tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(Error::Cancelled),
                outcome = exchange => outcome,
            },
            None => exchange.await,
        };
        let answer = match outcome {
            Ok(answer) => answer,
            Err(broken) => {
                if cancel.is_some_and(CancellationToken::is_cancelled) {
                    return Err(Error::Cancelled);
                }
                if let Some(reason) = source_failure.as_ref().and_then(|f| taken(f)) {
                    return Err(Error::Source(reason));
                }
                tracing::info!(%method, path = %loggable(path), elapsed_ms = started.elapsed().as_millis() as u64, outcome = ?broken, "BVNK gave no usable answer");
                return Err(broken.error(stakes));
            }
        };
        tracing::info!(
            %method,
            path = %loggable(path),
            status = answer.status.as_u16(),
            replayed = answer.headers.contains_key("idempotent-replayed"),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "BVNK answered"
        );
        Ok(answer)
    }
}

/// The path as a log keeps it: customer references are ids, not customer data, but the
/// log needs only the endpoint.
fn loggable(path: &str) -> String {
    path.split('/')
        .map(|part| if is_guid(part) { "{reference}" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

fn checked_reference(reference: &str) -> Result<()> {
    if is_guid(reference) {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "{reference:?} is not a BVNK reference"
        )))
    }
}

/// The reference goes into the URL, so anything but a UUID (`../`, `?`) is refused before
/// it can point the request elsewhere.
fn customer_path(reference: &str, rest: &str) -> Result<String> {
    checked_reference(reference)?;
    Ok(format!("{CUSTOMERS}/{}{rest}", reference.trim()))
}

/// BVNK's idempotency keys are UUIDs.
fn checked_key(key: &str) -> Result<()> {
    if is_guid(key) {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "{key:?} is not a UUID; BVNK's X-Idempotency-Key is one"
        )))
    }
}

/// A 2xx passes; anything else becomes the error it means.
fn judge(answer: Answer) -> Result<Answer> {
    let status = answer.status.as_u16();
    if answer.status.is_success() {
        return Ok(answer);
    }
    let body: ErrorBody = serde_json::from_slice(&answer.body).unwrap_or_default();
    let message = body
        .message
        .clone()
        .unwrap_or_else(|| "no reason given".to_owned());
    // A resend that meets its own first sending still being processed is told to come
    // back, not refused: it is the same request.
    let in_progress = status == 409 && body.code_text().as_deref() == Some(IN_PROGRESS);
    if matches!(status, 408 | 429) || (500..=599).contains(&status) || in_progress {
        return Err(Error::Unavailable {
            status,
            detail: body.message,
            retry_after: retry_after(&answer.headers),
        });
    }
    match status {
        401 | 403 => Err(Error::Auth { status }),
        404 => Err(Error::NotFound),
        400 | 422 => Err(Error::Invalid {
            status,
            message,
            fields: body
                .field_problems()
                .into_iter()
                .map(|(path, message)| FieldProblem { path, message })
                .collect(),
        }),
        _ => Err(Error::Refused {
            status,
            message: match body.code_text() {
                Some(code) => format!("{message} ({code})"),
                None => message,
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uuids_go_into_paths_and_keys() {
        let reference = "8a0e1da2-2af3-4b9e-a221-e74db4e01b06";
        assert_eq!(
            customer_path(reference, "/documents").unwrap(),
            format!("platform/v1/customers/{reference}/documents")
        );
        for bad in ["", "../agreement/sessions", "8a0e1da2?x=1", "a/b"] {
            assert!(customer_path(bad, "").is_err(), "{bad}");
            assert!(checked_key(bad).is_err(), "{bad}");
        }
        assert_eq!(
            loggable(&format!("platform/v1/customers/{reference}/status")),
            "platform/v1/customers/{reference}/status"
        );
    }
}
