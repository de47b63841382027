//! A configured Fin.com connection whose client configuration asks for a selfie with every
//! set of documents: the desk the app starts on it checks for the selfie before anything is
//! sent, against the sandbox configured the same way over loopback.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_domain::draft::{Draft, PartyKind};
use branchdesk_engine::setup::{self, ConnectionInput, Settings};
use branchdesk_engine::{Desk, Error};
use branchdesk_sandbox::SandboxConfig;
use branchdesk_vault::Vault;

mod common;
use common::{customer, id, World};

impl World {
    /// The sandbox's Fin.com asks for a selfie exactly when `selfie_required`.
    async fn asking_for_selfies(selfie_required: bool) -> World {
        World::start(SandboxConfig {
            compliance_delay: Duration::from_millis(200),
            fin_selfie_required: selfie_required,
            ..SandboxConfig::default()
        })
        .await
    }

    /// The desk the app starts with Training off, after staff saved the sandbox's COS and
    /// Fin.com connections in Settings, the selfie box as given.
    async fn configured_desk(&self, selfie_required: bool) -> Arc<Desk> {
        let vault = Arc::new(Vault::open(self.dir.path(), &self.secrets).unwrap());
        let credentials = self.sandbox.credentials().clone();
        let sandbox = |provider: &str| ConnectionInput {
            provider: provider.into(),
            environment: "SANDBOX".into(),
            base_url: self.sandbox.url(),
            ..ConnectionInput::default()
        };
        setup::add_connection(
            &vault,
            &self.secrets,
            &ConnectionInput {
                client_id: credentials.cos.client_id,
                partner_id: credentials.cos.partner_id,
                secret: credentials.cos.client_secret,
                ..sandbox("cos")
            },
        )
        .unwrap();
        let fin = setup::add_connection(
            &vault,
            &self.secrets,
            &ConnectionInput {
                client_id: credentials.fin.client_id,
                secret: credentials.fin.client_secret,
                fin_selfie_required: selfie_required,
                ..sandbox("fin")
            },
        )
        .unwrap();
        assert_eq!(fin.fin_selfie_required, selfie_required);
        let settings = Settings {
            training: false,
            ..Settings::default()
        };
        let started = setup::start(self.dir.path(), vault, &self.secrets, &settings)
            .await
            .unwrap();
        assert!(started.training.is_none(), "{:?}", started.problem);
        assert_eq!(started.problem, None);
        started.desk
    }

    /// A draft with its licence and proof of address attached, and no selfie.
    fn draft_without_selfie(&self, desk: &Desk) -> (String, Draft) {
        let record = desk.create_draft(PartyKind::Person).unwrap();
        desk.save_draft(&record.id, &customer("Selfie")).unwrap();
        for (slot, shade) in [("FRONT", 10), ("BACK", 60), ("PROOF_OF_ADDRESS", 110)] {
            let file = self.picture(&format!("{slot}.png"), shade);
            desk.attach_scan(&record.id, slot, &file).unwrap();
        }
        let draft = desk.get_draft(&record.id).unwrap().draft;
        (record.id, draft)
    }
}

#[tokio::test]
async fn a_connection_that_requires_a_selfie_refuses_a_draft_without_one_before_sending() {
    let world = World::asking_for_selfies(true).await;
    let desk = world.configured_desk(true).await;
    // What the app tells the page, so the Scans step asks for the selfie.
    assert!(desk.fin_attach_config().selfie_required);
    let (draft, body) = world.draft_without_selfie(&desk);

    let shown = desk.validate(&body);
    assert!(
        shown
            .iter()
            .any(|i| i.field == "scans.SELFIE" && i.is_error()),
        "{shown:?}"
    );
    match desk.submit(&draft, &body) {
        Err(Error::Invalid(issues)) => {
            let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
            assert_eq!(fields, ["scans.SELFIE"], "{issues:?}");
        }
        other => panic!("expected a local refusal naming the selfie, got {other:?}"),
    }
    assert_eq!(
        world.successes("/v2/customers/individual").await,
        0,
        "nothing reached Fin.com"
    );

    // With a selfie it goes all the way: the sandbox's Fin.com takes the attach.
    let selfie = world.picture("selfie.png", 160);
    let scans = desk.attach_scan(&draft, "SELFIE", &selfie).unwrap();
    assert!(scans.iter().any(|s| s.slot == "SELFIE"));
    let body = desk.get_draft(&draft).unwrap().draft;
    assert!(
        !desk.validate(&body).iter().any(|i| i.is_error()),
        "{:?}",
        desk.validate(&body)
    );
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(world.successes("/v1/customers/upload").await, 4);
    assert_eq!(world.successes("/individual/attach").await, 1);
}

#[tokio::test]
async fn a_connection_without_the_setting_leaves_the_selfie_optional() {
    let world = World::asking_for_selfies(false).await;
    let desk = world.configured_desk(false).await;
    assert!(!desk.fin_attach_config().selfie_required);
    let (_, body) = world.draft_without_selfie(&desk);
    let shown = desk.validate(&body);
    assert!(
        !shown.iter().any(|i| i.field == "scans.SELFIE"),
        "{shown:?}"
    );
    assert!(!shown.iter().any(|i| i.is_error()), "{shown:?}");
}
