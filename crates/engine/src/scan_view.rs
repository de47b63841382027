//! A scan at full resolution for the review's document viewer. The stored scan is
//! decrypted in memory and handed over as `data:` URLs of its pictures, made only when the
//! viewer asks; nothing is written anywhere. A photo is one page; a PDF is each of its
//! pages' scanned pictures (a PDF's own text and drawings are not drawn here).

use base64::Engine as _;
use branchdesk_documents::Picture;
use branchdesk_vault::Vault;
use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result};

/// The longest side a picture is shown at: a 300 dpi scan of a letter page or a phone photo
/// fits; a larger one is scaled down, which bounds the memory each page takes.
pub const MAX_LONG_SIDE_PX: u32 = 4000;

/// The most pages of a PDF shown at once.
pub const MAX_PAGES: usize = 20;

/// The most picture bytes (before base64) handed over for one slot; pages past it are not
/// shown, as those past [`MAX_PAGES`] are not. The first page is always shown.
pub const MAX_TOTAL_BYTES: usize = 40 * 1024 * 1024;

/// One page of a scan as the document viewer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanPage {
    /// The picture as a `data:image/jpeg` or `data:image/png` URL; empty when this page of
    /// a PDF holds no scanned picture that can be shown here (text or drawings the PDF
    /// makes itself).
    pub data_url: String,
    /// Its pixel size, upright; 0 when there is no picture.
    pub width: u32,
    pub height: u32,
    /// The page's number, from 1.
    pub page: u32,
    /// How many pages the scan has: more than the pages handed over when some were past
    /// [`MAX_PAGES`] or [`MAX_TOTAL_BYTES`].
    pub pages: u32,
}

/// The pages of the scan in `slot` of `draft`, for the viewer: [`Error::NotFound`] when the
/// draft or the slot's scan does not exist, [`Error::ScanRefused`] when the stored file
/// cannot be read as a picture or a PDF.
pub fn scan_pages(vault: &Vault, draft: &str, slot: &str) -> Result<Vec<ScanPage>> {
    if !crate::scans::is_slot(slot) {
        return Err(Error::UnknownSlot(slot.to_owned()));
    }
    let record = crate::drafts::get(vault, draft)?;
    let scan = record
        .draft
        .scans
        .iter()
        .find(|s| s.slot == slot)
        .ok_or(Error::NotFound)?;
    let bytes = crate::scans::stored_bytes(vault, &scan.scan_id)?;
    if scan.format != "PDF" {
        let picture = branchdesk_documents::view_picture(&bytes, MAX_LONG_SIDE_PX)?;
        return Ok(vec![shown(Some(&picture), 1, 1)]);
    }
    let pdf_pages = branchdesk_documents::view_pages(&bytes, MAX_PAGES, MAX_LONG_SIDE_PX)?;
    drop(bytes);
    let read = u32::try_from(pdf_pages.len()).unwrap_or(u32::MAX);
    let pages = scan.pages.unwrap_or(read).max(read);
    let mut handed = 0usize;
    let mut shown_pages = Vec::with_capacity(pdf_pages.len());
    for page in pdf_pages {
        let size = page.picture.as_ref().map_or(0, |p| p.bytes.len());
        if handed > 0 && handed + size > MAX_TOTAL_BYTES {
            break;
        }
        handed += size;
        shown_pages.push(shown(page.picture.as_ref(), page.page, pages));
    }
    Ok(shown_pages)
}

fn shown(picture: Option<&Picture>, page: u32, pages: u32) -> ScanPage {
    match picture {
        Some(picture) => ScanPage {
            data_url: format!(
                "data:{};base64,{}",
                picture.mime,
                base64::engine::general_purpose::STANDARD.encode(&picture.bytes)
            ),
            width: picture.width,
            height: picture.height,
            page,
            pages,
        },
        None => ScanPage {
            data_url: String::new(),
            width: 0,
            height: 0,
            page,
            pages,
        },
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use branchdesk_domain::draft::{PartyKind, Provider};
    use branchdesk_vault::MemoryStore;

    use super::*;

    fn vault() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(dir.path(), &MemoryStore::default()).unwrap();
        (dir, vault)
    }

    fn draft(vault: &Vault) -> String {
        crate::drafts::create(vault, PartyKind::Person, Provider::Cos)
            .unwrap()
            .id
    }

    /// A sharp card-sized picture as JPEG, so the checks pass it.
    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            if (x / 40 + y / 40) % 2 == 0 {
                image::Rgb([20, 20, 20])
            } else {
                image::Rgb([235, 235, 235])
            }
        });
        let mut bytes = Vec::new();
        image
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        bytes
    }

    /// A PDF with one page per JPEG, each drawn over the whole page, as a scanner writes
    /// them; objects in order, with the cross-reference table their offsets.
    fn pdf(pictures: &[(Vec<u8>, u32, u32)]) -> Vec<u8> {
        let count = pictures.len();
        // 1 catalogue, 2 page tree, then per page: page, contents, image.
        let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {count} >>",
                kids.join(" ")
            )
            .into_bytes(),
        ];
        for (i, (jpeg, width, height)) in pictures.iter().enumerate() {
            let (contents, image) = (4 + 3 * i, 5 + 3 * i);
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {contents} 0 R >>"
            ).into_bytes());
            let drawing = b"q 612 0 0 792 0 0 cm /Im0 Do Q";
            let mut stream = format!("<< /Length {} >>\nstream\n", drawing.len()).into_bytes();
            stream.extend_from_slice(drawing);
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
            let mut stream = format!(
                "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
                jpeg.len()
            )
            .into_bytes();
            stream.extend_from_slice(jpeg);
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
        }
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (n, object) in objects.iter().enumerate() {
            offsets.push(out.len());
            writeln!(out, "{} 0 obj", n + 1).unwrap();
            out.extend_from_slice(object);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
        for offset in offsets {
            writeln!(out, "{offset:010} 00000 n ").unwrap();
        }
        write!(
            out,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .unwrap();
        out
    }

    fn attach(vault: &Vault, draft: &str, slot: &str, name: &str, bytes: &[u8]) {
        let files = tempfile::tempdir().unwrap();
        let path = files.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        crate::scans::attach_scan(vault, draft, slot, &path).unwrap();
    }

    fn decoded_size(page: &ScanPage) -> (u32, u32) {
        let (head, data) = page.data_url.split_once(',').unwrap();
        assert!(head.ends_with(";base64"), "{head}");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        let image = image::load_from_memory(&bytes).unwrap();
        (image.width(), image.height())
    }

    #[test]
    fn an_image_scan_is_one_page_at_its_own_size() {
        let (_dir, vault) = vault();
        let draft = draft(&vault);
        attach(&vault, &draft, "FRONT", "front.jpg", &jpeg(1600, 1000));

        let pages = scan_pages(&vault, &draft, "FRONT").unwrap();
        assert_eq!(pages.len(), 1);
        let page = &pages[0];
        assert!(page.data_url.starts_with("data:image/jpeg;base64,"));
        assert_eq!((page.width, page.height), (1600, 1000));
        assert_eq!((page.page, page.pages), (1, 1));
        assert_eq!(decoded_size(page), (1600, 1000));
    }

    #[test]
    fn a_large_photo_is_shown_scaled_down_to_the_longest_side() {
        let (_dir, vault) = vault();
        let draft = draft(&vault);
        attach(&vault, &draft, "FRONT", "front.jpg", &jpeg(4800, 3000));

        let pages = scan_pages(&vault, &draft, "FRONT").unwrap();
        assert_eq!((pages[0].width, pages[0].height), (MAX_LONG_SIDE_PX, 2500));
        assert_eq!(decoded_size(&pages[0]), (MAX_LONG_SIDE_PX, 2500));
    }

    #[test]
    fn a_pdf_of_two_scanned_pages_is_two_pages() {
        let (_dir, vault) = vault();
        let draft = draft(&vault);
        let bytes = pdf(&[(jpeg(850, 1100), 850, 1100), (jpeg(1100, 850), 1100, 850)]);
        attach(&vault, &draft, "PROOF_OF_ADDRESS", "statement.pdf", &bytes);

        let pages = scan_pages(&vault, &draft, "PROOF_OF_ADDRESS").unwrap();
        assert_eq!(pages.len(), 2);
        let sizes: Vec<(u32, u32)> = pages.iter().map(|p| (p.width, p.height)).collect();
        assert_eq!(sizes, [(850, 1100), (1100, 850)]);
        assert_eq!(
            pages.iter().map(|p| (p.page, p.pages)).collect::<Vec<_>>(),
            [(1, 2), (2, 2)]
        );
        assert_eq!(decoded_size(&pages[1]), (1100, 850));
    }

    #[test]
    fn a_pdf_page_of_text_is_a_page_without_a_picture() {
        let (_dir, vault) = vault();
        let draft = draft(&vault);
        let sample = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/drafts/scans/utility-bill.pdf"
        );
        crate::scans::attach_scan(
            &vault,
            &draft,
            "PROOF_OF_ADDRESS",
            std::path::Path::new(sample),
        )
        .unwrap();

        let pages = scan_pages(&vault, &draft, "PROOF_OF_ADDRESS").unwrap();
        assert_eq!(
            pages,
            [ScanPage {
                data_url: String::new(),
                width: 0,
                height: 0,
                page: 1,
                pages: 1
            }]
        );
    }

    #[test]
    fn an_empty_slot_or_a_missing_draft_is_not_found() {
        let (_dir, vault) = vault();
        let draft = draft(&vault);
        attach(&vault, &draft, "FRONT", "front.jpg", &jpeg(1600, 1000));

        assert!(matches!(
            scan_pages(&vault, &draft, "BACK"),
            Err(Error::NotFound)
        ));
        assert!(matches!(
            scan_pages(&vault, &uuid::Uuid::new_v4().to_string(), "FRONT"),
            Err(Error::NotFound)
        ));
        assert!(matches!(
            scan_pages(&vault, &draft, "../FRONT"),
            Err(Error::UnknownSlot(_))
        ));
    }
}
