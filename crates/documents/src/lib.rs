//! Local checks and normalisation of ID document scans (driving licence, passport
//! page, selfie, proof of address) before they are stored or uploaded.
//!
//! Everything is decided from file content, offline, with bounded memory: a file
//! over [`CheckConfig::max_file_bytes`] is refused after reading its first bytes,
//! and image headers are checked against pixel and allocation limits before any
//! pixel buffer exists.

pub mod barcode;
mod config;
mod error;
mod input;
pub mod mrz;
mod pdf;
mod pipeline;
#[cfg(feature = "decoders")]
mod quality;
#[cfg(feature = "decoders")]
mod reduce;
mod report;
#[cfg(feature = "decoders")]
mod sniff;
pub mod worker;

use std::borrow::Cow;
use std::path::Path;

pub use config::CheckConfig;
pub use error::{human_bytes, Error, Result};
pub use pdf::{page_images, view_pages, view_picture, PageImage, Picture};
pub use report::{Check, CheckResult, Format, Outcome, OutputSummary, Problem, Report, Step};

/// A document ready to be stored or uploaded.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// The bytes to store or upload: upright, without metadata, in an accepted
    /// format, within the provider's limit. A PDF is the original file.
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Hex SHA-256 of `bytes`.
    pub sha256: String,
    /// JPEG, at most [`CheckConfig::thumbnail_long_side_px`] on the long side.
    /// PDFs have none: rendering PDF pages is out of scope for this crate.
    pub thumbnail_jpeg: Option<Vec<u8>>,
    pub report: Report,
}

/// What staff need to judge a scan: the checks (in `report`) and the thumbnail. It is
/// ready before the upload copy is encoded, which for a phone photo is the slowest step.
#[derive(Debug)]
pub struct Preview<'a> {
    /// Format, pages, upright pixel size and checks; the plan is not final yet.
    pub report: &'a Report,
    pub thumbnail_jpeg: Option<&'a [u8]>,
}

/// Checks a file and says what normalisation would do, without producing it.
///
/// Refusals are reported in [`Report::errors`] with `acceptable: false`; only a
/// file that cannot be opened or read is an `Err`.
pub fn inspect(path: &Path, cfg: &CheckConfig) -> Result<Report> {
    let input = input::Input::from_path(path, cfg)?;
    let job = pipeline::Job {
        quarter_turns: 0,
        thumbnail: false,
    };
    Ok(checked(input, cfg, job, &mut |_| {})?.report)
}

/// Produces the bytes to store or upload, or the reason the file is refused.
pub fn normalise(path: &Path, cfg: &CheckConfig) -> Result<Normalised> {
    normalise_with(path, cfg, &mut |_| {})
}

/// [`normalise`], calling `on_preview` as soon as the checks and the thumbnail are known
/// so they can be shown while the upload copy is still being made. Not called when the
/// file is refused.
pub fn normalise_with(
    path: &Path,
    cfg: &CheckConfig,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> Result<Normalised> {
    let input = input::Input::from_path(path, cfg)?;
    let job = pipeline::Job {
        quarter_turns: 0,
        thumbnail: true,
    };
    checked(input, cfg, job, on_preview)?.into_normalised()
}

/// Rotates a picture by `quarter_turns` × 90° clockwise (negative turns rotate
/// anticlockwise) and normalises the result, e.g. after the employee pressed
/// "rotate" on an already-normalised scan. PDFs cannot be rotated.
pub fn rotate(bytes: &[u8], quarter_turns: i32, cfg: &CheckConfig) -> Result<Normalised> {
    let input = input::Input::from_bytes(bytes, cfg);
    let turns = u8::try_from(quarter_turns.rem_euclid(4)).unwrap_or(0);
    let job = pipeline::Job {
        quarter_turns: turns,
        thumbnail: true,
    };
    checked(input, cfg, job, &mut |_| {})?.into_normalised()
}

/// The checks, and the copy to store when `job` asks for it, made in the document reader's
/// process ([`worker`]). The file was read here: the reader touches no file.
fn checked(
    input: input::Input,
    cfg: &CheckConfig,
    job: pipeline::Job,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> Result<pipeline::Run> {
    let job = worker::Job::Pipeline {
        input,
        cfg: Cow::Borrowed(cfg),
        job,
    };
    worker::run(job, on_preview, |answer| match answer {
        worker::Answer::Pipeline(run) => Some(*run),
        _ => None,
    })
}

/// Entry points for the libFuzzer targets in `fuzz/`, which need the stages
/// below `normalise` on their own to reach them with arbitrary bytes. Not part
/// of the API: names and shapes may change with the fuzz targets.
#[cfg(feature = "decoders")]
#[doc(hidden)]
pub mod fuzzing {
    use crate::input::HEADER_BYTES;
    use crate::report::Format;
    use crate::sniff::{self, Completeness};

    /// What the header says the bytes are, as `inspect` decides it.
    pub fn sniff(bytes: &[u8]) -> Format {
        sniff::sniff(&bytes[..bytes.len().min(HEADER_BYTES)]).format
    }

    /// `Some(true)` complete, `Some(false)` truncated, `None` when the
    /// structure cannot be walked.
    pub fn completeness(format: Format, bytes: &[u8]) -> Option<bool> {
        match sniff::completeness(format, bytes) {
            Completeness::Complete => Some(true),
            Completeness::Truncated => Some(false),
            Completeness::Unknown => None,
        }
    }

    /// The JPEG as it is stored when kept without re-encoding; `None` when it would be
    /// re-encoded instead.
    pub fn strip_jpeg_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
        sniff::strip_jpeg_metadata(bytes)
    }

    /// Page count of a PDF as `inspect` reads it, or why it is refused.
    pub fn pdf_pages(bytes: &[u8]) -> crate::Result<u32> {
        crate::pdf::examine(bytes).map(|info| info.pages)
    }
}
