use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::error::LimitErrorKind;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use crate::config::CheckConfig;
use crate::error::{Error, Result};
use crate::input::{sha256_hex, Input};
use crate::report::{Check, CheckResult, Format, Outcome, OutputSummary, Problem, Report, Step};
use crate::sniff::{self, Completeness};
use crate::{pdf, quality, reduce, Normalised, Preview};

/// What the caller wants beyond the checks.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// Clockwise quarter turns after EXIF orientation (0–3).
    pub quarter_turns: u8,
    /// Inspection only reports; it has no use for a thumbnail.
    pub thumbnail: bool,
}

pub struct Run {
    pub report: Report,
    result: Result<Produced>,
}

struct Produced {
    bytes: Vec<u8>,
    format: Format,
    width: Option<u32>,
    height: Option<u32>,
    sha256: String,
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

/// Extensions under which a refused file pretends to be something we accept;
/// naming them in the message explains why "the .jpg" does not open.
const ACCEPTED_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "pdf", "tif", "tiff", "webp"];

/// `on_preview` is called once the checks and the thumbnail are known, before the upload
/// copy is encoded; it is not called for a refused file.
pub fn run(
    input: Input,
    cfg: &CheckConfig,
    job: Job,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> Run {
    let mut report = Report::new(input.file_name.clone(), input.file_bytes);
    let sniffed = sniff::sniff(&input.header);
    report.format = sniffed.format;
    report.mime = sniffed.mime;
    report.sha256 = input.sha256.clone();

    let result = produce(
        &input,
        sniffed.format,
        &sniffed.description,
        cfg,
        job,
        &mut report,
        on_preview,
    );
    match &result {
        Ok(p) => {
            report.output = Some(OutputSummary {
                mime: p
                    .format
                    .mime()
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
                bytes: p.bytes.len() as u64,
                width: p.width,
                height: p.height,
                sha256: p.sha256.clone(),
            });
            report.acceptable = true;
        }
        Err(e) => {
            report.errors.push(Problem::from(e));
            report.acceptable = false;
        }
    }
    Run { report, result }
}

fn produce(
    input: &Input,
    format: Format,
    description: &str,
    cfg: &CheckConfig,
    job: Job,
    report: &mut Report,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> Result<Produced> {
    if input.file_bytes == 0 {
        return Err(Error::Empty);
    }
    // The type is judged first: a 40 MB HEIC is refused for being HEIC, since
    // exporting it as JPEG fixes the size too.
    match format {
        Format::Heic => return Err(Error::Heic),
        Format::Avif => return Err(Error::Avif),
        Format::Other => {
            return Err(Error::Unsupported {
                found: description.to_owned(),
                named_as: input
                    .extension
                    .clone()
                    .filter(|e| ACCEPTED_EXTENSIONS.contains(&e.as_str())),
            })
        }
        _ => {}
    }
    let Some(bytes) = input.body.as_deref() else {
        return Err(Error::FileTooLarge {
            bytes: input.file_bytes,
            max: cfg.max_file_bytes,
        });
    };
    if sniff::completeness(format, bytes) == Completeness::Truncated {
        return Err(Error::Truncated { format });
    }
    if format == Format::Pdf {
        if job.quarter_turns != 0 {
            return Err(Error::UnsupportedVariant {
                format,
                detail: "PDF pages cannot be rotated here".to_owned(),
            });
        }
        return produce_pdf(bytes, cfg, report, on_preview);
    }
    produce_image(bytes, format, cfg, job, report, on_preview)
}

fn produce_pdf(
    bytes: &[u8],
    cfg: &CheckConfig,
    report: &mut Report,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> Result<Produced> {
    let info = pdf::examine(bytes)?;
    report.pages = Some(info.pages);
    if info.repaired {
        report.checks.push(CheckResult {
            check: Check::PdfRepaired,
            outcome: Outcome::Warning,
            message: "The PDF's internal index was damaged and had to be rebuilt to read it; the provider may reject it. If possible, save or scan it again.".to_owned(),
            measured: 1.0,
            threshold: 0.0,
        });
    }
    let len = bytes.len() as u64;
    if let Some(limit) = cfg.provider_limit_bytes {
        if len > limit {
            return Err(Error::PdfOverProviderLimit { bytes: len, limit });
        }
    }
    report.plan.push(Step::KeepAsIs);
    on_preview(&Preview {
        report,
        thumbnail_jpeg: None,
    });
    Ok(Produced {
        bytes: bytes.to_vec(),
        format: Format::Pdf,
        width: None,
        height: None,
        sha256: sha256_hex(bytes),
        thumbnail: None,
    })
}

fn image_format(format: Format) -> Option<ImageFormat> {
    match format {
        Format::Jpeg => Some(ImageFormat::Jpeg),
        Format::Png => Some(ImageFormat::Png),
        Format::Tiff => Some(ImageFormat::Tiff),
        Format::Webp => Some(ImageFormat::WebP),
        _ => None,
    }
}

struct Decoded {
    image: DynamicImage,
    orientation: Orientation,
}

fn decode(bytes: &[u8], format: Format, cfg: &CheckConfig) -> Result<Decoded> {
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

fn too_many_pixels(width: u32, height: u32, cfg: &CheckConfig) -> Error {
    Error::TooManyPixels {
        width,
        height,
        max_dimension: cfg.max_dimension_px,
        max_pixels: cfg.max_pixels,
    }
}

fn image_error(e: ImageError, format: Format, bytes: &[u8], cfg: &CheckConfig) -> Error {
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
fn tiff_pages(bytes: &[u8]) -> Result<u32> {
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

fn produce_image(
    bytes: &[u8],
    format: Format,
    cfg: &CheckConfig,
    job: Job,
    report: &mut Report,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> Result<Produced> {
    let tiff_page_count = if format == Format::Tiff {
        Some(tiff_pages(bytes)?)
    } else {
        None
    };
    let Decoded { image, orientation } = decode(bytes, format, cfg)?;

    let target = match format {
        Format::Png => Format::Png,
        _ => Format::Jpeg,
    };
    if let Some(pages) = tiff_page_count {
        report.pages = Some(pages);
        if pages > 1 {
            report.plan.push(Step::KeepFirstPage { pages });
            report.checks.push(CheckResult {
                check: Check::ExtraPages,
                outcome: Outcome::Warning,
                message: format!("The TIFF has {pages} pages; only the first is used. Upload each page as its own file."),
                measured: f64::from(pages),
                threshold: 1.0,
            });
        }
    } else {
        report.pages = Some(1);
    }

    if orientation != Orientation::NoTransforms {
        report.plan.push(Step::ApplyOrientation {
            exif_value: orientation.to_exif(),
            description: describe_orientation(orientation).to_owned(),
        });
    }
    if job.quarter_turns != 0 {
        report.plan.push(Step::Rotate {
            degrees_clockwise: u16::from(job.quarter_turns) * 90,
        });
    }

    let mut image = to_8bit(image, report);
    image = drop_opaque_alpha(image);
    if target == Format::Jpeg && image.color().has_alpha() {
        report.plan.push(Step::FlattenTransparency);
        image = flatten(&image);
    }
    let turn = Turn {
        orientation,
        quarter_turns: job.quarter_turns,
    };
    let (width, height) = turn.dimensions(image.width(), image.height());
    report.width = Some(width);
    report.height = Some(height);

    // Checks and thumbnail come from one small copy of the picture as decoded: blur,
    // brightness and glare do not change when it is turned upright, and turning the
    // small copy instead of the full picture puts them in front of staff before the
    // full-size work below.
    let small = reduce::reduce(
        &image,
        cfg.analysis_long_side_px.max(cfg.thumbnail_long_side_px),
    );
    // The small copy is the analysis copy unless the thumbnail asked for a larger one.
    let grey = if small.width().max(small.height()) > cfg.analysis_long_side_px {
        reduce::reduce(&small, cfg.analysis_long_side_px).into_luma8()
    } else {
        small.to_luma8()
    };
    let measures = quality::measure(width.max(height), &grey, cfg);
    drop(grey);
    report.checks.extend(quality::judge(&measures, cfg));

    if target != format {
        report.plan.push(Step::Convert {
            from: format,
            to: target,
            reason: format!("{format} is not accepted by verification providers"),
        });
    }
    report.plan.push(Step::StripMetadata);

    let thumbnail = if job.thumbnail {
        Some(thumbnail(&small, turn, cfg)?)
    } else {
        None
    };
    on_preview(&Preview {
        report,
        thumbnail_jpeg: thumbnail.as_deref(),
    });
    drop(small);

    if let Some(kept) = keep_compressed(bytes, format, turn, &image, cfg) {
        report.plan.push(Step::KeepCompressed);
        return Ok(Produced {
            sha256: sha256_hex(&kept),
            bytes: kept,
            format: Format::Jpeg,
            width: Some(width),
            height: Some(height),
            thumbnail,
        });
    }
    let (bytes_out, out_format, width, height) = fit(image, turn, target, cfg, report)?;
    Ok(Produced {
        sha256: sha256_hex(&bytes_out),
        bytes: bytes_out,
        format: out_format,
        width: Some(width),
        height: Some(height),
        thumbnail,
    })
}

/// An upright JPEG that fits the limit is sent as it came, minus its metadata: decoding and
/// re-encoding it would cost time and some of the detail a reviewer reads, for nothing.
fn keep_compressed(
    bytes: &[u8],
    format: Format,
    turn: Turn,
    image: &DynamicImage,
    cfg: &CheckConfig,
) -> Option<Vec<u8>> {
    let upright = turn.orientation == Orientation::NoTransforms && turn.quarter_turns == 0;
    let plain = matches!(
        image,
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_)
    );
    if format != Format::Jpeg || !upright || !plain {
        return None;
    }
    let kept = sniff::strip_jpeg_metadata(bytes)?;
    cfg.provider_limit_bytes
        .is_none_or(|limit| kept.len() as u64 <= limit)
        .then_some(kept)
}

/// How a decoded picture is turned upright: its EXIF orientation, then staff's turns.
#[derive(Debug, Clone, Copy)]
struct Turn {
    orientation: Orientation,
    /// Clockwise quarter turns (0–3).
    quarter_turns: u8,
}

impl Turn {
    fn dimensions(self, width: u32, height: u32) -> (u32, u32) {
        let exif_transposes = matches!(
            self.orientation,
            Orientation::Rotate90
                | Orientation::Rotate270
                | Orientation::Rotate90FlipH
                | Orientation::Rotate270FlipH
        );
        if exif_transposes != (self.quarter_turns % 2 == 1) {
            (height, width)
        } else {
            (width, height)
        }
    }

    fn is_identity(self) -> bool {
        self.orientation == Orientation::NoTransforms && self.quarter_turns.is_multiple_of(4)
    }

    /// Where each pixel of the turned picture comes from in a `width × height` picture: the
    /// source column and row of turned pixel `(x, y)` are `(ax·x + bx·y + cx, ay·x + by·y + cy)`.
    fn source_map(self, width: u32, height: u32) -> Affine {
        let (w, h) = (i64::from(width), i64::from(height));
        // Each elementary step maps a destination pixel back into the picture it was made
        // from, whose size is (w, h) before the step.
        let rot90 = |w: i64, h: i64| (Affine::new(0, 1, 0, -1, 0, h - 1), (h, w));
        let rot180 = |w: i64, h: i64| (Affine::new(-1, 0, w - 1, 0, -1, h - 1), (w, h));
        let rot270 = |w: i64, h: i64| (Affine::new(0, -1, w - 1, 1, 0, 0), (h, w));
        let fliph = |w: i64, h: i64| (Affine::new(-1, 0, w - 1, 0, 1, 0), (w, h));
        let flipv = |w: i64, h: i64| (Affine::new(1, 0, 0, 0, -1, h - 1), (w, h));
        type Step = fn(i64, i64) -> (Affine, (i64, i64));
        let mut steps: Vec<Step> = match self.orientation {
            Orientation::NoTransforms => vec![],
            Orientation::Rotate90 => vec![rot90],
            Orientation::Rotate180 => vec![rot180],
            Orientation::Rotate270 => vec![rot270],
            Orientation::FlipHorizontal => vec![fliph],
            Orientation::FlipVertical => vec![flipv],
            Orientation::Rotate90FlipH => vec![rot90, fliph],
            Orientation::Rotate270FlipH => vec![rot270, fliph],
        };
        match self.quarter_turns % 4 {
            1 => steps.push(rot90),
            2 => steps.push(rot180),
            3 => steps.push(rot270),
            _ => {}
        }
        let mut map = Affine::new(1, 0, 0, 0, 1, 0);
        let mut size = (w, h);
        for step in steps {
            let (back, next) = step(size.0, size.1);
            // Turned → previous picture, then previous picture → decoded.
            map = map.after(back);
            size = next;
        }
        map
    }

    fn apply(self, mut image: DynamicImage) -> DynamicImage {
        if self.orientation != Orientation::NoTransforms {
            image.apply_orientation(self.orientation);
        }
        match self.quarter_turns % 4 {
            0 => image,
            1 => image.rotate90(),
            2 => image.rotate180(),
            _ => image.rotate270(),
        }
    }
}

fn describe_orientation(o: Orientation) -> &'static str {
    match o {
        Orientation::NoTransforms => "none",
        Orientation::Rotate90 => "rotate 90 degrees clockwise",
        Orientation::Rotate180 => "rotate 180 degrees",
        Orientation::Rotate270 => "rotate 90 degrees anticlockwise",
        Orientation::FlipHorizontal => "mirror left to right",
        Orientation::FlipVertical => "mirror top to bottom",
        Orientation::Rotate90FlipH => "rotate 90 degrees clockwise and mirror",
        Orientation::Rotate270FlipH => "rotate 90 degrees anticlockwise and mirror",
    }
}

/// Providers and browsers handle 8-bit images everywhere; 16-bit and float
/// samples add size and no legibility.
fn to_8bit(image: DynamicImage, report: &mut Report) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => image,
        other => {
            report.plan.push(Step::ReduceBitDepth);
            let grey = matches!(
                other,
                DynamicImage::ImageLuma16(_) | DynamicImage::ImageLumaA16(_)
            );
            match (grey, other.color().has_alpha()) {
                (true, false) => DynamicImage::ImageLuma8(other.to_luma8()),
                (true, true) => DynamicImage::ImageLumaA8(other.to_luma_alpha8()),
                (false, false) => DynamicImage::ImageRgb8(other.to_rgb8()),
                (false, true) => DynamicImage::ImageRgba8(other.to_rgba8()),
            }
        }
    }
}

/// Many tools write an alpha channel that is fully opaque; dropping it keeps a
/// converted photo in JPEG instead of forcing transparency handling.
fn drop_opaque_alpha(image: DynamicImage) -> DynamicImage {
    match &image {
        DynamicImage::ImageRgba8(buf) if buf.pixels().all(|p| p.0[3] == 255) => {
            DynamicImage::ImageRgb8(image.to_rgb8())
        }
        DynamicImage::ImageLumaA8(buf) if buf.pixels().all(|p| p.0[1] == 255) => {
            DynamicImage::ImageLuma8(image.to_luma8())
        }
        _ => image,
    }
}

/// Paints transparent areas white, as they would look on paper.
fn flatten(image: &DynamicImage) -> DynamicImage {
    let over_white = |c: u8, a: u8| -> u8 {
        let (c, a) = (u32::from(c), u32::from(a));
        u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
    };
    match image {
        DynamicImage::ImageLumaA8(buf) => {
            let out = image::GrayImage::from_fn(buf.width(), buf.height(), |x, y| {
                let p = buf.get_pixel(x, y).0;
                image::Luma([over_white(p[0], p[1])])
            });
            DynamicImage::ImageLuma8(out)
        }
        other => {
            let buf = other.to_rgba8();
            let out = image::RgbImage::from_fn(buf.width(), buf.height(), |x, y| {
                let p = buf.get_pixel(x, y).0;
                image::Rgb([
                    over_white(p[0], p[3]),
                    over_white(p[1], p[3]),
                    over_white(p[2], p[3]),
                ])
            });
            DynamicImage::ImageRgb8(out)
        }
    }
}

/// jpeg-encoder rather than `image`'s own encoder: on a 12-megapixel photo it is
/// several times faster (SIMD colour conversion and DCT), and the upload re-encode
/// is the largest single cost of normalising a phone photo.
/// Encodes `image` turned by `turn`. The turn is read straight from the decoded pixels
/// row by row as the encoder asks for them, so a phone photo is never copied whole just to
/// stand it upright.
fn encode_jpeg(image: &DynamicImage, turn: Turn, quality: u8) -> Result<Vec<u8>> {
    use jpeg_encoder::{ColorType, Encoder};

    let flattened;
    let image = match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
        DynamicImage::ImageLumaA8(_) => {
            flattened = DynamicImage::ImageLuma8(flatten(image).to_luma8());
            &flattened
        }
        _ => {
            flattened = DynamicImage::ImageRgb8(flatten(image).to_rgb8());
            &flattened
        }
    };
    let color = match image {
        DynamicImage::ImageLuma8(_) => ColorType::Luma,
        _ => ColorType::Rgb,
    };
    let too_large = || {
        Error::Encode(format!(
            "{} × {} px is beyond what a JPEG can hold",
            image.width(),
            image.height()
        ))
    };
    let (upright_w, upright_h) = turn.dimensions(image.width(), image.height());
    let width = u16::try_from(upright_w).map_err(|_| too_large())?;
    let height = u16::try_from(upright_h).map_err(|_| too_large())?;
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality.clamp(1, 100));
    // Colour at half resolution, as cameras write it: the text a reviewer reads is in the
    // brightness, which keeps every pixel, and the encoder above quality 90 would
    // otherwise keep full-resolution colour at twice the work and a third more bytes.
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    let written = if turn.is_identity() {
        encoder.encode(image.as_bytes(), width, height, color)
    } else {
        encoder.encode_image(TurnedView::new(image, turn, color == ColorType::Luma))
    };
    written.map_err(|e| Error::Encode(e.to_string()))?;
    Ok(out)
}

fn encode_png(image: &DynamicImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive);
    image
        .write_with_encoder(encoder)
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(out)
}

fn encode(image: &DynamicImage, turn: Turn, format: Format, quality: u8) -> Result<Vec<u8>> {
    match format {
        Format::Png if turn.is_identity() => encode_png(image),
        Format::Png => encode_png(&turn.apply(image.clone())),
        _ => encode_jpeg(image, turn, quality),
    }
}

/// JPEG qualities tried while fitting a limit, best first.
fn quality_steps(cfg: &CheckConfig) -> Vec<u8> {
    let top = cfg.jpeg_quality.clamp(1, 100);
    let floor = cfg.min_jpeg_quality.clamp(1, top);
    let mut steps: Vec<u8> = (0..)
        .map(|i: u8| top.saturating_sub(i.saturating_mul(10)))
        .take_while(|q| *q > floor)
        .collect();
    steps.push(floor);
    steps
}

/// Encodes the image, shrinking it only as far as the provider limit demands:
/// first lower JPEG quality at full size, then smaller sizes, never below the
/// legibility floor.
/// `image` is the picture as decoded; `turn` is applied as it is encoded. Returns the bytes,
/// their format and their upright pixel size.
fn fit(
    image: DynamicImage,
    turn: Turn,
    target: Format,
    cfg: &CheckConfig,
    report: &mut Report,
) -> Result<(Vec<u8>, Format, u32, u32)> {
    let first = encode(&image, turn, target, cfg.jpeg_quality)?;
    let fits = |len: usize| cfg.provider_limit_bytes.is_none_or(|l| len as u64 <= l);
    if fits(first.len()) {
        if target == Format::Jpeg {
            report.plan.push(Step::Recompress {
                quality: cfg.jpeg_quality,
            });
        }
        let (width, height) = turn.dimensions(image.width(), image.height());
        return Ok((first, target, width, height));
    }
    let limit = cfg.provider_limit_bytes.unwrap_or(u64::MAX);

    if target == Format::Png {
        report.plan.push(Step::Convert {
            from: Format::Png,
            to: Format::Jpeg,
            reason: "the PNG is over the provider's size limit".to_owned(),
        });
    }
    let qualities = quality_steps(cfg);
    let lowest = *qualities.last().unwrap_or(&cfg.min_jpeg_quality);
    let (w0, h0) = turn.dimensions(image.width(), image.height());
    let long0 = w0.max(h0);
    let floor = cfg.min_fit_long_side_px.min(long0).max(1);

    let mut long = long0;
    loop {
        let resized;
        let scaled = if long == long0 {
            &image
        } else {
            resized = image.resize(long, long, FilterType::CatmullRom);
            &resized
        };
        let (width, height) = turn.dimensions(scaled.width(), scaled.height());
        // Quality is the cheaper loss, so it is exhausted at each size before
        // shrinking; trying the lowest first skips sizes that cannot fit at all.
        let at_lowest = encode_jpeg(scaled, turn, lowest)?;
        if fits(at_lowest.len()) {
            let mut chosen = (at_lowest, lowest);
            for &q in &qualities {
                if q == lowest {
                    break;
                }
                let attempt = encode_jpeg(scaled, turn, q)?;
                if fits(attempt.len()) {
                    chosen = (attempt, q);
                    break;
                }
            }
            if long != long0 {
                report.plan.push(Step::Downscale {
                    from_width: w0,
                    from_height: h0,
                    to_width: width,
                    to_height: height,
                });
            }
            report.plan.push(Step::Recompress { quality: chosen.1 });
            return Ok((chosen.0, Format::Jpeg, width, height));
        }
        if long <= floor {
            return Err(Error::CannotFit {
                smallest_bytes: at_lowest.len() as u64,
                limit,
                width,
                height,
                quality: lowest,
            });
        }
        // Bytes scale roughly with area, so jump straight to the size the
        // limit suggests (with margin) instead of creeping down.
        let ratio = (limit as f64 / at_lowest.len() as f64).sqrt() * 0.95;
        let next = (f64::from(long) * ratio.clamp(0.5, 0.9)).round() as u32;
        long = next.max(floor);
    }
}

/// An integer affine map of pixel coordinates: `(x, y) ↦ (ax·x + bx·y + cx, ay·x + by·y + cy)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Affine {
    ax: i64,
    bx: i64,
    cx: i64,
    ay: i64,
    by: i64,
    cy: i64,
}

impl Affine {
    const fn new(ax: i64, bx: i64, cx: i64, ay: i64, by: i64, cy: i64) -> Self {
        Self {
            ax,
            bx,
            cx,
            ay,
            by,
            cy,
        }
    }

    /// `self ∘ inner`: first `inner`, then `self`.
    fn after(self, inner: Affine) -> Affine {
        Affine {
            ax: self.ax * inner.ax + self.bx * inner.ay,
            bx: self.ax * inner.bx + self.bx * inner.by,
            cx: self.ax * inner.cx + self.bx * inner.cy + self.cx,
            ay: self.ay * inner.ax + self.by * inner.ay,
            by: self.ay * inner.bx + self.by * inner.by,
            cy: self.ay * inner.cx + self.by * inner.cy + self.cy,
        }
    }
}

/// A decoded 8-bit grey or RGB picture seen turned, for the JPEG encoder to read row by row.
struct TurnedView<'a> {
    samples: &'a [u8],
    channels: usize,
    /// Row length of the decoded picture, in pixels.
    stride: i64,
    width: u16,
    height: u16,
    map: Affine,
    grey: bool,
}

impl<'a> TurnedView<'a> {
    /// `image` is 8-bit grey or RGB (`encode_jpeg` flattens anything else first) and its
    /// turned size fits a JPEG (checked by the caller).
    fn new(image: &'a DynamicImage, turn: Turn, grey: bool) -> Self {
        let (w, h) = turn.dimensions(image.width(), image.height());
        Self {
            samples: image.as_bytes(),
            channels: if grey { 1 } else { 3 },
            stride: i64::from(image.width()),
            width: u16::try_from(w).unwrap_or(u16::MAX),
            height: u16::try_from(h).unwrap_or(u16::MAX),
            map: turn.source_map(image.width(), image.height()),
            grey,
        }
    }
}

impl jpeg_encoder::ImageBuffer for TurnedView<'_> {
    fn get_jpeg_color_type(&self) -> jpeg_encoder::JpegColorType {
        if self.grey {
            jpeg_encoder::JpegColorType::Luma
        } else {
            jpeg_encoder::JpegColorType::Ycbcr
        }
    }

    fn width(&self) -> u16 {
        self.width
    }

    fn height(&self) -> u16 {
        self.height
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let m = self.map;
        let y = i64::from(y);
        // Along a turned row the source position moves by a fixed step.
        let first = (m.by * y + m.cy) * self.stride + (m.bx * y + m.cx);
        let step = m.ay * self.stride + m.ax;
        let c = self.channels;
        for x in 0..i64::from(self.width) {
            let at = usize::try_from(first + step * x).unwrap_or(0) * c;
            let Some(px) = self.samples.get(at..at + c) else {
                // Unreachable for a map built by `source_map`; a grey pixel beats a panic.
                buffers[0].push(128);
                if !self.grey {
                    buffers[1].push(128);
                    buffers[2].push(128);
                }
                continue;
            };
            if self.grey {
                buffers[0].push(px[0]);
            } else {
                let (luma, cb, cr) = jpeg_encoder::rgb_to_ycbcr(px[0], px[1], px[2]);
                buffers[0].push(luma);
                buffers[1].push(cb);
                buffers[2].push(cr);
            }
        }
    }
}

/// `small` is the picture as decoded, already reduced to at least the thumbnail's size.
fn thumbnail(small: &DynamicImage, turn: Turn, cfg: &CheckConfig) -> Result<Vec<u8>> {
    let side = cfg.thumbnail_long_side_px.max(1);
    let thumb = if small.width().max(small.height()) > side {
        small.thumbnail(side, side)
    } else {
        small.clone()
    };
    encode_jpeg(&thumb, turn, cfg.thumbnail_quality)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jpeg_encoder::ImageBuffer as _;

    const ORIENTATIONS: [Orientation; 8] = [
        Orientation::NoTransforms,
        Orientation::Rotate90,
        Orientation::Rotate180,
        Orientation::Rotate270,
        Orientation::FlipHorizontal,
        Orientation::FlipVertical,
        Orientation::Rotate90FlipH,
        Orientation::Rotate270FlipH,
    ];

    /// Every EXIF orientation with every staff turn: the encoder's view of the decoded
    /// pixels is the picture `image` itself would have turned.
    #[test]
    fn the_turned_view_is_the_turned_picture() {
        let grey = image::GrayImage::from_fn(7, 5, |x, y| image::Luma([(y * 7 + x) as u8]));
        let source = DynamicImage::ImageLuma8(grey);
        for orientation in ORIENTATIONS {
            for quarter_turns in 0..4 {
                let turn = Turn {
                    orientation,
                    quarter_turns,
                };
                let expected = turn.apply(source.clone()).into_luma8();
                let view = TurnedView::new(&source, turn, true);
                assert_eq!(
                    (u32::from(view.width()), u32::from(view.height())),
                    expected.dimensions(),
                    "{orientation:?} + {quarter_turns}"
                );
                for y in 0..view.height() {
                    let mut buffers: [Vec<u8>; 4] = Default::default();
                    view.fill_buffers(y, &mut buffers);
                    let row: Vec<u8> = (0..expected.width())
                        .map(|x| expected.get_pixel(x, u32::from(y)).0[0])
                        .collect();
                    assert_eq!(
                        buffers[0], row,
                        "{orientation:?} + {quarter_turns}, row {y}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_turned_encode_matches_encoding_the_turned_picture() {
        let rgb = image::RgbImage::from_fn(64, 40, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 6) as u8, ((x + y) * 2) as u8])
        });
        let source = DynamicImage::ImageRgb8(rgb);
        let turn = Turn {
            orientation: Orientation::Rotate90FlipH,
            quarter_turns: 2,
        };
        let direct = encode_jpeg(&source, turn, 90).unwrap();
        let turned = turn.apply(source.clone());
        let reference = encode_jpeg(
            &turned,
            Turn {
                orientation: Orientation::NoTransforms,
                quarter_turns: 0,
            },
            90,
        )
        .unwrap();
        let a = image::load_from_memory(&direct).unwrap().into_rgb8();
        let b = image::load_from_memory(&reference).unwrap().into_rgb8();
        assert_eq!(a.dimensions(), (40, 64));
        let worst = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(p, q)| p.abs_diff(*q))
            .max();
        assert!(worst <= Some(3), "largest difference {worst:?}");
    }
}
