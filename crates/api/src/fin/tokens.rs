//! Fin.com's tokens: issued by client credentials, renewed with the refresh token before
//! they expire, and shared by every call of one client.

use std::time::{Duration, Instant, SystemTime};

use branchdesk_domain::Sensitive;
use chrono::{DateTime, Utc};
use reqwest::header::ACCEPT;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use super::config::FinConfig;
use crate::exchange::exchange;
use crate::http::{check_base_url, retry_after};
use crate::{Error, Result, Timeouts};

/// A token is renewed this long before it expires (or a fifth of its life, if shorter), so
/// a request never races its expiry.
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

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

/// Where tokens come from and the one this client holds; the lock is held while fetching,
/// so concurrent callers share one request.
pub(super) struct TokenSource {
    http: reqwest::Client,
    token_url: Url,
    refresh_url: Url,
    client_id: String,
    client_secret: Sensitive<String>,
    timeouts: Timeouts,
    tokens: Mutex<Option<Tokens>>,
}

impl TokenSource {
    /// Tokens from `config.token_url`, or from `v1/oauth/token` under the checked `base`.
    pub(super) fn new(http: reqwest::Client, config: &FinConfig, base: &Url) -> Result<Self> {
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
            token_url,
            refresh_url,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            timeouts: config.timeouts,
            tokens: Mutex::new(None),
        })
    }

    /// Obtains a token now by client credentials, to check that they work.
    pub(super) async fn check_credentials(&self) -> Result<()> {
        let mut tokens = self.tokens.lock().await;
        *tokens = None;
        *tokens = Some(self.issue().await?);
        Ok(())
    }

    /// Marks the token a request was refused with as spent, unless another caller has
    /// already replaced it.
    pub(super) async fn expire(&self, used: &Sensitive<String>) {
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
    pub(super) async fn bearer(&self) -> Result<Sensitive<String>> {
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
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose(),
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
        let timeouts = &self.timeouts;
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
}
