use serde::{Deserialize, Serialize};

/// Every limit and threshold the checks use, so a deployment (or a provider with
/// stricter rules) can tune them without touching code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckConfig {
    /// Files larger than this are refused before any byte of them is decoded.
    pub max_file_bytes: u64,
    /// Largest width or height a decoder may announce. A header claiming more is a
    /// decompression bomb or not a document scan; it is refused before allocation.
    pub max_dimension_px: u32,
    /// Largest pixel count (width × height) that is decoded at all.
    pub max_pixels: u64,
    /// Memory the image decoder may allocate (passed to `image::Limits::max_alloc`).
    pub max_decode_alloc_bytes: u64,
    /// An ID photographed below this long side is hard to read for a provider.
    pub min_long_side_px: u32,
    /// Quality checks run on a grey copy scaled down to this long side, so a
    /// threshold means the same for a 12 MP photo as for a 2 MP scan.
    pub analysis_long_side_px: u32,
    /// Variance of the Laplacian (on the analysis copy) below which the picture is
    /// reported as blurred.
    pub blur_threshold: f64,
    /// Mean luminance (0–255) below which the picture is reported as too dark.
    pub dark_mean: f64,
    /// Mean luminance (0–255) above which a picture *with little contrast* is
    /// reported as washed out.
    pub bright_mean: f64,
    /// Standard deviation of luminance below which a bright picture counts as
    /// washed out; a white page with dark text has far more contrast than this.
    pub bright_max_contrast: f64,
    /// Grey level (0–255) from which a pixel counts as blown out.
    pub glare_level: u8,
    /// Share (0–1) of blown-out pixels above which glare is reported.
    pub glare_share: f64,
    /// If the median grey level is at or above this, the picture is mostly white
    /// paper and blown-out pixels are just paper, so glare is not assessed.
    pub glare_paper_median: u8,
    /// Byte limit of the provider the document is uploaded to; applies to the
    /// normalised output, after conversion.
    pub provider_limit_bytes: Option<u64>,
    /// JPEG quality of a normal re-encode.
    pub jpeg_quality: u8,
    /// Lowest JPEG quality used while fitting a provider limit.
    pub min_jpeg_quality: u8,
    /// While fitting a provider limit the image is never scaled below this long
    /// side, so the document stays legible (an image already smaller keeps its size).
    pub min_fit_long_side_px: u32,
    /// Long side of the thumbnail.
    pub thumbnail_long_side_px: u32,
    /// JPEG quality of the thumbnail.
    pub thumbnail_quality: u8,
}

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 30 * 1024 * 1024,
            max_dimension_px: 12_000,
            max_pixels: 100_000_000,
            max_decode_alloc_bytes: 512 * 1024 * 1024,
            min_long_side_px: 1000,
            analysis_long_side_px: 1000,
            blur_threshold: 100.0,
            dark_mean: 55.0,
            bright_mean: 225.0,
            bright_max_contrast: 30.0,
            glare_level: 250,
            glare_share: 0.03,
            glare_paper_median: 200,
            provider_limit_bytes: None,
            jpeg_quality: 92,
            min_jpeg_quality: 55,
            min_fit_long_side_px: 1000,
            thumbnail_long_side_px: 320,
            thumbnail_quality: 80,
        }
    }
}
