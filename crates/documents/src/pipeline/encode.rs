//! Turning, converting and encoding the upright picture: the EXIF turn applied while
//! encoding, 8-bit colour, JPEG/PNG within the provider's limit, and the thumbnail.

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::DynamicImage;

use crate::config::CheckConfig;
use crate::error::{Error, Result};
use crate::report::{Format, Report, Step};

/// How a decoded picture is turned upright: its EXIF orientation, then staff's turns.
#[derive(Debug, Clone, Copy)]
pub(super) struct Turn {
    pub(super) orientation: Orientation,
    /// Clockwise quarter turns (0–3).
    pub(super) quarter_turns: u8,
}

impl Turn {
    pub(super) fn dimensions(self, width: u32, height: u32) -> (u32, u32) {
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

    pub(super) fn is_identity(self) -> bool {
        self.orientation == Orientation::NoTransforms && self.quarter_turns.is_multiple_of(4)
    }

    /// Where each pixel of the turned picture comes from in a `width × height` picture: the
    /// source column and row of turned pixel `(x, y)` are `(ax·x + bx·y + cx, ay·x + by·y + cy)`.
    pub(super) fn source_map(self, width: u32, height: u32) -> Affine {
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

    pub(super) fn apply(self, mut image: DynamicImage) -> DynamicImage {
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

pub(super) fn describe_orientation(o: Orientation) -> &'static str {
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
pub(super) fn to_8bit(image: DynamicImage, report: &mut Report) -> DynamicImage {
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
pub(super) fn drop_opaque_alpha(image: DynamicImage) -> DynamicImage {
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
pub(super) fn flatten(image: &DynamicImage) -> DynamicImage {
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
pub(super) fn encode_jpeg(image: &DynamicImage, turn: Turn, quality: u8) -> Result<Vec<u8>> {
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

pub(super) fn encode_png(image: &DynamicImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive);
    image
        .write_with_encoder(encoder)
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(out)
}

pub(super) fn encode(
    image: &DynamicImage,
    turn: Turn,
    format: Format,
    quality: u8,
) -> Result<Vec<u8>> {
    match format {
        Format::Png if turn.is_identity() => encode_png(image),
        Format::Png => encode_png(&turn.apply(image.clone())),
        _ => encode_jpeg(image, turn, quality),
    }
}

/// JPEG qualities tried while fitting a limit, best first.
pub(super) fn quality_steps(cfg: &CheckConfig) -> Vec<u8> {
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
pub(super) fn fit(
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
pub(super) struct Affine {
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
pub(super) struct TurnedView<'a> {
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
    pub(super) fn new(image: &'a DynamicImage, turn: Turn, grey: bool) -> Self {
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
pub(super) fn thumbnail(small: &DynamicImage, turn: Turn, cfg: &CheckConfig) -> Result<Vec<u8>> {
    let side = cfg.thumbnail_long_side_px.max(1);
    let thumb = if small.width().max(small.height()) > side {
        small.thumbnail(side, side)
    } else {
        small.clone()
    };
    encode_jpeg(&thumb, turn, cfg.thumbnail_quality)
}
