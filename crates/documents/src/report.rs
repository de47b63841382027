use std::fmt;

use serde::{Deserialize, Serialize};

/// What a file is, judged by its content (never by its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Pdf,
    Tiff,
    Webp,
    Heic,
    Avif,
    /// Recognised as something else (see `Report::mime`) or not recognised at all.
    Other,
}

impl Format {
    pub fn mime(self) -> Option<&'static str> {
        match self {
            Format::Jpeg => Some("image/jpeg"),
            Format::Png => Some("image/png"),
            Format::Pdf => Some("application/pdf"),
            Format::Tiff => Some("image/tiff"),
            Format::Webp => Some("image/webp"),
            Format::Heic => Some("image/heic"),
            Format::Avif => Some("image/avif"),
            Format::Other => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Pdf => "PDF",
            Format::Tiff => "TIFF",
            Format::Webp => "WebP",
            Format::Heic => "HEIC",
            Format::Avif => "AVIF",
            Format::Other => "unknown",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Resolution,
    Blur,
    TooDark,
    TooBright,
    Glare,
    /// A multi-page TIFF of which only the first page is kept.
    ExtraPages,
    /// A PDF whose cross-reference table had to be rebuilt to be read.
    PdfRepaired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Warning,
}

/// One quality check: its verdict, a sentence for the employee, and the figure
/// it was based on so thresholds can be tuned from real reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: Check,
    pub outcome: Outcome,
    pub message: String,
    pub measured: f64,
    pub threshold: f64,
}

/// A refusal as it appears in a report: the stable code of [`crate::Error`] and
/// its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: String,
    pub message: String,
}

impl From<&crate::Error> for Problem {
    fn from(e: &crate::Error) -> Self {
        Problem {
            code: e.code().to_owned(),
            message: e.to_string(),
        }
    }
}

/// What normalisation does to the file, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    /// Re-encode in another format.
    Convert {
        from: Format,
        to: Format,
        reason: String,
    },
    /// Turn the pixels upright as the camera's EXIF orientation tag asks.
    ApplyOrientation {
        exif_value: u8,
        description: String,
    },
    /// A rotation asked for by the user.
    Rotate {
        degrees_clockwise: u16,
    },
    /// 16-bit or floating-point samples reduced to 8 bits.
    ReduceBitDepth,
    /// Transparent areas painted white (JPEG has no transparency).
    FlattenTransparency,
    /// Only the first page of a multi-page TIFF is kept.
    KeepFirstPage {
        pages: u32,
    },
    /// EXIF (including GPS position), XMP, ICC and text chunks are not carried over.
    StripMetadata,
    Downscale {
        from_width: u32,
        from_height: u32,
        to_width: u32,
        to_height: u32,
    },
    Recompress {
        quality: u8,
    },
    /// The file is used byte for byte (PDFs are not rewritten).
    KeepAsIs,
    /// An upright JPEG within the limit keeps its compressed picture byte for byte: no
    /// re-encoding, so no quality is lost; only its metadata is left out.
    KeepCompressed,
}

/// The result of normalisation, as far as a report needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputSummary {
    pub mime: String,
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub sha256: String,
}

/// Everything known about one document file. A refused file is a report with
/// `acceptable: false` and at least one entry in `errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub file_name: Option<String>,
    pub format: Format,
    /// MIME type found by content sniffing, also for formats that are refused.
    pub mime: Option<String>,
    pub file_bytes: u64,
    /// Hex SHA-256 of the original file; absent when the file was refused
    /// before being read in full.
    pub sha256: Option<String>,
    /// Pixel size as the document is meant to be seen (after EXIF orientation).
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub pages: Option<u32>,
    pub checks: Vec<CheckResult>,
    pub errors: Vec<Problem>,
    pub plan: Vec<Step>,
    pub output: Option<OutputSummary>,
    pub acceptable: bool,
}

impl Report {
    #[cfg(feature = "decoders")]
    pub(crate) fn new(file_name: Option<String>, file_bytes: u64) -> Self {
        Report {
            file_name,
            format: Format::Other,
            mime: None,
            file_bytes,
            sha256: None,
            width: None,
            height: None,
            pages: None,
            checks: Vec::new(),
            errors: Vec::new(),
            plan: Vec::new(),
            output: None,
            acceptable: false,
        }
    }

    /// The checks that produced a warning.
    pub fn warnings(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| c.outcome == Outcome::Warning)
    }
}
