//! Answers of 1 GiB, with and without a Content-Length, on token requests and creates: each
//! is a clear error, and the process's memory hardly moves. Alone in its binary so no other
//! test's allocations blur the measurement.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod edge;

use std::time::Duration;

use branchdesk_api::Error;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use edge::{cos_client, cos_person, fin_client, fin_person, retries, set_faults, short};
use serde_json::json;

/// Resident memory of this process, from /proc.
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[tokio::test]
async fn a_gigabyte_answer_is_a_clear_error_in_bounded_memory() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let cos = cos_client(&sandbox, retries(2), short(Duration::from_secs(5)));
    let fin = fin_client(
        &sandbox,
        &sandbox.url(),
        retries(2),
        short(Duration::from_secs(5)),
    );
    let partner = sandbox.credentials().cos.partner_id.clone();
    // Warm up: the first requests' allocations are not the answers'.
    cos.check_credentials().await.unwrap();
    fin.check_credentials().await.unwrap();
    let before = resident_bytes();

    for declared in [true, false] {
        for endpoint in ["POST /connect/token", "POST /v1/oauth/token"] {
            set_faults(
                &sandbox,
                json!([{"endpoint": endpoint, "kind": "huge_body", "content_length": declared}]),
            )
            .await;
            let error = if endpoint.contains("connect") {
                cos.check_credentials().await.unwrap_err()
            } else {
                fin.check_credentials().await.unwrap_err()
            };
            assert!(
                matches!(error, Error::AnswerTooLarge { .. }),
                "{endpoint} declared={declared}: {error:?}"
            );
            assert!(error.to_string().contains("4 MiB"), "{error}");
        }
        set_faults(
            &sandbox,
            json!([
                {"endpoint": "POST /core/v1/cm/customers", "kind": "huge_body", "content_length": declared},
                {"endpoint": "POST /v2/customers/individual", "kind": "huge_body", "content_length": declared},
            ]),
        )
        .await;
        let (body, _) = cos_person(&partner);
        let error = cos
            .create_customer(&body, &uuid::Uuid::new_v4().to_string())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
        let (body, _) = fin_person();
        let error = fin.create_individual(&body).await.unwrap_err();
        assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    }

    let grown = resident_bytes().saturating_sub(before);
    assert!(
        grown < 100 * 1024 * 1024,
        "resident memory grew by {} MiB",
        grown / (1024 * 1024)
    );
    eprintln!("resident memory grew by {} KiB", grown / 1024);
    sandbox.shutdown().await;
}
