//! BVNK's Hawk: `Authorization: Hawk id, ts, nonce, mac` over the request's method, path
//! with its query, host and port (443 when the address names none), with neither a payload
//! hash nor `ext`. The MAC is the `hawk` crate's (computed by `crypto`); what is BVNK's own
//! is kept here: which parts are signed, the clock offset learnt from a stale-timestamp
//! answer, and reading that answer (which the crate does not parse).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use branchdesk_domain::Sensitive;
use url::Url;

use crate::{Error, Result};

mod crypto;

/// What the client believes the time to be; a test turns it back to meet skew.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The largest clock offset believed from a server: a signed time further off than a day
/// is more likely a broken answer than a broken clock.
const MAX_OFFSET_SECS: i64 = 24 * 60 * 60;

/// Signs requests for one Hawk id. The offset from a stale-timestamp answer is kept for
/// every later request, so one correction serves the whole session.
pub(crate) struct Signer {
    credentials: hawk::Credentials,
    clock: Clock,
    offset_secs: AtomicI64,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("id", &self.credentials.id)
            .field("offset_secs", &self.offset_secs.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Signer {
    pub(crate) fn new(id: &str, key: &Sensitive<String>, clock: Clock) -> Result<Self> {
        if id.trim().is_empty() || key.expose().is_empty() {
            return Err(Error::Auth { status: 0 });
        }
        crypto::install();
        let key = hawk::Key::new(key.expose().as_bytes(), hawk::SHA256)
            .map_err(|_| Error::Auth { status: 0 })?;
        Ok(Self {
            credentials: hawk::Credentials {
                id: id.trim().to_owned(),
                key,
            },
            clock,
            offset_secs: AtomicI64::new(0),
        })
    }

    /// The `Authorization` value for `method` to `url`, with a fresh random nonce and the
    /// time as corrected by any offset learnt.
    pub(crate) fn authorization(&self, method: &str, url: &Url) -> Result<String> {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        self.authorization_at(method, url, self.now(), &nonce)
    }

    fn authorization_at(
        &self,
        method: &str,
        url: &Url,
        ts: SystemTime,
        nonce: &str,
    ) -> Result<String> {
        let host = url
            .host_str()
            .ok_or_else(|| Error::BadUrl(url.to_string()))?;
        let port = url.port().unwrap_or(443);
        let resource = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let header = hawk::RequestBuilder::new(method, host, port, &resource)
            .request()
            .make_header_full(&self.credentials, ts, nonce)
            .map_err(|e| {
                Error::InvalidRequest(format!("the Hawk header could not be made: {e}"))
            })?;
        Ok(format!("Hawk {header}"))
    }

    fn now(&self) -> SystemTime {
        let offset = self.offset_secs.load(Ordering::Relaxed);
        let now = (self.clock)();
        if offset >= 0 {
            now + Duration::from_secs(offset.unsigned_abs())
        } else {
            now - Duration::from_secs(offset.unsigned_abs())
        }
    }

    /// Reads a 401's `WWW-Authenticate`. When it gives the server's time, signed with our
    /// key (`tsm`), the offset to it is kept and `true` says the request is worth one more
    /// try. An unsigned or unreadable time is not believed: anyone on the way could send one.
    pub(crate) fn learn_server_time(&self, www_authenticate: &str) -> bool {
        let Some(attributes) = attributes(www_authenticate) else {
            return false;
        };
        let get = |name: &str| attributes.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let (Some(ts), Some(tsm)) = (get("ts"), get("tsm")) else {
            return false;
        };
        let Ok(server) = ts.parse::<i64>() else {
            return false;
        };
        let Ok(expected) = self
            .credentials
            .key
            .sign(format!("hawk.1.ts\n{server}\n").as_bytes())
        else {
            return false;
        };
        use base64::Engine;
        let Ok(given) = base64::engine::general_purpose::STANDARD.decode(tsm) else {
            return false;
        };
        if !constant_time_eq(&expected, &given) {
            return false;
        }
        let local = unix_secs((self.clock)());
        let offset = server - local;
        if offset.abs() > MAX_OFFSET_SECS {
            return false;
        }
        self.offset_secs.store(offset, Ordering::Relaxed);
        tracing::info!(
            offset_secs = offset,
            "BVNK's clock differs from ours; using its time"
        );
        true
    }
}

fn unix_secs(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    }
}

/// `name="value"` pairs after `Hawk `; `None` when the value is not Hawk's.
fn attributes(value: &str) -> Option<Vec<(&str, &str)>> {
    let rest = value.trim().strip_prefix("Hawk")?.trim_start();
    let mut out = Vec::new();
    for part in rest.split(',') {
        let (name, quoted) = part.trim().split_once('=')?;
        let inner = quoted.trim().strip_prefix('"')?.strip_suffix('"')?;
        out.push((name.trim(), inner));
    }
    Some(out)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    const KEY: &str = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn";

    fn signer(clock: Clock) -> Signer {
        Signer::new("dh37fgj492je", &Sensitive::new(KEY.to_owned()), clock).unwrap()
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Computed here with `hmac` and `sha2`, not by the code under test.
    fn independent_mac(text: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
        mac.update(text.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    #[test]
    fn the_specifications_own_example() {
        // Hawk's README: GET http://example.com:8000/resource/1?b=1&a=2 at ts 1353832234,
        // nonce j4h3g2, ext "some-app-ext-data" → this MAC. It proves the crate computes
        // the specification's MAC (with the backend in `crypto`); BVNK's variant (no ext) is
        // checked below.
        crypto::install();
        let credentials = hawk::Credentials {
            id: "dh37fgj492je".into(),
            key: hawk::Key::new(KEY.as_bytes(), hawk::SHA256).unwrap(),
        };
        let header = hawk::RequestBuilder::new("GET", "example.com", 8000, "/resource/1?b=1&a=2")
            .ext("some-app-ext-data")
            .request()
            .make_header_full(&credentials, at(1353832234), "j4h3g2")
            .unwrap();
        let mac = base64::engine::general_purpose::STANDARD.encode(&*header.mac.unwrap());
        assert_eq!(mac, "6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE=");
    }

    #[test]
    fn bvnks_variant_signs_path_query_host_and_443_without_hash_or_ext() {
        let s = signer(Arc::new(|| at(0)));
        let url = Url::parse("https://api.sandbox.bvnk.com/platform/v1/customers?page=2").unwrap();
        let value = s
            .authorization_at("POST", &url, at(1728655954), "MdPBLt")
            .unwrap();
        let expected = independent_mac(
            "hawk.1.header\n1728655954\nMdPBLt\nPOST\n/platform/v1/customers?page=2\napi.sandbox.bvnk.com\n443\n\n\n",
        );
        assert_eq!(
            value,
            format!(
                "Hawk id=\"dh37fgj492je\", ts=\"1728655954\", nonce=\"MdPBLt\", mac=\"{expected}\""
            )
        );
        assert!(!value.contains("hash=") && !value.contains("ext="));
        // A port in the address is the one signed.
        let local = Url::parse("http://127.0.0.1:4010/platform/v1/customers").unwrap();
        let value = s.authorization_at("GET", &local, at(10), "n").unwrap();
        let expected = independent_mac(
            "hawk.1.header\n10\nn\nGET\n/platform/v1/customers\n127.0.0.1\n4010\n\n\n",
        );
        assert!(value.ends_with(&format!("mac=\"{expected}\"")), "{value}");
    }

    #[test]
    fn every_request_has_a_new_nonce() {
        let s = signer(Arc::new(SystemTime::now));
        let url = Url::parse("https://api.bvnk.com/platform/v1/customers").unwrap();
        let nonces: std::collections::HashSet<String> = (0..500)
            .map(|_| {
                let value = s.authorization("GET", &url).unwrap();
                let header: hawk::Header = value["Hawk ".len()..].parse().unwrap();
                header.nonce.unwrap()
            })
            .collect();
        assert_eq!(nonces.len(), 500);
    }

    #[test]
    fn a_signed_server_time_moves_the_clock_and_an_unsigned_one_does_not() {
        let s = signer(Arc::new(|| at(1_000_000)));
        let url = Url::parse("https://api.bvnk.com/x").unwrap();
        let ts_of = |s: &Signer| {
            let value = s.authorization("GET", &url).unwrap();
            let header: hawk::Header = value["Hawk ".len()..].parse().unwrap();
            unix_secs(header.ts.unwrap())
        };
        assert_eq!(ts_of(&s), 1_000_000);
        let forged = "Hawk ts=\"1000300\", tsm=\"AAAA\", error=\"Stale timestamp\"";
        assert!(!s.learn_server_time(forged));
        assert!(!s.learn_server_time("Bearer realm=\"x\""));
        assert_eq!(ts_of(&s), 1_000_000);
        let tsm = independent_mac("hawk.1.ts\n1000300\n");
        let signed = format!("Hawk ts=\"1000300\", tsm=\"{tsm}\", error=\"Stale timestamp\"");
        assert!(s.learn_server_time(&signed));
        assert_eq!(ts_of(&s), 1_000_300);
        // A server time days away is not believed.
        let far = 1_000_000 + 3 * MAX_OFFSET_SECS;
        let tsm = independent_mac(&format!("hawk.1.ts\n{far}\n"));
        assert!(!s.learn_server_time(&format!("Hawk ts=\"{far}\", tsm=\"{tsm}\"")));
        assert_eq!(ts_of(&s), 1_000_300);
    }
}
