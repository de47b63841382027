//! Restoring over a fresh installation, as the open app does from Settings: only when the
//! vault holds nothing a restore would lose, with the folder's lock held throughout, and a
//! restore that fails leaves the fresh vault open as it was.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use branchdesk_vault::{
    restore_over_fresh, Actor, AuditFilter, AuditOutcome, AuditRecord, DraftFilter, Environment,
    Error, FolderLock, InUse, NewConnection, Provider, SecretStore, Sensitive, RESTORED_ACTION,
};
use common::{person, Fixture};

fn passphrase() -> Sensitive<String> {
    Sensitive::new("correct horse battery staple".to_owned())
}

fn record(action: &str) -> AuditRecord {
    AuditRecord {
        draft_id: None,
        actor: Actor::Staff("Teller 7".into()),
        action: action.into(),
        provider: None,
        endpoint: None,
        status: None,
        provider_ids: serde_json::json!({}),
        outcome: AuditOutcome::Success,
    }
}

fn connection() -> NewConnection {
    NewConnection {
        provider: Provider::Cos,
        environment: Environment::Sandbox,
        base_url: "https://sandbox.example".into(),
        auth_url: None,
        client_id: Some("branch-7".into()),
        partner_id: Some("6e80b097-693c-4592-8440-02f345335bbf".into()),
        hawk_id: None,
        fin_selfie_required: false,
    }
}

/// A backup, made "on another computer", of a vault with two drafts, a scan, a
/// connection and an audit entry.
fn archive() -> Vec<u8> {
    let other = Fixture::new();
    let vault = other.open();
    let ada = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    vault.create_draft(&person("Grace", Provider::Cos)).unwrap();
    vault.put_scan(ada, &b"a scan's bytes"[..]).unwrap();
    vault
        .add_connection(
            &connection(),
            &Sensitive::new("secret".into()),
            &other.secrets,
        )
        .unwrap();
    vault.append_audit(&record("draft.saved")).unwrap();
    let mut archive = Vec::new();
    vault.backup(&mut archive, &passphrase()).unwrap();
    archive
}

#[test]
fn a_new_vault_is_fresh_and_a_draft_a_connection_or_an_audit_entry_is_not() {
    let fx = Fixture::new();
    let vault = fx.open();
    assert_eq!(vault.in_use().unwrap(), InUse::default());
    assert!(vault.ensure_fresh().is_ok());

    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    assert_eq!(vault.in_use().unwrap().drafts, 1);
    let refused = vault.ensure_fresh().unwrap_err();
    assert!(
        refused.to_string().contains("already has 1 draft, which"),
        "{refused}"
    );
    vault.delete_draft(draft).unwrap();

    vault
        .add_connection(&connection(), &Sensitive::new("s".into()), &fx.secrets)
        .unwrap();
    vault.append_audit(&record("draft.saved")).unwrap();
    vault.append_audit(&record("draft.saved")).unwrap();
    let in_use = vault.in_use().unwrap();
    assert_eq!(
        (in_use.drafts, in_use.connections, in_use.audit_entries),
        (0, 1, 2)
    );
    let words = vault.ensure_fresh().unwrap_err().to_string();
    assert!(
        words.contains("1 provider connection and 2 audit entries"),
        "{words}"
    );
}

#[test]
fn a_backup_restores_over_a_fresh_vault_while_its_folder_stays_locked() {
    let fx = Fixture::new();
    let lock = FolderLock::acquire(fx.dir.path(), "Branchdesk").unwrap();
    let fresh = fx.open();
    let fresh_id = fresh.audit_vault_id().to_owned();
    // What the app keeps beside its vault stays where it is.
    std::fs::write(fx.dir.path().join("settings.json"), b"{}").unwrap();

    let (restored, summary) =
        restore_over_fresh(fresh, &mut archive().as_slice(), &passphrase(), &fx.secrets)
            .map_err(|not| not.error)
            .unwrap();
    assert_eq!((summary.drafts, summary.scans), (2, 1));
    let names: Vec<String> = restored
        .list_drafts(&DraftFilter::default())
        .unwrap()
        .into_iter()
        .map(|d| d.display_name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Ada".to_owned()), "{names:?}");
    // The restored connection has no secret on this computer: it is given back later.
    let connection = restored.connection_for(Provider::Cos).unwrap().unwrap();
    assert!(connection.secret(&fx.secrets).unwrap().is_none());
    // Its audit log verifies and says it was restored, under a vault id of its own.
    assert!(restored.verify_audit().unwrap().is_intact());
    let entries = restored.list_audit(&AuditFilter::default()).unwrap();
    assert_eq!(entries.last().unwrap().record.action, RESTORED_ACTION);
    assert_ne!(restored.audit_vault_id(), fresh_id);
    // The fresh vault's anchor is gone from the keyring with it.
    assert!(fx
        .secrets
        .get(&branchdesk_vault::audit_key_entry(&fresh_id))
        .unwrap()
        .is_none());
    // Nothing of the restore's working folders is left, the settings are kept.
    let left: Vec<String> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(fx.dir.path().join("settings.json").exists());
    // The folder was never let go: another process is still refused.
    assert!(matches!(
        FolderLock::acquire(fx.dir.path(), "branchdesk-cli"),
        Err(Error::FolderInUse { .. })
    ));
    // And it is no longer fresh.
    assert!(matches!(
        restored.ensure_fresh(),
        Err(Error::RestoreNotFresh(_))
    ));
    drop(restored);
    drop(lock);
    // It opens again as any vault does.
    assert_eq!(
        fx.open()
            .list_drafts(&DraftFilter::default())
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_vault_with_work_in_it_is_not_restored_over() {
    let fx = Fixture::new();
    let vault = fx.open();
    vault.create_draft(&person("Kept", Provider::Cos)).unwrap();
    let not = restore_over_fresh(vault, &mut archive().as_slice(), &passphrase(), &fx.secrets)
        .unwrap_err();
    assert!(
        matches!(not.error, Error::RestoreNotFresh(_)),
        "{}",
        not.error
    );
    let vault = not.vault.unwrap();
    let drafts = vault.list_drafts(&DraftFilter::default()).unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].display_name, "Kept");
}

#[test]
fn a_wrong_passphrase_or_a_damaged_archive_leaves_the_fresh_vault_as_it_was() {
    let fx = Fixture::new();
    let mut vault = fx.open();
    let id = vault.audit_vault_id().to_owned();
    let archive = archive();
    let mut damaged = archive.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x40;
    let wrong = Sensitive::new("not the passphrase at all".to_owned());
    for (bytes, passphrase, expected) in [
        (&archive, &wrong, "passphrase"),
        (&damaged, &passphrase(), "damaged"),
    ] {
        let not =
            restore_over_fresh(vault, &mut bytes.as_slice(), passphrase, &fx.secrets).unwrap_err();
        assert!(not.error.to_string().contains(expected), "{}", not.error);
        vault = not.vault.unwrap();
        // The same vault, still fresh and usable, with nothing left of the attempt.
        assert_eq!(vault.audit_vault_id(), id);
        assert!(vault.ensure_fresh().is_ok());
        let left: Vec<String> = std::fs::read_dir(fx.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
    vault.create_draft(&person("After", Provider::Cos)).unwrap();
    assert_eq!(vault.list_drafts(&DraftFilter::default()).unwrap().len(), 1);
}
