//! Reading a file's bytes into pixels within the configured bounds, and the decoders'
//! refusals in words.

use std::io::Cursor;

use image::error::LimitErrorKind;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use crate::config::CheckConfig;
use crate::error::{Error, Result};
use crate::report::Format;

pub(super) fn image_format(format: Format) -> Option<ImageFormat> {
    match format {
        Format::Jpeg => Some(ImageFormat::Jpeg),
        Format::Png => Some(ImageFormat::Png),
        Format::Tiff => Some(ImageFormat::Tiff),
        Format::Webp => Some(ImageFormat::WebP),
        _ => None,
    }
}

pub(crate) struct Decoded {
    pub(crate) image: DynamicImage,
    pub(crate) orientation: Orientation,
}

pub(crate) fn decode(bytes: &[u8], format: Format, cfg: &CheckConfig) -> Result<Decoded> {
    let fmt = image_format(format).ok_or_else(|| Error::UnsupportedVariant {
        format,
        detail: "not a picture format".to_owned(),
    })?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(cfg.max_dimension_px);
    limits.max_image_height = Some(cfg.max_dimension_px);
    limits.max_alloc = Some(cfg.max_decode_alloc_bytes);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), fmt);
    reader.limits(limits);
    // Only the header has been read at this point; the limits above have
    // already rejected oversized dimensions without allocating pixels.
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| image_error(e, format, bytes, cfg))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > cfg.max_pixels {
        return Err(too_many_pixels(width, height, cfg));
    }
    if decoder.total_bytes() > cfg.max_decode_alloc_bytes {
        return Err(Error::TooMuchMemory {
            max: cfg.max_decode_alloc_bytes,
        });
    }
    // A malformed EXIF block should not cost the customer a retake: the photo
    // is kept as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image =
        DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, format, bytes, cfg))?;
    Ok(Decoded { image, orientation })
}

pub(super) fn too_many_pixels(width: u32, height: u32, cfg: &CheckConfig) -> Error {
    Error::TooManyPixels {
        width,
        height,
        max_dimension: cfg.max_dimension_px,
        max_pixels: cfg.max_pixels,
    }
}

pub(super) fn image_error(e: ImageError, format: Format, bytes: &[u8], cfg: &CheckConfig) -> Error {
    match e {
        ImageError::Limits(l) => match l.kind() {
            LimitErrorKind::DimensionError => {
                // Header-only second look, to tell the user what the file claims.
                let (w, h) = image_format(format)
                    .and_then(|f| {
                        let mut r = ImageReader::with_format(Cursor::new(bytes), f);
                        r.no_limits();
                        r.into_dimensions().ok()
                    })
                    .unwrap_or((0, 0));
                too_many_pixels(w, h, cfg)
            }
            _ => Error::TooMuchMemory {
                max: cfg.max_decode_alloc_bytes,
            },
        },
        ImageError::Unsupported(u) => Error::UnsupportedVariant {
            format,
            detail: u.to_string(),
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Truncated { format }
        }
        other => {
            let detail = other.to_string();
            let lower = detail.to_ascii_lowercase();
            if lower.contains("eof")
                || lower.contains("end of file")
                || lower.contains("unexpected end")
            {
                Error::Truncated { format }
            } else {
                Error::Corrupt { format, detail }
            }
        }
    }
}

/// Counts the pages of a TIFF and checks that each page's image data lies
/// inside the file. The decoder reads only the first page, so a multi-page
/// scan cut off in page 3 would otherwise pass as a shorter document.
pub(super) fn tiff_pages(bytes: &[u8]) -> Result<u32> {
    use tiff::decoder::Decoder;
    use tiff::tags::Tag;

    let truncated = || Error::Truncated {
        format: Format::Tiff,
    };
    // An unreadable first directory is left to the image decoder to explain.
    let Ok(mut dec) = Decoder::new(Cursor::new(bytes)) else {
        return Ok(1);
    };
    let len = bytes.len() as u64;
    let mut pages = 0u32;
    loop {
        pages += 1;
        let mut ranges = |offsets: Tag, counts: Tag| -> Option<(Vec<u64>, Vec<u64>)> {
            let o = dec.find_tag_unsigned_vec::<u64>(offsets).ok().flatten()?;
            let c = dec.find_tag_unsigned_vec::<u64>(counts).ok().flatten()?;
            Some((o, c))
        };
        let chunks = ranges(Tag::StripOffsets, Tag::StripByteCounts)
            .or_else(|| ranges(Tag::TileOffsets, Tag::TileByteCounts));
        if let Some((offsets, counts)) = chunks {
            if offsets
                .iter()
                .zip(&counts)
                .any(|(o, c)| o.saturating_add(*c) > len)
            {
                return Err(truncated());
            }
        }
        // A crafted directory chain can loop; the cap keeps counting cheap.
        if !dec.more_images() || pages >= 10_000 {
            return Ok(pages);
        }
        match dec.next_image() {
            Ok(()) => {}
            Err(tiff::TiffError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(truncated())
            }
            Err(e) => {
                return Err(Error::Corrupt {
                    format: Format::Tiff,
                    detail: e.to_string(),
                })
            }
        }
    }
}

/// A scan read for its own data (a barcode, a zone): a picture format only (`what` says what
/// is read, for the refusal), decoded within the checks' bounds and turned upright.
pub(crate) fn upright_picture(bytes: &[u8], cfg: &CheckConfig, what: &str) -> Result<DynamicImage> {
    let format = crate::sniff::sniff(bytes).format;
    if image_format(format).is_none() {
        return Err(Error::UnsupportedVariant {
            format,
            detail: format!("{what} is read from a picture"),
        });
    }
    let decoded = decode(bytes, format, cfg)?;
    let mut image = decoded.image;
    image.apply_orientation(decoded.orientation);
    Ok(image)
}

/// The picture in grey, scaled down so its longest side is at most `long_side`.
pub(crate) fn grey_within(image: &DynamicImage, long_side: u32) -> image::GrayImage {
    let grey = image.to_luma8();
    let long = grey.width().max(grey.height());
    if long <= long_side {
        return grey;
    }
    let scale = f64::from(long_side) / f64::from(long);
    let (w, h) = (
        ((f64::from(grey.width()) * scale) as u32).max(1),
        ((f64::from(grey.height()) * scale) as u32).max(1),
    );
    image::imageops::resize(&grey, w, h, image::imageops::FilterType::Triangle)
}
