//! Settings' backup and restore: the workstation's vault into one passphrase-protected file
//! chosen with the system's save dialog, and such a file restored over a fresh installation
//! (see `state/restore.rs`); a workstation with work in it is restored from the command
//! line into an empty data folder instead.

use branchdesk_domain::Sensitive;
use branchdesk_engine::setup::ConnectionView;
use branchdesk_engine::store::{Vault, MIN_PASSPHRASE_CHARS};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::ErrorCode;
use crate::state::AppState;
use crate::UiError;

/// What a backup wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupView {
    pub file: String,
    pub drafts: u64,
    pub scans: u64,
    pub audit_entries: u64,
}

fn invalid(field: &str, message: String) -> UiError {
    UiError {
        code: ErrorCode::Invalid,
        message,
        field: Some(field.to_owned()),
    }
    .in_language(crate::words::current())
}

/// The passphrase must be typed twice alike and be long enough; checked before the
/// dialog opens, so staff fix it where they typed it.
fn check_passphrase(
    passphrase: &Sensitive<String>,
    again: &Sensitive<String>,
) -> Result<(), UiError> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(invalid(
            "backupPassphrase",
            branchdesk_engine::store::VaultError::BackupPassphraseTooShort {
                min: MIN_PASSPHRASE_CHARS,
            }
            .to_string(),
        ));
    }
    if passphrase.expose() != again.expose() {
        return Err(invalid(
            "backupPassphraseAgain",
            "the two passphrases differ".to_owned(),
        ));
    }
    Ok(())
}

/// Writes the backup next to `target` and moves it into place once whole: a half-written
/// archive never takes the name of a backup (or replaces an older one).
fn write(
    vault: &Vault,
    target: &std::path::Path,
    passphrase: &Sensitive<String>,
) -> branchdesk_engine::store::VaultResult<branchdesk_engine::store::BackupSummary> {
    use std::io::Write;
    let part = target.with_extension("bdbackup.part");
    let io = |action, e| branchdesk_engine::store::VaultError::Io {
        action,
        path: part.clone(),
        source: e,
    };
    let written = (|| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&part)
            .map_err(|e| io("creating", e))?;
        let mut out = std::io::BufWriter::new(file);
        let summary = vault.backup(&mut out, passphrase)?;
        out.flush().map_err(|e| io("writing", e))?;
        out.into_inner()
            .map_err(|e| io("writing", e.into_error()))?
            .sync_all()
            .map_err(|e| io("writing", e))?;
        std::fs::rename(&part, target).map_err(|e| io("naming", e))?;
        Ok(summary)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    written
}

/// Backs the vault up into a file chosen with the save dialog; `None` when staff cancel.
#[tauri::command]
pub async fn backup_create(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
    passphrase_again: String,
) -> Result<Option<BackupView>, UiError> {
    let passphrase = Sensitive::new(passphrase);
    check_passphrase(&passphrase, &Sensitive::new(passphrase_again))?;
    let Some(target) = crate::dialog::pick_backup_file(&app).await else {
        return Ok(None);
    };
    let vault = state.vault()?;
    let shown = target.display().to_string();
    let summary = tokio::task::spawn_blocking(move || write(&vault, &target, &passphrase))
        .await
        .map_err(|_| branchdesk_engine::Error::WorkLost)?
        .map_err(branchdesk_engine::Error::from)?;
    Ok(Some(BackupView {
        file: shown,
        drafts: summary.drafts,
        scans: summary.scans,
        audit_entries: summary.audit_entries,
    }))
}

/// Whether a backup can be restored here, and if not, why not in words.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RestoreCheck {
    pub possible: bool,
    pub reason: Option<String>,
}

#[tauri::command(async)]
pub fn restore_check(state: State<'_, AppState>) -> Result<RestoreCheck, UiError> {
    let vault = state.vault()?;
    Ok(match vault.ensure_fresh() {
        Ok(()) => RestoreCheck {
            possible: true,
            reason: None,
        },
        Err(error @ branchdesk_engine::store::VaultError::RestoreNotFresh(_)) => RestoreCheck {
            possible: false,
            reason: Some(error.to_string()),
        },
        Err(error) => return Err(branchdesk_engine::Error::from(error).into()),
    })
}

/// What a restore brought, and what is left for staff to do.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestoreView {
    pub file: String,
    /// When the backup was made (RFC 3339).
    pub backup_of: String,
    pub drafts: u64,
    pub scans: u64,
    pub audit_entries: u64,
    /// Restored connections whose secret is not in this computer's keyring: backups carry
    /// none, so each is entered again in Settings.
    pub secrets_missing: Vec<ConnectionView>,
}

/// Restores a backup chosen with the open dialog over this fresh installation; `None` when
/// staff cancel the dialog.
#[tauri::command]
pub async fn backup_restore(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Option<RestoreView>, UiError> {
    let passphrase = Sensitive::new(passphrase);
    if passphrase.expose().is_empty() {
        return Err(invalid(
            "restorePassphrase",
            "enter the passphrase the backup was made with".to_owned(),
        ));
    }
    // Refused before the dialog when it cannot be done here.
    state
        .vault()?
        .ensure_fresh()
        .map_err(branchdesk_engine::Error::from)?;
    let Some(file) = crate::dialog::pick_backup_to_restore(&app).await else {
        return Ok(None);
    };
    let summary = state.restore(&file, passphrase).await?;
    let vault = state.vault()?;
    let mut secrets_missing = Vec::new();
    for connection in vault
        .list_connections()
        .map_err(branchdesk_engine::Error::from)?
    {
        if connection
            .secret(&state.secrets)
            .map_err(branchdesk_engine::Error::from)?
            .is_none()
        {
            secrets_missing.push(ConnectionView::from(&connection));
        }
    }
    Ok(Some(RestoreView {
        file: file.display().to_string(),
        backup_of: summary.created_at.to_rfc3339(),
        drafts: summary.drafts,
        scans: summary.scans,
        audit_entries: summary.audit_entries,
        secrets_missing,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_or_mistyped_passphrase_is_refused_on_its_field() {
        let long = Sensitive::new("a long enough passphrase".to_owned());
        let short = Sensitive::new("short".to_owned());
        assert_eq!(
            check_passphrase(&short, &short)
                .unwrap_err()
                .field
                .as_deref(),
            Some("backupPassphrase")
        );
        let other = Sensitive::new("a long enough passphrasE".to_owned());
        assert_eq!(
            check_passphrase(&long, &other)
                .unwrap_err()
                .field
                .as_deref(),
            Some("backupPassphraseAgain")
        );
        assert!(check_passphrase(&long, &Sensitive::new(long.expose().clone())).is_ok());
    }

    #[test]
    fn a_backup_lands_whole_under_its_name_and_a_failed_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(
            &dir.path().join("data"),
            &branchdesk_engine::store::MemoryStore::default(),
        )
        .unwrap();
        let target = dir.path().join("branch.bdbackup");
        let passphrase = Sensitive::new("a long enough passphrase".to_owned());
        write(&vault, &target, &passphrase).unwrap();
        assert!(target.is_file());
        assert!(!target.with_extension("bdbackup.part").exists());

        let refused = dir.path().join("short.bdbackup");
        assert!(write(&vault, &refused, &Sensitive::new("short".to_owned())).is_err());
        assert!(!refused.exists());
        assert!(!refused.with_extension("bdbackup.part").exists());
    }
}
