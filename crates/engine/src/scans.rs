//! Scans attached to a draft: checked and normalised locally (crates/documents), stored
//! encrypted in the vault, and shown to staff only as a small thumbnail. The image bytes
//! never reach the webview.

use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use branchdesk_documents::{CheckConfig, Normalised, Outcome, Preview, Report};
use branchdesk_domain::draft::{Provider, ScanCheck, ScanSlot};
use branchdesk_vault::{AuditOutcome, AuditRecord, ScanId};
use serde::Serialize;
use ts_rs::TS;

use branchdesk_vault::Vault;

use crate::records::draft_id;
use crate::{Error, Result};

/// The slots a scan of the customer can fill.
pub const SLOTS: [&str; 4] = ["FRONT", "BACK", "SELFIE", "PROOF_OF_ADDRESS"];

/// Whether a scan may go in `slot`: one of [`SLOTS`], BVNK's company document, or one side
/// of a BVNK associate's document (`ASSOCIATE:<key>:FRONT`, the key being the associate's
/// id: letters, digits and `-`, at most 64).
pub fn is_slot(slot: &str) -> bool {
    if SLOTS.contains(&slot) || slot == branchdesk_domain::bvnk::slots::COMPANY_DOCUMENT {
        return true;
    }
    let Some(rest) = slot.strip_prefix("ASSOCIATE:") else {
        return false;
    };
    let Some((key, side)) = rest.rsplit_once(':') else {
        return false;
    };
    matches!(side, "FRONT" | "BACK")
        && (1..=64).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The largest file each provider takes, applied to what is uploaded (after conversion).
/// Fin.com publishes no limit; 10 MB is the usual KYC figure and keeps uploads quick on a
/// branch line. COS takes no scans; its drafts keep them for the bank's own records.
pub fn upload_limit(provider: Provider) -> Option<u64> {
    match provider {
        Provider::Fin | Provider::Bvnk => Some(10 * 1024 * 1024),
        Provider::Cos => None,
    }
}

/// The checks' settings for a draft going to `provider`.
pub fn check_config(provider: Provider) -> CheckConfig {
    CheckConfig {
        provider_limit_bytes: upload_limit(provider),
        ..CheckConfig::default()
    }
}

/// The longest reason staff may give for keeping a scan despite its warnings: a few
/// sentences. It goes into the draft and the audit log, so it is bounded.
pub const MAX_OVERRIDE_REASON_CHARS: usize = 500;

/// A scan whose checks warned and that staff have not kept with a reason: it would likely
/// come back from the provider, so it is held here first. A reason over
/// [`MAX_OVERRIDE_REASON_CHARS`] is an issue on its own field.
pub fn unresolved_warnings(
    draft: &branchdesk_domain::draft::Draft,
) -> Vec<branchdesk_domain::validate::Issue> {
    let too_long = draft
        .scans
        .iter()
        .filter_map(|s| reason_too_long(&s.slot, &s.override_reason));
    draft
        .scans
        .iter()
        .filter(|s| s.override_reason.trim().is_empty() && s.checks.iter().any(|c| !c.ok))
        .map(|s| branchdesk_domain::validate::Issue {
            field: format!("scans.{}", s.slot),
            code: "scan_warning".to_owned(),
            message: format!(
                "The {} scan has warnings: scan it again, or keep it and say why.",
                s.slot.replace('_', " ").to_lowercase()
            ),
            severity: branchdesk_domain::validate::Severity::Error,
        })
        .chain(too_long)
        .collect()
}

/// The issue of an override reason longer than [`MAX_OVERRIDE_REASON_CHARS`], on its field.
fn reason_too_long(slot: &str, reason: &str) -> Option<branchdesk_domain::validate::Issue> {
    let length = reason.trim().chars().count();
    (length > MAX_OVERRIDE_REASON_CHARS).then(|| branchdesk_domain::validate::Issue {
        field: format!("scans.{slot}.overrideReason"),
        code: "too_long".into(),
        message: format!(
            "Keep the reason to {MAX_OVERRIDE_REASON_CHARS} characters or fewer (this one has {length})."
        ),
        severity: branchdesk_domain::validate::Severity::Error,
    })
}

/// What the checks found in a scan being attached, and its thumbnail, sent while the
/// upload copy is still being made so staff can read the verdict at once. Nothing is
/// stored yet: the attach's own answer follows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanPreview {
    pub slot: String,
    pub file_name: String,
    /// Upright pixel size; none for a PDF.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub pages: Option<u32>,
    /// The file's own type as detected (`JPEG`, `PNG`, `TIFF`, `WEBP`, `PDF`).
    pub format: String,
    pub checks: Vec<ScanCheck>,
    /// The thumbnail as a `data:` URL (at most a few tens of KB); empty for a PDF.
    pub thumbnail: String,
}

fn checks_of(report: &Report) -> Vec<ScanCheck> {
    report
        .checks
        .iter()
        .map(|c| ScanCheck {
            check: serde_json::to_value(c.check)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            ok: c.outcome == Outcome::Ok,
            message: c.message.clone(),
        })
        .collect()
}

fn jpeg_data_url(jpeg: &[u8]) -> String {
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    )
}

/// Checks the file at `path`, stores its normalised form and a thumbnail encrypted in
/// the vault, and puts it in `slot` of the stored draft (replacing and wiping what was
/// there). Returns the draft's scans as they now are.
pub(crate) fn attach_scan(
    vault: &Vault,
    draft: &str,
    slot: &str,
    path: &Path,
) -> Result<Vec<ScanSlot>> {
    attach_scan_with(vault, draft, slot, path, &mut |_| {})
}

/// [`attach_scan`], handing `on_preview` the checks and the thumbnail as soon as
/// they are known, before the upload copy is encoded and stored.
pub(crate) fn attach_scan_with(
    vault: &Vault,
    draft: &str,
    slot: &str,
    path: &Path,
    on_preview: &mut dyn FnMut(ScanPreview),
) -> Result<Vec<ScanSlot>> {
    if !is_slot(slot) {
        return Err(Error::UnknownSlot(slot.to_owned()));
    }
    let id = draft_id(draft)?;
    let provider = crate::drafts::get(vault, draft)?.draft.provider;
    // Before anything opens it: a pipe, a device or a folder is refused, a link followed.
    let opened = crate::scan_path::checked_scan_path(path, None)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut preview = |p: &Preview<'_>| {
        on_preview(ScanPreview {
            slot: slot.to_owned(),
            file_name: file_name.clone(),
            width: p.report.width,
            height: p.report.height,
            pages: p.report.pages,
            format: p.report.format.to_string().to_uppercase(),
            checks: checks_of(p.report),
            thumbnail: p.thumbnail_jpeg.map(jpeg_data_url).unwrap_or_default(),
        });
    };
    let normalised =
        branchdesk_documents::normalise_with(&opened, &check_config(provider), &mut preview)?;
    let attached = store_scan(vault, id, slot, file_name, &normalised)?;
    replace_slot(vault, draft, slot, Some(attached))
}

/// Turns the scan in `slot` by `quarter_turns` × 90° clockwise (negative: anticlockwise),
/// re-running the checks on the turned picture. A PDF cannot be turned.
pub(crate) fn rotate_scan(
    vault: &Vault,
    draft: &str,
    slot: &str,
    quarter_turns: i32,
) -> Result<Vec<ScanSlot>> {
    let id = draft_id(draft)?;
    let record = crate::drafts::get(vault, draft)?;
    let current = record
        .draft
        .scans
        .iter()
        .find(|s| s.slot == slot)
        .ok_or(Error::NotFound)?;
    if current.format == "PDF" {
        return Err(Error::PdfCannotTurn);
    }
    let scan = ScanId(uuid::Uuid::parse_str(&current.scan_id).map_err(|_| Error::NotFound)?);
    let mut bytes = Vec::new();
    vault
        .open_scan(scan)?
        .read_to_end(&mut bytes)
        .map_err(|source| Error::File {
            what: "the stored scan",
            source,
        })?;
    let turned =
        branchdesk_documents::rotate(&bytes, quarter_turns, &check_config(record.draft.provider))?;
    let attached = store_scan(vault, id, slot, current.file_name.clone(), &turned)?;
    replace_slot(vault, draft, slot, Some(attached))
}

/// Keeps a scan despite its warnings, for the reason staff give (the only copy the
/// customer has, say). The decision goes to the audit log with the checks it overrode.
pub(crate) fn accept_scan_warnings(
    vault: &Vault,
    draft: &str,
    slot: &str,
    reason: &str,
    by: &crate::people::Person,
) -> Result<Vec<ScanSlot>> {
    let id = draft_id(draft)?;
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(Error::Invalid(vec![branchdesk_domain::validate::Issue {
            field: format!("scans.{slot}.overrideReason"),
            code: "required".into(),
            message: "Say in a few words why this scan is good enough despite its warnings.".into(),
            severity: branchdesk_domain::validate::Severity::Error,
        }]));
    }
    if let Some(issue) = reason_too_long(slot, reason) {
        return Err(Error::Invalid(vec![issue]));
    }
    let mut overridden: Vec<String> = Vec::new();
    let (stored, _) = crate::drafts::update(vault, draft, |stored| {
        let scan = stored
            .scans
            .iter_mut()
            .find(|s| s.slot == slot)
            .ok_or(Error::NotFound)?;
        overridden = scan
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.check.clone())
            .collect();
        if overridden.is_empty() {
            return Err(Error::NoWarningsToAccept);
        }
        scan.override_reason = reason.to_owned();
        Ok(())
    })?;
    let entry = AuditRecord {
        draft_id: Some(id),
        actor: by.actor(),
        action: "scan.warnings_accepted".into(),
        provider: None,
        endpoint: None,
        status: None,
        // The details of a staff decision: which slot, which checks, and why.
        provider_ids: serde_json::json!({"slot": slot, "checks": overridden, "reason": reason}),
        outcome: AuditOutcome::Success,
    };
    vault.append_audit(&entry)?;
    Ok(stored.scans)
}

fn store_scan(
    vault: &Vault,
    id: branchdesk_vault::DraftId,
    slot: &str,
    file_name: String,
    normalised: &Normalised,
) -> Result<ScanSlot> {
    let report = &normalised.report;
    let scan_id = vault.put_scan(id, normalised.bytes.as_slice())?;
    let thumbnail_id = match &normalised.thumbnail_jpeg {
        Some(jpeg) => vault.put_scan(id, jpeg.as_slice())?.to_string(),
        None => String::new(),
    };
    Ok(ScanSlot {
        slot: slot.to_owned(),
        scan_id: scan_id.to_string(),
        thumbnail_id,
        file_name,
        bytes: u64::try_from(normalised.bytes.len()).unwrap_or(u64::MAX),
        width: normalised.width,
        height: normalised.height,
        pages: report.pages,
        format: normalised
            .mime
            .trim_start_matches("image/")
            .trim_start_matches("application/")
            .to_uppercase(),
        checks: checks_of(report),
        override_reason: String::new(),
    })
}

/// Empties a slot and wipes its files.
pub(crate) fn remove_scan(vault: &Vault, draft: &str, slot: &str) -> Result<Vec<ScanSlot>> {
    replace_slot(vault, draft, slot, None)
}

/// The stored (decrypted) bytes of a scan, by the id the draft holds for it.
pub(crate) fn stored_bytes(vault: &Vault, scan_id: &str) -> Result<Vec<u8>> {
    let id = ScanId(uuid::Uuid::parse_str(scan_id).map_err(|_| Error::NotFound)?);
    let mut bytes = Vec::new();
    vault
        .open_scan(id)?
        .read_to_end(&mut bytes)
        .map_err(|source| Error::File {
            what: "the stored scan",
            source,
        })?;
    Ok(bytes)
}

/// The thumbnail of a scan as a `data:` URL, the one form in which a scan reaches the
/// window: small, re-encoded, and without metadata.
pub(crate) fn thumbnail(vault: &Vault, thumbnail_id: &str) -> Result<String> {
    let id = ScanId(uuid::Uuid::parse_str(thumbnail_id).map_err(|_| Error::NotFound)?);
    let mut jpeg = Vec::new();
    vault
        .open_scan(id)?
        .read_to_end(&mut jpeg)
        .map_err(|source| Error::File {
            what: "the stored thumbnail",
            source,
        })?;
    Ok(jpeg_data_url(&jpeg))
}

fn replace_slot(
    vault: &Vault,
    draft: &str,
    slot: &str,
    new: Option<ScanSlot>,
) -> Result<Vec<ScanSlot>> {
    let mut replaced = Vec::new();
    let (stored, _) = crate::drafts::update(vault, draft, |stored| {
        replaced = stored
            .scans
            .iter()
            .filter(|s| s.slot == slot)
            .cloned()
            .collect();
        stored.scans.retain(|s| s.slot != slot);
        stored.scans.extend(new);
        Ok(())
    })?;
    // The old files go once the draft no longer names them.
    for old in &replaced {
        for file in [&old.scan_id, &old.thumbnail_id] {
            if let Ok(uuid) = uuid::Uuid::parse_str(file) {
                vault.delete_scan(ScanId(uuid))?;
            }
        }
    }
    Ok(stored.scans)
}

/// Bytes handed to the connection at a time: few enough hand-overs for a 25 MB scan, and
/// at most [`UPLOAD_AHEAD`] of them in memory.
pub(crate) const UPLOAD_CHUNK: usize = 256 * 1024;
const UPLOAD_AHEAD: usize = 4;

/// Reads a scan out of the vault on a thread of its own, decrypting it into chunks that go
/// to the connection as they are (no copy), a few ahead, so an upload never holds the whole
/// file.
pub(crate) fn open_scan_chunks(
    vault: std::sync::Arc<Vault>,
    scan: ScanId,
) -> std::io::Result<branchdesk_api::upload::UploadChunks> {
    use std::io::Read;
    let mut reader = vault
        .open_scan(scan)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let (sender, receiver) =
        tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(UPLOAD_AHEAD);
    std::thread::Builder::new()
        .name("scan-upload".into())
        .spawn(move || loop {
            let mut chunk = vec![0u8; UPLOAD_CHUNK];
            let mut filled = 0;
            // The decrypting reader yields its own record size; filling the chunk keeps the
            // hand-overs few.
            while filled < chunk.len() {
                match reader.read(&mut chunk[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(error) => {
                        let _ = sender.blocking_send(Err(error));
                        return;
                    }
                }
            }
            if filled == 0 {
                return;
            }
            chunk.truncate(filled);
            // The upload stopped (cancelled, failed): stop reading.
            if sender.blocking_send(Ok(bytes::Bytes::from(chunk))).is_err() {
                return;
            }
        })?;
    Ok(Box::pin(futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    )))
}
