//! Identifiers and the small closed vocabularies stored as text columns.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(uuid::Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self> {
                uuid::Uuid::parse_str(text)
                    .map(Self)
                    .map_err(|_| Error::Corrupt(format!("`{text}` is not a UUID")))
            }
        }
    };
}

uuid_id!(
    /// A draft.
    DraftId
);
uuid_id!(
    /// An encrypted scan file, `<data_dir>/scans/<id>.bin`.
    ScanId
);
uuid_id!(
    /// A provider connection; its secret's keyring entry is named after it.
    ConnectionId
);
uuid_id!(
    /// A submission plan.
    PlanId
);

/// One step of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StepId(pub i64);

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which provider, whom a draft onboards, which environment, where a draft is: the
/// domain's own kinds, stored by their `as_str`.
pub use branchdesk_domain::kinds::{DraftState, Environment, PartyKind, Provider};

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Error::Corrupt(format!(
                        "`{text}` is not a {}", stringify!($name)
                    ))),
                }
            }
        }
    };
}

text_enum!(
    /// Where a plan step is: `sent` means a request may have reached the provider, so a
    /// resume must resend it under the same idempotency key rather than skip or re-plan it.
    StepStatus { Pending = "pending", Sent = "sent", Done = "done", Failed = "failed" }
);

text_enum!(
    /// How an audited action ended. `unknown` is for a request whose answer never came.
    AuditOutcome { Success = "success", Failure = "failure", Unknown = "unknown" }
);

/// Fixed width and always UTC, so text order is time order in SQL.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_timestamp(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| Error::Corrupt(format!("`{text}` is not a timestamp")))
}

/// Parses a text column read from a row, turning a bad value into a row error so it
/// surfaces from the query that read it.
pub(crate) fn column<T>(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(index)?;
    text.parse().map_err(|error: T::Err| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(error),
        )
    })
}

pub(crate) fn time_column(
    row: &rusqlite::Row<'_>,
    index: usize,
) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(index)?;
    parse_timestamp(&text).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(error),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for state in DraftState::ALL {
            assert_eq!(state.as_str().parse::<DraftState>().unwrap(), *state);
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::Value::from(state.as_str())
            );
        }
        assert!("nope".parse::<Provider>().is_err());
    }

    #[test]
    fn timestamps_sort_as_text() {
        let early = timestamp(DateTime::from_timestamp(1, 0).unwrap());
        let late = timestamp(DateTime::from_timestamp(1_000_000_000, 5_000).unwrap());
        assert!(early < late);
        assert_eq!(timestamp(parse_timestamp(&late).unwrap()), late);
    }
}
