use std::sync::Arc;

use branchdesk_domain::draft::ScanSlot;

use super::stored::upload_body;
use super::terms::terms_qr;
use crate::scans::{open_scan_chunks as open_scan, UPLOAD_CHUNK};

#[test]
fn an_upload_is_named_for_what_its_bytes_are() {
    let slot = |file_name: &str, format: &str| ScanSlot {
        slot: "FRONT".into(),
        file_name: file_name.into(),
        format: format.into(),
        ..ScanSlot::default()
    };
    let named = |file_name: &str, format: &str| {
        let body = upload_body(&slot(file_name, format));
        (body.file_name, body.mime)
    };
    assert_eq!(
        named("licence.png", "JPEG"),
        ("licence.jpg".into(), "image/jpeg".into())
    );
    assert_eq!(
        named("scan 3.tiff", "JPEG"),
        ("scan 3.jpg".into(), "image/jpeg".into())
    );
    assert_eq!(
        named("bill.PDF", "PDF"),
        ("bill.pdf".into(), "application/pdf".into())
    );
    assert_eq!(
        named("id.png", "PNG"),
        ("id.png".into(), "image/png".into())
    );
    assert_eq!(named("", "JPEG"), ("front.jpg".into(), "image/jpeg".into()));
}

/// A stored scan leaves the vault decrypted, whole and in order, in chunks no larger
/// than the hand-over size, and only a few of them ahead of the connection.
#[tokio::test]
async fn a_scan_is_read_out_of_the_vault_in_bounded_chunks() {
    use futures::StreamExt as _;
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(
        branchdesk_vault::Vault::open(dir.path(), &branchdesk_vault::MemoryStore::default())
            .unwrap(),
    );
    let draft = vault
        .create_draft(&branchdesk_vault::DraftInput {
            provider: branchdesk_vault::Provider::Fin,
            kind: branchdesk_vault::PartyKind::Person,
            display_name: "Chunk Test".into(),
            masked_tax_id: None,
            state: branchdesk_vault::DraftState::Draft,
            body: serde_json::json!({}),
        })
        .unwrap()
        .id;
    let scan: Vec<u8> = (0..(UPLOAD_CHUNK * 3 + 12_345))
        .map(|i| (i * 31 % 251) as u8)
        .collect();
    let id = vault.put_scan(draft, scan.as_slice()).unwrap();

    let mut chunks = open_scan(Arc::clone(&vault), id).unwrap();
    let mut read = Vec::new();
    let mut sizes = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.unwrap();
        sizes.push(chunk.len());
        read.extend_from_slice(&chunk);
    }
    assert!(read == scan, "the scan came back altered");
    assert_eq!(
        sizes,
        vec![UPLOAD_CHUNK, UPLOAD_CHUNK, UPLOAD_CHUNK, 12_345]
    );
}

#[test]
fn the_terms_qr_code_is_an_svg_data_url() {
    let qr = terms_qr("https://example.test/tos?tos_policies_value=abc").unwrap();
    assert!(qr.starts_with("data:image/svg+xml;base64,"));
    use base64::Engine as _;
    let svg = base64::engine::general_purpose::STANDARD
        .decode(qr.trim_start_matches("data:image/svg+xml;base64,"))
        .unwrap();
    assert!(String::from_utf8(svg).unwrap().contains("<svg"));
}
