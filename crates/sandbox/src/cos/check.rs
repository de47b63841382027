//! Field checks for COS bodies.

use serde_json::Value;

use super::errors::{Errors, ENUM, FORMAT, REQUIRED, TOO_LONG, TYPE};
use crate::formats::{is_guid, is_upper_alpha, parse_date, present};

/// Field checks that collect every problem instead of stopping at the first.
pub(super) struct Check<'a> {
    obj: &'a Value,
    prefix: &'static str,
    pub(super) errors: Errors,
}

impl<'a> Check<'a> {
    pub(super) fn new(obj: &'a Value, prefix: &'static str) -> Self {
        Check {
            obj,
            prefix,
            errors: Vec::new(),
        }
    }

    pub(super) fn name(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    pub(super) fn required(&mut self, field: &str) -> bool {
        if present(self.obj, field) {
            true
        } else {
            self.errors
                .push((REQUIRED, format!("{} required", self.name(field))));
            false
        }
    }

    pub(super) fn string(&mut self, field: &str, required: bool, max: usize) -> Option<&'a str> {
        if required && !self.required(field) {
            return None;
        }
        match self.obj.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                if s.chars().count() > max {
                    self.errors.push((
                        TOO_LONG,
                        format!("{} must be at most {max} characters", self.name(field)),
                    ));
                }
                Some(s.as_str())
            }
            Some(_) => {
                self.errors
                    .push((TYPE, format!("{} must be a string", self.name(field))));
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, field: &str, required: bool) {
        match self.obj.get(field) {
            None | Some(Value::Null) if required => {
                self.errors
                    .push((REQUIRED, format!("{} required", self.name(field))));
            }
            None | Some(Value::Null) | Some(Value::Bool(_)) => {}
            Some(_) => self
                .errors
                .push((TYPE, format!("{} must be true or false", self.name(field)))),
        }
    }

    pub(super) fn one_of(
        &mut self,
        field: &str,
        required: bool,
        allowed: &[&str],
    ) -> Option<&'a str> {
        let value = self.string(field, required, 100)?;
        if allowed.contains(&value) {
            Some(value)
        } else {
            self.errors.push((
                ENUM,
                format!("{} must be one of {}", self.name(field), allowed.join(", ")),
            ));
            None
        }
    }

    pub(super) fn date(&mut self, field: &str, required: bool) -> Option<chrono::NaiveDate> {
        let value = self.string(field, required, 10_000)?;
        let date = parse_date(value);
        if date.is_none() {
            self.errors.push((
                FORMAT,
                format!("{} must be a date written YYYY-MM-DD", self.name(field)),
            ));
        }
        date
    }

    pub(super) fn guid(&mut self, field: &str, required: bool) -> Option<&'a str> {
        let value = self.string(field, required, 10_000)?;
        if is_guid(value) {
            Some(value)
        } else {
            self.errors
                .push((FORMAT, format!("{} must be a GUID", self.name(field))));
            None
        }
    }

    pub(super) fn country2(&mut self, field: &str, required: bool) {
        if let Some(value) = self.string(field, required, 10_000) {
            if !is_upper_alpha(value, 2) {
                self.errors.push((
                    FORMAT,
                    format!("{} must be a 2-letter country code", self.name(field)),
                ));
            }
        }
    }

    pub(super) fn number(
        &mut self,
        field: &str,
        required: bool,
        min: f64,
        max: f64,
    ) -> Option<f64> {
        match self.obj.get(field) {
            None | Some(Value::Null) => {
                if required {
                    self.errors
                        .push((REQUIRED, format!("{} required", self.name(field))));
                }
                None
            }
            Some(Value::Number(n)) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if !(min..=max).contains(&x) {
                    self.errors.push((
                        FORMAT,
                        format!("{} must be between {min} and {max}", self.name(field)),
                    ));
                    return None;
                }
                Some(x)
            }
            Some(_) => {
                self.errors
                    .push((TYPE, format!("{} must be a number", self.name(field))));
                None
            }
        }
    }

    pub(super) fn object(&mut self, field: &str, required: bool) -> Option<&'a Value> {
        match self.obj.get(field) {
            None | Some(Value::Null) => {
                if required {
                    self.errors
                        .push((REQUIRED, format!("{} required", self.name(field))));
                }
                None
            }
            Some(v @ Value::Object(_)) => Some(v),
            Some(_) => {
                self.errors
                    .push((TYPE, format!("{} must be an object", self.name(field))));
                None
            }
        }
    }

    pub(super) fn digits(&mut self, field: &str, required: bool, len: usize) -> Option<&'a str> {
        let value = self.string(field, required, 10_000)?;
        if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
            Some(value)
        } else {
            self.errors.push((
                FORMAT,
                format!("{} must be exactly {len} digits", self.name(field)),
            ));
            None
        }
    }
}
