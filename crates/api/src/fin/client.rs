//! The Fin.com client: one call per endpoint, each sent with bounded retries, a token from
//! the shared cache, and its answer read as that call needs.

use std::sync::atomic::AtomicU32;
use std::time::Instant;

use backon::Retryable;
use branchdesk_domain::validate::is_guid;
use branchdesk_domain::Sensitive;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::answers::{judge, read_data, Op};
use super::config::FinConfig;
use super::customer::{AttachPrecondition, CreatedIndividual, CustomerDetails, CustomerStatus};
use super::multipart::UploadJob;
use super::tokens::TokenSource;
use crate::exchange::{exchange, unreadable, Answer, Stakes};
use crate::http::check_base_url;
use crate::upload::stream::taken;
use crate::upload::{ProgressFn, UploadFile};
use crate::{Error, Result};

/// What a call sends.
enum Payload<'a> {
    None,
    Json(&'a [u8]),
    Upload(&'a UploadJob<'a>),
}

/// A client of one Fin.com account, shared by every call: one token cache, one retry
/// policy, one connection pool.
pub struct FinClient {
    http: reqwest::Client,
    base: Url,
    config: FinConfig,
    tokens: TokenSource,
}

impl FinClient {
    pub fn new(http: reqwest::Client, config: FinConfig) -> Result<Self> {
        let base = check_base_url(&config.base_url)?;
        let tokens = TokenSource::new(http.clone(), &config, &base)?;
        Ok(Self {
            http,
            base,
            config,
            tokens,
        })
    }

    /// The base URL the client was configured with, checked: whatever Fin.com links to
    /// (its terms page) is judged against this connection's own host.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Obtains a token now by client credentials, to check that they work.
    pub async fn check_credentials(&self) -> Result<()> {
        self.tokens.check_credentials().await
    }

    /// `POST /v2/customers/individual`. Fin.com has no idempotency key, so this is sent
    /// again only when it surely never arrived (no connection, 408, 429); when it may have
    /// arrived the answer is [`Error::OutcomeUnknown`]: no answer, a 5xx, or one that is
    /// not a readable customer (cut off, not JSON, without `customer_id` or
    /// `tos_policies_url`, too large, a redirect). Putting a unique `meta_data.reference` in
    /// the body gives a person something to look it up by.
    pub async fn create_individual<B: Serialize + ?Sized>(
        &self,
        body: &B,
    ) -> Result<CreatedIndividual> {
        let body = to_json(body)?;
        #[derive(Deserialize)]
        struct Created {
            customer_id: String,
            tos_policies_url: String,
            #[serde(default)]
            customer_status: Option<CustomerStatus>,
        }
        let created: Created = self
            .send_with_retry(
                Op::Create,
                Method::POST,
                "v2/customers/individual",
                Payload::Json(&body),
                |answer| read_data(answer, Op::Create),
            )
            .await?;
        let tos_policies_value = Url::parse(&created.tos_policies_url).ok().and_then(|url| {
            url.query_pairs()
                .find(|(k, _)| k == "tos_policies_value")
                .map(|(_, v)| v.into_owned())
        });
        Ok(CreatedIndividual {
            customer_id: created.customer_id,
            tos_policies_url: created.tos_policies_url,
            tos_policies_value,
            customer_status: created.customer_status,
        })
    }

    /// `POST /v1/customers/upload`: the files in one multipart body, each streamed from
    /// its source, never held whole. Answers each file's URI, in the order given.
    /// `progress` hears as chunks go out, once 64 KiB or 100 ms have passed since it last
    /// heard, and always at the end;
    /// `cancel` stops the upload at once with [`Error::Cancelled`].
    pub async fn upload(
        &self,
        customer_id: &str,
        files: &[UploadFile],
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<Vec<String>> {
        checked_id(customer_id)?;
        if files.is_empty() {
            return Err(Error::InvalidRequest("no file to upload".to_owned()));
        }
        for file in files {
            if file.length > self.config.upload_limit_bytes {
                return Err(Error::InvalidRequest(format!(
                    "{} is {} bytes, over the {} bytes Fin.com is set to accept",
                    file.file_name, file.length, self.config.upload_limit_bytes
                )));
            }
        }
        // Field names are ours, so the answer maps back to the files whatever they are called.
        let fields: Vec<String> = (0..files.len()).map(|i| format!("file{i}")).collect();
        let job = UploadJob {
            customer_id: customer_id.trim(),
            files,
            fields,
            progress: &progress,
            cancel,
            attempt: AtomicU32::new(0),
        };
        #[derive(Deserialize)]
        struct Uploaded {
            files: Vec<std::collections::HashMap<String, String>>,
        }
        let fields = &job.fields;
        // An answer without every URI is read as unreadable: the upload is sent again.
        let read = |answer: &Answer| -> Result<Vec<String>> {
            let uploaded: Uploaded = read_data(answer, Op::Upload)?;
            fields
                .iter()
                .map(|field| {
                    uploaded
                        .files
                        .iter()
                        .find_map(|f| f.get(field).cloned())
                        .ok_or_else(|| {
                            unreadable(
                                answer.status.as_u16(),
                                &format!("the answer has no URI for {field}"),
                                Stakes::Repeatable,
                            )
                        })
                })
                .collect()
        };
        self.send_with_retry(
            Op::Upload,
            Method::POST,
            "v1/customers/upload",
            Payload::Upload(&job),
            read,
        )
        .await
    }

    /// `POST /v2/customers/{customer_id}/individual/attach`. While another attach is in
    /// flight (409) this waits and tries again; a 403 says which precondition failed.
    pub async fn attach_documents<B: Serialize + ?Sized>(
        &self,
        customer_id: &str,
        body: &B,
    ) -> Result<()> {
        let path = customer_path(customer_id, "/individual/attach")?;
        let body = to_json(body)?;
        let sent = self
            .send_with_retry(
                Op::Attach,
                Method::POST,
                &path,
                Payload::Json(&body),
                |_| Ok(()),
            )
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(Error::NotEligible(AttachPrecondition::ApiVersionOrOwner)) => {
                Err(Error::NotEligible(self.why_not_eligible(customer_id).await))
            }
            Err(other) => Err(other),
        }
    }

    /// `GET /v2/customers/{customer_id}`.
    pub async fn get_customer(&self, customer_id: &str) -> Result<CustomerDetails> {
        let path = customer_path(customer_id, "")?;
        self.send_with_retry(Op::Read, Method::GET, &path, Payload::None, |answer| {
            read_data(answer, Op::Read)
        })
        .await
    }

    /// Fin.com's 403 does not say which rule failed; the customer's record usually does.
    async fn why_not_eligible(&self, customer_id: &str) -> AttachPrecondition {
        match self.get_customer(customer_id).await {
            Ok(customer)
                if customer
                    .customer_type
                    .as_deref()
                    .is_some_and(|t| !t.eq_ignore_ascii_case("INDIVIDUAL")) =>
            {
                AttachPrecondition::NotIndividual(customer.customer_type.unwrap_or_default())
            }
            Ok(customer) if !customer.customer_status.allows_attach() => {
                AttachPrecondition::CustomerStatus(customer.customer_status)
            }
            _ => AttachPrecondition::ApiVersionOrOwner,
        }
    }

    /// Sends with bounded retries; `read` takes a 2xx answer apart as part of each attempt,
    /// so an unreadable answer to a repeatable request is tried again.
    async fn send_with_retry<T>(
        &self,
        op: Op,
        method: Method,
        path: &str,
        payload: Payload<'_>,
        read: impl Fn(&Answer) -> Result<T>,
    ) -> Result<T> {
        let payload = &payload;
        let read = &read;
        let attempt = || async {
            let answer = self
                .send_authorised(op, method.clone(), path, payload)
                .await?;
            read(&answer)
        };
        attempt
            .retry(self.config.retry.backoff())
            .when(|error| {
                error.is_retryable() || (op == Op::Attach && matches!(error, Error::AttachInFlight))
            })
            .adjust(crate::http::next_delay)
            .notify(|error, delay| {
                tracing::warn!(%path, ?delay, error = %error.for_log(), "Fin.com request will be retried");
            })
            .await
    }

    /// One attempt, renewing the token once if Fin.com says it is no longer valid.
    async fn send_authorised(
        &self,
        op: Op,
        method: Method,
        path: &str,
        payload: &Payload<'_>,
    ) -> Result<Answer> {
        let (answer, used) = self.send_once(op, method.clone(), path, payload).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return judge(answer, op);
        }
        self.tokens.expire(&used).await;
        let (answer, _) = self.send_once(op, method, path, payload).await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            return Err(Error::Auth { status: 401 });
        }
        judge(answer, op)
    }

    async fn send_once(
        &self,
        op: Op,
        method: Method,
        path: &str,
        payload: &Payload<'_>,
    ) -> Result<(Answer, Sensitive<String>)> {
        let bearer = self.tokens.bearer().await?;
        let url = self
            .base
            .join(path)
            .map_err(|_| Error::BadUrl(path.to_owned()))?;
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, format!("Bearer {}", bearer.expose()))
            .header(ACCEPT, "application/json");
        let mut source_failure = None;
        let mut cancel = None;
        let mut activity = None;
        let mut total = self.config.timeouts.request;
        match payload {
            Payload::None => {}
            Payload::Json(body) => {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_vec());
            }
            Payload::Upload(job) => {
                if job.cancel.is_cancelled() {
                    return Err(Error::Cancelled);
                }
                let (form, failure, moved) = job.form().await?;
                request = request.multipart(form);
                source_failure = Some(failure);
                cancel = Some(job.cancel);
                activity = Some(moved);
                total = self
                    .config
                    .timeouts
                    .upload_total(job.files.iter().map(|f| f.length).sum());
            }
        }
        let started = Instant::now();
        let exchange = exchange(request, &url, self.config.timeouts.idle, total, activity);
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
                tracing::info!(%method, %path, elapsed_ms = started.elapsed().as_millis() as u64, outcome = ?broken, "Fin.com gave no usable answer");
                return Err(broken.error(op.stakes()));
            }
        };
        tracing::info!(
            %method,
            %path,
            status = answer.status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "Fin.com answered"
        );
        Ok((answer, bearer))
    }
}

fn to_json<B: Serialize + ?Sized>(body: &B) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("body: {e}")))
}

fn checked_id(customer_id: &str) -> Result<()> {
    if is_guid(customer_id) {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "{customer_id:?} is not a Fin.com customer id"
        )))
    }
}

/// The id goes into the URL, so anything but a UUID (`../`, `?`) is refused before it can
/// point the request elsewhere.
pub(super) fn customer_path(customer_id: &str, rest: &str) -> Result<String> {
    checked_id(customer_id)?;
    Ok(format!("v2/customers/{}{rest}", customer_id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uuids_go_into_customer_paths() {
        assert_eq!(
            customer_path("0ca13984-63f3-45d7-99a7-52b9133f0259", "/individual/attach").unwrap(),
            "v2/customers/0ca13984-63f3-45d7-99a7-52b9133f0259/individual/attach"
        );
        for bad in ["", "../v1/oauth/token", "0ca13984?x=1", "a/b"] {
            assert!(customer_path(bad, "").is_err(), "{bad}");
        }
    }
}
