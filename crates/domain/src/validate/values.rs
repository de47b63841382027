//! The rules of single values: names, dates, tax ids, countries, US states and ZIP codes,
//! e-mail addresses, phone numbers, amounts, and the lists of choices each field takes.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::draft::Person;

use crate::issue::*;

/// People are not onboarded with a birth date further back than this.
pub(super) const OLDEST_AGE_YEARS: i32 = 130;

/// An identity document this close to its expiry is accepted with a warning: it will need
/// replacing soon after the account opens.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// COS limits `clientIdentifier` and the `idempotency-Key` header to this many characters.
pub const MAX_IDENTIFIER_CHARS: usize = 50;

/// COS's name fields hold at most this many characters.
pub(super) const MAX_NAME_CHARS: usize = 50;

pub const TAX_ID_TYPES: &[&str] = &["Ssn", "Ein", "Itin", "Foreign"];
/// The tax ids the COS form offers a person: an EIN is a business's, and COS takes no
/// foreign tax id.
pub const COS_PERSON_TAX_ID_TYPES: &[&str] = &["Ssn", "Itin"];
/// The documents the COS form offers (`SocialSecurity` is a card COS takes but staff do not
/// onboard with).
pub const COS_ID_TYPES: &[&str] = &["DriversLicense", "Passport", "IdCard", "Other"];
pub const ID_TYPES: &[&str] = &[
    "DriversLicense",
    "Passport",
    "IdCard",
    "SocialSecurity",
    "Other",
];
/// COS documents `Home, Work, …`: the list is open, so an unknown type is only a warning.
pub const ADDRESS_TYPES: &[&str] = &["Home", "Work", "Mailing", "Business", "Other"];
pub const ADDRESS_CLASSIFICATIONS: &[&str] = &["Residential", "Business"];
pub const PHONE_TYPES: &[&str] = &["Mobile", "Work", "Home"];
pub const RISK_RATINGS: &[&str] = &["Low", "Medium", "High"];
pub const EMPLOYMENT_STATUSES: &[&str] = &[
    "EMPLOYED",
    "SELF_EMPLOYED",
    "RETIRED",
    "STUDENT",
    "UNEMPLOYED",
];

/// USPS codes of the states, DC, the territories and the armed-forces "states".
pub const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "UM", "FM", "MH", "PW", "AA", "AE", "AP",
];

/// EIN prefixes the IRS assigns (its "valid EIN prefixes" list, by campus and Internet).
/// The IRS has added prefixes over time, so an unknown one is a warning, not a refusal.
pub(super) const EIN_PREFIXES: &[std::ops::RangeInclusive<u8>] = &[
    1..=6,
    10..=16,
    20..=27,
    30..=39,
    40..=48,
    50..=68,
    71..=77,
    80..=88,
    90..=95,
    98..=99,
];

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

pub(super) fn required_name(field: &str, label: &str, value: &str) -> Option<Issue> {
    let value = value.trim();
    if value.is_empty() {
        return Some(Issue::error(
            field,
            "required",
            format!("Enter the customer's {label}."),
        ));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Some(Issue::error(
            field,
            "too_long",
            format!("The {label} can be at most {MAX_NAME_CHARS} characters; shorten it."),
        ));
    }
    None
}

/// Parses a date as staff at a US counter type it, refusing dates that do not exist
/// (2023-02-30): `YYYY-MM-DD`; the US month-first `MM/DD/YYYY` and `M/D/YYYY` (also with
/// dashes, `07-23-1985`); and the day-first dotted `DD.MM.YYYY` printed on many foreign
/// documents. The year always has four digits: `07/23/85` could be two centuries.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    let digits = |part: &str, max: usize| {
        (1..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    let separator = value.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = value.split(separator).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let number = |part: &str| part.parse::<u32>().ok();
    let (year, month, day) = match separator {
        // ISO as before: zero-padded, so `1953-9-22` is still questioned.
        '-' if a.len() == 4 && b.len() == 2 && c.len() == 2 => (a, b, c),
        '-' | '/' if digits(a, 2) && digits(b, 2) && c.len() == 4 => (c, a, b),
        '.' if digits(a, 2) && digits(b, 2) && c.len() == 4 => (c, b, a),
        _ => return None,
    };
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return None;
    }
    let year = i32::try_from(number(year)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
}

/// A date as the providers take it (`YYYY-MM-DD`); what does not parse is left as typed.
pub(super) fn iso_date(value: &str) -> String {
    parse_date(value)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| tidy(value))
}

pub(super) fn birth_date(field: &str, value: &str, today: NaiveDate) -> Option<Issue> {
    if value.trim().is_empty() {
        return Some(Issue::error(
            field,
            "required",
            "Enter the date of birth, e.g. 09/15/1965 or 1965-09-15.",
        ));
    }
    let Some(date) = parse_date(value) else {
        return Some(Issue::error(
            field,
            "date_format",
            "Enter a real date as MM/DD/YYYY or YYYY-MM-DD, for example 09/15/1965.",
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
pub(super) fn ssn(field: &str, value: &str) -> Option<Issue> {
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

/// EIN shape: nine digits, usually written `12-3456789`, with a prefix the IRS assigns.
pub(super) fn ein(field: &str, value: &str) -> Option<Issue> {
    let typed = value.trim();
    if typed.is_empty() {
        return Some(Issue::error(
            field,
            "required",
            "Enter the Employer Identification Number (9 digits, e.g. 12-3456789).",
        ));
    }
    if typed
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
    {
        return Some(Issue::error(
            field,
            "ein_format",
            "Use digits only, e.g. 12-3456789.",
        ));
    }
    let digits = digits_only(typed);
    if digits.len() != 9 {
        return Some(Issue::error(
            field,
            "ein_length",
            format!("An EIN has 9 digits; this has {}.", digits.len()),
        ));
    }
    let prefix: u8 = digits[0..2].parse().unwrap_or(0);
    if !EIN_PREFIXES.iter().any(|r| r.contains(&prefix)) {
        return Some(Issue::warning(
            field,
            "ein_prefix",
            format!(
                "The IRS does not assign EINs starting {:02}; check the number on the IRS letter.",
                prefix
            ),
        ));
    }
    None
}

/// ITIN shape: nine digits starting with 9 (the IRS issues ITINs only in the 9xx range).
pub(super) fn itin(field: &str, value: &str) -> Option<Issue> {
    let typed = value.trim();
    let digits = digits_only(typed);
    if typed.is_empty() {
        return Some(Issue::error(
            field,
            "required",
            "Enter the ITIN (9 digits starting with 9).",
        ));
    }
    if typed
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
        || digits.len() != 9
        || !digits.starts_with('9')
    {
        return Some(Issue::error(
            field,
            "itin_format",
            "An ITIN has 9 digits and starts with 9, e.g. 912-70-1234.",
        ));
    }
    None
}

pub(super) fn country_alpha2(field: &str, value: &str) -> Option<Issue> {
    let code = value.trim().to_uppercase();
    if code.is_empty() {
        return Some(Issue::error(
            field,
            "required",
            "Choose the country of citizenship.",
        ));
    }
    country_code(field, &code)
}

pub(super) fn country_code(field: &str, value: &str) -> Option<Issue> {
    let code = value.trim().to_uppercase();
    if isocountry::CountryCode::for_alpha2(&code).is_err() {
        return Some(Issue::error(
            field,
            "country_code",
            "Use the two-letter ISO country code, e.g. US or MX.",
        ));
    }
    None
}

/// A GUID as COS writes them: 8-4-4-4-12 hexadecimal digits.
pub fn is_guid(value: &str) -> bool {
    let value = value.trim();
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn is_us_state(code: &str) -> bool {
    US_STATES.contains(&code.trim().to_uppercase().as_str())
}

/// `12345` or `12345-6789`.
pub fn is_zip(value: &str) -> bool {
    let five = |p: &str| p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit());
    match value.trim().split_once('-') {
        Some((zip, plus4)) => {
            five(zip) && plus4.len() == 4 && plus4.bytes().all(|b| b.is_ascii_digit())
        }
        None => five(value.trim()),
    }
}

/// RFC 5321/5322 syntax, by the `email_address` crate.
pub fn is_email(value: &str) -> bool {
    let value = value.trim();
    // The crate accepts dotless domains (`a@localhost`), which no customer has.
    email_address::EmailAddress::is_valid(value)
        && value
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'))
}

pub(super) fn parse_phone(typed: &str, region: &str) -> Option<phonenumber::PhoneNumber> {
    let region = if region.trim().is_empty() {
        phonenumber::country::Id::US
    } else {
        phonenumber::country::Id::from_str(&region.trim().to_uppercase()).ok()?
    };
    let number = phonenumber::parse(Some(region), typed.trim()).ok()?;
    number.is_valid().then_some(number)
}

/// A North American number as COS wants it: 10 digits, no `+1`, from what people type
/// (`(201) 555-2345`, `+1 201 555 2345`, `201.555.2345`). `None` when it is not one.
pub fn us_phone_digits(typed: &str) -> Option<String> {
    let number = parse_phone(typed, "US")?;
    if number.code().value() != 1 {
        return None;
    }
    let national = number.national().value().to_string();
    (national.len() == 10).then_some(national)
}

/// The number in E.164 (`+12015552345`), reading it in `region` (alpha-2, empty for US)
/// when it was typed without a country code. `None` when it is not a valid number.
pub fn phone_e164(typed: &str, region: &str) -> Option<String> {
    let number = parse_phone(typed, region)?;
    Some(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// The `idempotency-Key` COS accepts: 1 to 50 characters, printable ASCII.
pub fn check_idempotency_key(key: &str) -> Option<Issue> {
    let field = "idempotencyKey";
    if key.is_empty() || key.chars().count() > MAX_IDENTIFIER_CHARS {
        return Some(Issue::error(
            field,
            "idempotency_key_length",
            format!(
                "The idempotency key must be 1 to {MAX_IDENTIFIER_CHARS} characters; use a UUID."
            ),
        ));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Some(Issue::error(
            field,
            "idempotency_key_format",
            "The idempotency key must be printable ASCII without spaces; use a UUID.",
        ));
    }
    None
}

/// A percentage as typed (`25`, `25.5`, `25 %`), or `None` when it is not a number.
pub fn parse_percentage(typed: &str) -> Option<f64> {
    let value = typed.trim().trim_end_matches('%').trim();
    let number: f64 = value.parse().ok()?;
    number.is_finite().then_some(number)
}

/// An amount of money as typed (`$85,000`, `85000.50`), or `None`.
pub fn parse_amount(typed: &str) -> Option<f64> {
    let value: String = typed
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let number: f64 = value.parse().ok()?;
    number.is_finite().then_some(number)
}

/// A value as typed, without the spaces around it.
pub(super) fn tidy(value: &str) -> String {
    value.trim().to_owned()
}
