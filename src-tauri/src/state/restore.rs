//! Restoring a backup over the open app's own data folder, which only a fresh installation
//! allows (`Vault::ensure_fresh`). The app keeps its folder lock all along, so nothing else
//! opens the folder half-restored; the runner is stopped and the workstation's vault
//! closed while its files are replaced, then the vault — the restored one, or the fresh
//! one as it was if the restore failed — is opened again and the desk rebuilt on it.

use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use branchdesk_domain::Sensitive;
use branchdesk_engine::setup::Settings;
use branchdesk_engine::store::{restore_over_fresh, BackupSummary, NotRestored, Vault};
use branchdesk_engine::{Error, Result};

use super::{stop_runner, AppState};

/// How long a restore waits for commands already under way to let go of the vault.
const RELEASE_WAIT: Duration = Duration::from_secs(10);

impl AppState {
    /// Restores the backup in `file` over this fresh installation; see the module's
    /// documentation. On failure the installation is as it was, its desk running again.
    pub async fn restore(
        &self,
        file: &Path,
        passphrase: Sensitive<String>,
    ) -> Result<BackupSummary> {
        let _switching = self.switching.lock().await;
        // Said before anything stops, and asked again once nothing else can write.
        self.vault()?.ensure_fresh()?;
        let archive = std::fs::File::open(file).map_err(|source| {
            Error::Vault(branchdesk_engine::store::VaultError::Io {
                action: "opening",
                path: file.to_path_buf(),
                source,
            })
        })?;

        let runner = {
            let mut guard = self
                .runtime
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            guard.desk.stop();
            guard.runner.take()
        };
        if let Some(runner) = runner {
            stop_runner(runner).await;
        }

        let outcome = match self.take_vault().await {
            Ok(vault) => {
                let secrets = self.secrets.clone();
                let restored = tokio::task::spawn_blocking(move || {
                    restore_over_fresh(vault, &mut BufReader::new(archive), &passphrase, &secrets)
                })
                .await;
                match restored {
                    // The restore's thread died: its vault went with it, and the desk is
                    // rebuilt without one (commands say a restore is under way) until the
                    // app starts again.
                    Err(_) => Err(Error::WorkLost),
                    Ok(Ok((vault, summary))) => {
                        self.put_vault(vault);
                        Ok(summary)
                    }
                    Ok(Err(not)) => {
                        let NotRestored { error, vault } = *not;
                        match vault {
                            Ok(vault) => self.put_vault(vault),
                            Err(reopening) => tracing::error!(
                                error = %reopening.for_log(),
                                "the fresh vault could not be opened again after a failed restore"
                            ),
                        }
                        Err(Error::Vault(error))
                    }
                }
            }
            Err(error) => Err(error),
        };
        // The desk again, on whatever vault is there now, with the settings as they are.
        let rebuilt = self.rebuild_locked(&Settings::load(&self.data_dir)).await;
        let summary = outcome?;
        rebuilt?;
        Ok(summary)
    }

    /// Takes the workstation's vault out of the state once this is its only holder, so
    /// that it can be closed; commands meanwhile are told a restore is under way. Put back
    /// if a command still holds it after a while.
    async fn take_vault(&self) -> Result<Vault> {
        let mut vault = self
            .vault
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .ok_or(Error::RestoreUnderWay)?;
        let deadline = Instant::now() + RELEASE_WAIT;
        loop {
            match Arc::try_unwrap(vault) {
                Ok(vault) => return Ok(vault),
                Err(shared) if Instant::now() < deadline => {
                    vault = shared;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(shared) => {
                    self.put_shared(shared);
                    return Err(Error::RestoreUnderWay);
                }
            }
        }
    }

    fn put_vault(&self, vault: Vault) {
        self.put_shared(Arc::new(vault));
    }

    fn put_shared(&self, vault: Arc<Vault>) {
        *self
            .vault
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(vault);
    }
}
