//! Fault settings (the `--faults FILE.json` / `PUT /_sandbox/faults` document) and the
//! seeded engine that decides, request by request, which fault to inject.

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The whole fault document: an ordered list of rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

/// One fault rule. `endpoint` is `"METHOD /path"` (segments `{name}` or `*` match any one
/// segment, a trailing `**` matches the rest, `*` as method matches any); absent or `"*"`
/// applies to every provider endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    pub kind: FaultKind,
    /// Probability (0..=1) that a matching request gets this fault.
    #[serde(default = "default_rate")]
    pub rate: f64,
    /// Stop injecting after this many hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// HTTP status for `kind: "status"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Seconds in the `Retry-After` header of `rate_limit` (default 1) or `status` answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Milliseconds for `latency` (default 500) and `stall` (default 30000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// Bytes per chunk for `slow_body` (default 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_bytes: Option<usize>,
    /// Pause between chunks for `slow_body` (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_delay_ms: Option<u64>,
    /// Where a `redirect` points (required for it), e.g. `"http://127.0.0.1:9/x"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Length of a `huge_body` answer (default 1 GiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Whether a `huge_body` answer declares its length (default true); without it the
    /// body comes chunked and a client finds out only by reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_length: Option<bool>,
}

fn default_rate() -> f64 {
    1.0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` (e.g. 500, 502, 503) without touching state.
    Status,
    /// 429 with `Retry-After`, without touching state.
    RateLimit,
    /// 408 without touching state.
    Timeout,
    /// Read the request, then reset the connection without applying it.
    ResetRequest,
    /// Apply the request, send the head and half the body, then reset.
    ResetResponse,
    /// Apply the request, then drop the connection without any answer.
    FailAfterCommit,
    /// Delay the answer by `ms`; combines with other faults.
    Latency,
    /// Hold the request for `ms` before handling it.
    Stall,
    /// Send the answer in small chunks with pauses.
    SlowBody,
    /// Apply the request, then answer 2xx with an HTML page (`text/html`) instead of JSON,
    /// as a proxy's error or login page would.
    #[serde(rename = "garbled_2xx")]
    Garbled2xx,
    /// Apply the request, then answer 2xx with the JSON cut short: its `Content-Length`
    /// matches what is sent, so the framing is right and only the JSON is incomplete.
    #[serde(rename = "truncated_2xx")]
    Truncated2xx,
    /// Answer 307 with `Location: location`, without applying the request.
    Redirect,
    /// Apply the request, then answer 2xx with a body of `bytes` (default 1 GiB), streamed.
    HugeBody,
}

/// `huge_body`'s default length.
const HUGE_BODY_BYTES: u64 = 1024 * 1024 * 1024;

impl Faults {
    pub fn from_json_str(text: &str) -> Result<Faults> {
        let faults: Faults = serde_json::from_str(text)?;
        faults.validate()?;
        Ok(faults)
    }

    pub fn from_json_file(path: &Path) -> Result<Faults> {
        let text = std::fs::read_to_string(path)?;
        Self::from_json_str(&text)
    }

    fn validate(&self) -> Result<()> {
        for (i, rule) in self.rules.iter().enumerate() {
            let bad = |why: &str| Err(Error::Faults(format!("rule {i}: {why}")));
            if !(0.0..=1.0).contains(&rule.rate) || rule.rate.is_nan() {
                return bad("rate must be between 0 and 1");
            }
            if let Some(endpoint) = &rule.endpoint {
                if endpoint != "*" && parse_endpoint(endpoint).is_none() {
                    return bad("endpoint must look like \"POST /core/v1/cm/customers\"");
                }
            }
            match (rule.kind, rule.status) {
                (FaultKind::Status, None) => return bad("kind \"status\" needs \"status\""),
                (FaultKind::Status, Some(s)) if !(400..=599).contains(&s) => {
                    return bad("status must be 400..=599")
                }
                (FaultKind::Status, Some(_)) => {}
                (_, Some(_)) => return bad("\"status\" only goes with kind \"status\""),
                (_, None) => {}
            }
            if rule.chunk_bytes == Some(0) {
                return bad("chunk_bytes must be at least 1");
            }
            match (rule.kind, &rule.location) {
                (FaultKind::Redirect, None) => return bad("kind \"redirect\" needs \"location\""),
                (FaultKind::Redirect, Some(to)) if url::Url::parse(to).is_err() => {
                    return bad("location must be an absolute URL")
                }
                (FaultKind::Redirect, Some(_)) | (_, None) => {}
                (_, Some(_)) => return bad("\"location\" only goes with kind \"redirect\""),
            }
            if rule.kind != FaultKind::HugeBody
                && (rule.bytes.is_some() || rule.content_length.is_some())
            {
                return bad("\"bytes\" and \"content_length\" only go with kind \"huge_body\"");
            }
        }
        Ok(())
    }
}

fn parse_endpoint(endpoint: &str) -> Option<(&str, &str)> {
    let (method, path) = endpoint.trim().split_once(' ')?;
    let path = path.trim();
    (!method.is_empty() && path.starts_with('/')).then_some((method, path))
}

fn endpoint_matches(pattern: &Option<String>, method: &str, path: &str) -> bool {
    let Some(pattern) = pattern else { return true };
    if pattern == "*" {
        return true;
    }
    let Some((want_method, want_path)) = parse_endpoint(pattern) else {
        return false;
    };
    if want_method != "*" && !want_method.eq_ignore_ascii_case(method) {
        return false;
    }
    let mut want = want_path.trim_matches('/').split('/');
    let mut have = path.trim_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some("**"), _) => return true,
            (Some(w), Some(h)) => {
                let any = w == "*" || (w.starts_with('{') && w.ends_with('}'));
                if !any && !w.eq_ignore_ascii_case(h) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// What the middleware must do to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    ResetRequest,
    ResetResponse,
    FailAfterCommit,
    Stall {
        ms: u64,
    },
    SlowBody {
        chunk_bytes: usize,
        delay_ms: u64,
    },
    Garbled2xx,
    Truncated2xx,
    Redirect {
        location: String,
    },
    HugeBody {
        bytes: u64,
        content_length: bool,
    },
}

#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) latency_ms: u64,
    pub(crate) action: Option<Action>,
}

pub(crate) struct FaultEngine {
    seed: u64,
    faults: Faults,
    rng: ChaCha8Rng,
    hits: Vec<u64>,
}

impl FaultEngine {
    pub(crate) fn new(seed: u64, faults: Faults) -> Self {
        let hits = vec![0; faults.rules.len()];
        Self {
            seed,
            faults,
            rng: ChaCha8Rng::seed_from_u64(seed),
            hits,
        }
    }

    /// Replacing the rules restarts the random stream so a given document behaves the same
    /// whenever it is installed.
    pub(crate) fn replace(&mut self, faults: Faults) {
        *self = Self::new(self.seed, faults);
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    pub(crate) fn plan(&mut self, method: &str, path: &str) -> Plan {
        let mut plan = Plan::default();
        for (i, rule) in self.faults.rules.iter().enumerate() {
            if !endpoint_matches(&rule.endpoint, method, path) {
                continue;
            }
            if rule.times.is_some_and(|t| self.hits[i] >= t) {
                continue;
            }
            let draw: f64 = self.rng.gen();
            if draw >= rule.rate {
                continue;
            }
            let action = match rule.kind {
                FaultKind::Latency => {
                    plan.latency_ms += rule.ms.unwrap_or(500);
                    self.hits[i] += 1;
                    continue;
                }
                _ if plan.action.is_some() => continue,
                FaultKind::Status => Action::Status {
                    status: rule.status.unwrap_or(503),
                    retry_after: rule.retry_after,
                },
                FaultKind::RateLimit => Action::Status {
                    status: 429,
                    retry_after: Some(rule.retry_after.unwrap_or(1)),
                },
                FaultKind::Timeout => Action::Status {
                    status: 408,
                    retry_after: None,
                },
                FaultKind::ResetRequest => Action::ResetRequest,
                FaultKind::ResetResponse => Action::ResetResponse,
                FaultKind::FailAfterCommit => Action::FailAfterCommit,
                FaultKind::Stall => Action::Stall {
                    ms: rule.ms.unwrap_or(30_000),
                },
                FaultKind::SlowBody => Action::SlowBody {
                    chunk_bytes: rule.chunk_bytes.unwrap_or(16),
                    delay_ms: rule.chunk_delay_ms.unwrap_or(100),
                },
                FaultKind::Garbled2xx => Action::Garbled2xx,
                FaultKind::Truncated2xx => Action::Truncated2xx,
                FaultKind::Redirect => Action::Redirect {
                    location: rule.location.clone().unwrap_or_default(),
                },
                FaultKind::HugeBody => Action::HugeBody {
                    bytes: rule.bytes.unwrap_or(HUGE_BODY_BYTES),
                    content_length: rule.content_length.unwrap_or(true),
                },
            };
            self.hits[i] += 1;
            plan.action = Some(action);
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_patterns() {
        let p = |s: &str| Some(s.to_string());
        assert!(endpoint_matches(&None, "GET", "/x"));
        assert!(endpoint_matches(
            &p("POST /core/v1/cm/customers"),
            "post",
            "/core/v1/cm/customers"
        ));
        assert!(!endpoint_matches(
            &p("POST /core/v1/cm/customers"),
            "GET",
            "/core/v1/cm/customers"
        ));
        assert!(!endpoint_matches(
            &p("POST /core/v1/cm/customers"),
            "POST",
            "/core/v1/cm/customers/{id}/phones"
        ));
        assert!(endpoint_matches(
            &p("POST /core/v1/cm/customers/{id}/phones"),
            "POST",
            "/core/v1/cm/customers/{id}/phones"
        ));
        assert!(endpoint_matches(
            &p("* /platform/**"),
            "PUT",
            "/platform/v1/customers/{id}"
        ));
    }

    #[test]
    fn same_seed_same_draws() {
        let faults = Faults::from_json_str(
            r#"{"rules":[{"endpoint":"POST /a","kind":"status","status":503,"rate":0.5}]}"#,
        )
        .unwrap();
        let run = |seed| {
            let mut e = FaultEngine::new(seed, faults.clone());
            (0..64)
                .map(|_| e.plan("POST", "/a").action.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let hits = run(7).iter().filter(|x| **x).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }

    #[test]
    fn times_limits_hits_and_bad_documents_are_refused() {
        let faults = Faults::from_json_str(r#"{"rules":[{"kind":"timeout","times":2}]}"#).unwrap();
        let mut e = FaultEngine::new(1, faults);
        let fired: Vec<_> = (0..4)
            .map(|_| e.plan("GET", "/x").action.is_some())
            .collect();
        assert_eq!(fired, vec![true, true, false, false]);
        assert!(Faults::from_json_str(r#"{"rules":[{"kind":"status"}]}"#).is_err());
        assert!(Faults::from_json_str(r#"{"rules":[{"kind":"timeout","rate":2}]}"#).is_err());
        assert!(Faults::from_json_str(r#"{"rules":[{"kind":"nope"}]}"#).is_err());
        assert!(Faults::from_json_str(r#"{"rules":[{"kind":"timeout","endpoint":"x"}]}"#).is_err());
    }

    #[test]
    fn answer_faults_read_with_their_settings() {
        let faults = Faults::from_json_str(
            r#"{"rules":[{"kind":"redirect","location":"http://127.0.0.1:9/x","times":1},
                {"kind":"huge_body","times":1},
                {"kind":"huge_body","bytes":10,"content_length":false,"times":1},
                {"kind":"garbled_2xx","times":1},{"kind":"truncated_2xx"}]}"#,
        )
        .unwrap();
        let mut e = FaultEngine::new(1, faults);
        let actions: Vec<_> = (0..5).map(|_| e.plan("POST", "/x").action).collect();
        assert_eq!(
            actions,
            vec![
                Some(Action::Redirect {
                    location: "http://127.0.0.1:9/x".into()
                }),
                Some(Action::HugeBody {
                    bytes: 1024 * 1024 * 1024,
                    content_length: true
                }),
                Some(Action::HugeBody {
                    bytes: 10,
                    content_length: false
                }),
                Some(Action::Garbled2xx),
                Some(Action::Truncated2xx),
            ]
        );
        assert!(Faults::from_json_str(r#"{"rules":[{"kind":"redirect"}]}"#).is_err());
        assert!(
            Faults::from_json_str(r#"{"rules":[{"kind":"redirect","location":"not a url"}]}"#)
                .is_err()
        );
        assert!(
            Faults::from_json_str(r#"{"rules":[{"kind":"timeout","location":"http://x/"}]}"#)
                .is_err()
        );
        assert!(Faults::from_json_str(r#"{"rules":[{"kind":"timeout","bytes":3}]}"#).is_err());
    }
}
