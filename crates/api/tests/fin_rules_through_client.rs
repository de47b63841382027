//! Every rule of Fin.com's Attach Documents V2 broken once, through `FinClient`, with
//! Branchdesk's own checks bypassed (the bodies are built by hand): each 422 comes back as
//! `Error::Invalid` naming the path Fin.com names, which is what puts it on the right field.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_api::fin::{
    CancellationToken, CustomerStatus, FinClient, FinConfig, ProgressFn, UploadFile, UploadReader,
};
use branchdesk_api::{Error, RetryPolicy};
use branchdesk_domain::Sensitive;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn pdf(name: &str) -> UploadFile {
    UploadFile::new(name, "application/pdf", PDF.len() as u64, || async {
        Ok(Box::new(PDF) as UploadReader)
    })
}

/// Each case: what is broken, the paths the 422 names, and the edit of a valid body that
/// breaks it. `u` holds the uploads: licence FRONT and BACK, statement, selfie, two spare.
type Case = (
    &'static str,
    &'static [&'static str],
    fn(&mut Value, &[String]),
);

#[tokio::test]
async fn each_attach_rule_broken_comes_back_on_its_field() {
    // A client configuration that requires a SELFIE, so that rule can be broken too.
    let sandbox = Sandbox::start(SandboxConfig {
        compliance_delay: Duration::from_millis(300),
        fin_selfie_required: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let credentials = sandbox.credentials().fin.clone();
    let mut config = FinConfig::new(
        sandbox.url(),
        credentials.client_id,
        Sensitive::new(credentials.client_secret),
    );
    config.retry = RetryPolicy {
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_attempts: 4,
    };
    let client = FinClient::new(reqwest::Client::new(), config).unwrap();

    let created = client
        .create_individual(&fixture("fin_individual.json"))
        .await
        .unwrap();
    let id = created.customer_id;
    let files: Vec<UploadFile> = [
        "front.pdf",
        "back.pdf",
        "statement.pdf",
        "selfie.pdf",
        "spare1.pdf",
        "spare2.pdf",
    ]
    .into_iter()
    .map(pdf)
    .collect();
    let progress: ProgressFn = Arc::new(|_| {});
    let u = client
        .upload(&id, &files, progress, &CancellationToken::new())
        .await
        .unwrap();
    // Valid as it stands: a SELFIE, a US driver's licence and a bank statement, in the order
    // Branchdesk sends them.
    let valid = json!({
        "identifying_documents": [
            {"type": "SELFIE", "files": [{"uri": u[3]}]},
            {
                "type": "DRIVERS_LICENSE", "number": "DL987654321", "country": "USA",
                "state": "US-CA", "issue_date": "2019-06-01", "expiry_date": "2099-06-01",
                "files": [{"side": "FRONT", "uri": u[0]}, {"side": "BACK", "uri": u[1]}]
            }
        ],
        "address_documents": [
            {"type": "BANK_STATEMENT", "country": "USA", "files": [{"uri": u[2]}]}
        ],
        "tos_policies_value": created.tos_policies_value.unwrap(),
    });

    let cases: Vec<Case> = vec![
        (
            "two primary documents",
            &["identifying_documents"],
            |b, u| {
                let passport = json!({
                    "type": "PASSPORT", "number": "X1234567", "country": "USA",
                    "expiry_date": "2099-01-01", "files": [{"uri": u[4]}]
                });
                b["identifying_documents"]
                    .as_array_mut()
                    .unwrap()
                    .push(passport);
            },
        ),
        (
            "passport with two files",
            &["identifying_documents.1.files"],
            |b, _| {
                let doc = b["identifying_documents"][1].as_object_mut().unwrap();
                doc.insert("type".into(), json!("PASSPORT"));
                doc.remove("state");
            },
        ),
        (
            "licence without BACK",
            &["identifying_documents.1.files"],
            |b, _| {
                b["identifying_documents"][1]["files"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            },
        ),
        (
            "US licence without state",
            &["identifying_documents.1.state"],
            |b, _| {
                b["identifying_documents"][1]
                    .as_object_mut()
                    .unwrap()
                    .remove("state");
            },
        ),
        (
            "national ID with state",
            &["identifying_documents.1.state"],
            |b, _| {
                b["identifying_documents"][1]["type"] = json!("NATIONAL_ID");
            },
        ),
        ("two address documents", &["address_documents"], |b, u| {
            let bill = json!({"type": "UTILITY_BILL", "country": "USA", "files": [{"uri": u[5]}]});
            b["address_documents"].as_array_mut().unwrap().push(bill);
        }),
        (
            "duplicate file URI",
            &["address_documents.0.files.0.uri"],
            |b, u| b["address_documents"][0]["files"][0]["uri"] = json!(u[0]),
        ),
        (
            "missing selfie when required",
            &["identifying_documents"],
            |b, _| {
                b["identifying_documents"].as_array_mut().unwrap().remove(0);
            },
        ),
        (
            "selfie with two files",
            &["identifying_documents.0.files"],
            |b, u| {
                b["identifying_documents"][0]["files"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"uri": u[4]}));
            },
        ),
    ];
    let sent = cases.len() as u64;
    for (what, paths, edit) in cases {
        let mut body = valid.clone();
        edit(&mut body, &u);
        let outcome = client.attach_documents(&id, &body).await;
        let Err(error @ Error::Invalid { status: 422, .. }) = outcome else {
            panic!("{what}: {outcome:?}");
        };
        let Error::Invalid { fields, .. } = &error else {
            unreachable!()
        };
        let found: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(found, paths, "{what}: {error}");
        assert!(
            fields.iter().all(|f| !f.message.trim().is_empty()),
            "{what}: {fields:?}"
        );
        // What staff read names the field and Fin.com's reason.
        let text = error.to_string();
        assert!(
            text.contains(&format!("{}: {}", paths[0], fields[0].message)),
            "{what}: {text}"
        );
    }

    // A 422 is definite: each body was sent once, and the customer is untouched.
    let stats: Value = reqwest::get(format!("{}/_sandbox/stats", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answers = &stats["requests"]["POST /v2/customers/{id}/individual/attach"];
    assert_eq!(answers["422"].as_u64(), Some(sent), "{stats}");
    assert_eq!(
        client.get_customer(&id).await.unwrap().customer_status,
        CustomerStatus::Incomplete
    );
    // And without the breakage the same body goes through.
    client.attach_documents(&id, &valid).await.unwrap();
}
