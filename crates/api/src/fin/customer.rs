//! What Fin.com says about a customer: its status, why an attach was refused, and the
//! answers of Create Individual Customer V2 and Get Customer Details V2.
//!
//! Plain data: nothing here calls Fin.com, so the crate's `Error` can name these types
//! without a circle.

pub use branchdesk_domain::fin::CustomerStatus;
use branchdesk_domain::fin::{nullable, FinRejectionReason, FinRequestForInformation};
use serde::{Deserialize, Serialize};

/// Which precondition of Attach Documents V2 the customer failed (Fin.com answers 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachPrecondition {
    /// Documents are accepted only while the customer is INCOMPLETE or ACTION_REQUIRED.
    CustomerStatus(CustomerStatus),
    /// The customer's `type` is not INDIVIDUAL.
    NotIndividual(String),
    /// Fin.com gave no reason that can be told apart: the customer was not made with the
    /// v2 API, or belongs to another client.
    ApiVersionOrOwner,
    /// A file URI in the request was uploaded for another customer.
    FileNotOwned,
}

impl std::fmt::Display for AttachPrecondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CustomerStatus(status) => {
                write!(
                    f,
                    "Fin.com takes documents only while the customer is INCOMPLETE or \
                     ACTION_REQUIRED, and this customer is {status}"
                )?;
                match status {
                    CustomerStatus::Processing | CustomerStatus::Reviewing => {
                        f.write_str(" (the documents sent earlier are being checked)")
                    }
                    CustomerStatus::Approved => f.write_str(" (already approved)"),
                    CustomerStatus::Rejected => f.write_str(" (refused for good)"),
                    _ => Ok(()),
                }
            }
            Self::NotIndividual(kind) => write!(
                f,
                "the customer is of type {kind}, and this attach is for INDIVIDUAL customers only"
            ),
            Self::ApiVersionOrOwner => f.write_str(
                "the customer was not created with Fin.com's v2 API (Create Individual \
                 Customer V2), or belongs to another client account",
            ),
            Self::FileNotOwned => f.write_str(
                "a file in the request was uploaded for another customer; upload it again \
                 for this customer",
            ),
        }
    }
}

/// Fin.com's answer to Create Individual Customer V2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedIndividual {
    pub customer_id: String,
    /// The page where the customer reads and accepts Fin.com's terms.
    pub tos_policies_url: String,
    /// The `tos_policies_value` query parameter of that URL, which the attach sends back.
    pub tos_policies_value: Option<String>,
    /// Only when the answer carries one; a new customer is otherwise INCOMPLETE.
    pub customer_status: Option<CustomerStatus>,
}

/// Get Customer Details V2, individual customers' fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub customer_id: String,
    #[serde(rename = "type", default)]
    pub customer_type: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub country_of_residence: Option<String>,
    #[serde(default)]
    pub verification_type: Option<String>,
    pub customer_status: CustomerStatus,
    #[serde(default)]
    pub tos_policies_url: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub last_status_updated_at: Option<String>,
    /// Set when the customer is ACTION_REQUIRED or REJECTED.
    #[serde(default)]
    pub rejection_reason: Option<FinRejectionReason>,
    #[serde(default, deserialize_with = "nullable")]
    pub request_for_information: Vec<FinRequestForInformation>,
}
