//! The keyring against a real Secret Service. `cargo xtask test` runs it inside its own
//! `dbus-run-session` with a freshly unlocked gnome-keyring, so it never sees the user's
//! keyring; it is ignored in a plain `cargo test` for the same reason.

use branchdesk_vault::{KeyringStore, SecretStore, Sensitive};

#[test]
#[ignore = "needs an isolated Secret Service: run by `cargo xtask test`"]
fn a_secret_is_stored_read_and_deleted_through_the_os_keyring() {
    let store = KeyringStore::new(&format!("test-{}", uuid::Uuid::new_v4()));
    let secret = Sensitive::new(format!("secret-{}", uuid::Uuid::new_v4()));

    assert!(store.get("cos-client-secret").unwrap().is_none());
    store.set("cos-client-secret", &secret).unwrap();
    assert_eq!(
        store.get("cos-client-secret").unwrap().as_ref(),
        Some(&secret)
    );

    // A second handle sees the same entry: it really went through the keyring.
    let again = KeyringStore::new(store.service().trim_start_matches("com.branchdesk."));
    assert_eq!(
        again.get("cos-client-secret").unwrap().as_ref(),
        Some(&secret)
    );

    store.delete("cos-client-secret").unwrap();
    assert!(store.get("cos-client-secret").unwrap().is_none());
    store.delete("cos-client-secret").unwrap();
}

/// The audit anchor against the real keyring: a rolled-back file is found, and what the
/// anchor costs each commit (printed; the keyring write follows every commit that appended
/// to the log).
#[test]
#[ignore = "needs an isolated Secret Service: run by `cargo xtask test`"]
fn the_audit_anchor_lives_in_the_os_keyring_and_finds_a_rolled_back_file() {
    use branchdesk_vault::{
        audit_head_entry, Actor, AuditOutcome, AuditProblemKind, AuditRecord, MemoryStore, Vault,
        DATABASE_FILE,
    };
    let record = AuditRecord {
        draft_id: None,
        actor: Actor::System,
        action: "step".into(),
        provider: None,
        endpoint: None,
        status: None,
        provider_ids: serde_json::Value::Null,
        outcome: AuditOutcome::Success,
    };
    let appends = |vault: &Vault, n: u32| {
        let started = std::time::Instant::now();
        for _ in 0..n {
            vault.append_audit(&record).unwrap();
        }
        started.elapsed() / n
    };

    let dir = tempfile::tempdir().unwrap();
    let store = KeyringStore::new(&format!("test-{}", uuid::Uuid::new_v4()));
    let vault = Vault::open(dir.path(), &store).unwrap();
    let keyring_each = appends(&vault, 50);
    let head_entry = audit_head_entry(vault.audit_vault_id());
    drop(vault);
    let head = store.get(&head_entry).unwrap().unwrap();
    assert!(head.expose().contains("\"seq\":50"), "{}", head.expose());

    let memory_dir = tempfile::tempdir().unwrap();
    let memory = Vault::open(memory_dir.path(), &MemoryStore::default()).unwrap();
    let memory_each = appends(&memory, 50);
    println!(
        "one audited commit: {keyring_each:?} with the anchor in the Secret Service, \
         {memory_each:?} with it in memory"
    );

    let started = std::time::Instant::now();
    drop(Vault::open(dir.path(), &store).unwrap());
    let opening = started.elapsed();
    let started = std::time::Instant::now();
    store.get("database-key").unwrap();
    println!(
        "opening the vault: {opening:?}; one keyring read: {:?}",
        started.elapsed()
    );

    let db = dir.path().join(DATABASE_FILE);
    let old = std::fs::read(&db).unwrap();
    let vault = Vault::open(dir.path(), &store).unwrap();
    appends(&vault, 2);
    drop(vault);
    std::fs::write(&db, old).unwrap();
    let vault = Vault::open(dir.path(), &store).unwrap();
    let kinds: Vec<_> = vault
        .verify_audit()
        .unwrap()
        .problems
        .into_iter()
        .map(|p| (p.seq, p.kind))
        .collect();
    assert_eq!(kinds, vec![(52, AuditProblemKind::Truncated)]);
}
