//! Field checks for Fin.com bodies, collecting every problem with its path.

use axum::body::Bytes;
use serde_json::Value;

use super::reply::FieldErrors;
use crate::countries::is_alpha3;
use crate::formats::parse_date;

pub(super) fn json_object(body: &Bytes) -> Option<Value> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
}

/// Collects every problem of a Create Individual V2 body.
pub(super) struct Check {
    pub(super) errors: FieldErrors,
}

impl Check {
    pub(super) fn push(&mut self, field: impl Into<String>, msg: impl Into<String>) {
        self.errors.push((field.into(), msg.into()));
    }

    pub(super) fn object<'a>(&mut self, v: &'a Value, key: &str, path: &str) -> Option<&'a Value> {
        match v.get(key) {
            Some(o @ Value::Object(_)) => Some(o),
            None | Some(Value::Null) => {
                self.push(path, "is required");
                None
            }
            Some(_) => {
                self.push(path, "must be an object");
                None
            }
        }
    }

    pub(super) fn string<'a>(
        &mut self,
        v: &'a Value,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<&'a str> {
        match v.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
            None | Some(Value::Null) if !required => None,
            Some(Value::String(_)) | None | Some(Value::Null) => {
                self.push(path, "is required");
                None
            }
            Some(_) => {
                self.push(path, "must be a string");
                None
            }
        }
    }

    pub(super) fn one_of(
        &mut self,
        v: &Value,
        key: &str,
        path: &str,
        required: bool,
        allowed: &[&str],
    ) -> Option<String> {
        let s = self.string(v, key, path, required)?;
        if allowed.contains(&s) {
            Some(s.to_string())
        } else {
            self.push(path, format!("must be one of {}", allowed.join(", ")));
            None
        }
    }

    pub(super) fn country(
        &mut self,
        v: &Value,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<String> {
        let s = self.string(v, key, path, required)?;
        if is_alpha3(s) {
            Some(s.to_string())
        } else {
            self.push(path, "must be an ISO 3166-1 alpha-3 country code");
            None
        }
    }

    /// A non-ASCII value needs its `_en` Latin transliteration next to it.
    pub(super) fn with_latin(&mut self, v: &Value, key: &str, prefix: &str, required: bool) {
        let path = format!("{prefix}.{key}");
        let Some(value) = self.string(v, key, &path, required) else {
            return;
        };
        let en_key = format!("{key}_en");
        let en_path = format!("{prefix}.{en_key}");
        let en = self.string(v, &en_key, &en_path, false);
        if !value.is_ascii() && en.is_none() {
            self.push(
                en_path.clone(),
                format!("is required because {key} is not Latin"),
            );
        }
        if en.is_some_and(|e| !e.is_ascii()) {
            self.push(en_path, "must be written in Latin (ASCII) characters");
        }
    }

    pub(super) fn integer(&mut self, v: &Value, key: &str, path: &str, min: i64) -> Option<i64> {
        match v.get(key) {
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
                let x = n.as_i64().unwrap_or(i64::MAX);
                if x < min {
                    self.push(path, format!("must be at least {min}"));
                }
                Some(x)
            }
            None | Some(Value::Null) => {
                self.push(path, "is required");
                None
            }
            Some(_) => {
                self.push(path, "must be an integer");
                None
            }
        }
    }

    pub(super) fn date(
        &mut self,
        v: &Value,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<chrono::NaiveDate> {
        let s = self.string(v, key, path, required)?;
        let d = parse_date(s);
        if d.is_none() {
            self.push(path, "must be a date written YYYY-MM-DD");
        }
        d
    }
}
