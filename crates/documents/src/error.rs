use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::report::Format;

/// Why a document cannot be used. Every message is written for the branch
/// employee in front of the customer: what is wrong and what to do about it.
///
/// Serialisable because the document reader's process sends it back as its answer; the
/// file is read (and `Io` can happen) only in the parent, so that one never crosses.
#[derive(Debug, thiserror::Error, Serialize, Deserialize)]
pub enum Error {
    #[error("The file is empty (0 bytes). Scan or photograph the document again.")]
    Empty,

    #[error("The file is {}, more than the {} allowed. Scan at 300 dpi or less, or photograph the document again.", human_bytes(*bytes), human_bytes(*max))]
    FileTooLarge { bytes: u64, max: u64 },

    #[error("This is an HEIC photo (the iPhone's default format), which cannot be used. On the iPhone set Settings > Camera > Formats to \"Most Compatible\" and take the photo again, or share/export the photo as JPEG.")]
    Heic,

    #[error("This is an AVIF picture, which cannot be used. Export or save it as JPEG or PNG, or photograph the document again.")]
    Avif,

    #[error("This file is {found}, not a photo, scan or PDF{}. Use a JPEG, PNG or PDF of the document.", named_as.as_ref().map(|ext| format!(", even though its name ends in .{ext}")).unwrap_or_default())]
    Unsupported {
        found: String,
        named_as: Option<String>,
    },

    #[error("The {format} file is incomplete: it was cut off, for example by an interrupted copy or download. Copy, scan or photograph it again.")]
    Truncated { format: Format },

    #[error("The {format} file is damaged and cannot be read ({detail}). Scan or photograph the document again.")]
    Corrupt { format: Format, detail: String },

    #[error("The {format} file uses a variant that cannot be read here ({detail}). Save it as JPEG or PNG and try again.")]
    UnsupportedVariant { format: Format, detail: String },

    #[error("The picture claims to be {width} x {height} pixels, more than the {max_dimension} x {max_dimension} ({} megapixels) allowed; it is either damaged or not a normal scan. Scan at 300 dpi or photograph the document again.", max_pixels / 1_000_000)]
    TooManyPixels {
        width: u32,
        height: u32,
        max_dimension: u32,
        max_pixels: u64,
    },

    #[error("Decoding the picture would need more than {} of memory. Scan at 300 dpi or photograph the document again.", human_bytes(*max))]
    TooMuchMemory { max: u64 },

    #[error("The PDF is password-protected or encrypted, so it cannot be checked or sent. Open it, print or save it as a new PDF without a password, then try again.")]
    EncryptedPdf,

    #[error("The PDF has no pages. Scan the document again.")]
    EmptyPdf,

    #[error("The PDF is {}, more than the {} the verification provider accepts. A PDF cannot be shrunk here: scan it again at 150-200 dpi in greyscale, or upload a photo of each page instead.", human_bytes(*bytes), human_bytes(*limit))]
    PdfOverProviderLimit { bytes: u64, limit: u64 },

    #[error("The picture cannot be made smaller than {} (at {width} x {height} pixels, JPEG quality {quality}) without becoming unreadable, and the verification provider accepts at most {}. Photograph the document closer and with less background, or on a plain surface.", human_bytes(*smallest_bytes), human_bytes(*limit))]
    CannotFit {
        smallest_bytes: u64,
        limit: u64,
        width: u32,
        height: u32,
        quality: u8,
    },

    #[error("Could not produce the converted picture ({0}). Try again; if it keeps failing, save the document as JPEG and use that.")]
    Encode(String),

    #[error("The document reader stopped before it finished ({detail}). The file may be damaged or made to cause harm: scan or photograph the document again. If a new scan does the same, tell IT.")]
    ReaderStopped { detail: String },

    #[error("Reading the document took more than {seconds} seconds and was stopped. The file may be damaged: scan or photograph the document again.")]
    ReaderTimedOut { seconds: u64 },

    #[error("The document reader could not be started ({detail}). Close Branchdesk and start it again; if it keeps happening, tell IT.")]
    ReaderUnavailable { detail: String },

    #[error("The document reader ({path}) is missing, so no scan can be checked or shown. Branchdesk is not completely installed: tell IT to install it again.")]
    ReaderMissing { path: String },

    #[error("The document reader installed is version {reader} and this Branchdesk is {app}: Branchdesk was updated while it was open. Close Branchdesk and start it again.")]
    ReaderOtherVersion { reader: String, app: String },

    // Last, and skipped: serde numbers the variants it reads without the skipped ones,
    // postcard by position, so a skipped variant anywhere else shifts every later one.
    #[serde(skip)]
    #[error("Could not read the file {}: {source}. Check that it still exists and is not open in another program.", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Stable machine-readable name of the error, for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Empty => "empty",
            Error::FileTooLarge { .. } => "file_too_large",
            Error::Heic => "heic",
            Error::Avif => "avif",
            Error::Unsupported { .. } => "unsupported_type",
            Error::Truncated { .. } => "truncated",
            Error::Corrupt { .. } => "corrupt",
            Error::UnsupportedVariant { .. } => "unsupported_variant",
            Error::TooManyPixels { .. } => "too_many_pixels",
            Error::TooMuchMemory { .. } => "too_much_memory",
            Error::EncryptedPdf => "encrypted_pdf",
            Error::EmptyPdf => "empty_pdf",
            Error::PdfOverProviderLimit { .. } => "pdf_over_provider_limit",
            Error::CannotFit { .. } => "cannot_fit_provider_limit",
            Error::Encode(_) => "encode_failed",
            Error::ReaderStopped { .. } => "reader_stopped",
            Error::ReaderTimedOut { .. } => "reader_timed_out",
            Error::ReaderUnavailable { .. } => "reader_unavailable",
            Error::ReaderMissing { .. } => "reader_missing",
            Error::ReaderOtherVersion { .. } => "reader_other_version",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Sizes as people read them: "2.41 MB", "512 KB", "900 bytes" (decimal units,
/// as providers state their limits).
pub fn human_bytes(bytes: u64) -> String {
    const KB: f64 = 1000.0;
    let b = bytes as f64;
    if b >= KB * KB * KB {
        format!("{:.1} GB", b / (KB * KB * KB))
    } else if b >= KB * KB {
        format!("{:.2} MB", b / (KB * KB))
    } else if b >= KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{bytes} bytes")
    }
}
