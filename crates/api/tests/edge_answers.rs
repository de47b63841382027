//! What the clients make of answers that are not what they seem, from the sandbox over
//! loopback: a success that cannot be read, a redirect, an answer too large, and a storm of
//! 429s with `Retry-After`.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod edge;

use std::time::{Duration, Instant};

use branchdesk_api::Error;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use edge::{
    cos_client, cos_person, fin_client, fin_person, hits, retries, set_faults, short, stats,
    Recorder,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const COS_CREATE: &str = "POST /core/v1/cm/customers";
const FIN_CREATE: &str = "POST /v2/customers/individual";

/// The answers that apply the request but cannot be read as a success.
fn unreadable_successes() -> Vec<serde_json::Value> {
    vec![
        json!({"kind": "garbled_2xx"}),
        json!({"kind": "truncated_2xx"}),
        json!({"kind": "huge_body"}),
        json!({"kind": "huge_body", "content_length": false}),
        // The head, half the body, then a reset.
        json!({"kind": "reset_response"}),
    ]
}

#[tokio::test]
async fn a_cos_create_answered_with_an_unreadable_success_is_an_unknown_outcome_made_once() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = cos_client(&sandbox, retries(3), short(Duration::from_secs(5)));
    let partner = sandbox.credentials().cos.partner_id.clone();
    for (made, mut fault) in unreadable_successes().into_iter().enumerate() {
        fault["endpoint"] = json!(COS_CREATE);
        set_faults(&sandbox, json!([fault])).await;
        let (body, _) = cos_person(&partner);
        let key = uuid::Uuid::new_v4().to_string();
        let error = client.create_customer(&body, &key).await.unwrap_err();
        assert!(
            matches!(error, Error::OutcomeUnknown { .. }),
            "{fault}: {error:?}"
        );
        let stats = stats(&sandbox).await;
        // Every attempt was the same key: COS made the customer once and replayed it.
        assert_eq!(
            stats["customers"]["cos"],
            made as u64 + 1,
            "{fault}: {stats}"
        );
        assert_eq!(stats["duplicates"], 0, "{fault}: {stats}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_cos_create_read_on_a_resend_with_its_key_succeeds() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = cos_client(&sandbox, retries(3), short(Duration::from_secs(5)));
    let partner = sandbox.credentials().cos.partner_id.clone();
    set_faults(
        &sandbox,
        json!([{"endpoint": COS_CREATE, "kind": "garbled_2xx", "times": 1}]),
    )
    .await;
    let (body, _) = cos_person(&partner);
    let created = client
        .create_customer(&body, &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap();
    assert!(!created.id.is_empty());
    let stats = stats(&sandbox).await;
    assert_eq!(stats["customers"]["cos"], 1, "{stats}");
    assert_eq!(stats["idempotent_replays"], 1, "{stats}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_cos_addition_answered_unreadably_is_retryable_never_a_definite_failure() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = cos_client(&sandbox, retries(2), short(Duration::from_secs(5)));
    let partner = sandbox.credentials().cos.partner_id.clone();
    let (body, _) = cos_person(&partner);
    let customer = client
        .create_customer(&body, &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap();
    set_faults(
        &sandbox,
        json!([{"endpoint": "POST /core/v1/cm/customers/{id}/emails", "kind": "truncated_2xx"}]),
    )
    .await;
    let email =
        json!({"emailType": "Personal", "emailAddress": "peter@example.com", "isPrimary": true});
    let email = serde_json::to_vec(&email).unwrap();
    let key = uuid::Uuid::new_v4().to_string();
    let error = client
        .add_email(&customer.id, &email, &key)
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert!(
        matches!(
            error,
            Error::Unavailable {
                status: 201 | 200,
                ..
            }
        ),
        "{error:?}"
    );
    // Resent later with the same key, it is the one e-mail COS already has.
    set_faults(&sandbox, json!([])).await;
    client.add_email(&customer.id, &email, &key).await.unwrap();
    let events: serde_json::Value = reqwest::get(format!("{}/_sandbox/events", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let added = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["eventName"] == "Core.Customer.Email.Added")
        .count();
    assert_eq!(added, 1, "{events}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_fin_create_answered_with_an_unreadable_success_is_an_unknown_outcome_made_once() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = fin_client(
        &sandbox,
        &sandbox.url(),
        retries(3),
        short(Duration::from_secs(5)),
    );
    for (made, mut fault) in unreadable_successes().into_iter().enumerate() {
        fault["endpoint"] = json!(FIN_CREATE);
        set_faults(&sandbox, json!([fault])).await;
        let (body, _) = fin_person();
        let error = client.create_individual(&body).await.unwrap_err();
        assert!(
            matches!(error, Error::OutcomeUnknown { .. }),
            "{fault}: {error:?}"
        );
        let stats = stats(&sandbox).await;
        // Never resent: one request, one customer.
        assert_eq!(
            hits(&stats, FIN_CREATE),
            made as u64 + 1,
            "{fault}: {stats}"
        );
        assert_eq!(
            stats["customers"]["fin"],
            made as u64 + 1,
            "{fault}: {stats}"
        );
        assert_eq!(stats["duplicates"], 0, "{fault}: {stats}");
    }
    sandbox.shutdown().await;
}

/// A loopback stand-in for Fin.com that gives a token and answers every create with `answer`
/// (head and body as raw HTTP).
async fn fin_stand_in(answer: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buffer = [0u8; 4096];
                loop {
                    let n = stream.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&seen).into_owned();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let length: usize = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    if seen.len() < end + 4 + length {
                        continue;
                    }
                    let reply = if text.starts_with("POST /v1/oauth/token") {
                        let body = r#"{"access_token":"t","access_token_ttl":3600}"#;
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        )
                    } else {
                        answer.to_owned()
                    };
                    seen.drain(..end + 4 + length);
                    if stream.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn a_fin_create_without_its_promised_fields_is_an_unknown_outcome() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    for answer in [
        // tos_policies_url null, as Fin.com has been seen to answer.
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 88\r\n\r\n{\"data\":{\"customer_id\":\"0ca13984-63f3-45d7-99a7-52b9133f0259\",\"tos_policies_url\":null}}",
        // No customer_id.
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 46\r\n\r\n{\"data\":{\"tos_policies_url\":\"https://x/tos\"}}",
        // A 302 to a sign-in page.
        "HTTP/1.1 302 Found\r\nlocation: /login\r\ncontent-length: 0\r\n\r\n",
    ] {
        let url = fin_stand_in(answer).await;
        let client = fin_client(&sandbox, &url, retries(3), short(Duration::from_secs(5)));
        let (body, _) = fin_person();
        let error = client.create_individual(&body).await.unwrap_err();
        assert!(
            matches!(error, Error::OutcomeUnknown { .. }),
            "{answer}: {error:?}"
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_redirected_create_sends_nothing_elsewhere_and_is_an_unknown_outcome() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let recorder = Recorder::start().await;
    let partner = sandbox.credentials().cos.partner_id.clone();
    let cos = cos_client(&sandbox, retries(3), short(Duration::from_secs(5)));
    let fin = fin_client(
        &sandbox,
        &sandbox.url(),
        retries(3),
        short(Duration::from_secs(5)),
    );
    set_faults(
        &sandbox,
        json!([
            {"endpoint": COS_CREATE, "kind": "redirect", "location": recorder.url},
            {"endpoint": FIN_CREATE, "kind": "redirect", "location": recorder.url},
        ]),
    )
    .await;
    let (cos_body, ssn) = cos_person(&partner);
    let error = cos
        .create_customer(&cos_body, &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(error.to_string().contains("redirect"), "{error}");
    let (fin_body, tax_id) = fin_person();
    let error = fin.create_individual(&fin_body).await.unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(error.to_string().contains("redirect"), "{error}");

    let (connections, received) = recorder.received().await;
    assert_eq!(connections, 0, "{}", String::from_utf8_lossy(&received));
    let received = String::from_utf8_lossy(&received);
    assert!(!received.contains(&ssn) && !received.contains(&tax_id));
    let stats = stats(&sandbox).await;
    // The redirect applied nothing, and nothing was sent again after it.
    assert_eq!(
        stats["customers"]["cos"].as_u64().unwrap_or(0),
        0,
        "{stats}"
    );
    assert_eq!(
        stats["customers"]["fin"].as_u64().unwrap_or(0),
        0,
        "{stats}"
    );
    assert_eq!(hits(&stats, COS_CREATE), 1, "{stats}");
    assert_eq!(hits(&stats, FIN_CREATE), 1, "{stats}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_redirected_token_request_sends_no_secret_elsewhere_and_says_so() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let recorder = Recorder::start().await;
    let port = recorder
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    set_faults(
        &sandbox,
        json!([
            {"endpoint": "POST /connect/token", "kind": "redirect", "location": recorder.url},
            {"endpoint": "POST /v1/oauth/token", "kind": "redirect", "location": recorder.url},
        ]),
    )
    .await;
    let cos = cos_client(&sandbox, retries(3), short(Duration::from_secs(5)));
    let fin = fin_client(
        &sandbox,
        &sandbox.url(),
        retries(3),
        short(Duration::from_secs(5)),
    );
    for error in [
        cos.check_credentials().await.unwrap_err(),
        fin.check_credentials().await.unwrap_err(),
    ] {
        assert!(
            matches!(
                error,
                Error::Redirected {
                    status: Some(307),
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(!error.is_retryable());
        let said = error.to_string();
        assert!(said.contains("redirect") && said.contains(&port), "{said}");
    }
    // A create needing a token stops there too: the create was never sent.
    let partner = sandbox.credentials().cos.partner_id.clone();
    let (body, _) = cos_person(&partner);
    let error = cos
        .create_customer(&body, &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Redirected { .. }), "{error:?}");
    let (body, _) = fin_person();
    let error = fin.create_individual(&body).await.unwrap_err();
    assert!(matches!(error, Error::Redirected { .. }), "{error:?}");

    let (connections, received) = recorder.received().await;
    assert_eq!(connections, 0);
    let received = String::from_utf8_lossy(&received);
    let secrets = sandbox.credentials();
    assert!(!received.contains(&secrets.cos.client_secret));
    assert!(!received.contains(&secrets.fin.client_secret));
    let stats = stats(&sandbox).await;
    assert_eq!(
        hits(&stats, COS_CREATE) + hits(&stats, FIN_CREATE),
        0,
        "{stats}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_answer_declared_over_the_cap_is_refused_before_it_is_read() {
    // Declares 1 GiB and then sends nothing: waiting to read it would end on the idle
    // timeout; refusing it by its Content-Length ends at once.
    let url = fin_stand_in(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n{",
    )
    .await;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = fin_client(&sandbox, &url, retries(1), short(Duration::from_secs(10)));
    let (body, _) = fin_person();
    let started = Instant::now();
    let error = client.create_individual(&body).await.unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(error.to_string().contains("MiB"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    sandbox.shutdown().await;
}

/// 429 with `Retry-After: 1` on every create: the client waits as asked, stops at its
/// attempt limit, and says it may be tried again later.
#[tokio::test]
async fn a_storm_of_429s_ends_at_the_attempt_limit_with_a_retryable_error() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    set_faults(
        &sandbox,
        json!([
            {"endpoint": COS_CREATE, "kind": "rate_limit", "retry_after": 1},
            {"endpoint": FIN_CREATE, "kind": "rate_limit", "retry_after": 1},
        ]),
    )
    .await;
    let cos = cos_client(&sandbox, retries(3), short(Duration::from_secs(5)));
    let fin = fin_client(
        &sandbox,
        &sandbox.url(),
        retries(3),
        short(Duration::from_secs(5)),
    );
    let partner = sandbox.credentials().cos.partner_id.clone();
    let (cos_body, _) = cos_person(&partner);
    let (fin_body, _) = fin_person();
    let started = Instant::now();
    let key = uuid::Uuid::new_v4().to_string();
    let (cos_result, fin_result) = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::join!(
            cos.create_customer(&cos_body, &key),
            fin.create_individual(&fin_body)
        )
    })
    .await
    .expect("the attempts end");
    let elapsed = started.elapsed();
    for error in [cos_result.unwrap_err(), fin_result.unwrap_err()] {
        assert!(
            matches!(error, Error::Unavailable { status: 429, .. }),
            "{error:?}"
        );
        assert!(error.is_retryable());
    }
    let stats = stats(&sandbox).await;
    assert_eq!(hits(&stats, COS_CREATE), 3, "{stats}");
    assert_eq!(hits(&stats, FIN_CREATE), 3, "{stats}");
    // Two waits of the second asked for, not the backoff's 10–50 ms.
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    sandbox.shutdown().await;
}

/// Handed a client that follows redirects (not [`branchdesk_api::http_client`]), the
/// clients still see that the answer came from elsewhere and refuse it.
#[tokio::test]
async fn an_answer_from_a_followed_redirect_is_refused() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let elsewhere =
        fin_stand_in("HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n").await;
    set_faults(
        &sandbox,
        json!([{"endpoint": "POST /v1/oauth/token", "kind": "redirect",
                "location": format!("{elsewhere}/v1/oauth/token")}]),
    )
    .await;
    let credentials = sandbox.credentials().fin.clone();
    let mut config = branchdesk_api::fin::FinConfig::new(
        sandbox.url(),
        credentials.client_id,
        branchdesk_domain::Sensitive::new(credentials.client_secret),
    );
    config.retry = retries(1);
    let following = reqwest::Client::new();
    let client = branchdesk_api::fin::FinClient::new(following, config).unwrap();
    let error = client.check_credentials().await.unwrap_err();
    let port = elsewhere.rsplit(':').next().unwrap();
    assert!(
        matches!(&error, Error::Redirected { status: None, to } if to.ends_with(port)),
        "{error:?}"
    );
    sandbox.shutdown().await;
}
