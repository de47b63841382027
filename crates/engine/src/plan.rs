//! A submission is a plan of provider steps, made once when staff press Submit. Each step's
//! body is frozen to bytes and its idempotency key fixed at planning time, so any resend,
//! after a timeout or a restart, is byte-for-byte the same request under the same key.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    /// COS `POST /core/v1/cm/customers`.
    CosCreateCustomer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    /// A UUID v4: at most 50 characters, as COS requires.
    pub idempotency_key: String,
    /// The exact bytes sent, every time.
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Step {
    pub fn new(kind: StepKind, body: Vec<u8>) -> Self {
        Self {
            kind,
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_gets_its_own_short_key() {
        let a = Step::new(StepKind::CosCreateCustomer, b"{}".to_vec());
        let b = Step::new(StepKind::CosCreateCustomer, b"{}".to_vec());
        assert_ne!(a.idempotency_key, b.idempotency_key);
        assert!(a.idempotency_key.len() <= 50);
        assert_eq!(
            uuid::Uuid::parse_str(&a.idempotency_key)
                .unwrap()
                .get_version_num(),
            4
        );
    }
}
