//! PDFs: whether one can be sent as it is ([`examine`]), and the pictures of its pages for
//! the document viewer (`pages`).

use crate::error::Error;
use crate::report::Format;
use crate::worker::{self, Answer, Job};

mod pages;

pub(crate) use pages::{page_images_here, view_picture_here};
pub use pages::{PageImage, Picture};

/// Each page of a scanned PDF, at most `max_pages` of them from the first, as the picture
/// it holds (see `pages::page_images_here`), read in the document reader's process.
pub fn page_images(bytes: &[u8], max_pages: usize) -> Result<Vec<PageImage>, Error> {
    pages_read(bytes, max_pages, None)
}

/// [`page_images`] with each page's picture made as [`view_picture`] makes it, in one read.
pub fn view_pages(
    bytes: &[u8],
    max_pages: usize,
    max_long_side: u32,
) -> Result<Vec<PageImage>, Error> {
    pages_read(bytes, max_pages, Some(max_long_side))
}

fn pages_read(
    bytes: &[u8],
    max_pages: usize,
    max_long_side: Option<u32>,
) -> Result<Vec<PageImage>, Error> {
    let job = Job::PageImages {
        bytes,
        max_pages: u32::try_from(max_pages).unwrap_or(u32::MAX),
        max_long_side,
    };
    worker::run(job, &mut |_| {}, |answer| match answer {
        Answer::Pages(pages) => Some(pages),
        _ => None,
    })
}

/// A stored JPEG or PNG scan as the viewer shows it, at most `max_long_side` on its long
/// side (see `pages::view_picture_here`), read in the document reader's process.
pub fn view_picture(bytes: &[u8], max_long_side: u32) -> Result<Picture, Error> {
    let job = Job::ViewPicture {
        bytes,
        max_long_side,
    };
    worker::run(job, &mut |_| {}, |answer| match answer {
        Answer::Picture(picture) => Some(picture),
        _ => None,
    })
}

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
