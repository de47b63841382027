//! Hawk v1 request authentication.

use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::response::Response;
use base64::Engine;
use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::reply::unauthorized;
use crate::state::App;

const SKEW_SECS: i64 = 60;
const NONCE_WINDOW_SECS: i64 = 15 * 60;

/// `key="value"` pairs of a Hawk header, or None when it is not Hawk at all.
fn hawk_attributes(value: &str) -> Option<Vec<(String, String)>> {
    let rest = value.trim().strip_prefix("Hawk ")?;
    let mut out = Vec::new();
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        let v = v.trim().strip_prefix('"')?.strip_suffix('"')?;
        out.push((k.trim().to_string(), v.to_string()));
    }
    Some(out)
}

fn hmac_b64(key: &str, text: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).ok()?;
    mac.update(text.as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Verifies the Hawk v1 header: MAC over the normalised request string, ±60 s clock skew,
/// and no nonce twice within 15 minutes.
pub(super) fn verify_hawk(
    app: &App,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(), Response> {
    let Some(attrs) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(hawk_attributes)
    else {
        return Err(unauthorized(
            "Missing or malformed Hawk authorization header",
        ));
    };
    let attr = |k: &str| {
        attrs
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let (Some(id), Some(ts), Some(nonce), Some(mac)) =
        (attr("id"), attr("ts"), attr("nonce"), attr("mac"))
    else {
        return Err(unauthorized("Hawk header needs id, ts, nonce and mac"));
    };
    let creds = &app.creds.bvnk;
    if id != creds.hawk_id {
        return Err(unauthorized("Unknown Hawk id"));
    }
    let host_header = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (host, port) = match host_header.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() => (h, p),
        _ => (host_header, "443"),
    };
    let resource = uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or_else(|| uri.path());
    let normalized = format!(
        "hawk.1.header\n{ts}\n{nonce}\n{}\n{resource}\n{}\n{port}\n{}\n{}\n",
        method.as_str().to_ascii_uppercase(),
        host.to_ascii_lowercase(),
        attr("hash").unwrap_or(""),
        attr("ext").unwrap_or(""),
    );
    let expected = hmac_b64(&creds.hawk_key, &normalized).unwrap_or_default();
    if !constant_time_eq(expected.as_bytes(), mac.as_bytes()) {
        return Err(unauthorized("Bad mac"));
    }
    let now = Utc::now().timestamp();
    let Ok(ts_value) = ts.parse::<i64>() else {
        return Err(unauthorized("Bad timestamp"));
    };
    if (now - ts_value).abs() > SKEW_SECS {
        let mut r = unauthorized("Stale timestamp");
        let tsm = hmac_b64(&creds.hawk_key, &format!("hawk.1.ts\n{now}\n")).unwrap_or_default();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "Hawk ts=\"{now}\", tsm=\"{tsm}\", error=\"Stale timestamp\""
        )) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        return Err(r);
    }
    let mut store = app.store();
    store
        .bvnk_nonces
        .retain(|_, seen| now - *seen <= NONCE_WINDOW_SECS);
    let key = format!("{id}\n{nonce}");
    if store.bvnk_nonces.contains_key(&key) {
        return Err(unauthorized("Replayed nonce"));
    }
    store.bvnk_nonces.insert(key, now);
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
