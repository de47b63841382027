//! Answers that faults put in place of the real one after the request was applied: the
//! shapes a proxy, a broken gateway or a hostile endpoint can hand a client as a success.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

/// What a proxy's error or sign-in page looks like to an API client.
const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Gateway</title></head>\
<body><h1>Please wait</h1><p>The service is being checked. Try again.</p></body></html>\n";

/// The size of each piece of a huge body.
const HUGE_CHUNK: usize = 64 * 1024;

/// The real answer's status when it is a success, else 200: these faults always pretend
/// the request went well.
fn success_status(response: &Response) -> StatusCode {
    if response.status().is_success() {
        response.status()
    } else {
        StatusCode::OK
    }
}

/// A 2xx with an HTML page and `text/html`.
pub(crate) fn garbled(response: Response) -> Response {
    let status = success_status(&response);
    let mut r = Response::new(Body::from(HTML_PAGE));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// A 2xx with the real JSON cut short: well framed (its `Content-Length` is what is sent),
/// its JSON incomplete.
pub(crate) async fn truncated(response: Response) -> Response {
    let status = success_status(&response);
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    // Half of it, and always at least the last byte gone, so no JSON value is complete.
    let keep = (bytes.len() / 2).min(bytes.len().saturating_sub(1));
    let cut = bytes.slice(..keep);
    parts.status = status;
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(cut.len()));
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(cut))
}

/// A 2xx JSON answer of `bytes` bytes, streamed from one shared piece so it costs no memory:
/// `{"data":"xxxx…` that never closes. With `content_length` its length is declared.
pub(crate) fn huge(response: Response, bytes: u64, content_length: bool) -> Response {
    let status = success_status(&response);
    let head = Bytes::from_static(b"{\"data\":\"");
    let piece = Bytes::from(vec![b'x'; HUGE_CHUNK]);
    let stream = futures::stream::unfold(0u64, move |sent| {
        let head = head.clone();
        let piece = piece.clone();
        async move {
            if sent >= bytes {
                return None;
            }
            let left = bytes - sent;
            let chunk = if sent == 0 { head } else { piece };
            let chunk = chunk.slice(..(chunk.len() as u64).min(left) as usize);
            let next = sent + chunk.len() as u64;
            Some((Ok::<Bytes, std::io::Error>(chunk), next))
        }
    });
    let mut r = Response::new(Body::from_stream(stream));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if content_length {
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes));
    }
    r
}
