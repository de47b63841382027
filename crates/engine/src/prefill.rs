//! Prefill from the document itself: the stored scan in a slot is read (a licence's PDF417
//! barcode on its BACK, a passport's or ID card's machine-readable zone on its FRONT), and
//! what it says is offered to the draft beside what staff typed. Staff
//! accept what they choose; the draft then records those fields as read from the document,
//! and the audit log says a prefill was accepted (which fields, never their values). What
//! a scan gave is kept in memory only, for the last few scans read ([`Reads`]), never on
//! disk beside the draft.

use branchdesk_documents::barcode::{read_pdf417, BarcodeRead};
use branchdesk_documents::mrz::{read_mrz, MrzRead};
use branchdesk_documents::CheckConfig;
use branchdesk_domain::prefill::offer::{self, Offer};
use branchdesk_domain::prefill::{aamva, mrz, DocumentRead, Source};
use branchdesk_vault::{AuditOutcome, AuditRecord, Vault};
use std::collections::VecDeque;
use std::sync::Mutex;

use crate::people::Person;
use crate::records::{draft_id, DraftRecord};
use crate::{Error, Result};

/// Whether a slot holds a side of a document that may carry its data: a licence's BACK
/// (its barcode) or a passport's or ID card's FRONT (its machine-readable zone), the
/// person's own or a BVNK associate's.
pub fn reads_slot(slot: &str) -> bool {
    let side = slot.rsplit(':').next().unwrap_or(slot);
    (side == "BACK" || side == "FRONT") && (slot == side || slot.starts_with("ASSOCIATE:"))
}

/// How many scans' reads are kept: the slots of a draft or two being worked on.
const READS_KEPT: usize = 8;

/// What the last few scans read gave, by stored scan id. The Scans step is drawn again
/// after each change and asks again what each slot offers; reading a 12-megapixel page
/// again every time would keep staff waiting. A scan's id names its bytes, which never
/// change (a replaced or turned scan is stored under a new id), so a read never goes stale.
#[derive(Default)]
pub struct Reads(Mutex<VecDeque<(String, Option<DocumentRead>)>>);

impl Reads {
    fn get(&self, scan_id: &str) -> Option<Option<DocumentRead>> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.iter()
            .find(|(id, _)| id == scan_id)
            .map(|(_, read)| read.clone())
    }

    fn put(&self, scan_id: &str, read: Option<DocumentRead>) {
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.retain(|(id, _)| id != scan_id);
        if kept.len() >= READS_KEPT {
            kept.pop_front();
        }
        kept.push_back((scan_id.to_owned(), read));
    }
}

/// What the scan's own data says: a barcode on a BACK, a machine-readable zone on a FRONT.
fn read_scan(bytes: &[u8], slot: &str) -> Result<Option<DocumentRead>> {
    let config = CheckConfig::default();
    if slot.ends_with("BACK") {
        return Ok(match read_pdf417(bytes, &config)? {
            BarcodeRead::Found(text) => aamva::parse(&text).ok(),
            BarcodeRead::NotFound => None,
        });
    }
    Ok(match read_mrz(bytes, &config)? {
        MrzRead::Found(text) => mrz::parse(&text).ok(),
        MrzRead::NotFound => None,
    })
}

/// What the scan in `slot` offers the draft; `None` when it holds nothing readable (no
/// barcode, or not a licence's), so the slot simply says nothing was read.
pub fn offer_for(vault: &Vault, reads: &Reads, draft: &str, slot: &str) -> Result<Option<Offer>> {
    if !reads_slot(slot) {
        return Ok(None);
    }
    let record = crate::drafts::get(vault, draft)?;
    let Some(scan) = record.draft.scans.iter().find(|s| s.slot == slot) else {
        return Ok(None);
    };
    if scan.format == "PDF" {
        return Ok(None);
    }
    let read = match reads.get(&scan.scan_id) {
        Some(read) => read,
        None => {
            let bytes = crate::scans::stored_bytes(vault, &scan.scan_id)?;
            let read = read_scan(&bytes, slot)?;
            reads.put(&scan.scan_id, read.clone());
            read
        }
    };
    let Some(read) = read else {
        return Ok(None);
    };
    let today = chrono::Local::now().date_naive();
    Ok(Some(offer::offer(&record.draft, &read, slot, today)))
}

/// Puts the offered values at `paths` into the draft, records them as read from the
/// document, saves, and audits that a prefill was accepted.
pub fn accept(
    vault: &Vault,
    reads: &Reads,
    draft: &str,
    slot: &str,
    paths: &[String],
    by: &Person,
) -> Result<DraftRecord> {
    let Some(offered) = offer_for(vault, reads, draft, slot)? else {
        return Err(Error::NothingToPrefill);
    };
    let source = match offered.source {
        Source::Pdf417 => "barcode",
        Source::Mrz => "mrz",
    };
    let accepted: Vec<&str> = offered
        .fields
        .iter()
        .filter(|f| paths.contains(&f.path))
        .map(|f| f.path.as_str())
        .collect();
    crate::drafts::void_check(vault, draft, by)?;
    // Applied to the draft as stored at that moment, so a scan attached meanwhile stays.
    crate::drafts::update(vault, draft, |stored| {
        let mut filled = offer::apply(stored, &offered, paths)?;
        for path in &accepted {
            filled
                .value_sources
                .insert((*path).to_owned(), source.to_owned());
        }
        *stored = filled;
        Ok(())
    })?;
    vault.append_audit(&AuditRecord {
        draft_id: Some(draft_id(draft)?),
        actor: by.actor(),
        action: "prefill.accepted".to_owned(),
        provider: None,
        endpoint: None,
        status: None,
        // Which fields, from which scan and source; never the values.
        provider_ids: serde_json::json!({ "slot": slot, "source": source, "fields": accepted }),
        outcome: AuditOutcome::Success,
    })?;
    crate::drafts::get(vault, draft)
}
