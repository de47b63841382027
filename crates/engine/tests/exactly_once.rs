//! Exactly once when an answer cannot be trusted, and when two runners meet: a COS create
//! answered with something unreadable is resolved by a person, never re-planned under a
//! new key; every create carries a client identifier to find it by; and of two runners
//! that read the same step, only one sends it.
//!
//! Why one file (about 640 lines): each test here breaks one answer or one runner, and they
//! share the loopback proxy and the world that show what reached the provider.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use branchdesk_domain::draft::{Draft, PartyKind};
use branchdesk_engine::drafts::template;
use branchdesk_engine::flows::cos::recovery::{client_identifier_for, CUSTOMER_CHECKED};
use branchdesk_engine::{Desk, Error};
use branchdesk_vault::AuditFilter;
use common::{id, World};
use serde_json::{json, Value};

fn peter(tax_id: &str) -> Draft {
    let mut draft = template(PartyKind::Person);
    draft.name.first = "Peter".into();
    draft.name.last = "Griffin".into();
    draft.person.birth_date = "1953-09-22".into();
    draft.person.citizenship_country = "US".into();
    draft.tax_ids[0].number = tax_id.into();
    draft.addresses[0].street1 = "123 Any St".into();
    draft.addresses[0].city = "Anywhere".into();
    draft.addresses[0].state = "NY".into();
    draft.addresses[0].postal_code = "12345".into();
    draft.phones[0].number = "(201) 555-2345".into();
    draft.emails[0].address = "peter@example.com".into();
    draft.identity_documents.clear();
    draft
}

/// The ids of the customers COS made, from its event log.
async fn cos_customer_ids(world: &World) -> Vec<String> {
    let events: Value = reqwest::get(format!("{}/_sandbox/events", world.sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["eventName"] == "Core.Customer.Onboarded")
        .map(|e| {
            let resource = e["resources"][0].as_str().unwrap();
            resource.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

async fn cos_customers(world: &World) -> (u64, u64) {
    let stats = world.stats().await;
    (
        stats["customers"]["cos"].as_u64().unwrap_or(0),
        stats["duplicates"].as_u64().unwrap_or(0),
    )
}

/// A COS draft submitted, its create answered 200 with an HTML page every time (the sandbox
/// made the customer on the first): the client resent it under its key as often as it
/// retries, never got a readable answer, and the runner has parked it.
async fn garbled_create(world: &World, desk: &Desk, tax_id: &str) -> String {
    world
        .faults(json!([{
            "endpoint": "POST /core/v1/cm/customers",
            "kind": "garbled_2xx"
        }]))
        .await;
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&record.id, &peter(tax_id)).unwrap();
    // Recorded, not returned: the runner's result says only that the draft was handled.
    desk.run_draft(id(&record.id)).await.ok();
    world.faults(json!([])).await;
    record.id
}

#[tokio::test]
async fn an_unreadable_cos_create_waits_for_a_person_and_goes_on_from_the_customer_they_found() {
    let world = World::new().await;
    let desk = world.desk();
    let draft = garbled_create(&world, &desk, "119-98-8776").await;

    let parked = desk.submission_status(&draft).await.unwrap();
    assert_eq!(parked.state, "needs_attention");
    let problem = parked.error.unwrap();
    assert_eq!(problem.code, "unknown_outcome");
    let identifier = client_identifier_for(id(&draft));
    assert!(
        problem.message.contains(&identifier),
        "staff are told what to look for: {}",
        problem.message
    );

    // Submitting again is refused until someone has looked: no second create.
    let stored = desk.get_draft(&draft).unwrap().draft;
    match desk.submit(&draft, &stored) {
        Err(Error::Invalid(issues)) => assert_eq!(issues[0].code, "unknown_outcome"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    desk.run_draft(id(&draft)).await.ok();
    assert_eq!(cos_customers(&world).await, (1, 0));

    // Another draft's customer is not this draft's: its client identifier differs.
    let other = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&other.id, &peter("219-09-9998")).unwrap();
    desk.run_draft(id(&other.id)).await.unwrap();
    let ids = cos_customer_ids(&world).await;
    assert_eq!(ids.len(), 2);
    let (created, someone_else) = (&ids[0], &ids[1]);
    match desk
        .resolve_unknown_cos_customer(&draft, Some(someone_else), "Dana Reyes")
        .await
    {
        Err(Error::Invalid(issues)) => {
            assert_eq!(issues[0].field, "customerId");
            assert!(
                issues[0].message.contains("client identifier"),
                "{issues:?}"
            );
        }
        other => panic!("expected the wrong customer refused, got {other:?}"),
    }
    assert!(matches!(
        desk.resolve_unknown_cos_customer(&draft, Some("not-an-id"), "Dana Reyes")
            .await,
        Err(Error::Invalid(_))
    ));

    // The right one: the plan goes on from it, without creating anything.
    desk.resolve_unknown_cos_customer(&draft, Some(created), "Dana Reyes")
        .await
        .unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    let done = desk.submission_status(&draft).await.unwrap();
    assert_eq!(done.state, "submitted", "{:?}", done.error);
    assert_eq!(done.outcome.unwrap().customer_id, *created);
    assert_eq!(cos_customers(&world).await, (2, 0));

    let checked: Vec<_> = desk
        .vault()
        .list_audit(&AuditFilter {
            draft_id: Some(id(&draft)),
            outcome: None,
        })
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == CUSTOMER_CHECKED)
        .collect();
    assert_eq!(checked.len(), 1);
    assert_eq!(
        checked[0].record.actor,
        branchdesk_vault::Actor::Staff("Dana Reyes".into())
    );
}

/// One unreadable answer is not yet a question for a person: the client resends the create
/// under its key, and COS answers with the customer it made.
#[tokio::test]
async fn a_single_unreadable_cos_create_answer_is_settled_by_resending_under_its_key() {
    let world = World::new().await;
    let desk = world.desk();
    world
        .faults(json!([{
            "endpoint": "POST /core/v1/cm/customers",
            "kind": "truncated_2xx",
            "times": 1
        }]))
        .await;
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&record.id, &peter("119-98-8776")).unwrap();
    desk.run_draft(id(&record.id)).await.unwrap();
    assert_eq!(
        desk.submission_status(&record.id).await.unwrap().state,
        "submitted"
    );
    assert_eq!(cos_customers(&world).await, (1, 0));
}

#[tokio::test]
async fn a_create_said_not_created_is_sent_again_under_its_own_key() {
    let world = World::new().await;
    let desk = world.desk();
    let draft = garbled_create(&world, &desk, "119-98-8776").await;
    let first_key = desk.vault().latest_plan(id(&draft)).unwrap().unwrap().steps[0]
        .idempotency_key
        .clone();

    // Staff did not find it (they looked in the wrong place: COS did make it). Sent again
    // within COS's key retention, under the same key, COS answers with the customer it made.
    let replays = world.stats().await["idempotent_replays"].as_u64().unwrap();
    desk.resolve_unknown_cos_customer(&draft, None, "Dana Reyes")
        .await
        .unwrap();
    let plan = desk.vault().latest_plan(id(&draft)).unwrap().unwrap();
    assert_eq!(plan.steps[0].idempotency_key, first_key);
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(
        desk.submission_status(&draft).await.unwrap().state,
        "submitted"
    );
    assert_eq!(cos_customers(&world).await, (1, 0));
    let stats = world.stats().await;
    assert_eq!(stats["idempotent_replays"], replays + 1, "{stats}");

    // Nothing left to resolve now.
    assert!(matches!(
        desk.resolve_unknown_cos_customer(&draft, None, "Dana Reyes")
            .await,
        Err(Error::NothingToResolve { .. })
    ));
}

#[tokio::test]
async fn every_cos_create_carries_a_client_identifier_unique_to_its_draft() {
    let world = World::new().await;
    let desk = world.desk();
    let mut bodies = Vec::new();
    for (tax_id, given) in [("119-98-8776", ""), ("219-09-9998", "branch-7-000123")] {
        let record = desk.create_draft(PartyKind::Person).unwrap();
        let mut draft = peter(tax_id);
        draft.cos.client_identifier = given.into();
        desk.submit(&record.id, &draft).unwrap();
        let create = &desk
            .vault()
            .latest_plan(id(&record.id))
            .unwrap()
            .unwrap()
            .steps[0];
        let body: Value = serde_json::from_slice(&create.body).unwrap();
        bodies.push((record.id.clone(), body["clientIdentifier"].clone()));
    }
    assert_eq!(
        bodies[0].1,
        json!(client_identifier_for(id(&bodies[0].0))),
        "a generated identifier when staff gave none"
    );
    assert!(bodies[0].1.as_str().unwrap().len() <= 50);
    assert_eq!(bodies[1].1, "branch-7-000123", "staff's own is kept");
}

/// Two runs of one draft at once (the app's runner and a command) send its steps once.
/// Two processes are kept apart by the data folder's lock (the CLI keyring test
/// `two_submits_on_one_data_folder_send_each_create_once`), and two runners that read the
/// same step by its claim (vault `a_step_claimed_by_another_runner_is_not_claimed_again`).
#[tokio::test]
async fn one_run_of_a_draft_at_a_time_in_one_desk() {
    let world = World::new().await;
    let desk = Arc::new(world.desk());
    let (draft, body) = world.licence_draft(&desk, "Alone");
    desk.submit(&draft, &body).unwrap();
    let (a, b) = tokio::join!(desk.run_draft(id(&draft)), desk.run_draft(id(&draft)));
    a.unwrap();
    b.unwrap();
    assert_eq!(world.fin_customers().await.0, 1);
    assert_eq!(world.successes("/v2/customers/individual").await, 1);
}

#[test]
fn a_runner_that_keeps_finding_no_provider_waits_longer_each_time_up_to_five_minutes() {
    use branchdesk_engine::offline_wait;
    use std::time::Duration;
    let waits: Vec<Duration> = (1..=9).map(offline_wait).collect();
    assert_eq!(waits[0], Duration::from_secs(5));
    assert!(waits.windows(2).all(|w| w[1] >= w[0]), "{waits:?}");
    assert_eq!(waits[1], Duration::from_secs(10));
    assert_eq!(offline_wait(40), Duration::from_secs(300));
}

#[tokio::test]
async fn an_unreachable_provider_is_recorded_once_when_the_wait_starts_not_on_every_pass() {
    let world = World::new().await;
    let desk = world.desk();
    world
        .faults(
            json!([{ "endpoint": "POST /core/v1/cm/customers", "kind": "status", "status": 503 }]),
        )
        .await;
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&record.id, &peter("119-98-8776")).unwrap();
    for _ in 0..3 {
        assert!(desk.run_draft(id(&record.id)).await.is_err());
    }
    let unknown = |desk: &Desk| {
        desk.vault()
            .list_audit(&AuditFilter {
                draft_id: Some(id(&record.id)),
                outcome: Some(branchdesk_vault::AuditOutcome::Unknown),
            })
            .unwrap()
            .len()
    };
    assert_eq!(unknown(&desk), 1, "one entry for the wait, not one a pass");
    assert_eq!(
        desk.submission_status(&record.id).await.unwrap().state,
        "waiting"
    );
    world.faults(json!([])).await;
    desk.run_draft(id(&record.id)).await.unwrap();
    assert_eq!(
        desk.submission_status(&record.id).await.unwrap().state,
        "submitted"
    );
}

const COS_CREATE: &str = "POST /core/v1/cm/customers";
const FIN_CREATE: &str = "POST /v2/customers/individual";

/// A loopback stand-in for a proxy in front of COS: every request goes on to the sandbox
/// as sent, and every 2xx answer to the create comes back without its `id` (the JSON stays
/// well formed). Keeps the idempotency key of each create that went through it.
struct IdStripper {
    url: String,
    keys: Arc<std::sync::Mutex<Vec<String>>>,
}

impl IdStripper {
    async fn start(upstream: String) -> IdStripper {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let keys: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let seen = keys.clone();
        let http = reqwest::Client::new();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (upstream, seen, http) = (upstream.clone(), seen.clone(), http.clone());
                tokio::spawn(async move {
                    // One request a connection: the head, then the body by its length.
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 8192];
                    let (head, body) = loop {
                        let n = stream.read(&mut buffer).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        request.extend_from_slice(&buffer[..n]);
                        let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
                            continue;
                        };
                        let head = String::from_utf8_lossy(&request[..end]).into_owned();
                        let length: usize = head
                            .lines()
                            .find_map(|l| {
                                let (name, value) = l.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse().ok())?
                            })
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break (head, request[end + 4..end + 4 + length].to_vec());
                        }
                    };
                    let mut lines = head.lines();
                    let mut first = lines.next().unwrap().split(' ');
                    let (method, path) = (first.next().unwrap(), first.next().unwrap());
                    let mut forward = http.request(
                        reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                        format!("{upstream}{path}"),
                    );
                    for line in lines {
                        let (name, value) = line.split_once(':').unwrap();
                        let lower = name.trim().to_ascii_lowercase();
                        if !["host", "content-length", "connection"].contains(&lower.as_str()) {
                            forward = forward.header(name.trim(), value.trim());
                        }
                        if lower == "idempotency-key" && path == "/core/v1/cm/customers" {
                            seen.lock().unwrap().push(value.trim().to_owned());
                        }
                    }
                    let answer = forward.body(body).send().await.unwrap();
                    let status = answer.status();
                    let kind = answer
                        .headers()
                        .get("content-type")
                        .map(|v| v.to_str().unwrap().to_owned());
                    let mut body = answer.bytes().await.unwrap().to_vec();
                    if method == "POST" && path == "/core/v1/cm/customers" && status.is_success() {
                        let mut customer: Value = serde_json::from_slice(&body).unwrap();
                        assert!(customer.as_object_mut().unwrap().remove("id").is_some());
                        body = serde_json::to_vec(&customer).unwrap();
                    }
                    let mut reply = format!(
                        "HTTP/1.1 {} {}\r\ncontent-length: {}\r\nconnection: close\r\n",
                        status.as_u16(),
                        status.canonical_reason().unwrap_or(""),
                        body.len()
                    );
                    if let Some(kind) = kind {
                        reply.push_str(&format!("content-type: {kind}\r\n"));
                    }
                    reply.push_str("\r\n");
                    let mut reply = reply.into_bytes();
                    reply.extend_from_slice(&body);
                    let _ = stream.write_all(&reply).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        IdStripper { url, keys }
    }

    fn create_keys(&self) -> Vec<String> {
        self.keys.lock().unwrap().clone()
    }
}

/// A desk whose COS connection goes through `base_url` (tokens straight from the sandbox).
fn desk_through(world: &World, base_url: &str) -> Desk {
    use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
    let credentials = world.sandbox.credentials().clone();
    let cos = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: base_url.to_owned(),
            token_url: format!("{}/connect/token", world.sandbox.url()),
            client_id: credentials.cos.client_id,
            client_secret: branchdesk_domain::Sensitive::new(credentials.cos.client_secret),
            audience: AUDIENCE.to_owned(),
            retry: common::quick(),
            timeouts: Default::default(),
        },
    )
    .unwrap();
    let vault = branchdesk_vault::Vault::open(world.dir.path(), &world.secrets).unwrap();
    Desk::new(
        Arc::new(vault),
        cos,
        credentials.cos.partner_id,
        branchdesk_engine::Environment::Training,
        world.sandbox.url(),
    )
}

/// Requests that reached `endpoint`, whatever their answer.
async fn requests(world: &World, endpoint: &str) -> u64 {
    let stats = world.stats().await;
    stats["requests"][endpoint]
        .as_object()
        .map(|by_status| by_status.values().map(|n| n.as_u64().unwrap()).sum())
        .unwrap_or(0)
}

/// COS made the customer, but every answer to the create came back 2xx with no `id`: the
/// client resent it under its one key, then gave up on knowing. The draft waits for a
/// person — not a definite failure that a resubmit would plan again under a new key, not
/// sent again by a later run, even once COS answers properly.
#[tokio::test]
async fn a_cos_create_answered_2xx_without_its_id_parks_as_an_unknown_outcome() {
    let world = World::new().await;
    let proxy = IdStripper::start(world.sandbox.url()).await;
    let desk = desk_through(&world, &proxy.url);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&record.id, &peter("119-98-8776")).unwrap();
    let plan = desk.vault().latest_plan(id(&record.id)).unwrap().unwrap();
    let key = plan.steps[0].idempotency_key.clone();
    // Recorded, not returned: the runner's result says only that the draft was handled.
    desk.run_draft(id(&record.id)).await.ok();

    let sent = proxy.create_keys();
    assert!(!sent.is_empty(), "the create went through the proxy");
    assert!(sent.iter().all(|k| *k == key), "{sent:?} under {key}");
    assert_eq!(requests(&world, COS_CREATE).await, sent.len() as u64);
    assert_eq!(cos_customers(&world).await, (1, 0));

    let parked = desk.submission_status(&record.id).await.unwrap();
    assert_eq!(parked.state, "needs_attention", "{:?}", parked.error);
    let problem = parked.error.unwrap();
    assert_eq!(problem.code, "unknown_outcome", "{}", problem.message);
    assert!(
        problem
            .message
            .contains(&client_identifier_for(id(&record.id))),
        "staff are told what to look for: {}",
        problem.message
    );

    // Not planned again: a resubmit is refused, and the plan keeps its one key.
    let stored = desk.get_draft(&record.id).unwrap().draft;
    match desk.submit(&record.id, &stored) {
        Err(Error::Invalid(issues)) => assert_eq!(issues[0].code, "unknown_outcome"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    drop(desk);

    // Restarted on a COS that answers properly: still nothing is sent until someone looks.
    let desk = world.desk();
    desk.run_draft(id(&record.id)).await.ok();
    assert_eq!(requests(&world, COS_CREATE).await, sent.len() as u64);
    assert_eq!(cos_customers(&world).await, (1, 0));
    let plan = desk.vault().latest_plan(id(&record.id)).unwrap().unwrap();
    assert_eq!(plan.steps[0].idempotency_key, key);
    assert_eq!(
        desk.submission_status(&record.id).await.unwrap().state,
        "needs_attention"
    );
}

/// Fin.com answers the create 429 asking for 12 seconds. The one attempt says how long was
/// asked; the app's runner then waits that long — past its own 5 s first wait — before it
/// sends the create again, although Fin.com would take it at once: asked again before the
/// wait is over, it would have made the customer early.
#[tokio::test]
async fn a_429_keeps_the_runner_waiting_as_long_as_its_retry_after_asks() {
    use branchdesk_engine::ProviderError;
    use std::time::Duration;
    let world = World::new().await;
    let one_attempt = branchdesk_api::RetryPolicy {
        max_attempts: 1,
        ..common::quick()
    };
    world
        .faults(json!([{ "endpoint": FIN_CREATE, "kind": "rate_limit", "retry_after": 12 }]))
        .await;
    let desk = world.desk_retrying(one_attempt);
    let (draft, body) = world.licence_draft(&desk, "Okafor");
    desk.submit(&draft, &body).unwrap();
    match desk.run_draft(id(&draft)).await {
        Err(Error::Provider(ProviderError::Unavailable {
            status: 429,
            retry_after,
            ..
        })) => assert_eq!(retry_after, Some(Duration::from_secs(12))),
        other => panic!("expected the 429 and its wait, got {other:?}"),
    }
    assert_eq!(
        desk.submission_status(&draft).await.unwrap().state,
        "waiting"
    );
    assert_eq!(requests(&world, FIN_CREATE).await, 1);
    drop(desk);

    // The app starts again; its runner's first pass meets the 429 once more.
    let desk = Arc::new(world.desk_retrying(one_attempt));
    let runner = tokio::spawn(Arc::clone(&desk).run());
    let mut polls = 0;
    while requests(&world, FIN_CREATE).await < 2 {
        assert!(polls < 200, "the runner never sent the create");
        tokio::time::sleep(Duration::from_millis(25)).await;
        polls += 1;
    }
    world.faults(json!([])).await;

    tokio::time::sleep(Duration::from_secs(8)).await;
    assert_eq!(
        requests(&world, FIN_CREATE).await,
        2,
        "not asked again before the 12 s were over"
    );
    assert_eq!(world.fin_customers().await, (0, 0));
    assert_eq!(
        desk.submission_status(&draft).await.unwrap().state,
        "waiting"
    );

    // Once they are, the create goes, once.
    let mut polls = 0;
    while world.fin_customers().await.0 < 1 {
        assert!(polls < 100, "the create was never sent again");
        tokio::time::sleep(Duration::from_millis(250)).await;
        polls += 1;
    }
    desk.stop();
    runner.abort();
    assert_eq!(requests(&world, FIN_CREATE).await, 3);
    assert_eq!(world.successes("/v2/customers/individual").await, 1);
    assert_eq!(world.fin_customers().await, (1, 0));
}

/// A runner swap as the app makes one (Training switched, a connection saved): the old
/// desk's runner is asked to stop while a create is in flight, its task is awaited, and only
/// then does a new desk's runner start on the same vault. The old one ends, and the request
/// it had out is answered and recorded, not cut off (a cut-off create would be an unknown
/// outcome); the new runner finds nothing left to send, so every step went once.
#[tokio::test]
async fn a_runner_stopped_mid_create_ends_its_pass_and_the_next_runner_sends_nothing_again() {
    use branchdesk_vault::StepStatus;
    use std::time::Duration;
    let world = World::new().await;
    world
        .faults(json!([{ "endpoint": COS_CREATE, "kind": "latency", "ms": 1000 }]))
        .await;
    let old = Arc::new(world.desk());
    let old_runner = tokio::spawn(Arc::clone(&old).run());
    let record = old.create_draft(PartyKind::Person).unwrap();
    old.submit(&record.id, &peter("119-98-8776")).unwrap();
    let create_status = |desk: &Desk| {
        desk.vault()
            .latest_plan(id(&record.id))
            .unwrap()
            .unwrap()
            .steps[0]
            .status
    };
    let mut polls = 0;
    while create_status(&old) != StepStatus::Sent {
        assert!(polls < 200, "the create never went out");
        tokio::time::sleep(Duration::from_millis(10)).await;
        polls += 1;
    }

    old.stop();
    tokio::time::timeout(Duration::from_secs(30), old_runner)
        .await
        .expect("the old runner ends once its pass is over")
        .unwrap();
    let ended = old.submission_status(&record.id).await.unwrap();
    assert_eq!(ended.state, "submitted", "{:?}", ended.error);
    assert_eq!(create_status(&old), StepStatus::Done);
    drop(old);

    // What reached the provider's endpoints (not the sandbox's own).
    let provider_requests = || async {
        let stats = world.stats().await;
        let mut requests = stats["requests"].as_object().unwrap().clone();
        requests.retain(|endpoint, _| !endpoint.contains("/_sandbox/"));
        requests
    };
    let new = Arc::new(world.desk());
    let before = provider_requests().await;
    let new_runner = tokio::spawn(Arc::clone(&new).run());
    // A pass of the new runner: it has already looked at the outbox once this returns.
    new.run_draft(id(&record.id)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    new.stop();
    tokio::time::timeout(Duration::from_secs(30), new_runner)
        .await
        .expect("the new runner ends")
        .unwrap();
    assert_eq!(provider_requests().await, before, "nothing sent again");
    assert_eq!(requests(&world, COS_CREATE).await, 1);
    assert_eq!(cos_customers(&world).await, (1, 0));
}
