use super::*;

#[test]
fn token_times_in_fin_format_and_iso() {
    let t = parse_time("2025-12-28 10:34:45+00").unwrap();
    assert_eq!(t.to_rfc3339(), "2025-12-28T10:34:45+00:00");
    assert_eq!(parse_time("2025-12-28 10:34:45+0000"), Some(t));
    assert_eq!(parse_time("2025-12-28T10:34:45Z"), Some(t));
    assert_eq!(parse_time("2025-12-28 12:34:45+02"), Some(t));
    assert_eq!(parse_time("28/12/2025"), None);
}

#[test]
fn lifetimes_count_from_the_servers_clock() {
    let body = br#"{"access_token":"a","access_token_ttl":"2025-12-21 11:34:45+00",
        "refresh_token":"r","refresh_token_ttl":"2025-12-28 10:34:45+00",
        "current_time":"2025-12-21 10:34:45+00"}"#;
    let received = Instant::now();
    // A local clock a year off changes nothing.
    let now = SystemTime::UNIX_EPOCH;
    let tokens = tokens_of(body, received, now).unwrap();
    assert_eq!(tokens.renew_at - received, Duration::from_secs(3600 - 60));
    let (_, until) = tokens.refresh.unwrap();
    assert_eq!(until - received, Duration::from_secs(7 * 86_400 - 60));
}

#[test]
fn short_lives_renew_at_four_fifths() {
    assert_eq!(early(Duration::from_secs(10)), Duration::from_secs(8));
    assert_eq!(early(Duration::ZERO), Duration::ZERO);
}

#[test]
fn a_broken_token_answer_does_not_echo_it() {
    let Err(error) = tokens_of(
        br#"{"data":{"access_tokn":"s3cr3t-token"}}"#,
        Instant::now(),
        SystemTime::now(),
    ) else {
        panic!("accepted");
    };
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}

#[test]
fn only_uuids_go_into_customer_paths() {
    assert_eq!(
        customer_path("0ca13984-63f3-45d7-99a7-52b9133f0259", "/individual/attach").unwrap(),
        "v2/customers/0ca13984-63f3-45d7-99a7-52b9133f0259/individual/attach"
    );
    for bad in ["", "../v1/oauth/token", "0ca13984?x=1", "a/b"] {
        assert!(customer_path(bad, "").is_err(), "{bad}");
    }
}

#[test]
fn unprocessable_fields_in_either_shape() {
    let listed = br#"{"message":"x","errors":[{"basic_info.email":"must be all lowercase"},
        {"identifying_documents.0.state":"is not allowed for PASSPORT"}]}"#;
    let paths: Vec<String> = field_problems(listed).into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["basic_info.email", "identifying_documents.0.state"]);
    let keyed = br#"{"message":"x","errors":{"basic_info.dob":["is required","bad"]}}"#;
    assert_eq!(field_problems(keyed).len(), 2);
}

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
    assert!(CustomerStatus::Incomplete.allows_attach());
    assert!(!CustomerStatus::Reviewing.allows_attach());
}

#[test]
fn creates_that_may_have_arrived_are_not_retryable() {
    let answer = |status: u16| Answer {
        status: StatusCode::from_u16(status).unwrap(),
        headers: reqwest::header::HeaderMap::new(),
        body: br#"{"message":"boom"}"#.to_vec(),
    };
    let create = judge(answer(503), Op::Create).err().unwrap();
    assert!(matches!(create, Error::OutcomeUnknown { .. }));
    assert!(!create.is_retryable());
    assert!(judge(answer(503), Op::Read).err().unwrap().is_retryable());
    assert!(judge(answer(429), Op::Create).err().unwrap().is_retryable());
}
