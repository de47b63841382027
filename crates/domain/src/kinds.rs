//! The few kinds every crate speaks of — which provider, whom a draft onboards, which
//! environment, where a draft is — one type each, owned here. Each has one spelling, its `as_str`, used on the
//! wire to the window, in the vault's columns and in the CLI alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Text that names none of a kind's values (`"nope"` as a provider).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a known {kind}")]
pub struct UnknownKind {
    pub kind: &'static str,
    pub text: String,
}

macro_rules! text_kind {
    ($(#[$doc:meta])* $name:ident ($what:literal) { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
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
            type Err = UnknownKind;
            fn from_str(text: &str) -> Result<Self, UnknownKind> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownKind { kind: $what, text: text.to_owned() }),
                }
            }
        }
    };
}

text_kind!(
    /// The provider an onboarding goes to.
    Provider ("provider") {
        /// Drafts saved before the choice existed are COS drafts.
        #[default]
        Cos = "cos",
        Fin = "fin",
        Bvnk = "bvnk",
    }
);

text_kind!(
    /// Whether the customer is a natural person or a legal entity.
    PartyKind ("kind of customer") {
        #[default]
        Person = "person",
        Company = "company",
    }
);

text_kind!(
    /// Which provider environment is reached; always shown to staff. Training is the
    /// built-in sandbox, the default; a stored connection is Sandbox or Production.
    Environment ("environment") {
        #[default]
        Training = "TRAINING",
        Sandbox = "SANDBOX",
        Production = "PRODUCTION",
    }
);

text_kind!(
    /// Where a draft is in its life.
    DraftState ("draft state") {
        #[default]
        Draft = "draft",
        Ready = "ready",
        Waiting = "waiting",
        Sending = "sending",
        NeedsAttention = "needs_attention",
        /// Submitted with four eyes required: the plan is frozen and waits for a reviewer
        /// who is not its maker.
        AwaitingCheck = "awaiting_check",
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
    }
);

text_kind!(
    /// What a person at the desk may do: staff onboard, reviewers also decide cases, admins
    /// also manage people and settings.
    Role ("role") {
        #[default]
        Staff = "staff",
        Reviewer = "reviewer",
        Admin = "admin",
    }
);

impl Role {
    /// Whether this role may decide review cases.
    pub fn reviews(self) -> bool {
        matches!(self, Role::Reviewer | Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_back_what_it_writes_and_refuses_anything_else() {
        for provider in Provider::ALL {
            assert_eq!(provider.as_str().parse::<Provider>(), Ok(*provider));
            let json = serde_json::to_value(provider).unwrap();
            assert_eq!(json, serde_json::json!(provider.as_str()));
        }
        for kind in PartyKind::ALL {
            assert_eq!(kind.as_str().parse::<PartyKind>(), Ok(*kind));
        }
        for state in DraftState::ALL {
            assert_eq!(state.as_str().parse::<DraftState>(), Ok(*state));
        }
        for environment in Environment::ALL {
            assert_eq!(
                environment.as_str().parse::<Environment>(),
                Ok(*environment)
            );
        }
        assert!("nope".parse::<Provider>().is_err());
        assert!("Cos".parse::<Provider>().is_err(), "one spelling only");
        assert_eq!(
            "sandbox".parse::<Environment>().unwrap_err().to_string(),
            "`sandbox` is not a known environment"
        );
    }
}
