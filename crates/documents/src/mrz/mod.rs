//! The machine-readable zone of a passport's photo page (TD3, two lines of 44) or an ID card
//! (TD1, three lines of 30; TD2, two lines of 36), read from a scan. Locally and without a
//! model: the zone is found as two or three lines of evenly spaced characters of one size,
//! each line is cut into its fixed-pitch cells, and each cell is matched against the OCR-B
//! glyphs (rendered once from Debian's `fonts-ocr-b` into `assets/ocrb/`). Each position
//! keeps to the characters its field may hold, and close calls in fields guarded by check
//! digits are settled by them. A zone is given out only when every character no check digit
//! guards is clear: a wrong read is worse than none.
//!
//! The text is the zone's lines joined with `\n`; parsing it (dates, names, which digits
//! agree) is `branchdesk_domain::prefill::mrz::parse`'s work.

#[cfg(feature = "decoders")]
mod check;
#[cfg(feature = "decoders")]
mod glyphs;
#[cfg(feature = "decoders")]
mod locate;

use std::borrow::Cow;

#[cfg(feature = "decoders")]
use image::{DynamicImage, GrayImage};
use serde::{Deserialize, Serialize};

use crate::config::CheckConfig;
use crate::error::Result;
#[cfg(feature = "decoders")]
use crate::pipeline::decode::{grey_within, upright_picture};
use crate::worker::{Answer, Job};

/// What reading a scan for a machine-readable zone found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MrzRead {
    /// The zone's lines, joined with `\n`.
    Found(String),
    /// No zone could be read with confidence.
    NotFound,
}

/// The longest side the reader works on: a 12-megapixel photo is scaled down first, which
/// keeps a passport's characters well above the templates' size and the work bounded.
#[cfg(feature = "decoders")]
const WORK_LONG_SIDE: u32 = 2400;

/// Reads the machine-readable zone in a scan (JPEG, PNG, TIFF or WebP bytes), upright as
/// its EXIF orientation says.
/// The read runs in the document reader's process ([`crate::worker`]).
pub fn read_mrz(bytes: &[u8], cfg: &CheckConfig) -> Result<MrzRead> {
    let job = Job::Mrz {
        bytes,
        cfg: Cow::Borrowed(cfg),
    };
    crate::worker::run(job, &mut |_| {}, |answer| match answer {
        Answer::Mrz(read) => Some(read),
        _ => None,
    })
}

#[cfg(feature = "decoders")]
pub(crate) fn read_here(bytes: &[u8], cfg: &CheckConfig) -> Result<MrzRead> {
    let image = upright_picture(bytes, cfg, "a machine-readable zone")?;
    Ok(read_picture(&image))
}

#[cfg(feature = "decoders")]
/// Reads the machine-readable zone in decoded pixels. A page upside down is tried turned.
pub fn read_picture(image: &DynamicImage) -> MrzRead {
    let grey = grey_within(image, WORK_LONG_SIDE);
    if let Some(text) = read_grey(&grey) {
        return MrzRead::Found(text);
    }
    let turned = image::imageops::rotate180(&grey);
    match read_grey(&turned) {
        Some(text) => MrzRead::Found(text),
        None => MrzRead::NotFound,
    }
}

#[cfg(feature = "decoders")]
fn read_grey(grey: &GrayImage) -> Option<String> {
    for zone in locate::zones(grey) {
        let cells = zone[0].cells;
        let scores: Vec<[f32; 37]> = zone
            .iter()
            .flat_map(|line| glyphs::score_line(grey, line))
            .collect();
        if let Some(text) = check::decide(&scores, cells) {
            let lines: Vec<String> = text
                .chunks(cells)
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect();
            return Some(lines.join("\n"));
        }
    }
    None
}
