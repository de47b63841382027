use super::*;
use crate::MemoryStore;

fn record(draft: Option<DraftId>, outcome: AuditOutcome) -> AuditRecord {
    AuditRecord {
        draft_id: draft,
        actor: Actor::Staff("Teller 7".into()),
        action: "cos.create_customer".into(),
        provider: Some(Provider::Cos),
        endpoint: Some("POST /core/v1/cm/customers".into()),
        status: Some(201),
        provider_ids: serde_json::json!({"customerId": "c-42"}),
        outcome,
    }
}

/// A vault with five entries, and its folder.
fn logged() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open(dir.path(), &MemoryStore::default()).unwrap();
    for i in 0..5 {
        let outcome = if i == 2 {
            AuditOutcome::Failure
        } else {
            AuditOutcome::Success
        };
        vault.append_audit(&record(None, outcome)).unwrap();
    }
    assert!(vault.verify_audit().unwrap().is_intact());
    (dir, vault)
}

/// Tampering needs the append-only triggers out of the way first.
fn tamper(vault: &Vault, sql: &str) {
    vault
        .raw()
        .execute_batch(&format!(
            "DROP TRIGGER IF EXISTS audit_log_no_update;
             DROP TRIGGER IF EXISTS audit_log_no_delete;
             {sql}"
        ))
        .unwrap();
}

fn kinds(vault: &Vault) -> Vec<(u64, AuditProblemKind)> {
    vault
        .verify_audit()
        .unwrap()
        .problems
        .into_iter()
        .map(|p| (p.seq, p.kind))
        .collect()
}

#[test]
fn entries_chain_and_filter() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open(dir.path(), &MemoryStore::default()).unwrap();
    assert_eq!(vault.verify_audit().unwrap().entries, 0);
    assert!(vault.verify_audit().unwrap().is_intact());

    let draft = DraftId::new();
    let first = vault
        .append_audit(&record(Some(draft), AuditOutcome::Success))
        .unwrap();
    let mut system = record(None, AuditOutcome::Unknown);
    system.actor = Actor::System;
    system.status = None;
    system.provider = None;
    system.endpoint = None;
    let second = vault.append_audit(&system).unwrap();
    vault
        .append_audit(&record(Some(draft), AuditOutcome::Failure))
        .unwrap();

    assert_eq!((first.seq, second.seq), (1, 2));
    assert_ne!(first.hash, second.hash);
    assert_eq!(second.record, system);
    assert_eq!(
        vault
            .list_audit(&AuditFilter {
                draft_id: Some(draft),
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![1, 3]
    );
    let failures = vault
        .list_audit(&AuditFilter {
            draft_id: Some(draft),
            outcome: Some(AuditOutcome::Failure),
        })
        .unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].record.actor, Actor::Staff("Teller 7".into()));
    let report = vault.verify_audit().unwrap();
    assert_eq!((report.entries, report.is_intact()), (3, true));

    let mut leaky = record(None, AuditOutcome::Success);
    leaky.endpoint = Some("GET /customers?ssn=123456789".into());
    assert!(matches!(
        vault.append_audit(&leaky),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn the_log_refuses_ordinary_updates_and_deletes() {
    let (_dir, vault) = logged();
    let conn = vault.raw();
    let err = conn
        .execute("UPDATE audit_log SET outcome = 'success' WHERE seq = 3", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

#[test]
fn an_altered_entry_is_found() {
    let (_dir, vault) = logged();
    tamper(
        &vault,
        "UPDATE audit_log SET outcome = 'success' WHERE seq = 3;",
    );
    assert_eq!(kinds(&vault), vec![(3, AuditProblemKind::Altered)]);
}

#[test]
fn an_altered_entry_with_a_recomputed_hash_is_found() {
    let (_dir, vault) = logged();
    // The forger recomputes entry 3's hash as best they can without the keyring's key,
    // and entry 4 still points at the old one anyway.
    let (mut raw, prev, _) = vault
        .raw()
        .query_row(
            &format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq = 3"),
            [],
            raw_from_row,
        )
        .unwrap();
    raw.outcome = "success".into();
    let forged = encode_hex(&raw.unkeyed_hash(&prev)).to_string();
    tamper(
        &vault,
        &format!("UPDATE audit_log SET outcome = 'success', hash = x'{forged}' WHERE seq = 3;"),
    );
    assert_eq!(
        kinds(&vault),
        vec![
            (3, AuditProblemKind::Altered),
            (4, AuditProblemKind::ChainBroken)
        ]
    );
}

#[test]
fn a_removed_entry_is_found() {
    let (_dir, vault) = logged();
    tamper(&vault, "DELETE FROM audit_log WHERE seq = 2;");
    assert_eq!(
        kinds(&vault),
        vec![
            (3, AuditProblemKind::Missing),
            (3, AuditProblemKind::ChainBroken)
        ]
    );
}

#[test]
fn entries_cut_off_the_end_are_found() {
    let (_dir, vault) = logged();
    tamper(&vault, "DELETE FROM audit_log WHERE seq >= 4;");
    assert_eq!(
        kinds(&vault),
        vec![
            (3, AuditProblemKind::HeadMismatch),
            (5, AuditProblemKind::Truncated)
        ]
    );
    tamper(&vault, "DELETE FROM audit_log;");
    assert_eq!(
        kinds(&vault),
        vec![
            (0, AuditProblemKind::HeadMismatch),
            (5, AuditProblemKind::Truncated)
        ]
    );
}

#[test]
fn an_inserted_entry_is_found() {
    let (_dir, vault) = logged();
    // Make room after entry 2 and slip a copy of entry 1 in.
    tamper(
        &vault,
        "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3;
         UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100;
         INSERT INTO audit_log
             SELECT 3, at, draft_id, actor, 'cos.delete_customer', provider, endpoint,
                    status, provider_ids, outcome, prev_hash, hash
             FROM audit_log WHERE seq = 1;",
    );
    let found = kinds(&vault);
    assert!(
        found.contains(&(3, AuditProblemKind::ChainBroken)),
        "{found:?}"
    );
    assert!(found.contains(&(3, AuditProblemKind::Altered)), "{found:?}");
    assert!(
        found.contains(&(4, AuditProblemKind::ChainBroken)),
        "{found:?}"
    );
}

#[test]
fn entries_appended_behind_the_vaults_back_are_found() {
    let (_dir, vault) = logged();
    tamper(
        &vault,
        "INSERT INTO audit_log
             SELECT 6, at, draft_id, actor, action, provider, endpoint, status,
                    provider_ids, outcome, hash, hash
             FROM audit_log WHERE seq = 5;",
    );
    let found = kinds(&vault);
    assert!(
        found.contains(&(6, AuditProblemKind::HeadMismatch)),
        "{found:?}"
    );
}

#[test]
fn the_log_survives_a_restart_and_keeps_chaining() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    Vault::open(dir.path(), &secrets)
        .unwrap()
        .append_audit(&record(None, AuditOutcome::Success))
        .unwrap();
    let vault = Vault::open(dir.path(), &secrets).unwrap();
    let entry = vault
        .append_audit(&record(None, AuditOutcome::Success))
        .unwrap();
    assert_eq!(entry.seq, 2);
    let report = vault.verify_audit().unwrap();
    assert_eq!((report.entries, report.is_intact()), (2, true));
}
