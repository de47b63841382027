//! `backup` and `restore`: the whole vault in one passphrase-protected file.
//!
//! The passphrase is never an argument (it would sit in the shell's history and in the
//! process list): on a terminal it is typed without echo (twice for a backup); from a pipe
//! it is the first line of standard input.

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use branchdesk_domain::Sensitive;

fn passphrase(confirm: bool) -> Result<Sensitive<String>> {
    if std::io::stdin().is_terminal() {
        let first = Sensitive::new(
            rpassword::prompt_password("Backup passphrase: ").context("reading the passphrase")?,
        );
        if confirm {
            let again = Sensitive::new(
                rpassword::prompt_password("The same passphrase again: ")
                    .context("reading the passphrase")?,
            );
            if first.expose() != again.expose() {
                bail!("the two passphrases differ; nothing was written");
            }
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the passphrase from standard input")?;
    let line = Sensitive::new(line.trim_end_matches(['\n', '\r']).to_owned());
    if line.expose().is_empty() {
        bail!("no passphrase on standard input: pipe it in as the first line, or run this in a terminal");
    }
    Ok(line)
}

/// `backup FILE`: creates FILE (never overwrites one) with the vault's backup.
pub fn backup(data_dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    if file.exists() {
        bail!("{} already exists; choose a new file name", file.display());
    }
    let passphrase = passphrase(true)?;
    let out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .with_context(|| format!("creating {}", file.display()))?;
    let written = (|| -> Result<_> {
        let mut out = BufWriter::new(out);
        let summary = vault.backup(&mut out, &passphrase)?;
        out.flush()?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(summary)
    })();
    match written {
        Ok(summary) => {
            println!(
                "backup written to {}: {} drafts, {} scans, {} audit entries",
                file.display(),
                summary.drafts,
                summary.scans,
                summary.audit_entries
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            // Half an archive is no backup: leave nothing that looks like one.
            let _ = std::fs::remove_file(file);
            Err(error.context(format!("writing the backup to {}", file.display())))
        }
    }
}

/// `restore FILE`: into the data folder, which must be empty.
pub fn restore(data_dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let dir = branchdesk_vault::data_dir(data_dir)?;
    // Checked before the passphrase is asked for, and again by the restore itself (which
    // also clears what a restore cut off by a crash left).
    let in_use = std::fs::read_dir(&dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(std::result::Result::ok)
        .any(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            !name.starts_with(".restoring-") && !name.starts_with(branchdesk_vault::LOCK_FILE)
        });
    if in_use {
        return Err(branchdesk_vault::Error::RestoreTargetNotEmpty { path: dir }.into());
    }
    // Nobody may open the folder half-restored.
    crate::store::hold_folder(&dir)?;
    let input = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let passphrase = passphrase(false)?;
    let summary = branchdesk_vault::restore(
        &mut BufReader::new(input),
        &passphrase,
        &dir,
        &crate::store::keyring(),
    )?;
    println!(
        "restored the backup of {} into {}: {} drafts, {} scans, {} audit entries. \
         Provider connections' secrets are not in a backup: add each connection again.",
        summary.created_at.format("%Y-%m-%d %H:%M UTC"),
        dir.display(),
        summary.drafts,
        summary.scans,
        summary.audit_entries
    );
    Ok(ExitCode::SUCCESS)
}
