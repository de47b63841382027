//! Scans attached to a draft: checked and normalised locally (crates/documents), stored
//! encrypted in the vault, and shown to staff only as a small thumbnail. The image bytes
//! never reach the webview.

use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use branchdesk_documents::{CheckConfig, Outcome};
use branchdesk_domain::draft::{ScanCheck, ScanSlot};
use branchdesk_vault::ScanId;

use crate::desk::draft_id;
use crate::{Desk, Error, Result};

/// The slots a scan can fill.
pub const SLOTS: [&str; 4] = ["FRONT", "BACK", "SELFIE", "PROOF_OF_ADDRESS"];

impl Desk {
    /// Checks the file at `path`, stores its normalised form and a thumbnail encrypted in
    /// the vault, and puts it in `slot` of the stored draft (replacing and wiping what was
    /// there). Returns the draft's scans as they now are.
    pub fn attach_scan(&self, draft: &str, slot: &str, path: &Path) -> Result<Vec<ScanSlot>> {
        if !SLOTS.contains(&slot) {
            return Err(Error::Encode(format!("{slot} is not a scan slot")));
        }
        let id = draft_id(draft)?;
        let normalised = branchdesk_documents::normalise(path, &CheckConfig::default())
            .map_err(|e| Error::ScanRefused(e.to_string()))?;
        let report = &normalised.report;
        let scan_id = self.vault().put_scan(id, normalised.bytes.as_slice())?;
        let thumbnail_id = match &normalised.thumbnail_jpeg {
            Some(jpeg) => self.vault().put_scan(id, jpeg.as_slice())?.to_string(),
            None => String::new(),
        };
        let attached = ScanSlot {
            slot: slot.to_owned(),
            scan_id: scan_id.to_string(),
            thumbnail_id,
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: u64::try_from(normalised.bytes.len()).unwrap_or(u64::MAX),
            width: normalised.width,
            height: normalised.height,
            pages: report.pages,
            format: normalised
                .mime
                .trim_start_matches("image/")
                .trim_start_matches("application/")
                .to_uppercase(),
            checks: report
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
                .collect(),
        };
        self.replace_slot(draft, slot, Some(attached))
    }

    /// Empties a slot and wipes its files.
    pub fn remove_scan(&self, draft: &str, slot: &str) -> Result<Vec<ScanSlot>> {
        self.replace_slot(draft, slot, None)
    }

    /// The thumbnail of a scan as a `data:` URL, the one form in which a scan reaches the
    /// window: small, re-encoded, and without metadata.
    pub fn thumbnail(&self, thumbnail_id: &str) -> Result<String> {
        let id = ScanId(uuid::Uuid::parse_str(thumbnail_id).map_err(|_| Error::NotFound)?);
        let mut jpeg = Vec::new();
        self.vault()
            .open_scan(id)?
            .read_to_end(&mut jpeg)
            .map_err(|e| Error::Encode(format!("reading the thumbnail: {e}")))?;
        Ok(format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(jpeg)
        ))
    }

    fn replace_slot(
        &self,
        draft: &str,
        slot: &str,
        new: Option<ScanSlot>,
    ) -> Result<Vec<ScanSlot>> {
        let mut record = self.get_draft(draft)?;
        for old in record.draft.scans.iter().filter(|s| s.slot == slot) {
            for file in [&old.scan_id, &old.thumbnail_id] {
                if let Ok(uuid) = uuid::Uuid::parse_str(file) {
                    self.vault().delete_scan(ScanId(uuid))?;
                }
            }
        }
        record.draft.scans.retain(|s| s.slot != slot);
        record.draft.scans.extend(new);
        self.save_draft(draft, &record.draft)?;
        Ok(record.draft.scans)
    }
}
