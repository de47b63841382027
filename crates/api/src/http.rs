//! What every provider client shares: the address rules and the retry policy.

use std::time::Duration;

use url::Url;

use crate::{Error, Result};

/// Refuses anything but `https://`, except plain `http://` to a loopback address, which is
/// where the Training sandbox listens.
pub fn check_base_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw).map_err(|_| Error::BadUrl(raw.to_owned()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::InsecureUrl(raw.to_owned())),
        _ => Err(Error::BadUrl(raw.to_owned())),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Status codes after which the provider may still apply a resend of the same request:
/// COS documents 408, 409, 424, 429 and 5xx as safe to retry with the same key.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 424 | 429) || (500..=599).contains(&status)
}

/// Capped exponential backoff with full jitter, bounded in attempts.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub min_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_attempts: 5,
        }
    }
}

impl RetryPolicy {
    pub(crate) fn backoff(&self) -> backon::ExponentialBuilder {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1))
            .with_jitter()
    }
}

/// Reads `Retry-After` given in seconds (the form the providers use).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The longest `Retry-After` obeyed: a longer one would leave staff looking at a spinner,
/// so the attempt goes ahead and the provider can say again.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The wait before the next attempt: the backoff's own delay, or the provider's
/// `Retry-After` (up to [`MAX_RETRY_AFTER`]) when that is longer. `None` — no attempt left —
/// stays `None`: a `Retry-After` on every answer must not make the attempts endless.
pub(crate) fn next_delay(error: &Error, backoff: Option<Duration>) -> Option<Duration> {
    let backoff = backoff?;
    match error {
        Error::Unavailable {
            retry_after: Some(wait),
            ..
        } => Some((*wait).min(MAX_RETRY_AFTER).max(backoff)),
        _ => Some(backoff),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_allowed() {
        assert!(check_base_url("https://sandbox.crbcos.com").is_ok());
        assert!(check_base_url("http://127.0.0.1:4000").is_ok());
        assert!(check_base_url("http://[::1]:4000").is_ok());
        assert!(check_base_url("http://localhost:4000").is_ok());
        assert!(matches!(
            check_base_url("http://sandbox.crbcos.com"),
            Err(Error::InsecureUrl(_))
        ));
        assert!(matches!(
            check_base_url("http://10.0.0.8"),
            Err(Error::InsecureUrl(_))
        ));
        assert!(matches!(check_base_url("ftp://x"), Err(Error::BadUrl(_))));
        assert!(matches!(check_base_url("not a url"), Err(Error::BadUrl(_))));
    }

    #[test]
    fn the_documented_retryable_statuses() {
        for status in [408, 409, 424, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }

    #[test]
    fn retry_after_never_adds_attempts() {
        let limited = Error::Unavailable {
            status: 429,
            detail: None,
            retry_after: Some(Duration::from_secs(1)),
        };
        // The backoff has no attempt left: none is made, whatever the provider asks.
        assert_eq!(next_delay(&limited, None), None);
        // Otherwise the longer of the two waits.
        let short = Some(Duration::from_millis(10));
        assert_eq!(next_delay(&limited, short), Some(Duration::from_secs(1)));
        let long = Some(Duration::from_secs(5));
        assert_eq!(next_delay(&limited, long), long);
        let forever = Error::Unavailable {
            status: 429,
            detail: None,
            retry_after: Some(Duration::from_secs(3600)),
        };
        assert_eq!(next_delay(&forever, short), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn retry_after_in_seconds() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(reqwest::header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    }
}
