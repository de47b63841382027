//! The provider-neutral onboarding draft: what staff type, as they typed it. Values are
//! kept as strings so nothing a person entered is ever lost to a parse error; the
//! validation rules decide what is acceptable and the provider mappings normalise.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A person being onboarded as a Personal customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// US Social Security number, as typed (`123-45-6789` or `123456789`).
    pub ssn: String,
    /// ISO 3166-1 alpha-2 country of citizenship, e.g. `US`.
    pub citizenship_country: String,
}
