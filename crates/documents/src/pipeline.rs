//! The checks' pipeline: a file in; its report out, and, when it passes, the upright
//! upload copy within the provider's limit and a thumbnail. What is asked (`Job`) and
//! what comes back (`Run`) are here; the work itself, in the reader's process, is
//! `produce`, with decoding (`decode`) and turning and encoding (`encode`) beside it.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::report::{Format, Report};
use crate::Normalised;

#[cfg(feature = "decoders")]
pub(crate) mod decode;
#[cfg(feature = "decoders")]
mod encode;
#[cfg(feature = "decoders")]
mod produce;

#[cfg(feature = "decoders")]
pub use produce::run;

/// What the caller wants beyond the checks.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Job {
    /// Clockwise quarter turns after EXIF orientation (0–3).
    pub quarter_turns: u8,
    /// Inspection only reports; it has no use for a thumbnail.
    pub thumbnail: bool,
}

#[derive(Serialize, Deserialize)]
pub struct Run {
    #[serde(with = "crate::worker::as_json")]
    pub report: Report,
    result: Result<Produced>,
}

#[derive(Serialize, Deserialize)]
struct Produced {
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    format: Format,
    width: Option<u32>,
    height: Option<u32>,
    sha256: String,
    #[serde(with = "serde_bytes")]
    thumbnail: Option<Vec<u8>>,
}

impl Run {
    pub fn into_normalised(self) -> Result<Normalised> {
        let p = self.result?;
        Ok(Normalised {
            mime: p.format.mime().unwrap_or("application/octet-stream"),
            bytes: p.bytes,
            width: p.width,
            height: p.height,
            sha256: p.sha256,
            thumbnail_jpeg: p.thumbnail,
            report: self.report,
        })
    }
}
