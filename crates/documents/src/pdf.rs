//! PDFs: whether one can be sent as it is ([`examine`]), and the pictures of its pages for
//! the document viewer (`pages`).

use serde::{Deserialize, Serialize};

use crate::error::Error;
#[cfg(feature = "decoders")]
use crate::report::Format;
use crate::worker::{self, Answer, Job};

// Reading the pages is the reader process's work.
#[cfg(feature = "decoders")]
mod pages;

#[cfg(feature = "decoders")]
pub(crate) use pages::{page_images_here, view_picture_here};

/// A picture as the review's document viewer shows it: JPEG or PNG bytes, upright, at
/// most the long side it was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    #[serde(with = "crate::worker::static_mime")]
    pub mime: StaticMime,
    pub width: u32,
    pub height: u32,
}

/// Named so that serde's derive does not borrow it from the input as it does a `&str`:
/// it is read back as the crate's own constant.
type StaticMime = &'static str;

/// One page of a PDF as the viewer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageImage {
    /// The page's number in the PDF, from 1.
    pub page: u32,
    /// The scanned picture the page holds (the largest, when there are several). `None`
    /// when it holds none that can be shown here: text or drawings made by the PDF itself
    /// (only a PDF reader can draw those), or a picture stored in a form not read here
    /// (JPEG 2000, fax compression, indexed or CMYK colours).
    pub picture: Option<Picture>,
}

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

#[cfg(feature = "decoders")]
pub struct PdfInfo {
    pub pages: u32,
    /// The cross-reference table was damaged and rebuilt by scanning the file.
    pub repaired: bool,
}

#[cfg(feature = "decoders")]
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

#[cfg(feature = "decoders")]
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// The review's document viewer: each page of a scanned PDF as the picture it holds.
