//! The router and the middleware every request passes: time-driven settling, fault
//! injection, idempotent replay, statistics and persistence.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use chrono::Utc;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::faults::{Action, Plan};
use crate::formats;
use crate::net::ConnInfo;
use crate::settle;
use crate::state::{App, Replay};

// Large enough for most JSON bodies; BVNK's documents route allows more (see `body_limit`).
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// The largest body a request to `path` may carry, as its route's own limit says.
fn body_limit(provider: Provider, path: &str) -> usize {
    if provider == Provider::Bvnk && crate::bvnk::is_documents_path(path) {
        crate::bvnk::DOCUMENTS_BODY_LIMIT
    } else {
        BODY_LIMIT
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    Cos,
    Fin,
    Bvnk,
}

impl Provider {
    fn of(path: &str) -> Option<Provider> {
        let lower = path.to_ascii_lowercase();
        if lower.starts_with("/core/") || lower == "/connect/token" {
            Some(Provider::Cos)
        } else if lower.starts_with("/v1/") || lower.starts_with("/v2/") {
            Some(Provider::Fin)
        } else if lower.starts_with("/platform/") {
            Some(Provider::Bvnk)
        } else {
            None
        }
    }

    fn idempotency_header(self) -> Option<&'static str> {
        match self {
            Provider::Cos => Some("idempotency-key"),
            Provider::Bvnk => Some("x-idempotency-key"),
            Provider::Fin => None,
        }
    }

    fn conflict(self, message: &str) -> Response {
        match self {
            Provider::Cos => formats::json(
                StatusCode::CONFLICT,
                json!({ "Errors": [{ "Code": 2100, "Message": message }] }),
            ),
            // BVNK documents no answer for this; the sandbox says it in BVNK's envelope,
            // with a code a client can tell from a real conflict, and when to come back.
            Provider::Bvnk => {
                let mut answer = formats::json(
                    StatusCode::CONFLICT,
                    crate::bvnk::error_body(
                        StatusCode::CONFLICT,
                        "IDEMPOTENCY_KEY_IN_PROGRESS",
                        message,
                        serde_json::Value::Null,
                    ),
                );
                answer
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                answer
            }
            _ => self.system_error(StatusCode::CONFLICT, message),
        }
    }

    /// The error body each provider uses for server-side failures.
    pub(crate) fn system_error(self, status: StatusCode, message: &str) -> Response {
        let body = match self {
            Provider::Cos => json!({ "Errors": [{ "Code": 9999, "Message": message }] }),
            Provider::Fin => json!({ "status": status.as_u16(), "message": message }),
            Provider::Bvnk => crate::bvnk::error_body(
                status,
                &status
                    .canonical_reason()
                    .unwrap_or("ERROR")
                    .to_uppercase()
                    .replace(' ', "_"),
                message,
                serde_json::Value::Null,
            ),
        };
        formats::json(status, body)
    }
}

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(crate::cos::routes())
        .merge(crate::fin::routes(&app))
        .merge(crate::bvnk::routes())
        .merge(crate::admin::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            middleware,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}

async fn not_found(req: Request) -> Response {
    let message = format!("No route for {} {}", req.method(), req.uri().path());
    match Provider::of(req.uri().path()) {
        Some(Provider::Cos) => formats::json(
            StatusCode::NOT_FOUND,
            json!({ "Errors": [{ "Code": 2000, "Message": message }] }),
        ),
        Some(Provider::Bvnk) => Provider::Bvnk.system_error(StatusCode::NOT_FOUND, &message),
        _ => formats::json(StatusCode::NOT_FOUND, json!({ "message": message })),
    }
}

/// The endpoint name used in statistics and fault rules: COS's `/Core/` spelling folded in
/// and identifiers replaced by `{id}`.
pub(crate) fn endpoint_path(path: &str) -> String {
    path.split('/')
        .enumerate()
        .map(|(i, seg)| {
            if i == 1 && seg.eq_ignore_ascii_case("core") {
                "core".to_string()
            } else if formats::is_guid(seg) {
                "{id}".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn middleware(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let raw_path = req.uri().path().to_string();
    let path = endpoint_path(&raw_path);
    let endpoint = format!("{method} {path}");
    let provider = Provider::of(&raw_path);
    let kill = req
        .extensions()
        .get::<ConnectInfo<ConnInfo>>()
        .map(|c| c.0.kill.clone());
    if settle::settle(&app, Utc::now()) {
        app.persist();
    }
    let request_id = uuid::Uuid::new_v4().to_string();

    let plan = match provider {
        Some(_) => app.faults().plan(method.as_str(), &path),
        // Admin endpoints stay reliable so a test can always read stats or lift faults.
        None => Plan::default(),
    };
    if let Some(action) = &plan.action {
        let name = match action {
            Action::Status { status, .. } => format!("status_{status}"),
            Action::ResetRequest => "reset_request".into(),
            Action::ResetResponse => "reset_response".into(),
            Action::FailAfterCommit => "fail_after_commit".into(),
            Action::Stall { .. } => "stall".into(),
            Action::SlowBody { .. } => "slow_body".into(),
            Action::Garbled2xx => "garbled_2xx".into(),
            Action::Truncated2xx => "truncated_2xx".into(),
            Action::Redirect { .. } => "redirect".into(),
            Action::HugeBody { .. } => "huge_body".into(),
        };
        *app.store().stats.faults_injected.entry(name).or_default() += 1;
    }
    if plan.latency_ms > 0 {
        *app.store()
            .stats
            .faults_injected
            .entry("latency".into())
            .or_default() += 1;
        tokio::time::sleep(Duration::from_millis(plan.latency_ms)).await;
    }

    let mutating = method != Method::GET && method != Method::HEAD;
    let (mut response, label) = match (plan.action, provider, kill) {
        (
            Some(Action::Status {
                status,
                retry_after,
            }),
            Some(p),
            _,
        ) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut r = p.system_error(code, "Injected sandbox fault");
            if let Some(secs) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            (r, status.to_string())
        }
        (Some(Action::Redirect { location }), Some(_), _) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::TEMPORARY_REDIRECT;
            if let Ok(to) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, to);
            }
            (r, "307".to_string())
        }
        (Some(Action::ResetRequest), _, Some(kill)) => {
            // Read what the client sent so the reset happens mid-exchange, not at connect.
            let _ = axum::body::to_bytes(req.into_body(), BODY_LIMIT * 16).await;
            kill.kill();
            (Response::new(Body::empty()), "reset".to_string())
        }
        (action, provider, kill) => {
            let stall = match action {
                Some(Action::Stall { ms }) => Duration::from_millis(ms),
                _ => Duration::ZERO,
            };
            let response = handle(&app, req, next, provider, &request_id, stall).await;
            let status = response.status().as_u16().to_string();
            match (action, kill) {
                (Some(Action::FailAfterCommit), Some(kill)) => {
                    kill.kill();
                    (Response::new(Body::empty()), "reset".to_string())
                }
                (Some(Action::ResetResponse), Some(kill)) => {
                    (reset_midway(response, kill).await, "reset".to_string())
                }
                (
                    Some(Action::SlowBody {
                        chunk_bytes,
                        delay_ms,
                    }),
                    _,
                ) => (slow_body(response, chunk_bytes, delay_ms).await, status),
                (Some(Action::Garbled2xx), _) => {
                    let r = crate::answers::garbled(response);
                    let status = r.status().as_u16().to_string();
                    (r, status)
                }
                (Some(Action::Truncated2xx), _) => {
                    let r = crate::answers::truncated(response).await;
                    let status = r.status().as_u16().to_string();
                    (r, status)
                }
                (
                    Some(Action::HugeBody {
                        bytes,
                        content_length,
                    }),
                    _,
                ) => {
                    let r = crate::answers::huge(response, bytes, content_length);
                    let status = r.status().as_u16().to_string();
                    (r, status)
                }
                _ => (response, status),
            }
        }
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().entry("x-request-id").or_insert(v);
    }
    {
        let mut store = app.store();
        *store
            .stats
            .requests
            .entry(endpoint)
            .or_default()
            .entry(label)
            .or_default() += 1;
    }
    if mutating {
        app.persist();
    }
    response
}

/// Runs the handler behind the provider's idempotency-key semantics: the same key, endpoint
/// and body get the stored answer again. The same key with another body is a new request
/// at COS, and refused at BVNK (400 `IDEMPOTENCY_KEY_REUSED`).
async fn handle(
    app: &App,
    req: Request,
    next: Next,
    provider: Option<Provider>,
    request_id: &str,
    stall: Duration,
) -> Response {
    let key = provider
        .and_then(Provider::idempotency_header)
        .filter(|_| req.method() == Method::POST || req.method() == Method::PUT)
        .and_then(|name| req.headers().get(name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (Some(provider), Some(key)) = (provider, key) else {
        tokio::time::sleep(stall).await;
        return next.run(req).await;
    };
    if provider == Provider::Cos && key.chars().count() > 50 {
        return formats::json(
            StatusCode::BAD_REQUEST,
            json!({ "Errors": [{ "Code": 1010, "Message": "idempotency-Key must be at most 50 characters" }] }),
        );
    }
    if key.trim().is_empty() {
        tokio::time::sleep(stall).await;
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let limit = body_limit(provider, parts.uri.path());
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return provider.system_error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
    };
    let digest = format!("{:x}", Sha256::digest(&bytes));
    let endpoint = format!("{} {}", parts.method, parts.uri.path().to_ascii_lowercase());
    // BVNK keeps one answer per key and endpoint, and compares the body against it.
    let refuses_other_body = provider == Provider::Bvnk;
    let store_key = if refuses_other_body {
        format!("{endpoint}\n{key}")
    } else {
        format!("{endpoint}\n{key}\n{digest}")
    };
    let stored = app.store().idempotency.get(&store_key).cloned();
    if let Some(replay) = stored {
        if refuses_other_body && replay.body_sha256 != digest {
            return formats::json(
                StatusCode::BAD_REQUEST,
                crate::bvnk::error_body(
                    StatusCode::BAD_REQUEST,
                    "IDEMPOTENCY_KEY_REUSED",
                    "A request with this idempotency key and a different body already exists",
                    serde_json::Value::Null,
                ),
            );
        }
        app.store().stats.idempotent_replays += 1;
        let mut response = Response::new(Body::from(replay.body));
        *response.status_mut() = StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK);
        if let Some(ct) = replay
            .content_type
            .and_then(|c| HeaderValue::from_str(&c).ok())
        {
            response.headers_mut().insert(header::CONTENT_TYPE, ct);
        }
        if let Ok(v) = HeaderValue::from_str(&replay.request_id) {
            response.headers_mut().insert("original-request-id", v);
        }
        return response;
    }
    // A retry racing the original must not run twice; 409 tells the client to retry later.
    let Some(_in_flight) = InFlight::enter(app, &store_key) else {
        return provider.conflict("A request with this idempotency key is still in progress");
    };
    tokio::time::sleep(stall).await;
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    // Transient failures must not be frozen: a retry with the same key has to run again.
    let storable = !(status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS);
    if !storable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return provider.system_error(StatusCode::INTERNAL_SERVER_ERROR, "Answer lost");
    };
    let replay = Replay {
        status: status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        request_id: request_id.to_string(),
        stored_at: Utc::now(),
        body_sha256: if refuses_other_body {
            digest
        } else {
            String::new()
        },
    };
    app.store().idempotency.insert(store_key, replay);
    Response::from_parts(parts, Body::from(bytes))
}

/// Marks an idempotency key as being processed until dropped, even if the client goes away.
struct InFlight<'a> {
    app: &'a App,
    key: String,
}

impl<'a> InFlight<'a> {
    fn enter(app: &'a App, key: &str) -> Option<InFlight<'a>> {
        app.in_flight().insert(key.to_string()).then(|| InFlight {
            app,
            key: key.to_string(),
        })
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.app.in_flight().remove(&self.key);
    }
}

async fn buffered(response: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

async fn reset_midway(response: Response, kill: Arc<crate::net::KillSwitch>) -> Response {
    let (mut parts, bytes) = buffered(response).await;
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    let stream = futures::stream::unfold(0u8, move |step| {
        let half = half.clone();
        let kill = kill.clone();
        async move {
            match step {
                0 => Some((Ok::<Bytes, std::io::Error>(half), 1)),
                1 => {
                    // Give the first half time to reach the client before the reset.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    kill.kill();
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "sandbox fault: reset mid-response",
                        )),
                        2,
                    ))
                }
                _ => None,
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

async fn slow_body(response: Response, chunk_bytes: usize, delay_ms: u64) -> Response {
    let (mut parts, bytes) = buffered(response).await;
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let chunk = chunk_bytes.max(1);
    let stream = futures::stream::unfold(0usize, move |offset| {
        let bytes = bytes.clone();
        async move {
            if offset >= bytes.len() {
                return None;
            }
            if offset > 0 {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            let end = (offset + chunk).min(bytes.len());
            Some((Ok::<Bytes, std::io::Error>(bytes.slice(offset..end)), end))
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}
