//! The PDF417 barcode on the back of a licence or ID card, read from a scan with `rxing`
//! (a port of ZXing). The picture is decoded within the same bounds as every scan check,
//! turned to grey, and tried as it is at each quarter turn, then contrast-stretched, then
//! tilted 3° either way when the first passes find nothing: scanners and phones hand over
//! backs sideways, dim, askew, or all three.
//!
//! The reading itself (`read`) is the reader process's: this is what asks for it.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::config::CheckConfig;
use crate::error::Result;
use crate::worker::{Answer, Job};

#[cfg(feature = "decoders")]
mod read;
#[cfg(feature = "decoders")]
pub(crate) use read::read_here;
#[cfg(feature = "decoders")]
pub use read::read_picture;

/// What reading a scan for a barcode found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BarcodeRead {
    /// The barcode's text.
    Found(String),
    /// The picture holds no PDF417 barcode that could be read.
    NotFound,
}

/// Reads the PDF417 barcode in a scan (JPEG, PNG, TIFF or WebP bytes).
/// The read runs in the document reader's process ([`crate::worker`]).
pub fn read_pdf417(bytes: &[u8], cfg: &CheckConfig) -> Result<BarcodeRead> {
    let job = Job::Pdf417 {
        bytes,
        cfg: Cow::Borrowed(cfg),
    };
    crate::worker::run(job, &mut |_| {}, |answer| match answer {
        Answer::Barcode(read) => Some(read),
        _ => None,
    })
}
