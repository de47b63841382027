//! Validation rules, shared by the form (inline, as staff type) and by submission (nothing
//! invalid is sent). Each rule says which field it concerns and how to fix it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::draft::Person;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about one field. `field` is the draft's own (camelCase) field path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Issue {
    pub field: String,
    pub code: String,
    pub message: String,
    pub severity: Severity,
}

impl Issue {
    fn error(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
            severity: Severity::Error,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// People are not onboarded with a birth date further back than this.
const OLDEST_AGE_YEARS: i32 = 130;

pub fn digits_only(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// Checks a Personal customer draft. `today` is passed in so the rules stay pure.
pub fn person_on(person: &Person, today: NaiveDate) -> Vec<Issue> {
    let mut issues = Vec::new();
    issues.extend(required_name("firstName", "first name", &person.first_name));
    issues.extend(required_name("lastName", "last name", &person.last_name));
    issues.extend(birth_date("birthDate", &person.birth_date, today));
    issues.extend(ssn("ssn", &person.ssn));
    issues.extend(country_alpha2(
        "citizenshipCountry",
        &person.citizenship_country,
    ));
    issues
}

/// [`person_on`] for today's date.
pub fn person(person: &Person) -> Vec<Issue> {
    person_on(person, chrono::Local::now().date_naive())
}

fn required_name(field: &str, label: &str, value: &str) -> Option<Issue> {
    let value = value.trim();
    if value.is_empty() {
        return Some(Issue::error(
            field,
            "required",
            format!("Enter the customer's {label}."),
        ));
    }
    if value.chars().count() > 50 {
        return Some(Issue::error(
            field,
            "too_long",
            format!("The {label} can be at most 50 characters; shorten it."),
        ));
    }
    None
}

/// Parses `YYYY-MM-DD`, refusing dates that do not exist (2023-02-30).
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    let shaped = value.len() == 10
        && value.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

fn birth_date(field: &str, value: &str, today: NaiveDate) -> Option<Issue> {
    if value.trim().is_empty() {
        return Some(Issue::error(
            field,
            "required",
            "Enter the date of birth as YYYY-MM-DD.",
        ));
    }
    let Some(date) = parse_date(value) else {
        return Some(Issue::error(
            field,
            "date_format",
            "Enter a real date as YYYY-MM-DD, for example 1965-09-15.",
        ));
    };
    if date > today {
        return Some(Issue::error(
            field,
            "date_future",
            "The date of birth cannot be in the future.",
        ));
    }
    if today.year() - date.year() > OLDEST_AGE_YEARS {
        return Some(Issue::error(
            field,
            "date_too_old",
            format!("Check the year: that is more than {OLDEST_AGE_YEARS} years ago."),
        ));
    }
    None
}

/// SSN shape: nine digits; the area is never 000, 666 or 9xx, the group never 00 and the
/// serial never 0000 (the Social Security Administration issues none of those).
fn ssn(field: &str, value: &str) -> Option<Issue> {
    let typed = value.trim();
    if typed.is_empty() {
        return Some(Issue::error(
            field,
            "required",
            "Enter the Social Security number (9 digits).",
        ));
    }
    if typed
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
    {
        return Some(Issue::error(
            field,
            "ssn_format",
            "Use digits only, e.g. 123-45-6789.",
        ));
    }
    let digits = digits_only(typed);
    if digits.len() != 9 {
        return Some(Issue::error(
            field,
            "ssn_length",
            format!("An SSN has 9 digits; this has {}.", digits.len()),
        ));
    }
    let (area, group, serial) = (&digits[0..3], &digits[3..5], &digits[5..9]);
    if area == "000" || area == "666" || area.starts_with('9') {
        return Some(Issue::error(
            field,
            "ssn_area",
            "This is not a valid SSN: it cannot start with 000, 666 or 9. Check the card.",
        ));
    }
    if group == "00" || serial == "0000" {
        return Some(Issue::error(
            field,
            "ssn_group_serial",
            "This is not a valid SSN: the middle two digits cannot be 00 nor the last four 0000.",
        ));
    }
    None
}

fn country_alpha2(field: &str, value: &str) -> Option<Issue> {
    let code = value.trim().to_uppercase();
    if code.is_empty() {
        return Some(Issue::error(
            field,
            "required",
            "Choose the country of citizenship.",
        ));
    }
    if isocountry::CountryCode::for_alpha2(&code).is_err() {
        return Some(Issue::error(
            field,
            "country_code",
            "Use the two-letter ISO country code, e.g. US or MX.",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn peter() -> Person {
        Person {
            first_name: "Peter".into(),
            last_name: "Griffin".into(),
            birth_date: "1953-09-22".into(),
            ssn: "119-98-8776".into(),
            citizenship_country: "US".into(),
        }
    }

    fn codes_for(person: &Person, field: &str) -> Vec<String> {
        person_on(person, today())
            .into_iter()
            .filter(|i| i.field == field)
            .map(|i| i.code)
            .collect()
    }

    #[test]
    fn a_complete_person_has_no_issues() {
        assert_eq!(person_on(&peter(), today()), vec![]);
    }

    #[test]
    fn names_are_required_and_bounded() {
        let p = Person {
            first_name: "  ".into(),
            ..peter()
        };
        assert_eq!(codes_for(&p, "firstName"), ["required"]);
        let p = Person {
            last_name: "x".repeat(51),
            ..peter()
        };
        assert_eq!(codes_for(&p, "lastName"), ["too_long"]);
    }

    #[test]
    fn birth_dates_must_exist_and_be_plausible() {
        for (typed, code) in [
            ("", "required"),
            ("22/09/1953", "date_format"),
            ("1953-9-22", "date_format"),
            ("2023-02-30", "date_format"),
            ("2027-01-01", "date_future"),
            ("1890-01-01", "date_too_old"),
        ] {
            let p = Person {
                birth_date: typed.into(),
                ..peter()
            };
            assert_eq!(codes_for(&p, "birthDate"), [code], "for {typed:?}");
        }
        let p = Person {
            birth_date: "2024-02-29".into(),
            ..peter()
        };
        assert_eq!(codes_for(&p, "birthDate"), Vec::<String>::new());
    }

    #[test]
    fn ssn_shape_rules() {
        for (typed, code) in [
            ("", "required"),
            ("12345678", "ssn_length"),
            ("1234567890", "ssn_length"),
            ("123-45-678x", "ssn_format"),
            ("000-12-3456", "ssn_area"),
            ("666-12-3456", "ssn_area"),
            ("912-12-3456", "ssn_area"),
            ("123-00-4567", "ssn_group_serial"),
            ("123-45-0000", "ssn_group_serial"),
        ] {
            let p = Person {
                ssn: typed.into(),
                ..peter()
            };
            assert_eq!(codes_for(&p, "ssn"), [code], "for {typed:?}");
        }
        for typed in ["123456789", "123 45 6789", "123-45-6789"] {
            let p = Person {
                ssn: typed.into(),
                ..peter()
            };
            assert!(codes_for(&p, "ssn").is_empty(), "for {typed:?}");
        }
    }

    #[test]
    fn citizenship_is_an_iso_alpha2_code() {
        let p = Person {
            citizenship_country: "USA".into(),
            ..peter()
        };
        assert_eq!(codes_for(&p, "citizenshipCountry"), ["country_code"]);
        let p = Person {
            citizenship_country: "XX".into(),
            ..peter()
        };
        assert_eq!(codes_for(&p, "citizenshipCountry"), ["country_code"]);
        let p = Person {
            citizenship_country: "mx".into(),
            ..peter()
        };
        assert!(codes_for(&p, "citizenshipCountry").is_empty());
    }

    #[test]
    fn messages_say_how_to_fix() {
        let issues = person_on(&Person::default(), today());
        assert_eq!(issues.len(), 5);
        assert!(issues
            .iter()
            .all(|i| i.message.ends_with('.') && i.message.len() > 15));
    }
}
