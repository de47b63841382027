//! Where the rules collect their findings, each on its field path.

use chrono::NaiveDate;

use super::values::*;
use crate::issue::*;

/// Collects issues with their paths.
#[derive(Default)]
pub(super) struct Rules {
    pub(super) issues: Vec<Issue>,
}

impl Rules {
    pub(super) fn add(&mut self, issue: Option<Issue>) {
        self.issues.extend(issue);
    }

    pub(super) fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue::error(field, code, message));
    }

    pub(super) fn warning(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue::warning(field, code, message));
    }

    /// A required text; `what` is how staff would name it ("the city").
    pub(super) fn required(&mut self, field: &str, value: &str, what: &str, max: usize) -> bool {
        if value.trim().is_empty() {
            self.error(field, "required", format!("Enter {what}."));
            return false;
        }
        self.max_len(field, value, what, max)
    }

    pub(super) fn max_len(&mut self, field: &str, value: &str, what: &str, max: usize) -> bool {
        if value.trim().chars().count() > max {
            self.error(
                field,
                "too_long",
                format!(
                    "{} can be at most {max} characters; shorten it.",
                    capitalise(what)
                ),
            );
            return false;
        }
        true
    }

    pub(super) fn one_of(
        &mut self,
        field: &str,
        value: &str,
        what: &str,
        allowed: &[&str],
    ) -> bool {
        let value = value.trim();
        if value.is_empty() {
            self.error(field, "required", format!("Choose {what}."));
            return false;
        }
        if !allowed.contains(&value) {
            self.error(
                field,
                "not_allowed",
                format!("Choose {what} from: {}.", allowed.join(", ")),
            );
            return false;
        }
        true
    }

    /// An optional date (see [`parse_date`]) that must exist.
    pub(super) fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        if value.trim().is_empty() {
            return None;
        }
        let date = parse_date(value);
        if date.is_none() {
            self.error(
                field,
                "date_format",
                "Enter a real date as MM/DD/YYYY or YYYY-MM-DD, for example 07/14/2029.",
            );
        }
        date
    }

    pub(super) fn not_future(
        &mut self,
        field: &str,
        date: Option<NaiveDate>,
        today: NaiveDate,
        what: &str,
    ) {
        if date.is_some_and(|d| d > today) {
            self.error(
                field,
                "date_future",
                format!(
                    "{} cannot be in the future; check the date.",
                    capitalise(what)
                ),
            );
        }
    }

    pub(super) fn country(&mut self, field: &str, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.error(field, "required", format!("Choose {what}."));
        } else {
            self.add(country_code(field, value));
        }
    }

    pub(super) fn optional_country(&mut self, field: &str, value: &str) {
        if !value.trim().is_empty() {
            self.add(country_code(field, value));
        }
    }

    pub(super) fn percentage(&mut self, field: &str, value: &str, required: bool) -> Option<f64> {
        if value.trim().is_empty() {
            if required {
                self.error(
                    field,
                    "required",
                    "Enter the ownership percentage, 0 to 100.",
                );
            }
            return None;
        }
        match parse_percentage(value) {
            Some(p) if (0.0..=100.0).contains(&p) => Some(p),
            Some(_) => {
                self.error(
                    field,
                    "percent_range",
                    "Enter a percentage between 0 and 100.",
                );
                None
            }
            None => {
                self.error(
                    field,
                    "percent_format",
                    "Enter the percentage as a number, e.g. 25 or 12.5.",
                );
                None
            }
        }
    }

    pub(super) fn only_one_primary(
        &mut self,
        list: &str,
        primaries: impl Iterator<Item = bool>,
        what: &str,
    ) {
        let count = primaries.filter(|p| *p).count();
        if count > 1 {
            self.error(
                list,
                "several_primary",
                format!("Only one {what} can be primary; untick the others."),
            );
        }
    }
}

pub(super) fn capitalise(what: &str) -> String {
    let what = what.strip_prefix("the ").unwrap_or(what);
    let mut chars = what.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
