//! The audit log's anchor in the keyring against someone who can write the database file
//! (and knows its key) but has no access to the keyring.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use branchdesk_vault::{
    audit_head_entry, Actor, AuditOutcome, AuditProblemKind, AuditRecord, SecretStore, Sensitive,
    Vault, DATABASE_FILE,
};
use common::Fixture;

fn record(action: &str) -> AuditRecord {
    AuditRecord {
        draft_id: None,
        actor: Actor::Staff("Teller 7".into()),
        action: action.into(),
        provider: None,
        endpoint: None,
        status: None,
        provider_ids: serde_json::Value::Null,
        outcome: AuditOutcome::Success,
    }
}

/// `count` entries, each in its own commit, as the app appends them.
fn append(vault: &Vault, count: usize) {
    for i in 0..count {
        vault.append_audit(&record(&format!("step.{i}"))).unwrap();
    }
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
fn cutting_the_tail_and_rewriting_the_head_in_the_database_is_found() {
    let fx = Fixture::new();
    let vault = fx.open();
    append(&vault, 6);
    assert!(vault.verify_audit().unwrap().is_intact());
    drop(vault);

    // The attacker removes entries 4 to 6 and makes the database's own head agree, so the
    // chain that is left is perfectly consistent on its own.
    let raw = fx.raw();
    raw.execute_batch(
        "DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE seq >= 4;
         UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3);",
    )
    .unwrap();
    drop(raw);

    let vault = fx.open();
    assert_eq!(kinds(&vault), vec![(6, AuditProblemKind::Truncated)]);
    let report = vault.verify_audit().unwrap();
    assert!(
        report.problems[0].to_string().contains("cut off the end"),
        "{}",
        report.problems[0]
    );

    // Writing on does not paper over the cut: the anchor stays where it was, and once the
    // chain grows past it again the entry there is not the anchored one.
    append(&vault, 1);
    assert_eq!(kinds(&vault), vec![(6, AuditProblemKind::Truncated)]);
    append(&vault, 3);
    assert_eq!(kinds(&vault), vec![(6, AuditProblemKind::RolledBack)]);
}

#[test]
fn rolling_the_whole_file_back_to_an_older_copy_is_found() {
    let fx = Fixture::new();
    let db = fx.dir.path().join(DATABASE_FILE);
    let vault = fx.open();
    append(&vault, 3);
    // Closing checkpoints the write-ahead log into the file, so the copy is complete.
    drop(vault);
    let old = std::fs::read(&db).unwrap();

    let vault = fx.open();
    append(&vault, 2);
    assert!(vault.verify_audit().unwrap().is_intact());
    drop(vault);

    std::fs::write(&db, &old).unwrap();
    for leftover in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(fx.dir.path().join(format!("{DATABASE_FILE}{leftover}")));
    }
    let vault = fx.open();
    let report = vault.verify_audit().unwrap();
    assert_eq!(report.entries, 3);
    assert_eq!(kinds(&vault), vec![(5, AuditProblemKind::Truncated)]);
}

#[test]
fn a_head_one_commit_behind_after_a_crash_is_accepted_and_caught_up() {
    let fx = Fixture::new();
    let vault = fx.open();
    append(&vault, 4);
    let entries = vault.list_audit(&Default::default()).unwrap();
    let head_entry = audit_head_entry(vault.audit_vault_id());
    // Closing the vault waits for the keyring write under way.
    drop(vault);
    let head: serde_json::Value =
        serde_json::from_str(fx.secrets.get(&head_entry).unwrap().unwrap().expose()).unwrap();
    assert_eq!(head["seq"], 4);
    assert_eq!(head["hash"], entries[3].hash);

    // As if the process died after committing entry 4 but before the keyring write.
    let mut behind = head.clone();
    behind["seq"] = 3.into();
    behind["hash"] = entries[2].hash.clone().into();
    fx.secrets
        .set(&head_entry, &Sensitive::new(behind.to_string()))
        .unwrap();
    let store = fx.secrets.clone();
    let vault = Vault::open(fx.dir.path(), &store).unwrap();
    assert!(vault.verify_audit().unwrap().is_intact());
    // The vault moves the anchor up to the chain's end at its next commit, or on closing.
    drop(vault);
    let head: serde_json::Value =
        serde_json::from_str(fx.secrets.get(&head_entry).unwrap().unwrap().expose()).unwrap();
    assert_eq!(head["seq"], 4);
}

#[test]
fn a_missing_anchor_is_reported_and_not_made_up_again() {
    let fx = Fixture::new();
    let vault = fx.open();
    append(&vault, 2);
    let head = audit_head_entry(vault.audit_vault_id());
    drop(vault);
    fx.secrets.delete(&head).unwrap();
    let vault = fx.open();
    assert_eq!(kinds(&vault), vec![(2, AuditProblemKind::Unanchored)]);
    // Neither writing on nor reopening makes an anchor up from what the database says.
    append(&vault, 1);
    drop(vault);
    let vault = fx.open();
    assert_eq!(kinds(&vault), vec![(3, AuditProblemKind::Unanchored)]);
}

#[test]
fn an_entry_forged_without_the_key_is_found_even_at_the_end() {
    let fx = Fixture::new();
    let vault = fx.open();
    append(&vault, 2);
    drop(vault);
    // Without the keyring's key the attacker cannot use the vault's sealing function.
    let raw = fx.raw();
    let refused = raw.execute_batch("SELECT branchdesk_audit_seal(x'00');");
    assert!(refused.is_err());
    // Copying entry 2 as a third one (with the database head moved along) does not verify.
    raw.execute_batch(
        "INSERT INTO audit_log
             SELECT 3, at, draft_id, actor, 'cos.delete_customer', provider, endpoint, status,
                    provider_ids, outcome, hash, hash
             FROM audit_log WHERE seq = 2;
         UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3);",
    )
    .unwrap();
    drop(raw);
    let vault = fx.open();
    assert_eq!(kinds(&vault), vec![(3, AuditProblemKind::Altered)]);
}

#[test]
fn two_vaults_under_one_keyring_keep_their_own_anchors() {
    let secrets = branchdesk_vault::MemoryStore::default();
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let first = Vault::open(one.path(), &secrets).unwrap();
    let second = Vault::open(two.path(), &secrets).unwrap();
    assert_ne!(first.audit_vault_id(), second.audit_vault_id());
    append(&first, 3);
    append(&second, 1);
    assert!(first.verify_audit().unwrap().is_intact());
    assert!(second.verify_audit().unwrap().is_intact());
}

fn exported(vault: &Vault) -> String {
    let mut out = Vec::new();
    vault.export_audit(None, None, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn verify_text(text: &str, secrets: &dyn SecretStore) -> Vec<(u64, AuditProblemKind)> {
    branchdesk_vault::verify_audit_export(&mut text.as_bytes(), secrets)
        .unwrap()
        .problems
        .into_iter()
        .map(|p| (p.seq, p.kind))
        .collect()
}

#[test]
fn an_export_verifies_on_its_own_and_an_edited_line_does_not() {
    let fx = Fixture::new();
    let vault = fx.open();
    append(&vault, 4);
    let text = exported(&vault);
    drop(vault);
    // The database is gone: only the file and the key are needed.
    std::fs::remove_file(fx.dir.path().join(DATABASE_FILE)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "header, four entries, closing line");
    let report = branchdesk_vault::verify_audit_export(&mut text.as_bytes(), &fx.secrets).unwrap();
    assert_eq!((report.entries, report.is_intact()), (4, true));

    let edited = text.replacen("\"action\":\"step.2\"", "\"action\":\"step.9\"", 1);
    assert_ne!(edited, text);
    assert_eq!(
        verify_text(&edited, &fx.secrets),
        vec![(3, AuditProblemKind::Altered)]
    );

    // A line cut out of the middle, and the closing line cut off the end.
    let mut without_two = lines.clone();
    without_two.remove(2);
    assert_eq!(
        verify_text(&without_two.join("\n"), &fx.secrets),
        vec![
            (3, AuditProblemKind::Missing),
            (3, AuditProblemKind::ChainBroken),
            (4, AuditProblemKind::HeadMismatch)
        ]
    );
    let cut = lines[..4].join("\n");
    assert_eq!(
        verify_text(&cut, &fx.secrets),
        vec![(3, AuditProblemKind::Truncated)]
    );

    // Without the log's key there is nothing to check it against.
    let stranger = branchdesk_vault::MemoryStore::default();
    assert!(matches!(
        branchdesk_vault::verify_audit_export(&mut text.as_bytes(), &stranger),
        Err(branchdesk_vault::Error::AuditKeyMissing { .. })
    ));
}

#[test]
fn an_export_of_a_date_range_holds_only_that_range_and_still_verifies() {
    let fx = Fixture::new();
    let vault = fx.open();
    append(&vault, 3);
    let mut out = Vec::new();
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    assert_eq!(vault.export_audit(Some(later), None, &mut out).unwrap(), 0);
    let report = branchdesk_vault::verify_audit_export(&mut out.as_slice(), &fx.secrets).unwrap();
    assert_eq!((report.entries, report.is_intact()), (0, true));

    let entries = vault.list_audit(&Default::default()).unwrap();
    let mut out = Vec::new();
    // From the second entry on: the export starts mid-chain and checks from there.
    assert_eq!(
        vault
            .export_audit(Some(entries[1].at), None, &mut out)
            .unwrap(),
        2
    );
    let report = branchdesk_vault::verify_audit_export(&mut out.as_slice(), &fx.secrets).unwrap();
    assert_eq!((report.entries, report.is_intact()), (2, true));
}
