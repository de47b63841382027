//! A terms link Fin.com sends that is not on the connection's own Fin.com host is refused:
//! no QR code, no link handed out. Against the sandbox over loopback, made to send
//! foreign links.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use branchdesk_engine::Error;
use serde_json::json;

mod common;
use common::{id, World};

async fn move_terms(world: &World, base: serde_json::Value) {
    let answer = reqwest::Client::new()
        .put(format!("{}/_sandbox/fin/tos", world.sandbox.url()))
        .json(&json!({ "base_url": base }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
}

#[tokio::test]
async fn a_foreign_terms_link_is_refused_and_never_drawn() {
    let world = World::new().await;
    let desk = world.desk();
    let port = url::Url::parse(&world.sandbox.url())
        .unwrap()
        .port()
        .unwrap();
    for foreign in [
        "https://evil.example".to_owned(),
        format!("http://127.0.0.1:{port}@evil.example"),
        format!("http://localhost.evil.example:{port}"),
        "javascript:alert(1)//".to_owned(),
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        move_terms(&world, json!(foreign)).await;
        let (draft, body) = world.licence_draft(&desk, "Garcia");
        desk.submit(&draft, &body).unwrap();
        desk.run_draft(id(&draft)).await.unwrap();

        let status = desk.submission_status(&draft).await.unwrap();
        assert_eq!(status.state, "awaiting_terms", "{foreign}");
        let fin = status.fin.unwrap();
        assert!(
            fin.tos_url.is_none(),
            "{foreign}: handed out {:?}",
            fin.tos_url
        );
        match desk.terms(&draft) {
            Err(Error::TermsLinkRefused(_)) => {}
            other => panic!("{foreign}: expected a refusal, got {other:?}"),
        }
        // The shell's own check, asked with what Fin.com stored, says the same.
        let stored = desk.vault().latest_plan(id(&draft)).unwrap().unwrap();
        let raw = stored
            .steps
            .iter()
            .find_map(|s| s.provider_ids.get("tosPoliciesUrl")?.as_str())
            .unwrap()
            .to_owned();
        assert!(raw.starts_with(foreign.as_str()), "{raw}");
        assert!(matches!(
            desk.checked_terms_url(&raw),
            Err(Error::TermsLinkRefused(_))
        ));
    }

    // The sandbox's own link is drawn as before.
    move_terms(&world, serde_json::Value::Null).await;
    let (draft, body) = world.licence_draft(&desk, "Nguyen");
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    let terms = desk.terms(&draft).unwrap().unwrap();
    assert!(terms.url.starts_with(&world.sandbox.url()), "{}", terms.url);
    assert!(terms.qr.starts_with("data:image/svg+xml;base64,"));
    let fin = desk.submission_status(&draft).await.unwrap().fin.unwrap();
    assert_eq!(fin.tos_url.as_deref(), Some(terms.url.as_str()));
}
