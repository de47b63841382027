//! Why one file (about 1,350 lines): every rule the form and the submission share, so that
//! staff and the provider see one verdict; the rules call one another (a person's rules are
//! part of a business's owner rules). Its tests live in `validate/tests.rs`; the split per
//! section (person, company, contact, documents) comes with the engine's restructure.
//!
//! Validation rules, shared by the form (inline, as staff type) and by submission (nothing
//! invalid is sent). Each rule says which field it concerns and how to fix it.
//!
//! Field paths are the draft's own camelCase paths, with list positions:
//! `addresses[0].postalCode`, `cos.beneficialOwners[1].ownershipPercentage`. Rules are pure:
//! today's date is always passed in.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::draft::{
    Address, Associate, Draft, Email, IdentityDocument, Names, PartyKind, Person, Phone, TaxId,
};

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
    pub(crate) fn error(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
            severity: Severity::Error,
        }
    }

    fn warning(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(field, code, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Whether any of the issues stops a submission (warnings do not).
pub fn has_errors(issues: &[Issue]) -> bool {
    issues.iter().any(Issue::is_error)
}

/// People are not onboarded with a birth date further back than this.
const OLDEST_AGE_YEARS: i32 = 130;

/// An identity document this close to its expiry is accepted with a warning: it will need
/// replacing soon after the account opens.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// COS limits `clientIdentifier` and the `idempotency-Key` header to this many characters.
pub const MAX_IDENTIFIER_CHARS: usize = 50;

/// COS's name fields hold at most this many characters.
const MAX_NAME_CHARS: usize = 50;

pub const TAX_ID_TYPES: &[&str] = &["Ssn", "Ein", "Itin", "Foreign"];
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
const EIN_PREFIXES: &[std::ops::RangeInclusive<u8>] = &[
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

fn required_name(field: &str, label: &str, value: &str) -> Option<Issue> {
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
fn iso_date(value: &str) -> String {
    parse_date(value)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| tidy(value))
}

fn birth_date(field: &str, value: &str, today: NaiveDate) -> Option<Issue> {
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

/// EIN shape: nine digits, usually written `12-3456789`, with a prefix the IRS assigns.
fn ein(field: &str, value: &str) -> Option<Issue> {
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
fn itin(field: &str, value: &str) -> Option<Issue> {
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

fn country_alpha2(field: &str, value: &str) -> Option<Issue> {
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

fn country_code(field: &str, value: &str) -> Option<Issue> {
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

fn parse_phone(typed: &str, region: &str) -> Option<phonenumber::PhoneNumber> {
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

/// Collects issues with their paths.
#[derive(Default)]
struct Rules {
    issues: Vec<Issue>,
}

impl Rules {
    fn add(&mut self, issue: Option<Issue>) {
        self.issues.extend(issue);
    }

    fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue::error(field, code, message));
    }

    fn warning(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(Issue::warning(field, code, message));
    }

    /// A required text; `what` is how staff would name it ("the city").
    fn required(&mut self, field: &str, value: &str, what: &str, max: usize) -> bool {
        if value.trim().is_empty() {
            self.error(field, "required", format!("Enter {what}."));
            return false;
        }
        self.max_len(field, value, what, max)
    }

    fn max_len(&mut self, field: &str, value: &str, what: &str, max: usize) -> bool {
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

    fn one_of(&mut self, field: &str, value: &str, what: &str, allowed: &[&str]) -> bool {
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
    fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
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

    fn not_future(&mut self, field: &str, date: Option<NaiveDate>, today: NaiveDate, what: &str) {
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

    fn country(&mut self, field: &str, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.error(field, "required", format!("Choose {what}."));
        } else {
            self.add(country_code(field, value));
        }
    }

    fn optional_country(&mut self, field: &str, value: &str) {
        if !value.trim().is_empty() {
            self.add(country_code(field, value));
        }
    }

    fn percentage(&mut self, field: &str, value: &str, required: bool) -> Option<f64> {
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

    fn only_one_primary(&mut self, list: &str, primaries: impl Iterator<Item = bool>, what: &str) {
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

fn capitalise(what: &str) -> String {
    let what = what.strip_prefix("the ").unwrap_or(what);
    let mut chars = what.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Checks a draft against the rules every provider shares: what is filled in must make
/// sense, and a person or company must be identifiable. `today` is passed in.
pub fn draft_on(draft: &Draft, today: NaiveDate) -> Vec<Issue> {
    let mut r = Rules::default();
    match draft.kind {
        PartyKind::Person => {
            names(&mut r, "name", &draft.name);
            let p = &draft.person;
            r.add(birth_date("person.birthDate", &p.birth_date, today));
            r.add(country_alpha2(
                "person.citizenshipCountry",
                &p.citizenship_country,
            ));
            r.optional_country(
                "person.secondCitizenshipCountry",
                &p.second_citizenship_country,
            );
        }
        PartyKind::Company => {
            let c = &draft.company;
            r.required(
                "company.legalName",
                &c.legal_name,
                "the company's legal name",
                100,
            );
            if c.date_formed.trim().is_empty() {
                r.error(
                    "company.dateFormed",
                    "required",
                    "Enter the date the company was formed, e.g. 05/01/2001 or 2001-05-01.",
                );
            } else {
                let formed = r.date("company.dateFormed", &c.date_formed);
                r.not_future("company.dateFormed", formed, today, "the date formed");
            }
            r.optional_country("company.taxResidenceCountry", &c.tax_residence_country);
        }
    }
    if draft.tax_ids.is_empty() {
        let what = match draft.kind {
            PartyKind::Person => "the customer's SSN (or ITIN or foreign tax id)",
            PartyKind::Company => "the company's EIN",
        };
        r.error("taxIds", "required", format!("Add {what}."));
    }
    for (i, tax_id) in draft.tax_ids.iter().enumerate() {
        tax_id_rules(&mut r, &format!("taxIds[{i}]"), tax_id);
    }
    for (i, address) in draft.addresses.iter().enumerate() {
        address_rules(&mut r, &format!("addresses[{i}]"), address);
    }
    r.only_one_primary(
        "addresses",
        draft.addresses.iter().map(|a| a.is_primary),
        "address",
    );
    for (i, phone) in draft.phones.iter().enumerate() {
        phone_rules(&mut r, &format!("phones[{i}]"), phone);
    }
    r.only_one_primary("phones", draft.phones.iter().map(|p| p.is_primary), "phone");
    for (i, email) in draft.emails.iter().enumerate() {
        email_rules(&mut r, &format!("emails[{i}]"), email);
    }
    r.only_one_primary(
        "emails",
        draft.emails.iter().map(|e| e.is_primary),
        "e-mail",
    );
    for (i, document) in draft.identity_documents.iter().enumerate() {
        document_rules(&mut r, &format!("identityDocuments[{i}]"), document, today);
    }
    r.only_one_primary(
        "identityDocuments",
        draft.identity_documents.iter().map(|d| d.is_primary),
        "identity document",
    );
    due_diligence_rules(&mut r, draft);
    associate_rules(&mut r, &draft.associates, today);
    r.issues
}

fn names(r: &mut Rules, path: &str, n: &Names) {
    r.add(required_name(
        &format!("{path}.first"),
        "first name",
        &n.first,
    ));
    r.add(required_name(&format!("{path}.last"), "last name", &n.last));
    for (field, value, what) in [
        ("prefix", &n.prefix, "the prefix"),
        ("middle", &n.middle, "the middle name"),
        ("suffix", &n.suffix, "the suffix"),
        ("preferred", &n.preferred, "the preferred name"),
        ("latin.first", &n.latin.first, "the Latin first name"),
        ("latin.middle", &n.latin.middle, "the Latin middle name"),
        ("latin.last", &n.latin.last, "the Latin last name"),
    ] {
        r.max_len(&format!("{path}.{field}"), value, what, MAX_NAME_CHARS);
    }
}

fn tax_id_rules(r: &mut Rules, path: &str, t: &TaxId) {
    let kind = format!("{path}.idType");
    let number = format!("{path}.number");
    if !r.one_of(&kind, &t.id_type, "the kind of tax id", TAX_ID_TYPES) {
        return;
    }
    match t.id_type.trim() {
        "Ssn" => r.add(ssn(&number, &t.number)),
        "Ein" => r.add(ein(&number, &t.number)),
        "Itin" => r.add(itin(&number, &t.number)),
        _ => {
            r.required(
                &number,
                &t.number,
                "the tax id number",
                MAX_IDENTIFIER_CHARS,
            );
            r.country(
                &format!("{path}.country"),
                &t.country,
                "the country that issued the tax id",
            );
            return;
        }
    }
    let country = t.country.trim();
    if !country.is_empty() && !country.eq_ignore_ascii_case("US") {
        r.error(
            &format!("{path}.country"),
            "tax_id_country",
            "SSNs, EINs and ITINs are US numbers: set the country to US, or choose Foreign.",
        );
    }
}

fn address_rules(r: &mut Rules, path: &str, a: &Address) {
    let field = |name: &str| format!("{path}.{name}");
    if a.address_type.trim().is_empty() {
        r.error(
            &field("addressType"),
            "required",
            "Choose the kind of address (Home, Work, …).",
        );
    } else if !ADDRESS_TYPES.contains(&a.address_type.trim()) {
        r.warning(
            &field("addressType"),
            "unusual_address_type",
            format!(
                "Usual kinds of address are {}; check this one.",
                ADDRESS_TYPES.join(", ")
            ),
        );
    }
    if !a.classification.trim().is_empty() {
        r.one_of(
            &field("classification"),
            &a.classification,
            "Residential or Business",
            ADDRESS_CLASSIFICATIONS,
        );
    }
    r.required(&field("street1"), &a.street1, "the street address", 100);
    r.max_len(
        &field("street2"),
        &a.street2,
        "the second address line",
        100,
    );
    r.max_len(
        &field("street1Latin"),
        &a.street1_latin,
        "the Latin street address",
        100,
    );
    r.max_len(
        &field("street2Latin"),
        &a.street2_latin,
        "the Latin second address line",
        100,
    );
    r.required(&field("city"), &a.city, "the city", 50);
    r.country(&field("country"), &a.country, "the country");
    let us = a.country.trim().eq_ignore_ascii_case("US");
    if us {
        if a.state.trim().is_empty() {
            r.error(
                &field("state"),
                "required",
                "Choose the state (two letters, e.g. NY or DC).",
            );
        } else if !is_us_state(&a.state) {
            r.error(
                &field("state"),
                "us_state",
                "Use the two-letter USPS state code, e.g. NY, DC or PR.",
            );
        }
        if a.postal_code.trim().is_empty() {
            r.error(
                &field("postalCode"),
                "required",
                "Enter the ZIP code (12345 or 12345-6789).",
            );
        } else if !is_zip(&a.postal_code) {
            r.error(
                &field("postalCode"),
                "zip",
                "A ZIP code is 5 digits, or 5+4 as 12345-6789.",
            );
        }
    } else {
        r.max_len(&field("state"), &a.state, "the state or province", 50);
        r.required(&field("postalCode"), &a.postal_code, "the postal code", 20);
    }
}

fn phone_rules(r: &mut Rules, path: &str, p: &Phone) {
    let field = |name: &str| format!("{path}.{name}");
    r.one_of(
        &field("phoneType"),
        &p.phone_type,
        "the kind of phone",
        PHONE_TYPES,
    );
    if p.number.trim().is_empty() {
        r.error(
            &field("number"),
            "required",
            "Enter the phone number, e.g. (201) 555-2345.",
        );
    } else if !p.country.trim().is_empty()
        && phonenumber::country::Id::from_str(&p.country.trim().to_uppercase()).is_err()
    {
        r.error(
            &field("country"),
            "country_code",
            "Use the two-letter ISO country code, e.g. US or MX.",
        );
    } else if phone_e164(&p.number, &p.country).is_none() {
        r.error(
            &field("number"),
            "phone_format",
            "This is not a phone number we can dial: enter it with its area code, e.g. (201) 555-2345, or with + and the country code.",
        );
    }
    let extension = p.extension.trim();
    if !extension.is_empty()
        && (extension.len() > 10 || !extension.bytes().all(|b| b.is_ascii_digit()))
    {
        r.error(
            &field("extension"),
            "extension",
            "The extension is up to 10 digits, e.g. 204.",
        );
    }
}

fn email_rules(r: &mut Rules, path: &str, e: &Email) {
    let field = |name: &str| format!("{path}.{name}");
    if r.required(&field("address"), &e.address, "the e-mail address", 254) && !is_email(&e.address)
    {
        r.error(
            &field("address"),
            "email_format",
            "This is not an e-mail address: it should look like name@example.com.",
        );
    }
    r.max_len(&field("emailType"), &e.email_type, "the kind of e-mail", 50);
}

fn document_rules(r: &mut Rules, path: &str, d: &IdentityDocument, today: NaiveDate) {
    let field = |name: &str| format!("{path}.{name}");
    r.one_of(
        &field("idType"),
        &d.id_type,
        "the kind of document",
        ID_TYPES,
    );
    r.required(
        &field("number"),
        &d.number,
        "the document number",
        MAX_IDENTIFIER_CHARS,
    );
    let issued = r.date(&field("issuedDate"), &d.issued_date);
    let expires = r.date(&field("expiryDate"), &d.expiry_date);
    let verified = r.date(&field("verifiedDate"), &d.verified_date);
    r.not_future(&field("issuedDate"), issued, today, "the issue date");
    r.not_future(
        &field("verifiedDate"),
        verified,
        today,
        "the date the document was verified",
    );
    if let (Some(issued), Some(expires)) = (issued, expires) {
        if issued >= expires {
            r.error(
                &field("expiryDate"),
                "expiry_before_issue",
                "The expiry date must be after the issue date; check both dates on the document.",
            );
        }
    }
    if let Some(expires) = expires {
        let days_left = (expires - today).num_days();
        if days_left < 0 {
            r.error(
                &field("expiryDate"),
                "expired",
                "This document has expired: ask the customer for a current one.",
            );
        } else if days_left <= EXPIRY_WARNING_DAYS {
            r.warning(
                &field("expiryDate"),
                "expires_soon",
                format!(
                    "This document expires in {days_left} day(s): accept it, but remind the customer to renew it."
                ),
            );
        }
    }
    // Required by COS only (see `cos_on`): Fin.com's documents carry no issuer.
    r.max_len(
        &field("issuingAuthority"),
        &d.issuing_authority,
        "who issued the document",
        100,
    );
    r.max_len(
        &field("issuingStateOrProvince"),
        &d.issuing_state_or_province,
        "the issuing state or province",
        50,
    );
    r.country(
        &field("issuingCountry"),
        &d.issuing_country,
        "the country that issued the document",
    );
    let us = d.issuing_country.trim().eq_ignore_ascii_case("US");
    if us && d.id_type.trim() == "DriversLicense" {
        if d.issuing_state_or_province.trim().is_empty() {
            r.error(
                &field("issuingStateOrProvince"),
                "required",
                "Choose the state that issued the driver's license (e.g. NY).",
            );
        } else if !is_us_state(&d.issuing_state_or_province) {
            r.error(
                &field("issuingStateOrProvince"),
                "us_state",
                "Use the two-letter USPS state code, e.g. NY, DC or PR.",
            );
        }
    }
    for (i, scan) in d.scan_ids.iter().enumerate() {
        if scan.trim().is_empty() {
            r.error(
                &field(&format!("scanIds[{i}]")),
                "required",
                "Remove the empty scan or scan the document again.",
            );
        }
    }
}

fn due_diligence_rules(r: &mut Rules, draft: &Draft) {
    let d = &draft.due_diligence;
    if !d.employment_status.trim().is_empty() {
        r.one_of(
            "dueDiligence.employmentStatus",
            &d.employment_status,
            "the employment status",
            EMPLOYMENT_STATUSES,
        );
    }
    for (field, value) in [
        ("dueDiligence.annualIncome", &d.annual_income),
        (
            "dueDiligence.expectedMonthlyVolume",
            &d.expected_monthly_volume,
        ),
    ] {
        if value.trim().is_empty() {
            continue;
        }
        match parse_amount(value) {
            Some(amount) if amount >= 0.0 => {}
            _ => r.error(
                field,
                "amount",
                "Enter an amount in US dollars, e.g. 85,000.",
            ),
        }
    }
}

fn associate_rules(r: &mut Rules, associates: &[Associate], today: NaiveDate) {
    let mut total = 0.0;
    for (i, a) in associates.iter().enumerate() {
        let path = format!("associates[{i}]");
        names(r, &format!("{path}.name"), &a.name);
        if !a.birth_date.trim().is_empty() {
            r.add(birth_date(
                &format!("{path}.birthDate"),
                &a.birth_date,
                today,
            ));
        }
        r.max_len(&format!("{path}.title"), &a.title, "the title", 100);
        total += r
            .percentage(
                &format!("{path}.ownershipPercentage"),
                &a.ownership_percentage,
                false,
            )
            .unwrap_or(0.0);
        if !a.email.trim().is_empty() && !is_email(&a.email) {
            r.error(
                &format!("{path}.email"),
                "email_format",
                "This is not an e-mail address: it should look like name@example.com.",
            );
        }
        if !a.phone.trim().is_empty() && phone_e164(&a.phone, "").is_none() {
            r.error(
                &format!("{path}.phone"),
                "phone_format",
                "Enter the phone number with + and the country code, e.g. +1 201 555 2345.",
            );
        }
        if !a.tax_id.id_type.trim().is_empty() || !a.tax_id.number.trim().is_empty() {
            tax_id_rules(r, &format!("{path}.taxId"), &a.tax_id);
        }
    }
    if total > 100.0 {
        r.error(
            "associates",
            "ownership_total",
            format!("Ownership adds up to {total}%; it cannot be more than 100%."),
        );
    }
}

/// [`draft_on`] plus what Cross River COS requires: a risk rating, a US phone, an EIN,
/// owner and beneficial owners for a Business, the 50-character `clientIdentifier`.
pub fn cos_on(draft: &Draft, today: NaiveDate) -> Vec<Issue> {
    let mut r = Rules {
        issues: draft_on(draft, today),
    };
    let c = &draft.cos;
    r.one_of(
        "cos.riskRating",
        &c.risk_rating,
        "the risk rating",
        RISK_RATINGS,
    );
    r.max_len(
        "cos.clientIdentifier",
        &c.client_identifier,
        "the client identifier",
        MAX_IDENTIFIER_CHARS,
    );
    if c.enable_backup_withholding {
        if c.backup_withholding_percent.trim().is_empty() {
            r.error(
                "cos.backupWithholdingPercent",
                "required",
                "Enter the backup withholding percentage (24 is the IRS rate).",
            );
        } else {
            r.percentage(
                "cos.backupWithholdingPercent",
                &c.backup_withholding_percent,
                true,
            );
        }
    }
    for (i, document) in draft.identity_documents.iter().enumerate() {
        if document.issuing_authority.trim().is_empty() {
            r.error(
                &format!("identityDocuments[{i}].issuingAuthority"),
                "required",
                "Enter who issued the document (e.g. New York DMV).",
            );
        }
    }
    for (i, phone) in draft.phones.iter().enumerate() {
        let valid_elsewhere = phone_e164(&phone.number, &phone.country).is_some();
        if valid_elsewhere && us_phone_digits(&phone.number).is_none() {
            r.error(
                &format!("phones[{i}].number"),
                "cos_phone_us",
                "COS takes only US and Canadian numbers (10 digits): enter one, or leave this phone out.",
            );
        }
    }
    match draft.kind {
        PartyKind::Person => {
            if !c.primary_owner_customer_id.trim().is_empty() || !c.beneficial_owners.is_empty() {
                r.error(
                    "cos.beneficialOwners",
                    "not_business",
                    "Owners belong to Business customers; remove them or make this a company.",
                );
            }
        }
        PartyKind::Company => {
            let co = &draft.company;
            r.required(
                "company.entityType",
                &co.entity_type,
                "the entity type (e.g. LLC)",
                100,
            );
            r.required(
                "company.ownershipType",
                &co.ownership_type,
                "the ownership type (e.g. Private)",
                100,
            );
            if !draft.tax_ids.is_empty() && !draft.tax_ids.iter().any(|t| t.id_type.trim() == "Ein")
            {
                r.error(
                    "taxIds",
                    "ein_required",
                    "A Business customer needs its EIN: add one.",
                );
            }
            let owner = c.primary_owner_customer_id.trim();
            if owner.is_empty() {
                r.error(
                    "cos.primaryOwnerCustomerId",
                    "required",
                    "A Business needs its primary owner: onboard the owner as a Personal customer first, then choose them here.",
                );
            } else if !is_guid(owner) {
                r.error(
                    "cos.primaryOwnerCustomerId",
                    "guid",
                    "This is not a COS customer id (it looks like 9052b6a5-3f09-41d1-b526-ade80104eb79); choose the owner again.",
                );
            }
            let mut total = 0.0;
            for (i, o) in c.beneficial_owners.iter().enumerate() {
                let path = format!("cos.beneficialOwners[{i}]");
                let id = o.owner_customer_id.trim();
                if id.is_empty() {
                    r.error(
                        &format!("{path}.ownerCustomerId"),
                        "required",
                        "Choose the owner: onboard them as a Personal customer first.",
                    );
                } else if !is_guid(id) {
                    r.error(
                        &format!("{path}.ownerCustomerId"),
                        "guid",
                        "This is not a COS customer id; choose the owner again.",
                    );
                }
                r.required(
                    &format!("{path}.title"),
                    &o.title,
                    "the owner's title (e.g. CEO)",
                    100,
                );
                let field = format!("{path}.ownershipPercentage");
                if let Some(share) = r.percentage(&field, &o.ownership_percentage, true) {
                    if share == 0.0 {
                        r.error(
                            &field,
                            "percent_range",
                            "A beneficial owner owns more than 0%; enter their share.",
                        );
                    }
                    total += share;
                }
            }
            r.issues
                .extend(crate::owners::repeated_owners(&c.beneficial_owners));
            if total > 100.0 {
                r.error(
                    "cos.beneficialOwners",
                    "ownership_total",
                    format!(
                        "The owners' shares add up to {total}%; they cannot be more than 100%."
                    ),
                );
            }
        }
    }
    r.issues
}

/// The draft with every value in the form providers take it: trimmed; dates as
/// YYYY-MM-DD; countries and US states upper-case; SSN/EIN/ITIN as 9 digits; North American phones as 10 digits and
/// others in E.164; ZIP codes without spaces. Values that do not parse are left trimmed,
/// as typed, for the rules to report.
pub fn normalised(draft: &Draft) -> Draft {
    let mut d = draft.clone();
    trim_names(&mut d.name);
    d.person.birth_date = iso_date(&d.person.birth_date);
    d.person.citizenship_country = upper(&d.person.citizenship_country);
    d.person.second_citizenship_country = upper(&d.person.second_citizenship_country);
    d.company.legal_name = tidy(&d.company.legal_name);
    d.company.date_formed = iso_date(&d.company.date_formed);
    d.company.entity_type = tidy(&d.company.entity_type);
    d.company.ownership_type = tidy(&d.company.ownership_type);
    d.company.tax_residence_country = upper(&d.company.tax_residence_country);
    for t in &mut d.tax_ids {
        normalise_tax_id(t);
    }
    for a in &mut d.addresses {
        normalise_address(a);
    }
    for p in &mut d.phones {
        p.phone_type = tidy(&p.phone_type);
        p.country = upper(&p.country);
        p.extension = tidy(&p.extension);
        p.number = normalised_phone(&p.number, &p.country);
    }
    for e in &mut d.emails {
        e.address = tidy(&e.address);
        e.email_type = tidy(&e.email_type);
    }
    for doc in &mut d.identity_documents {
        doc.id_type = tidy(&doc.id_type);
        doc.number = tidy(&doc.number);
        doc.issued_date = iso_date(&doc.issued_date);
        doc.expiry_date = iso_date(&doc.expiry_date);
        doc.verified_date = iso_date(&doc.verified_date);
        doc.issuing_authority = tidy(&doc.issuing_authority);
        doc.issuing_country = upper(&doc.issuing_country);
        doc.issuing_state_or_province = if doc.issuing_country == "US" {
            upper(&doc.issuing_state_or_province)
        } else {
            tidy(&doc.issuing_state_or_province)
        };
        doc.scan_ids = doc.scan_ids.iter().map(|s| tidy(s)).collect();
    }
    for a in &mut d.associates {
        trim_names(&mut a.name);
        a.birth_date = iso_date(&a.birth_date);
        a.title = tidy(&a.title);
        a.ownership_percentage = tidy(&a.ownership_percentage);
        a.email = tidy(&a.email);
        a.phone = phone_e164(&a.phone, "").unwrap_or_else(|| tidy(&a.phone));
        normalise_tax_id(&mut a.tax_id);
        normalise_address(&mut a.address);
    }
    let c = &mut d.cos;
    c.risk_rating = tidy(&c.risk_rating);
    c.client_identifier = tidy(&c.client_identifier);
    c.backup_withholding_percent = tidy(&c.backup_withholding_percent);
    c.primary_owner_customer_id = tidy(&c.primary_owner_customer_id).to_lowercase();
    for o in &mut c.beneficial_owners {
        o.owner_customer_id = tidy(&o.owner_customer_id).to_lowercase();
        o.title = tidy(&o.title);
        o.ownership_percentage = parse_percentage(&o.ownership_percentage)
            .map(|p| p.to_string())
            .unwrap_or_else(|| tidy(&o.ownership_percentage));
    }
    d
}

fn tidy(value: &str) -> String {
    value.trim().to_owned()
}

fn upper(value: &str) -> String {
    value.trim().to_uppercase()
}

fn trim_names(n: &mut Names) {
    for value in [
        &mut n.prefix,
        &mut n.first,
        &mut n.middle,
        &mut n.last,
        &mut n.suffix,
        &mut n.preferred,
        &mut n.latin.first,
        &mut n.latin.middle,
        &mut n.latin.last,
    ] {
        *value = tidy(value);
    }
}

fn normalise_tax_id(t: &mut TaxId) {
    t.id_type = tidy(&t.id_type);
    t.country = upper(&t.country);
    t.number = match t.id_type.as_str() {
        "Ssn" | "Ein" | "Itin" if digits_only(&t.number).len() == 9 => digits_only(&t.number),
        _ => tidy(&t.number),
    };
}

fn normalise_address(a: &mut Address) {
    for value in [
        &mut a.address_type,
        &mut a.classification,
        &mut a.street1,
        &mut a.street2,
        &mut a.street1_latin,
        &mut a.street2_latin,
        &mut a.city,
        &mut a.postal_code,
    ] {
        *value = tidy(value);
    }
    a.country = upper(&a.country);
    a.state = if a.country == "US" {
        upper(&a.state)
    } else {
        tidy(&a.state)
    };
    if a.country == "US" {
        a.postal_code = a.postal_code.replace(' ', "");
    }
}

/// North American numbers as 10 digits (what COS takes), any other in E.164.
fn normalised_phone(typed: &str, region: &str) -> String {
    let Some(e164) = phone_e164(typed, region) else {
        return tidy(typed);
    };
    match e164.strip_prefix("+1") {
        Some(national) if national.len() == 10 => national.to_owned(),
        _ => e164,
    }
}

#[cfg(test)]
pub(crate) mod tests;
