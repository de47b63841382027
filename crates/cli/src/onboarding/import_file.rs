//! Reading an import file: bounded in size, every draft and every named scan checked before
//! anything is stored.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use branchdesk_domain::draft::{Draft, Provider};

use super::owners::{owner_ids, REF_PREFIX};

/// The import field naming scan files by slot: `"scanFiles": {"FRONT": "front.jpg"}`.
pub(super) const SCAN_FILES: &str = "scanFiles";

pub(super) struct Imported {
    pub(super) reference: Option<String>,
    pub(super) draft: Draft,
    /// Slot → file, resolved against the import file's folder, each already checked.
    pub(super) scans: BTreeMap<String, PathBuf>,
    /// `"prefillFrom": "BACK"`: the slot whose scan fills the draft's empty fields.
    pub(super) prefill_from: Option<String>,
}

/// The import field naming the scan whose document data fills the draft's empty fields.
pub(super) const PREFILL_FROM: &str = "prefillFrom";

/// The largest import file read: thousands of drafts' worth of JSON, while a file of any
/// size (or a pipe that never ends) cannot fill the memory.
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024;

/// The import file's text, refused when it is not a regular file or is over
/// [`MAX_IMPORT_BYTES`].
fn read_bounded(file: &Path) -> Result<String> {
    use std::io::Read;
    let too_large = |bytes: u64| {
        anyhow::anyhow!(
            "{} is {bytes} bytes; a draft import holds at most {MAX_IMPORT_BYTES} bytes (1 MiB) of JSON: split it into several files",
            file.display()
        )
    };
    let meta = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?;
    if !meta.is_file() {
        bail!(
            "{} is not a regular file: name a JSON file of drafts",
            file.display()
        );
    }
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_IMPORT_BYTES + 1).read_to_string(&mut text))
        .with_context(|| format!("reading {}", file.display()))?;
    // It may have grown since it was measured.
    if text.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_large(text.len() as u64));
    }
    Ok(text)
}

/// Reads and checks the whole file before anything is stored, so a bad file stores nothing.
pub(super) fn read_import(file: &Path) -> Result<Vec<Imported>> {
    let text = read_bounded(file)?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not JSON (a draft object, or an array of them)",
            file.display()
        )
    })?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => bail!(
            "{} must hold a draft object or an array of them",
            file.display()
        ),
    };
    if items.is_empty() {
        bail!("{} holds no drafts", file.display());
    }
    let mut drafts = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    for (n, mut item) in items.into_iter().enumerate() {
        let at = format!("{}: draft {}", file.display(), n + 1);
        let Some(object) = item.as_object_mut() else {
            bail!("{at} is not a JSON object");
        };
        let reference = match object.remove("ref") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(r)) if !r.trim().is_empty() => {
                if !seen.insert(r.trim().to_owned()) {
                    bail!("{at}: the ref `{r}` is used twice");
                }
                Some(r.trim().to_owned())
            }
            Some(_) => bail!("{at}: `ref` must be a non-empty string"),
        };
        let prefill_from = match object.remove(PREFILL_FROM) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(slot)) => Some(slot.trim().to_owned()),
            Some(_) => bail!("{at}: `{PREFILL_FROM}` must name a scan slot, e.g. \"BACK\""),
        };
        let scan_files = object.remove(SCAN_FILES);
        let associates_scans = associates_scan_files(object);
        let mut draft: Draft =
            serde_json::from_value(item).with_context(|| format!("{at} is not a draft"))?;
        if !draft.scans.is_empty() {
            bail!("{at}: `scans` is filled in by Branchdesk; name the files in `{SCAN_FILES}` instead");
        }
        let mut scans = scan_files_of(&at, file, scan_files, draft.provider, false)?;
        for (index, files) in associates_scans {
            let Some(associate) = draft.associates.get_mut(index) else {
                continue;
            };
            // Each associate's scans are filed under its id, so it is fixed here if the
            // file gave none.
            if associate.id.trim().is_empty() {
                associate.id = uuid::Uuid::new_v4().simple().to_string();
            }
            let key = associate.id.trim().to_owned();
            let at = format!("{at}, associate {}", index + 1);
            for (side, path) in scan_files_of(&at, file, Some(files), draft.provider, true)? {
                scans.insert(format!("ASSOCIATE:{key}:{side}"), path);
            }
        }
        if let Some(slot) = &prefill_from {
            if !scans.contains_key(slot) {
                bail!(
                    "{at}: `{PREFILL_FROM}` names {slot}, but `{SCAN_FILES}` gives no file for it"
                );
            }
        }
        drafts.push(Imported {
            reference,
            draft,
            scans,
            prefill_from,
        });
    }
    for (n, imported) in drafts.iter().enumerate() {
        for owner in owner_ids(&imported.draft) {
            if let Some(name) = owner.strip_prefix(REF_PREFIX) {
                if !seen.contains(name) {
                    bail!(
                        "{}: draft {}: `{owner}` names no draft in this file (give that draft \"ref\": \"{name}\")",
                        file.display(),
                        n + 1
                    );
                }
            }
        }
    }
    Ok(drafts)
}

/// Takes each associate's own `scanFiles` (`{"FRONT": …, "BACK": …}`) out of the draft's
/// JSON, by the associate's place in the list.
fn associates_scan_files(
    draft: &mut serde_json::Map<String, serde_json::Value>,
) -> Vec<(usize, serde_json::Value)> {
    let Some(serde_json::Value::Array(associates)) = draft.get_mut("associates") else {
        return Vec::new();
    };
    associates
        .iter_mut()
        .enumerate()
        .filter_map(|(i, a)| Some((i, a.as_object_mut()?.remove(SCAN_FILES)?)))
        .collect()
}

/// Reads `scanFiles` and checks each file as attaching would, so a file that would be
/// refused stops the import before anything is stored. An associate's (`sides_only`) name
/// only `FRONT` and `BACK`.
fn scan_files_of(
    at: &str,
    file: &Path,
    value: Option<serde_json::Value>,
    provider: Provider,
    sides_only: bool,
) -> Result<BTreeMap<String, PathBuf>> {
    let entries = match value {
        None | Some(serde_json::Value::Null) => return Ok(BTreeMap::new()),
        Some(serde_json::Value::Object(entries)) => entries,
        Some(_) => bail!(
            "{at}: `{SCAN_FILES}` must map scan slots to files, e.g. {{\"FRONT\": \"front.jpg\"}}"
        ),
    };
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let config = branchdesk_engine::scans::check_config(provider);
    let mut scans = BTreeMap::new();
    for (slot, path) in entries {
        if sides_only && !matches!(slot.as_str(), "FRONT" | "BACK") {
            bail!("{at}: `{slot}` is not a side of the associate's document (use FRONT and BACK)");
        }
        if !branchdesk_engine::scans::is_slot(&slot) {
            bail!(
                "{at}: `{slot}` is not a scan slot (use {}, or COMPANY_DOC for a BVNK company's document)",
                branchdesk_engine::scans::SLOTS.join(", ")
            );
        }
        let Some(path) = path.as_str().filter(|p| !p.trim().is_empty()) else {
            bail!("{at}: the {slot} scan must be a file path");
        };
        // Relative to the JSON file, so a folder of drafts and scans imports from anywhere.
        let path = folder.join(path);
        let refused =
            |why: String| anyhow::anyhow!("{at}: the {slot} scan {}: {why}", path.display());
        // Before it is opened: a pipe, a device, a folder or a link out of the import
        // file's folder is refused.
        branchdesk_engine::scan_path::checked_scan_path(&path, Some(folder))
            .map_err(|e| refused(e.to_string()))?;
        let report =
            branchdesk_documents::inspect(&path, &config).map_err(|e| refused(e.to_string()))?;
        if !report.acceptable {
            let why: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
            return Err(refused(why.join("; ")));
        }
        scans.insert(slot, path);
    }
    Ok(scans)
}
