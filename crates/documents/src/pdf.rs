//! PDFs: whether one can be sent as it is ([`examine`]), and the pictures of its pages for
//! the document viewer (`pages`).

use crate::error::Error;
use crate::report::Format;

mod pages;

pub use pages::{page_images, view_picture, PageImage, Picture};

pub struct PdfInfo {
    pub pages: u32,
    /// The cross-reference table was damaged and rebuilt by scanning the file.
    pub repaired: bool,
}

pub fn examine(bytes: &[u8]) -> Result<PdfInfo, Error> {
    // The metadata loader reads the trailer, catalogue and page tree only, with
    // lopdf's own cap on decompressed stream size.
    match lopdf::Document::load_metadata_mem(bytes) {
        Ok(meta) if meta.encrypted => Err(Error::EncryptedPdf),
        Ok(meta) if meta.page_count == 0 => Err(Error::EmptyPdf),
        Ok(meta) => Ok(PdfInfo {
            pages: meta.page_count,
            repaired: meta.xref_recovery.is_some(),
        }),
        // A broken security handler fails loading before `encrypted` can be
        // read; the file is encrypted all the same and the advice is the same.
        Err(_) if contains(bytes, b"/Encrypt") => Err(Error::EncryptedPdf),
        Err(e) => Err(Error::Corrupt {
            format: Format::Pdf,
            detail: e.to_string(),
        }),
    }
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// The review's document viewer: each page of a scanned PDF as the picture it holds.
