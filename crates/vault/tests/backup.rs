//! Backup and restore: a vault in the middle of a submission, restored on "another
//! computer" (another keyring), and archives that must not restore.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::path::Path;

use branchdesk_vault::{
    restore, Actor, AuditFilter, AuditOutcome, AuditRecord, DraftFilter, DraftId, DraftState,
    Error, MemoryStore, NewStep, PlannedSubmission, Provider, SecretStore, Sensitive, StepStatus,
    Vault, DATABASE_KEY_ENTRY, RESTORED_ACTION,
};
use common::{person, Fixture};

fn passphrase() -> Sensitive<String> {
    Sensitive::new("correct horse battery staple".to_owned())
}

/// Bytes that are not all alike, so a chunk swapped or misplaced would show.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_be_bytes()[0] ^ seed)
        .collect()
}

fn read_scan(vault: &Vault, id: branchdesk_vault::ScanId) -> Vec<u8> {
    let mut out = Vec::new();
    vault.open_scan(id).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// A vault with two drafts, three scans (one of several chunks), and one draft's plan
/// half sent: step 0 done, step 1 sent with no answer yet, step 2 pending.
fn busy_vault(fx: &Fixture) -> (Vault, DraftId) {
    let vault = fx.open();
    let ada = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let grace = vault
        .create_draft(&person("Grace", Provider::Fin))
        .unwrap()
        .id;
    vault.put_scan(ada, pattern(200_000, 1).as_slice()).unwrap();
    vault.put_scan(ada, pattern(10, 2).as_slice()).unwrap();
    vault
        .put_scan(grace, pattern(65_536, 3).as_slice())
        .unwrap();
    let mut input = person("Ada", Provider::Cos);
    input.state = DraftState::Waiting;
    let submission = PlannedSubmission {
        draft: ada,
        input,
        steps: (0..3u8)
            .map(|i| NewStep {
                kind: format!("cos.step{i}"),
                idempotency_key: uuid::Uuid::new_v4().to_string(),
                body: vec![b'a' + i; 100],
            })
            .collect(),
        audit: AuditRecord {
            draft_id: Some(ada),
            actor: Actor::Staff("Teller 7".into()),
            action: "submit".into(),
            provider: Some(Provider::Cos),
            endpoint: None,
            status: None,
            provider_ids: serde_json::json!({ "steps": 3 }),
            outcome: AuditOutcome::Success,
        },
        hold: None,
    };
    vault
        .submit_plans(&[submission])
        .unwrap()
        .remove(0)
        .unwrap();
    let steps = vault.latest_plan(ada).unwrap().unwrap().steps;
    vault.mark_step_sent(steps[0].id).unwrap();
    vault
        .mark_step_done(steps[0].id, &serde_json::json!({ "customerId": "c-1" }))
        .unwrap();
    vault.mark_step_sent(steps[1].id).unwrap();
    (vault, ada)
}

fn backup_of(vault: &Vault) -> Vec<u8> {
    let mut archive = Vec::new();
    vault.backup(&mut archive, &passphrase()).unwrap();
    archive
}

fn is_empty(dir: &Path) -> bool {
    !dir.exists() || std::fs::read_dir(dir).unwrap().next().is_none()
}

#[test]
fn a_vault_mid_submission_restores_on_another_computer_whole() {
    let fx = Fixture::new();
    let (vault, ada) = busy_vault(&fx);
    let archive = backup_of(&vault);
    // The database copy made for the archive is gone from the data folder.
    let left: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".backup-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Nothing of the vault's content is readable in the archive.
    let archive_text = String::from_utf8_lossy(&archive);
    assert!(!archive_text.contains("123-45-6789") && !archive_text.contains("Grace"));

    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("data");
    let other_keyring = MemoryStore::default();
    let summary = restore(
        &mut archive.as_slice(),
        &passphrase(),
        &target,
        &other_keyring,
    )
    .unwrap();
    assert_eq!((summary.drafts, summary.scans), (2, 3));
    // A new database key on that computer, not the old one.
    assert_ne!(
        other_keyring.get(DATABASE_KEY_ENTRY).unwrap(),
        fx.secrets.get(DATABASE_KEY_ENTRY).unwrap()
    );

    let restored = Vault::open(&target, &other_keyring).unwrap();
    let names = |v: &Vault| {
        let mut drafts: Vec<_> = v
            .list_drafts(&DraftFilter::default())
            .unwrap()
            .into_iter()
            .map(|d| (d.id, v.get_draft(d.id).unwrap().unwrap().body, d.state))
            .collect();
        drafts.sort_by_key(|d| d.0);
        drafts
    };
    assert_eq!(names(&restored), names(&vault));

    for draft in vault.list_drafts(&DraftFilter::default()).unwrap() {
        let before = vault.list_scans(draft.id).unwrap();
        let after = restored.list_scans(draft.id).unwrap();
        assert_eq!(before, after);
        for scan in &before {
            assert_eq!(read_scan(&restored, scan.id), read_scan(&vault, scan.id));
        }
    }

    // The plan resumes where it was, with the same idempotency keys and bodies.
    let plan = |v: &Vault| {
        v.latest_plan(ada)
            .unwrap()
            .unwrap()
            .steps
            .into_iter()
            .map(|s| (s.id, s.idempotency_key, s.body, s.status, s.attempts))
            .collect::<Vec<_>>()
    };
    let steps = plan(&restored);
    assert_eq!(steps, plan(&vault));
    assert_eq!(
        steps.iter().map(|s| s.3).collect::<Vec<_>>(),
        [StepStatus::Done, StepStatus::Sent, StepStatus::Pending]
    );
    assert_eq!(restored.drafts_with_pending_work().unwrap(), vec![ada]);

    // The audit log verifies on the new computer, and says where it came from.
    let report = restored.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    let entries = restored.list_audit(&AuditFilter::default()).unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.record.action, RESTORED_ACTION);
    assert_eq!(
        last.record.provider_ids["fromVault"],
        vault.audit_vault_id()
    );
    assert_ne!(restored.audit_vault_id(), vault.audit_vault_id());
    // And keeps its anchor from then on.
    restored
        .append_audit(&AuditRecord {
            action: "after.restore".into(),
            ..last.record.clone()
        })
        .unwrap();
    assert!(restored.verify_audit().unwrap().is_intact());
    // The original is untouched by its backup.
    assert!(vault.verify_audit().unwrap().is_intact());
}

#[test]
fn a_backup_taken_while_the_vault_is_written_is_consistent() {
    let fx = Fixture::new();
    let (vault, _) = busy_vault(&fx);
    let vault = std::sync::Arc::new(vault);
    let writer = {
        let vault = std::sync::Arc::clone(&vault);
        std::thread::spawn(move || {
            for i in 0..200 {
                vault
                    .append_audit(&AuditRecord {
                        draft_id: None,
                        actor: Actor::System,
                        action: format!("busy.{i}"),
                        provider: None,
                        endpoint: None,
                        status: None,
                        provider_ids: serde_json::Value::Null,
                        outcome: AuditOutcome::Success,
                    })
                    .unwrap();
            }
        })
    };
    let archive = backup_of(&vault);
    writer.join().unwrap();
    let target = tempfile::tempdir().unwrap();
    let keyring = MemoryStore::default();
    restore(
        &mut archive.as_slice(),
        &passphrase(),
        target.path(),
        &keyring,
    )
    .unwrap();
    let restored = Vault::open(target.path(), &keyring).unwrap();
    let report = restored.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
}

#[test]
fn a_wrong_passphrase_restores_nothing() {
    let fx = Fixture::new();
    let (vault, _) = busy_vault(&fx);
    let archive = backup_of(&vault);
    let target = tempfile::tempdir().unwrap();
    let keyring = MemoryStore::default();
    let wrong = Sensitive::new("correct horse battery stapler".to_owned());
    let err = restore(&mut archive.as_slice(), &wrong, target.path(), &keyring).unwrap_err();
    assert!(matches!(err, Error::BackupPassphrase), "{err}");
    assert!(is_empty(target.path()));
    assert!(keyring.get(DATABASE_KEY_ENTRY).unwrap().is_none());
}

#[test]
fn a_non_empty_data_folder_is_not_restored_into() {
    let fx = Fixture::new();
    let (vault, _) = busy_vault(&fx);
    let archive = backup_of(&vault);
    let err = restore(
        &mut archive.as_slice(),
        &passphrase(),
        fx.dir.path(),
        &MemoryStore::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::RestoreTargetNotEmpty { .. }), "{err}");
    // Even a single stray file counts.
    let target = tempfile::tempdir().unwrap();
    std::fs::write(target.path().join("notes.txt"), b"x").unwrap();
    let err = restore(
        &mut archive.as_slice(),
        &passphrase(),
        target.path(),
        &MemoryStore::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::RestoreTargetNotEmpty { .. }), "{err}");
    // What a restore cut off by a crash left is not "something in the folder".
    let crashed = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(crashed.path().join(".restoring-1234/scans")).unwrap();
    restore(
        &mut archive.as_slice(),
        &passphrase(),
        crashed.path(),
        &MemoryStore::default(),
    )
    .unwrap();
    assert!(!crashed.path().join(".restoring-1234").exists());
    // The vault it was taken from still opens and has all its drafts.
    assert_eq!(
        fx.open()
            .list_drafts(&DraftFilter::default())
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_cut_short_or_altered_archive_restores_nothing() {
    let fx = Fixture::new();
    let (vault, _) = busy_vault(&fx);
    let archive = backup_of(&vault);
    let len = archive.len();
    let mut damaged: Vec<(&str, Vec<u8>)> = vec![
        ("last byte cut", archive[..len - 1].to_vec()),
        ("last chunk cut", archive[..len - 100].to_vec()),
        ("cut after the first chunk", archive[..60 + 65_552].to_vec()),
        (
            "cut at a chunk boundary",
            archive[..60 + 2 * 65_552].to_vec(),
        ),
        ("header only", archive[..60].to_vec()),
    ];
    for at in [100, len / 2, len - 5] {
        let mut flipped = archive.clone();
        flipped[at] ^= 0x01;
        damaged.push(("a flipped bit", flipped));
    }
    let mut extended = archive.clone();
    extended.extend_from_slice(&[0u8; 32]);
    damaged.push(("bytes appended", extended));
    let mut not_ours = archive.clone();
    not_ours[0] = b'X';
    damaged.push(("not a backup", not_ours));

    for (what, bytes) in damaged {
        let target = tempfile::tempdir().unwrap();
        let keyring = MemoryStore::default();
        let err = restore(
            &mut bytes.as_slice(),
            &passphrase(),
            target.path(),
            &keyring,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::BackupDamaged | Error::BackupPassphrase | Error::NotABackup
            ),
            "{what}: {err}"
        );
        assert!(is_empty(target.path()), "{what}: something was written");
        assert!(keyring.get(DATABASE_KEY_ENTRY).unwrap().is_none(), "{what}");
    }
}

#[test]
fn a_short_passphrase_is_refused() {
    let fx = Fixture::new();
    let vault = fx.open();
    let err = vault
        .backup(&mut Vec::new(), &Sensitive::new("short".to_owned()))
        .unwrap_err();
    assert!(
        matches!(err, Error::BackupPassphraseTooShort { .. }),
        "{err}"
    );
}

#[test]
fn a_backup_restored_beside_its_vault_under_the_same_keyring_keeps_both_intact() {
    let fx = Fixture::new();
    let (vault, _) = busy_vault(&fx);
    let archive = backup_of(&vault);
    let beside = tempfile::tempdir().unwrap();
    restore(
        &mut archive.as_slice(),
        &passphrase(),
        beside.path(),
        &fx.secrets,
    )
    .unwrap();
    let copy = Vault::open(beside.path(), &fx.secrets).unwrap();
    assert_ne!(copy.audit_vault_id(), vault.audit_vault_id());
    // Each goes on with its own anchor: writing to one never upsets the other.
    copy.append_audit(&AuditRecord {
        draft_id: None,
        actor: Actor::System,
        action: "copy.only".into(),
        provider: None,
        endpoint: None,
        status: None,
        provider_ids: serde_json::Value::Null,
        outcome: AuditOutcome::Success,
    })
    .unwrap();
    assert!(copy.verify_audit().unwrap().is_intact());
    assert!(vault.verify_audit().unwrap().is_intact());
    assert_eq!(
        copy.list_drafts(&DraftFilter::default()).unwrap().len(),
        vault.list_drafts(&DraftFilter::default()).unwrap().len()
    );
}
