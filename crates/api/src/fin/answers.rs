//! How Fin.com's answers are read: its error bodies onto [`Error`], its data out of its
//! `data` envelope, and what a failure means for the call that met it.

use serde_json::Value;

use super::customer::AttachPrecondition;
use crate::exchange::{json_of, json_problem, unreadable, Answer, Stakes};
use crate::http::retry_after;
use crate::{Error, FieldProblem, Result};

/// What a call is, for deciding what a failure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Create,
    Upload,
    Attach,
    Read,
}

impl Op {
    pub(super) fn stakes(self) -> Stakes {
        match self {
            Op::Create => Stakes::Create,
            Op::Upload | Op::Attach | Op::Read => Stakes::Repeatable,
        }
    }
}

pub(super) fn judge(answer: Answer, op: Op) -> Result<Answer> {
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
pub(super) fn read_data<T: serde::de::DeserializeOwned>(answer: &Answer, op: Op) -> Result<T> {
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
    use reqwest::StatusCode;

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
