//! A Fin.com customer's `customer_status`, as Fin.com spells it, with what each allows.
//! Values this client does not know are kept as they came.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Fin.com `customer_status`. Values this client does not know are kept as they came.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomerStatus {
    Incomplete,
    Processing,
    Reviewing,
    Approved,
    AssociatedPartiesRemaining,
    InCompliance,
    ActionRequired,
    Rejected,
    Other(String),
}

impl CustomerStatus {
    /// The statuses Fin.com documents, as it spells them (any other is kept as it came).
    pub const KNOWN: [&'static str; 8] = [
        "INCOMPLETE",
        "PROCESSING",
        "REVIEWING",
        "APPROVED",
        "ASSOCIATED_PARTIES_REMAINING",
        "IN_COMPLIANCE",
        "ACTION_REQUIRED",
        "REJECTED",
    ];

    pub fn parse(raw: &str) -> Self {
        match raw.trim().to_ascii_uppercase().as_str() {
            "INCOMPLETE" => Self::Incomplete,
            "PROCESSING" => Self::Processing,
            "REVIEWING" => Self::Reviewing,
            "APPROVED" => Self::Approved,
            "ASSOCIATED_PARTIES_REMAINING" => Self::AssociatedPartiesRemaining,
            "IN_COMPLIANCE" => Self::InCompliance,
            "ACTION_REQUIRED" => Self::ActionRequired,
            "REJECTED" => Self::Rejected,
            _ => Self::Other(raw.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Incomplete => "INCOMPLETE",
            Self::Processing => "PROCESSING",
            Self::Reviewing => "REVIEWING",
            Self::Approved => "APPROVED",
            Self::AssociatedPartiesRemaining => "ASSOCIATED_PARTIES_REMAINING",
            Self::InCompliance => "IN_COMPLIANCE",
            Self::ActionRequired => "ACTION_REQUIRED",
            Self::Rejected => "REJECTED",
            Self::Other(raw) => raw,
        }
    }

    /// Whether Fin.com accepts an attach in this status (seed: INCOMPLETE or ACTION_REQUIRED).
    pub fn allows_attach(&self) -> bool {
        matches!(self, Self::Incomplete | Self::ActionRequired)
    }

    /// Whether Fin.com has decided, so polling can stop.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Approved | Self::Rejected)
    }
}

/// A status is its spelling: `status == "APPROVED"` reads as Fin.com writes it.
impl PartialEq<&str> for CustomerStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for CustomerStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CustomerStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CustomerStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| Self::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_tolerantly() {
        assert_eq!(
            CustomerStatus::parse("ACTION_REQUIRED"),
            CustomerStatus::ActionRequired
        );
        assert_eq!(
            CustomerStatus::parse("ON_HOLD"),
            CustomerStatus::Other("ON_HOLD".into())
        );
        for known in CustomerStatus::KNOWN {
            let status = CustomerStatus::parse(known);
            assert!(!matches!(status, CustomerStatus::Other(_)), "{known}");
            assert_eq!(status.as_str(), known);
        }
        assert!(CustomerStatus::Incomplete.allows_attach());
        assert!(!CustomerStatus::Reviewing.allows_attach());
    }
}
