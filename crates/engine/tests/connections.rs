//! A connection is neither saved nor removed while submissions are queued: refused before
//! anything reaches the keyring or the vault, with the same answer as switching
//! environment.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use branchdesk_engine::setup::{add_connection, remove_connection, ConnectionInput};
use branchdesk_engine::Error;
use branchdesk_vault::{
    DraftInput, DraftState, MemoryStore, NewStep, PartyKind, Provider, SecretStore, Sensitive,
    Vault,
};

/// The project's in-memory store, counting every write that reaches it.
#[derive(Default)]
struct Counting {
    inner: MemoryStore,
    writes: AtomicUsize,
}

impl SecretStore for Counting {
    fn get(&self, name: &str) -> branchdesk_vault::Result<Option<Sensitive<String>>> {
        self.inner.get(name)
    }
    fn set(&self, name: &str, secret: &Sensitive<String>) -> branchdesk_vault::Result<()> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.set(name, secret)
    }
    fn delete(&self, name: &str) -> branchdesk_vault::Result<()> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.delete(name)
    }
    /// The audit anchor's own writes go to the same entries uncounted: they are not
    /// connection changes.
    fn shared(&self) -> std::sync::Arc<dyn SecretStore> {
        self.inner.shared()
    }
}

fn cos(secret: &str) -> ConnectionInput {
    ConnectionInput {
        provider: "cos".into(),
        environment: "SANDBOX".into(),
        base_url: "https://sandbox.crbcos.com".into(),
        client_id: "branch-7".into(),
        partner_id: "6e80b097-693c-4592-8440-02f345335bbf".into(),
        secret: secret.into(),
        ..ConnectionInput::default()
    }
}

/// A draft with a plan of one step not yet sent: work in the queue.
fn queue_work(vault: &Vault) -> branchdesk_vault::DraftId {
    let draft = vault
        .create_draft(&DraftInput {
            provider: Provider::Cos,
            kind: PartyKind::Person,
            display_name: "Ada".into(),
            masked_tax_id: None,
            state: DraftState::Waiting,
            body: serde_json::json!({}),
        })
        .unwrap()
        .id;
    vault
        .create_plan(
            draft,
            Provider::Cos,
            &[NewStep {
                kind: "cos.create_customer".into(),
                idempotency_key: uuid::Uuid::new_v4().to_string(),
                body: b"{}".to_vec(),
            }],
        )
        .unwrap();
    draft
}

#[test]
fn connections_are_not_changed_while_work_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Counting::default();
    let vault = Vault::open(dir.path(), &secrets).unwrap();
    let kept = add_connection(&vault, &secrets, &cos("first")).unwrap();
    let kept_id = kept.id.parse().unwrap();
    let writes = secrets.writes.load(Ordering::SeqCst);
    let before = vault.list_connections().unwrap();

    let draft = queue_work(&vault);
    assert!(matches!(
        add_connection(&vault, &secrets, &cos("second")),
        Err(Error::QueueBusy)
    ));
    assert!(matches!(
        remove_connection(&vault, &secrets, kept_id),
        Err(Error::QueueBusy)
    ));
    assert_eq!(
        secrets.writes.load(Ordering::SeqCst),
        writes,
        "nothing reached the keyring"
    );
    assert_eq!(vault.list_connections().unwrap(), before);
    assert_eq!(
        vault.list_connections().unwrap()[0]
            .secret(&secrets)
            .unwrap()
            .unwrap()
            .expose(),
        "first"
    );
    let refused = Error::QueueBusy.to_string();
    assert!(refused.contains("switching environment"), "{refused}");

    // Once the queue is empty, both go through.
    let step = vault.next_pending_step(draft).unwrap().unwrap();
    vault
        .mark_step_done(step.id, &serde_json::json!({"customerId": "c-1"}))
        .unwrap();
    assert!(vault.drafts_with_pending_work().unwrap().is_empty());
    let replaced = add_connection(&vault, &secrets, &cos("second")).unwrap();
    let stored = vault.list_connections().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id.to_string(), replaced.id);
    assert!(remove_connection(&vault, &secrets, stored[0].id).unwrap());
    assert!(vault.list_connections().unwrap().is_empty());
    assert!(secrets
        .get(&branchdesk_vault::secret_entry(stored[0].id))
        .unwrap()
        .is_none());
}
