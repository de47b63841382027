//! Fin.com, Customers v2: token by client credentials (renewed with the refresh token),
//! Create Individual Customer V2, Upload Document (a streamed multipart body), Attach
//! Documents to Individual Customer V2 and Get Customer Details V2.
//!
//! Fin.com takes no idempotency key. A create that may already have reached Fin.com is
//! therefore never sent again from here: it fails with [`Error::OutcomeUnknown`] so the
//! engine can look before it resends. Reads, uploads (a second upload only leaves an unused
//! file) and attaches (a new attach replaces the previous set) are retried.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant, SystemTime};

use backon::Retryable;
use branchdesk_domain::validate::is_guid;
use branchdesk_domain::Sensitive;
use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::Mutex;
pub use tokio_util::sync::CancellationToken;
use url::Url;

use crate::exchange::{exchange, json_of, json_problem, unreadable, Activity, Answer, Stakes};
use crate::http::{check_base_url, retry_after};
use crate::{Error, FieldProblem, Result, RetryPolicy, Timeouts};

/// Fin.com publishes no upload limit; 10 MB is the figure KYC providers commonly use.
pub const DEFAULT_UPLOAD_LIMIT_BYTES: u64 = 10 * 1024 * 1024;

/// A token is renewed this long before it expires (or a fifth of its life, if shorter), so
/// a request never races its expiry.
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

/// How much of a document is read from an [`UploadReader`] at a time: the most of it held
/// in memory per file, give or take what the HTTP stack has in flight.
const CHUNK_BYTES: usize = 64 * 1024;

/// How much of a file on disk is read at a time, on its own thread. Against 64 KiB, a
/// quarter of the hand-overs between that thread, the runtime and the socket; 1 MiB
/// chunks no longer stay in cache and are slower again (`cargo xtask bench upload`).
const FILE_CHUNK_BYTES: usize = 256 * 1024;

/// How many chunks a file read on a thread may be ahead of the connection: with those the
/// connection holds, about 2 MiB of a file in memory at most.
const CHUNKS_AHEAD: usize = 4;

/// Progress is reported after this many more bytes, or after [`PROGRESS_EVERY`].
const PROGRESS_BYTES: u64 = 64 * 1024;
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How to reach one Fin.com client account.
#[derive(Debug, Clone)]
pub struct FinConfig {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Sensitive<String>,
    pub retry: RetryPolicy,
    /// Largest document `upload` sends; larger ones are refused before sending.
    pub upload_limit_bytes: u64,
    /// Where tokens are issued, when not at `v1/oauth/token` under the base URL (an
    /// authentication host of its own); the refresh is its sibling `refresh-token`.
    pub token_url: Option<String>,
    /// Connect, idle and total limits; an upload's total grows with its size.
    pub timeouts: Timeouts,
}

impl FinConfig {
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Sensitive<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            client_id: client_id.into(),
            client_secret,
            retry: RetryPolicy::default(),
            upload_limit_bytes: DEFAULT_UPLOAD_LIMIT_BYTES,
            token_url: None,
            timeouts: Timeouts::default(),
        }
    }
}

/// A Fin.com `customer_status`. Values this client does not know are kept as they came.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomerStatus {
    Incomplete,
    Processing,
    Reviewing,
    Approved,
    AssociatedPartiesRemaining,
    InCompliance,
    ActionRequired,
    Rejected,
    Other(String),
}

impl CustomerStatus {
    pub fn parse(raw: &str) -> Self {
        match raw.trim().to_ascii_uppercase().as_str() {
            "INCOMPLETE" => Self::Incomplete,
            "PROCESSING" => Self::Processing,
            "REVIEWING" => Self::Reviewing,
            "APPROVED" => Self::Approved,
            "ASSOCIATED_PARTIES_REMAINING" => Self::AssociatedPartiesRemaining,
            "IN_COMPLIANCE" => Self::InCompliance,
            "ACTION_REQUIRED" => Self::ActionRequired,
            "REJECTED" => Self::Rejected,
            _ => Self::Other(raw.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Incomplete => "INCOMPLETE",
            Self::Processing => "PROCESSING",
            Self::Reviewing => "REVIEWING",
            Self::Approved => "APPROVED",
            Self::AssociatedPartiesRemaining => "ASSOCIATED_PARTIES_REMAINING",
            Self::InCompliance => "IN_COMPLIANCE",
            Self::ActionRequired => "ACTION_REQUIRED",
            Self::Rejected => "REJECTED",
            Self::Other(raw) => raw,
        }
    }

    /// Whether Fin.com accepts an attach in this status (seed: INCOMPLETE or ACTION_REQUIRED).
    pub fn allows_attach(&self) -> bool {
        matches!(self, Self::Incomplete | Self::ActionRequired)
    }

    /// Whether Fin.com has decided, so polling can stop.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Approved | Self::Rejected)
    }
}

impl std::fmt::Display for CustomerStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CustomerStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CustomerStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| Self::parse(&s))
    }
}

/// Which precondition of Attach Documents V2 the customer failed (Fin.com answers 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachPrecondition {
    /// Documents are accepted only while the customer is INCOMPLETE or ACTION_REQUIRED.
    CustomerStatus(CustomerStatus),
    /// The customer's `type` is not INDIVIDUAL.
    NotIndividual(String),
    /// Fin.com gave no reason that can be told apart: the customer was not made with the
    /// v2 API, or belongs to another client.
    ApiVersionOrOwner,
    /// A file URI in the request was uploaded for another customer.
    FileNotOwned,
}

impl std::fmt::Display for AttachPrecondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CustomerStatus(status) => {
                write!(
                    f,
                    "Fin.com takes documents only while the customer is INCOMPLETE or \
                     ACTION_REQUIRED, and this customer is {status}"
                )?;
                match status {
                    CustomerStatus::Processing | CustomerStatus::Reviewing => {
                        f.write_str(" (the documents sent earlier are being checked)")
                    }
                    CustomerStatus::Approved => f.write_str(" (already approved)"),
                    CustomerStatus::Rejected => f.write_str(" (refused for good)"),
                    _ => Ok(()),
                }
            }
            Self::NotIndividual(kind) => write!(
                f,
                "the customer is of type {kind}, and this attach is for INDIVIDUAL customers only"
            ),
            Self::ApiVersionOrOwner => f.write_str(
                "the customer was not created with Fin.com's v2 API (Create Individual \
                 Customer V2), or belongs to another client account",
            ),
            Self::FileNotOwned => f.write_str(
                "a file in the request was uploaded for another customer; upload it again \
                 for this customer",
            ),
        }
    }
}

/// Fin.com's answer to Create Individual Customer V2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedIndividual {
    pub customer_id: String,
    /// The page where the customer reads and accepts Fin.com's terms.
    pub tos_policies_url: String,
    /// The `tos_policies_value` query parameter of that URL, which the attach sends back.
    pub tos_policies_value: Option<String>,
    /// Only when the answer carries one; a new customer is otherwise INCOMPLETE.
    pub customer_status: Option<CustomerStatus>,
}

/// Get Customer Details V2, individual customers' fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub customer_id: String,
    #[serde(rename = "type", default)]
    pub customer_type: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub country_of_residence: Option<String>,
    #[serde(default)]
    pub verification_type: Option<String>,
    pub customer_status: CustomerStatus,
    #[serde(default)]
    pub tos_policies_url: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub last_status_updated_at: Option<String>,
    /// Set when the customer is ACTION_REQUIRED or REJECTED.
    #[serde(default)]
    pub rejection_reason: Option<RejectionReason>,
    #[serde(default, deserialize_with = "nullable")]
    pub request_for_information: Vec<InformationRequest>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectionReason {
    #[serde(default)]
    pub applicant: Option<ApplicantRejection>,
    #[serde(default, deserialize_with = "nullable")]
    pub documents: Vec<DocumentRejection>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantRejection {
    #[serde(default, deserialize_with = "nullable")]
    pub moderation_comment: String,
    #[serde(default, deserialize_with = "nullable")]
    pub reject_labels: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRejection {
    /// The upload's URI, as given to the attach.
    #[serde(default, deserialize_with = "nullable")]
    pub uri: String,
    /// e.g. PROOF_OF_IDENTITY
    #[serde(default, deserialize_with = "nullable")]
    pub category: String,
    #[serde(default, deserialize_with = "nullable")]
    pub moderation_comment: String,
    #[serde(default, deserialize_with = "nullable")]
    pub reject_labels: Vec<String>,
}

/// One open request for information, as in the `customer.rfi` webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformationRequest {
    /// CUSTOMER or ASSOCIATED_PARTY
    #[serde(default, deserialize_with = "nullable")]
    pub scope: String,
    #[serde(default)]
    pub associated_party_id: Option<String>,
    /// e.g. identifying_documents
    #[serde(default, deserialize_with = "nullable")]
    pub section: String,
    #[serde(default, deserialize_with = "nullable")]
    pub categories: Vec<InformationCategory>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformationCategory {
    #[serde(default, deserialize_with = "nullable")]
    pub document_type: String,
    #[serde(default, deserialize_with = "nullable")]
    pub fields: Vec<RequestedField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedField {
    #[serde(default, deserialize_with = "nullable")]
    pub field_name: String,
    /// URI, DATE, TEXT or ENUM
    #[serde(default, deserialize_with = "nullable")]
    pub data_type: String,
    /// MISSING, EXPIRED or INVALID
    #[serde(default, deserialize_with = "nullable")]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Vec<String>,
}

/// Fin.com writes `null` where a list or text is empty.
fn nullable<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A readable source of one document's bytes, e.g. decrypted chunks from the vault.
pub type UploadReader = Box<dyn AsyncRead + Send + Unpin>;

/// A source of one document's bytes as chunks already in memory, e.g. read on a thread into
/// a small channel: each chunk goes to the connection as it is, without another copy.
pub type UploadChunks = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// A source as opened for one attempt.
enum Opened {
    Reader(UploadReader),
    Chunks(UploadChunks),
}

type OpenFuture = Pin<Box<dyn Future<Output = std::io::Result<Opened>> + Send>>;
type Opener = Arc<dyn Fn() -> OpenFuture + Send + Sync>;

/// One document to upload. Its source is opened afresh for every attempt, so a retry
/// resends from the first byte without anything having been kept in memory.
pub struct UploadFile {
    pub file_name: String,
    /// application/pdf, image/jpeg or image/png
    pub mime: String,
    /// The exact number of bytes the source yields.
    pub length: u64,
    open: Opener,
}

impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl UploadFile {
    /// A source read through [`AsyncRead`], in pieces of at most 64 KiB.
    pub fn new<F, Fut>(
        file_name: impl Into<String>,
        mime: impl Into<String>,
        length: u64,
        open: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<UploadReader>> + Send + 'static,
    {
        let open = Arc::new(open);
        Self::opened_by(file_name, mime, length, move || {
            let opening = open();
            async move { opening.await.map(Opened::Reader) }
        })
    }

    /// A source that yields its bytes in chunks of its own making, each passed on as it is
    /// (no copy), so the source decides how much of the document is in memory at once.
    pub fn from_chunks<F, Fut>(
        file_name: impl Into<String>,
        mime: impl Into<String>,
        length: u64,
        open: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<UploadChunks>> + Send + 'static,
    {
        let open = Arc::new(open);
        Self::opened_by(file_name, mime, length, move || {
            let opening = open();
            async move { opening.await.map(Opened::Chunks) }
        })
    }

    fn opened_by<F, Fut>(
        file_name: impl Into<String>,
        mime: impl Into<String>,
        length: u64,
        open: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<Opened>> + Send + 'static,
    {
        Self {
            file_name: file_name.into(),
            mime: mime.into(),
            length,
            open: Arc::new(move || Box::pin(open())),
        }
    }

    /// A plain file on disk, named after its last path component, read on a thread of its
    /// own into a small channel.
    pub async fn from_path(
        path: impl Into<PathBuf>,
        mime: impl Into<String>,
    ) -> std::io::Result<Self> {
        let path: PathBuf = path.into();
        let length = tokio::fs::metadata(&path).await?.len();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document".to_owned());
        Ok(Self::from_chunks(file_name, mime, length, move || {
            let path = path.clone();
            async move {
                // Opened here rather than on the thread, so a missing file fails the
                // attempt before anything is sent.
                let file = tokio::fs::File::open(path).await?.into_std().await;
                Ok(read_on_thread(file))
            }
        }))
    }
}

/// Reads `file` on a blocking thread, [`FILE_CHUNK_BYTES`] at a time, at most
/// [`CHUNKS_AHEAD`] chunks ahead of the connection. The thread stops when the chunks are
/// no longer wanted (the upload finished, failed or was cancelled).
fn read_on_thread(mut file: std::fs::File) -> UploadChunks {
    let (sender, mut receiver) = tokio::sync::mpsc::channel(CHUNKS_AHEAD);
    // Buffers come back once the connection has written them, so the same few, already in
    // memory and in cache, carry the whole file: fresh ones for each chunk cost page
    // faults, and more time than reading the file.
    let (home, returned) = std::sync::mpsc::channel::<Vec<u8>>();
    tokio::task::spawn_blocking(move || loop {
        let mut buffer = returned
            .try_recv()
            .unwrap_or_else(|_| vec![0; FILE_CHUNK_BYTES]);
        let item = match fill(&mut file, &mut buffer) {
            Ok(0) => return,
            Ok(len) => Ok(Bytes::from_owner(Recycled {
                buffer,
                len,
                home: home.clone(),
            })),
            Err(error) => Err(error),
        };
        let failed = item.is_err();
        if sender.blocking_send(item).is_err() || failed {
            return;
        }
    });
    Box::pin(futures::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
}

/// Reads until `buffer` is full or the file ends; answers how much was read.
fn fill(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// A chunk whose buffer goes back to its reader once the last [`Bytes`] of it is dropped.
struct Recycled {
    buffer: Vec<u8>,
    len: usize,
    home: std::sync::mpsc::Sender<Vec<u8>>,
}

impl AsRef<[u8]> for Recycled {
    fn as_ref(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

impl Drop for Recycled {
    fn drop(&mut self) {
        // A reader that has finished no longer wants it; it is then freed here.
        let _ = self.home.send(std::mem::take(&mut self.buffer));
    }
}

/// How far an upload has got: bytes handed to the connection so far in this attempt, out of
/// all the files' bytes. A retry starts again from 0 with the next `attempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    pub sent: u64,
    pub total: u64,
    pub attempt: u32,
}

pub type ProgressFn = Arc<dyn Fn(UploadProgress) + Send + Sync>;

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    access_token_ttl: Value,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    refresh_token_ttl: Option<Value>,
    #[serde(default)]
    current_time: Option<String>,
}

/// Some Fin.com pages show the token answer inside `data`, others bare.
#[derive(Deserialize)]
#[serde(untagged)]
enum TokenEnvelope {
    Wrapped { data: TokenAnswer },
    Bare(TokenAnswer),
}

struct Tokens {
    access: Sensitive<String>,
    renew_at: Instant,
    refresh: Option<(Sensitive<String>, Instant)>,
}

/// What a call is, for deciding what a failure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    Upload,
    Attach,
    Read,
}

enum Payload<'a> {
    None,
    Json(&'a [u8]),
    Upload(&'a UploadJob<'a>),
}

struct UploadJob<'a> {
    customer_id: &'a str,
    files: &'a [UploadFile],
    fields: Vec<String>,
    progress: &'a ProgressFn,
    cancel: &'a CancellationToken,
    attempt: AtomicU32,
}

pub struct FinClient {
    http: reqwest::Client,
    base: Url,
    token_url: Url,
    refresh_url: Url,
    config: FinConfig,
    tokens: Mutex<Option<Tokens>>,
}

impl FinClient {
    pub fn new(http: reqwest::Client, config: FinConfig) -> Result<Self> {
        let base = check_base_url(&config.base_url)?;
        let token_url = match config.token_url.as_deref().map(str::trim) {
            // The secret travels to it: the same https-only rule as the base URL.
            Some(url) if !url.is_empty() => check_base_url(url)?,
            _ => base
                .join("v1/oauth/token")
                .map_err(|_| Error::BadUrl(config.base_url.clone()))?,
        };
        let refresh_url = token_url
            .join("refresh-token")
            .map_err(|_| Error::BadUrl(token_url.to_string()))?;
        Ok(Self {
            http,
            base,
            token_url,
            refresh_url,
            config,
            tokens: Mutex::new(None),
        })
    }

    /// The base URL the client was configured with, checked: whatever Fin.com links to
    /// (its terms page) is judged against this connection's own host.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Obtains a token now by client credentials, to check that they work.
    pub async fn check_credentials(&self) -> Result<()> {
        let mut tokens = self.tokens.lock().await;
        *tokens = None;
        *tokens = Some(self.issue().await?);
        Ok(())
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
        self.expire(&used).await;
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
        let bearer = self.bearer().await?;
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

    /// Marks the token a request was refused with as spent, unless another caller has
    /// already replaced it.
    async fn expire(&self, used: &Sensitive<String>) {
        let mut tokens = self.tokens.lock().await;
        if let Some(current) = tokens.as_mut() {
            if current.access.expose() == used.expose() {
                current.renew_at = Instant::now();
            }
        }
    }

    /// The cached token; near its expiry a new one from the refresh token, or by client
    /// credentials when that fails. The lock is held while fetching so concurrent callers
    /// share one request.
    async fn bearer(&self) -> Result<Sensitive<String>> {
        let mut tokens = self.tokens.lock().await;
        let now = Instant::now();
        if let Some(current) = tokens.as_ref() {
            if now < current.renew_at {
                return Ok(current.access.clone());
            }
        }
        let refresh = tokens
            .take()
            .and_then(|t| t.refresh)
            .filter(|(_, until)| now < *until)
            .map(|(token, _)| token);
        let renewed = match refresh {
            Some(refresh) => match self.refresh(&refresh).await {
                Ok(renewed) => renewed,
                Err(error) => {
                    tracing::warn!(error = %error.for_log(), "Fin.com token refresh failed; using the client credentials");
                    self.issue().await?
                }
            },
            None => self.issue().await?,
        };
        let access = renewed.access.clone();
        *tokens = Some(renewed);
        Ok(access)
    }

    async fn issue(&self) -> Result<Tokens> {
        let body = serde_json::json!({
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret.expose(),
        });
        self.token_request(self.token_url.clone(), &body).await
    }

    async fn refresh(&self, refresh: &Sensitive<String>) -> Result<Tokens> {
        let body = serde_json::json!({ "refresh_token": refresh.expose() });
        self.token_request(self.refresh_url.clone(), &body).await
    }

    async fn token_request(&self, url: Url, body: &Value) -> Result<Tokens> {
        let path = url.path().to_owned();
        let request = self
            .http
            .post(url.clone())
            .header(ACCEPT, "application/json")
            .json(body);
        let timeouts = &self.config.timeouts;
        let answer = exchange(request, &url, timeouts.idle, timeouts.request, None)
            .await
            .map_err(|broken| broken.token_error())?;
        let received = Instant::now();
        let status = answer.status;
        tracing::info!(%path, status = status.as_u16(), "Fin.com token answered");
        if matches!(status.as_u16(), 400 | 401 | 403 | 422) {
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
        tokens_of(&answer.body, received, SystemTime::now())
    }
}

impl UploadJob<'_> {
    /// The multipart body of one attempt, its files' sources freshly opened. The slot
    /// receives why a source failed, which the HTTP error would otherwise hide.
    async fn form(
        &self,
    ) -> Result<(
        reqwest::multipart::Form,
        Arc<StdMutex<Option<String>>>,
        Arc<Activity>,
    )> {
        let attempt = self.attempt.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.files.iter().map(|f| f.length).sum();
        let activity = Activity::new();
        let meter = Arc::new(Meter {
            total,
            attempt,
            sent: AtomicU64::new(0),
            last: StdMutex::new((0, Instant::now())),
            progress: self.progress.clone(),
            activity: activity.clone(),
        });
        let failure = Arc::new(StdMutex::new(None));
        let mut form =
            reqwest::multipart::Form::new().text("customer_id", self.customer_id.to_owned());
        for (file, field) in self.files.iter().zip(&self.fields) {
            let source = (file.open)()
                .await
                .map_err(|e| Error::Source(format!("{}: {e}", file.file_name)))?;
            let stream = source_stream(
                source,
                file.length,
                meter.clone(),
                self.cancel.clone(),
                failure.clone(),
            );
            let part = reqwest::multipart::Part::stream_with_length(
                reqwest::Body::wrap_stream(stream),
                file.length,
            )
            .file_name(file.file_name.clone())
            .mime_str(&file.mime)
            .map_err(|_| Error::InvalidRequest(format!("{:?} is not a MIME type", file.mime)))?;
            form = form.part(field.clone(), part);
        }
        Ok((form, failure, activity))
    }
}

/// Counts the bytes handed to the connection and tells the caller, throttled.
struct Meter {
    total: u64,
    attempt: u32,
    sent: AtomicU64,
    last: StdMutex<(u64, Instant)>,
    progress: ProgressFn,
    /// Touched as the connection takes each chunk: an upload that stops moving fails on
    /// the idle timeout, however long its total.
    activity: Arc<Activity>,
}

impl Meter {
    fn add(&self, bytes: u64) {
        self.activity.touch();
        let sent = self.sent.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if sent >= self.total {
            self.activity.hand_over();
        }
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        let (last_sent, last_at) = *last;
        if sent == self.total
            || sent.saturating_sub(last_sent) >= PROGRESS_BYTES
            || last_at.elapsed() >= PROGRESS_EVERY
        {
            *last = (sent, Instant::now());
            // Called under the lock so reports never overtake one another.
            (self.progress)(UploadProgress {
                sent,
                total: self.total,
                attempt: self.attempt,
            });
        }
    }
}

struct SourceState {
    source: Opened,
    declared: u64,
    read: u64,
    done: bool,
    meter: Arc<Meter>,
    cancel: CancellationToken,
    failure: Arc<StdMutex<Option<String>>>,
}

/// The source as a stream of chunks, checked against the declared length (the multipart
/// body's length was promised up front).
fn source_stream(
    source: Opened,
    declared: u64,
    meter: Arc<Meter>,
    cancel: CancellationToken,
    failure: Arc<StdMutex<Option<String>>>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let state = SourceState {
        source,
        declared,
        read: 0,
        done: false,
        meter,
        cancel,
        failure,
    };
    futures::stream::unfold(state, |mut state| async move {
        if state.done {
            return None;
        }
        let chunk = next_chunk(&mut state).await;
        match chunk {
            Ok(Some(bytes)) => Some((Ok(bytes), state)),
            Ok(None) => None,
            Err(reason) => {
                state.done = true;
                if let Ok(mut slot) = state.failure.lock() {
                    slot.get_or_insert_with(|| reason.clone());
                }
                Some((Err(std::io::Error::other(reason)), state))
            }
        }
    })
}

async fn next_chunk(state: &mut SourceState) -> std::result::Result<Option<Bytes>, String> {
    if state.cancel.is_cancelled() {
        return Err("cancelled".to_owned());
    }
    let chunk = match &mut state.source {
        Opened::Reader(reader) => {
            let mut buffer = BytesMut::with_capacity(CHUNK_BYTES);
            reader
                .read_buf(&mut buffer)
                .await
                .map_err(|e| e.to_string())?;
            buffer.freeze()
        }
        // An empty chunk from such a source is no end: only the stream's end is.
        Opened::Chunks(chunks) => loop {
            match chunks.next().await {
                Some(chunk) => {
                    let chunk = chunk.map_err(|e| e.to_string())?;
                    if !chunk.is_empty() {
                        break chunk;
                    }
                }
                None => break Bytes::new(),
            }
        },
    };
    let n = chunk.len() as u64;
    if n == 0 {
        if state.read != state.declared {
            return Err(format!(
                "the source ended after {} of its {} bytes",
                state.read, state.declared
            ));
        }
        state.done = true;
        return Ok(None);
    }
    state.read += n;
    if state.read > state.declared {
        return Err(format!(
            "the source is longer than its declared {} bytes",
            state.declared
        ));
    }
    state.meter.add(n);
    Ok(Some(chunk))
}

fn taken(slot: &StdMutex<Option<String>>) -> Option<String> {
    slot.lock().ok().and_then(|mut s| s.take())
}

/// Reads a token answer, wrapped in `data` or not. Lifetimes are measured against
/// Fin.com's own `current_time`, so a wrong clock here does not shorten or stretch them.
fn tokens_of(body: &[u8], received: Instant, now: SystemTime) -> Result<Tokens> {
    let answer = match serde_json::from_slice::<TokenEnvelope>(body) {
        Ok(TokenEnvelope::Wrapped { data } | TokenEnvelope::Bare(data)) => data,
        // serde's message would quote the answer, and with it the tokens.
        Err(_) => {
            return Err(Error::Decode(
                "the token answer has no access_token".to_owned(),
            ))
        }
    };
    let reference = answer
        .current_time
        .as_deref()
        .and_then(parse_time)
        .unwrap_or_else(|| DateTime::<Utc>::from(now));
    let access_life = lifetime(&answer.access_token_ttl, reference).ok_or_else(|| {
        Error::Decode(format!(
            "the token answer's access_token_ttl {} is not a time",
            answer.access_token_ttl
        ))
    })?;
    let refresh = match (answer.refresh_token, answer.refresh_token_ttl) {
        (Some(token), Some(ttl)) if !token.is_empty() => {
            lifetime(&ttl, reference).map(|life| (Sensitive::new(token), received + early(life)))
        }
        _ => None,
    };
    Ok(Tokens {
        access: Sensitive::new(answer.access_token),
        renew_at: received + early(access_life),
        refresh,
    })
}

/// How long from `reference` until the expiry `ttl`: an expiry time as documented, or, to
/// be tolerant of the pages that disagree, a number of seconds.
fn lifetime(ttl: &Value, reference: DateTime<Utc>) -> Option<Duration> {
    match ttl {
        Value::String(text) => {
            let expiry = parse_time(text)?;
            Some((expiry - reference).to_std().unwrap_or(Duration::ZERO))
        }
        Value::Number(n) => n.as_u64().map(Duration::from_secs),
        _ => None,
    }
}

fn early(life: Duration) -> Duration {
    life.saturating_sub(RENEW_BEFORE_EXPIRY.min(life / 5))
}

/// Fin.com's token times: `YYYY-MM-DD HH:MM:SS+00` (not ISO 8601); ISO 8601 also read.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.with_timezone(&Utc))
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
fn customer_path(customer_id: &str, rest: &str) -> Result<String> {
    checked_id(customer_id)?;
    Ok(format!("v2/customers/{}{rest}", customer_id.trim()))
}

impl Op {
    fn stakes(self) -> Stakes {
        match self {
            Op::Create => Stakes::Create,
            Op::Upload | Op::Attach | Op::Read => Stakes::Repeatable,
        }
    }
}

fn judge(answer: Answer, op: Op) -> Result<Answer> {
    let status = answer.status.as_u16();
    if answer.status.is_success() {
        return Ok(answer);
    }
    let message = message_of(&answer.body);
    Err(match status {
        401 => Error::Auth { status },
        404 => Error::NotFound,
        408 | 429 => Error::Unavailable {
            status,
            detail: Some(message),
            retry_after: retry_after(&answer.headers),
        },
        409 if op == Op::Attach => Error::AttachInFlight,
        403 if op == Op::Attach => {
            Error::NotEligible(if message.to_ascii_lowercase().contains("file") {
                AttachPrecondition::FileNotOwned
            } else {
                AttachPrecondition::ApiVersionOrOwner
            })
        }
        422 => Error::Invalid {
            status,
            fields: field_problems(&answer.body),
            message,
        },
        423 => Error::RelianceUnavailable { message },
        500..=599 if op == Op::Create => Error::OutcomeUnknown {
            detail: format!("HTTP {status}: {message}"),
        },
        500..=599 => Error::Unavailable {
            status,
            detail: Some(message),
            retry_after: retry_after(&answer.headers),
        },
        _ => Error::Refused { status, message },
    })
}

/// Fin.com's error texts come as `{"message"}`, `{"error": {"code", "message"}}` or
/// `{"status", "message"}`.
fn message_of(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return "no reason given".to_owned();
    };
    value["error"]["message"]
        .as_str()
        .or(value["message"].as_str())
        .unwrap_or("no reason given")
        .to_owned()
}

/// The 422 `errors`: a list of `{"<path>": "<problem>"}` as documented, or one object of
/// paths (each problem a text or a list of texts) as some validation layers write it.
fn field_problems(body: &[u8]) -> Vec<FieldProblem> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let objects: Vec<&serde_json::Map<String, Value>> = match &value["errors"] {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        Value::Object(map) => vec![map],
        _ => Vec::new(),
    };
    let mut problems = Vec::new();
    for map in objects {
        for (path, problem) in map {
            let texts: Vec<String> = match problem {
                Value::String(text) => vec![text.clone()],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect(),
                other => vec![other.to_string()],
            };
            problems.extend(texts.into_iter().map(|message| FieldProblem {
                path: path.clone(),
                message,
            }));
        }
    }
    problems
}

/// Fin.com answers `{"data": …}`; a bare object is read too. An answer that cannot be read
/// is, for the create, an unknown outcome; for anything else worth another attempt.
fn read_data<T: serde::de::DeserializeOwned>(answer: &Answer, op: Op) -> Result<T> {
    let unread = |why: String| unreadable(answer.status.as_u16(), &why, op.stakes());
    let value: Value = json_of(answer).map_err(unread)?;
    let inner = match value {
        Value::Object(mut map) if map.get("data").is_some_and(Value::is_object) => {
            map.remove("data").unwrap_or(Value::Null)
        }
        other => other,
    };
    serde_json::from_value(inner).map_err(|e| unread(json_problem(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_times_in_fin_format_and_iso() {
        let t = parse_time("2025-12-28 10:34:45+00").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-12-28T10:34:45+00:00");
        assert_eq!(parse_time("2025-12-28 10:34:45+0000"), Some(t));
        assert_eq!(parse_time("2025-12-28T10:34:45Z"), Some(t));
        assert_eq!(parse_time("2025-12-28 12:34:45+02"), Some(t));
        assert_eq!(parse_time("28/12/2025"), None);
    }

    #[test]
    fn lifetimes_count_from_the_servers_clock() {
        let body = br#"{"access_token":"a","access_token_ttl":"2025-12-21 11:34:45+00",
            "refresh_token":"r","refresh_token_ttl":"2025-12-28 10:34:45+00",
            "current_time":"2025-12-21 10:34:45+00"}"#;
        let received = Instant::now();
        // A local clock a year off changes nothing.
        let now = SystemTime::UNIX_EPOCH;
        let tokens = tokens_of(body, received, now).unwrap();
        assert_eq!(tokens.renew_at - received, Duration::from_secs(3600 - 60));
        let (_, until) = tokens.refresh.unwrap();
        assert_eq!(until - received, Duration::from_secs(7 * 86_400 - 60));
    }

    #[test]
    fn short_lives_renew_at_four_fifths() {
        assert_eq!(early(Duration::from_secs(10)), Duration::from_secs(8));
        assert_eq!(early(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn a_broken_token_answer_does_not_echo_it() {
        let Err(error) = tokens_of(
            br#"{"data":{"access_tokn":"s3cr3t-token"}}"#,
            Instant::now(),
            SystemTime::now(),
        ) else {
            panic!("accepted");
        };
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
    }

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

    #[test]
    fn unprocessable_fields_in_either_shape() {
        let listed = br#"{"message":"x","errors":[{"basic_info.email":"must be all lowercase"},
            {"identifying_documents.0.state":"is not allowed for PASSPORT"}]}"#;
        let paths: Vec<String> = field_problems(listed).into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["basic_info.email", "identifying_documents.0.state"]);
        let keyed = br#"{"message":"x","errors":{"basic_info.dob":["is required","bad"]}}"#;
        assert_eq!(field_problems(keyed).len(), 2);
    }

    #[test]
    fn statuses_read_tolerantly() {
        assert_eq!(
            CustomerStatus::parse("ACTION_REQUIRED"),
            CustomerStatus::ActionRequired
        );
        assert_eq!(
            CustomerStatus::parse("ON_HOLD"),
            CustomerStatus::Other("ON_HOLD".into())
        );
        assert!(CustomerStatus::Incomplete.allows_attach());
        assert!(!CustomerStatus::Reviewing.allows_attach());
    }

    #[test]
    fn creates_that_may_have_arrived_are_not_retryable() {
        let answer = |status: u16| Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: reqwest::header::HeaderMap::new(),
            body: br#"{"message":"boom"}"#.to_vec(),
        };
        let create = judge(answer(503), Op::Create).err().unwrap();
        assert!(matches!(create, Error::OutcomeUnknown { .. }));
        assert!(!create.is_retryable());
        assert!(judge(answer(503), Op::Read).err().unwrap().is_retryable());
        assert!(judge(answer(429), Op::Create).err().unwrap().is_retryable());
    }
}
