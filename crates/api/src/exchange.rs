//! One request to a provider and its answer, judged before anything in it is trusted.
//!
//! * Redirects are never followed: the client from [`http_client`] has them turned off, and
//!   any 3xx (or an answer from another address than asked, should a caller hand in a client
//!   that follows them) is a [`Broken::Redirect`]. A 307/308 would resend the body — a
//!   customer's tax id, a client secret — to wherever the `Location` points.
//! * Answers are read in pieces up to [`MAX_ANSWER_BYTES`]: a `Content-Length` over it is
//!   refused before reading, and a body that keeps coming is cut off at it, so memory stays
//!   bounded whatever the other side sends.
//! * Silence is bounded by [`Timeouts::idle`] (nothing sent and nothing received for that
//!   long), the whole request by [`Timeouts::request`], or for an upload by a total that
//!   grows with its size ([`Timeouts::upload_total`]).
//!
//! What a broken exchange means depends on the request ([`Stakes`]): for a create, anything
//! but a clear refusal or a readable 2xx leaves it unknown whether the customer exists.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use url::Url;

use crate::http::check_base_url;
use crate::{Error, Result};

/// The largest answer read from a provider. Their JSON answers are a few KiB; 4 MiB leaves
/// room for any real one and keeps a hostile or broken endpoint from filling memory.
pub const MAX_ANSWER_BYTES: u64 = 4 * 1024 * 1024;

/// The slowest connection an upload is given time for: 2 Mbit/s, a poor branch line.
pub const MIN_UPLOAD_BYTES_PER_SEC: u64 = 2_000_000 / 8;

/// How long a provider request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To open a connection (TCP and TLS). Set on the HTTP client by [`http_client`].
    pub connect: Duration,
    /// The longest silence within a request: no byte of the request taken by the connection
    /// and no byte of the answer received. A stalled transfer fails after this.
    pub idle: Duration,
    /// The whole of a request with a small body, its answer included. An upload gets this
    /// plus its size at [`MIN_UPLOAD_BYTES_PER_SEC`].
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            request: Duration::from_secs(60),
        }
    }
}

impl Timeouts {
    /// The total allowed for uploading `bytes`: enough at 2 Mbit/s, plus the time any
    /// request gets for its answer.
    pub fn upload_total(&self, bytes: u64) -> Duration {
        let transfer = Duration::from_secs_f64(bytes as f64 / MIN_UPLOAD_BYTES_PER_SEC as f64);
        self.request.saturating_add(transfer)
    }
}

/// The HTTP client for provider requests: no redirects, the connect timeout of `timeouts`,
/// and no overall timeout (each request sets its own, an upload's by its size).
pub fn http_client(timeouts: &Timeouts) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeouts.connect)
        .user_agent(concat!("Branchdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Network(format!("the HTTP client could not be set up: {e}")))
}

/// What is at stake if the request's outcome is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stakes {
    /// A create without an idempotency key: a resend could make a second customer.
    Create,
    /// A create with an idempotency key: resent with the key while its answer cannot be
    /// read (the provider answers a resend with what it stored); its last error then goes
    /// through [`settle_keyed_create`]. A redirect ends it at once, its outcome unknown.
    KeyedCreate,
    /// Harmless to send again: reads, keyed additions, uploads, attaches.
    Repeatable,
}

/// When a keyed create's last attempt still brought no readable answer — cut off,
/// unreadable, too large — its outcome is unknown. (Only an answer to the create itself is
/// an `Unavailable` with a 2xx status: token answers that cannot be read are said otherwise.)
pub(crate) fn settle_keyed_create(error: Error) -> Error {
    match error {
        Error::Unavailable {
            status: status @ 200..=299,
            detail,
            ..
        } => Error::OutcomeUnknown {
            detail: format!(
                "HTTP {status}, and {}",
                detail.as_deref().unwrap_or("the answer could not be read")
            ),
        },
        other => other,
    }
}

/// A raw answer: status, headers and a body of at most [`MAX_ANSWER_BYTES`].
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// Why an exchange gave no answer to judge by its status.
#[derive(Debug)]
pub(crate) enum Broken {
    /// No connection was made: the request never left.
    NotSent(String),
    /// The request may have arrived; no answer came (reset, timeout).
    NoAnswer(String),
    /// A 3xx, not followed. `to` is the host it pointed at.
    Redirect { status: Option<u16>, to: String },
    /// A 2xx whose body could not be read whole.
    Body { status: u16, fault: BodyFault },
}

#[derive(Debug)]
pub(crate) enum BodyFault {
    /// The connection failed or fell silent while the body came.
    Cut(String),
    /// Longer than [`MAX_ANSWER_BYTES`].
    TooLarge,
}

impl Broken {
    /// The error for a provider call with these stakes.
    pub(crate) fn error(self, stakes: Stakes) -> Error {
        match self {
            Broken::NotSent(text) => Error::Network(text),
            Broken::NoAnswer(text) if stakes == Stakes::Create => {
                Error::OutcomeUnknown { detail: text }
            }
            Broken::NoAnswer(text) => Error::Network(text),
            Broken::Redirect { status, to } if stakes != Stakes::Repeatable => {
                Error::OutcomeUnknown {
                    detail: Error::Redirected { status, to }.to_string(),
                }
            }
            Broken::Redirect { status, to } => Error::Redirected { status, to },
            Broken::Body { status, fault } => unreadable(status, &fault.to_string(), stakes),
        }
    }

    /// The error for a token request: never a create. An answer too large to read is said
    /// as such rather than retried; one cut off is a network failure.
    pub(crate) fn token_error(self) -> Error {
        match self {
            Broken::Body {
                fault: BodyFault::TooLarge,
                ..
            } => Error::AnswerTooLarge {
                limit_bytes: MAX_ANSWER_BYTES,
            },
            Broken::Body {
                fault: BodyFault::Cut(why),
                ..
            } => Error::Network(format!("the token answer was cut off: {why}")),
            other => other.error(Stakes::Repeatable),
        }
    }
}

impl std::fmt::Display for BodyFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyFault::Cut(why) => write!(f, "the answer was cut off: {why}"),
            BodyFault::TooLarge => write!(
                f,
                "the answer is over the {} MiB accepted and was not read",
                MAX_ANSWER_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// A 2xx that could not be read: for a create its outcome is unknown; anything else may be
/// sent again, so it is worth retrying rather than a definite failure.
pub(crate) fn unreadable(status: u16, why: &str, stakes: Stakes) -> Error {
    if stakes == Stakes::Create {
        Error::OutcomeUnknown {
            detail: format!("HTTP {status}, and {why}"),
        }
    } else {
        Error::Unavailable {
            status,
            detail: Some(why.to_owned()),
            retry_after: None,
        }
    }
}

/// Reads a 2xx answer's JSON, refusing another content type. Says why it cannot, in words
/// that quote nothing of the answer (it may hold tokens or a customer's details).
pub(crate) fn json_of<T: serde::de::DeserializeOwned>(
    answer: &Answer,
) -> std::result::Result<T, String> {
    if let Some(kind) = answer.headers.get(CONTENT_TYPE) {
        let kind = kind.to_str().unwrap_or("").to_ascii_lowercase();
        let essence = kind.split(';').next().unwrap_or("").trim();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(format!(
                "the answer is {essence:?}, not JSON",
                essence = essence.chars().take(60).collect::<String>()
            ));
        }
    }
    serde_json::from_slice(&answer.body).map_err(|e| json_problem(&e))
}

/// serde's own message can quote a value from the answer; this names only where and what.
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "missing or mistyped fields",
        serde_json::error::Category::Eof => "incomplete JSON",
    };
    format!(
        "the answer is {what} (line {}, column {})",
        error.line(),
        error.column()
    )
}

/// When the request or its answer last moved, for the idle timeout. An upload's body
/// touches it as the connection takes each chunk.
#[derive(Debug)]
pub(crate) struct Activity {
    since: Instant,
    last_ms: AtomicU64,
    /// The whole body has been taken by the connection, and no answer has come yet. The
    /// system's socket buffers can hold megabytes that a slow line still has to carry, so
    /// silence now is no stall: the request's total bounds the wait instead.
    handed_over: AtomicBool,
}

impl Activity {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            since: Instant::now(),
            last_ms: AtomicU64::new(0),
            handed_over: AtomicBool::new(false),
        })
    }

    pub(crate) fn touch(&self) {
        let now = self.since.elapsed().as_millis() as u64;
        self.last_ms.fetch_max(now, Ordering::Relaxed);
    }

    /// The connection has taken the last byte of an upload's body.
    pub(crate) fn hand_over(&self) {
        self.handed_over.store(true, Ordering::Relaxed);
    }

    fn answered(&self) {
        self.handed_over.store(false, Ordering::Relaxed);
        self.touch();
    }

    /// Completes once nothing has moved for `idle`.
    async fn silent_for(&self, idle: Duration) {
        loop {
            if self.handed_over.load(Ordering::Relaxed) {
                tokio::time::sleep(idle).await;
                continue;
            }
            let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let quiet = self.since.elapsed().saturating_sub(last);
            if quiet >= idle {
                return;
            }
            tokio::time::sleep(idle - quiet).await;
        }
    }
}

/// Sends `request` (already aimed at `url`) and reads its answer within the limits above.
/// A non-2xx whose body cannot be read is still an answer, with what came of its body
/// dropped: its status alone is judged.
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    url: &Url,
    idle: Duration,
    total: Duration,
    activity: Option<Arc<Activity>>,
) -> std::result::Result<Answer, Broken> {
    // Every address a request goes to passes the same rule, tokens' included.
    check_base_url(url.as_str()).map_err(|e| Broken::NotSent(e.to_string()))?;
    let activity = activity.unwrap_or_else(Activity::new);
    let silence = || format!("nothing moved for {} s", idle.as_secs_f32());
    let sent = tokio::select! {
        sent = request.timeout(total).send() => sent,
        () = activity.silent_for(idle) => return Err(Broken::NoAnswer(silence())),
    };
    let mut response = sent.map_err(|e| {
        // reqwest's message names the URL, never headers or bodies, so it carries no secret.
        let never_left = e.is_connect() || e.is_builder();
        let text = e.without_url().to_string();
        if never_left {
            Broken::NotSent(text)
        } else {
            Broken::NoAnswer(text)
        }
    })?;
    activity.answered();
    let status = response.status();
    if status.is_redirection() {
        let to = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(|l| host_of(url, l))
            .unwrap_or_else(|| "an address not given".to_owned());
        return Err(Broken::Redirect {
            status: Some(status.as_u16()),
            to,
        });
    }
    if response.url() != url {
        // A client that follows redirects was handed in: the request has gone elsewhere.
        return Err(Broken::Redirect {
            status: None,
            to: host_of(url, response.url().as_str()),
        });
    }
    let headers = response.headers().clone();
    let failed = |fault: BodyFault| {
        if status.is_success() {
            Err(Broken::Body {
                status: status.as_u16(),
                fault,
            })
        } else {
            Ok(Answer {
                status,
                headers: headers.clone(),
                body: Vec::new(),
            })
        }
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES)
    {
        return failed(BodyFault::TooLarge);
    }
    let mut body = Vec::new();
    loop {
        let chunk = tokio::select! {
            chunk = response.chunk() => chunk.map_err(|e| e.without_url().to_string()),
            () = activity.silent_for(idle) => Err(silence()),
        };
        match chunk {
            Ok(Some(bytes)) => {
                activity.touch();
                if (body.len() + bytes.len()) as u64 > MAX_ANSWER_BYTES {
                    return failed(BodyFault::TooLarge);
                }
                body.extend_from_slice(&bytes);
            }
            Ok(None) => break,
            Err(why) => return failed(BodyFault::Cut(why)),
        }
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// The host (and port) a redirect points at, which is all an error needs to say: the rest
/// of the address could carry anything.
fn host_of(base: &Url, location: &str) -> String {
    match base.join(location) {
        Ok(target) => match (target.host_str(), target.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            _ => "an address without a host".to_owned(),
        },
        Err(_) => "an unreadable address".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_at_two_megabits_gets_its_time() {
        let timeouts = Timeouts::default();
        let thirty_mb = 30 * 1024 * 1024;
        // 30 MiB at 2 Mbit/s is about 126 s: the old fixed 60 s (or even 120 s) cut it off.
        let total = timeouts.upload_total(thirty_mb);
        assert!(total > Duration::from_secs(126), "{total:?}");
        assert!(total > timeouts.request + Duration::from_secs(120));
        // A small request still has its usual total.
        assert!(timeouts.upload_total(0) == timeouts.request);
    }

    #[test]
    fn redirect_targets_name_only_the_host() {
        let base = Url::parse("https://api.example.com/v1/x").unwrap();
        assert_eq!(
            host_of(&base, "http://127.0.0.1:9/steal?secret=1"),
            "127.0.0.1:9"
        );
        assert_eq!(host_of(&base, "/elsewhere"), "api.example.com");
    }

    fn answer(kind: Option<&str>, body: &str) -> Answer {
        let mut headers = HeaderMap::new();
        if let Some(kind) = kind {
            headers.insert(CONTENT_TYPE, kind.parse().unwrap());
        }
        Answer {
            status: StatusCode::CREATED,
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn only_json_is_read_and_problems_quote_nothing() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Created {
            id: String,
        }
        let ok = answer(Some("application/json; charset=utf-8"), r#"{"id":"a"}"#);
        assert!(json_of::<Created>(&ok).is_ok());
        let html = answer(Some("text/html"), r#"{"id":"a"}"#);
        assert!(json_of::<Created>(&html).unwrap_err().contains("text/html"));
        let cut = answer(None, r#"{"id":"119-98"#);
        let why = json_of::<Created>(&cut).unwrap_err();
        assert!(why.contains("incomplete"), "{why}");
        let mistyped = answer(None, r#"{"id":119988776}"#);
        let why = json_of::<Created>(&mistyped).unwrap_err();
        assert!(!why.contains("119988776"), "{why}");
    }

    #[test]
    fn what_a_broken_exchange_means() {
        let cut = || Broken::Body {
            status: 201,
            fault: BodyFault::Cut("reset".into()),
        };
        assert!(matches!(
            cut().error(Stakes::Create),
            Error::OutcomeUnknown { .. }
        ));
        let keyed = cut().error(Stakes::KeyedCreate);
        assert!(keyed.is_retryable());
        assert!(matches!(
            settle_keyed_create(keyed),
            Error::OutcomeUnknown { .. }
        ));
        let no_answer = || Broken::NoAnswer("reset".into());
        assert!(matches!(
            no_answer().error(Stakes::Create),
            Error::OutcomeUnknown { .. }
        ));
        let keyed = no_answer().error(Stakes::KeyedCreate);
        assert!(keyed.is_retryable());
        // Surely not read as an answer: the keyed create stays retryable.
        assert!(settle_keyed_create(keyed).is_retryable());
        let redirect = || Broken::Redirect {
            status: Some(307),
            to: "evil:1".into(),
        };
        assert!(matches!(
            redirect().error(Stakes::Create),
            Error::OutcomeUnknown { .. }
        ));
        assert!(matches!(
            redirect().error(Stakes::KeyedCreate),
            Error::OutcomeUnknown { .. }
        ));
        // A token endpoint's redirect says so: the create was never sent.
        let token = redirect().token_error();
        assert!(matches!(token, Error::Redirected { .. }));
        assert!(settle_keyed_create(token).to_string().contains("redirect"));
        let plain = redirect().error(Stakes::Repeatable);
        assert!(matches!(plain, Error::Redirected { .. }));
        assert!(plain.to_string().contains("evil:1"), "{plain}");
        let huge = Broken::Body {
            status: 200,
            fault: BodyFault::TooLarge,
        };
        assert!(matches!(huge.token_error(), Error::AnswerTooLarge { .. }));
        let cut_token = Broken::Body {
            status: 200,
            fault: BodyFault::Cut("reset".into()),
        };
        assert!(matches!(
            settle_keyed_create(cut_token.token_error()),
            Error::Network(_)
        ));
    }
}
