//! Reading the barcode from the picture, in the reader's process.

use std::collections::HashSet;

use image::{DynamicImage, GrayImage};
use rxing::common::HybridBinarizer;
use rxing::pdf417::PDF417Reader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, Reader};

use super::BarcodeRead;
use crate::config::CheckConfig;
use crate::error::Result;
use crate::pipeline::decode::{grey_within, upright_picture};

/// The longest side the reader works on: a 12-megapixel photo is scaled down first, which
/// keeps the barcode's modules several pixels wide and the work bounded.
const WORK_LONG_SIDE: u32 = 2400;

pub(crate) fn read_here(bytes: &[u8], cfg: &CheckConfig) -> Result<BarcodeRead> {
    let image = upright_picture(bytes, cfg, "a barcode")?;
    Ok(read_picture(&image))
}

/// Reads the PDF417 barcode in decoded pixels.
pub fn read_picture(image: &DynamicImage) -> BarcodeRead {
    let grey = grey_within(image, WORK_LONG_SIDE);
    // rxing's detector looks for the symbol at each half turn itself, and a quarter turn
    // here covers the other two. A symbol tilted by much more than 2.5° is not found at
    // all (its rows drift across each other), so the picture is also tried turned back by
    // ±TILT, which covers about ±5.5°.
    let attempts: [&dyn Fn() -> GrayImage; 4] = [
        &|| grey.clone(),
        &|| stretched(&grey),
        &|| tilted(&grey, -TILT_DEGREES),
        &|| tilted(&grey, TILT_DEGREES),
    ];
    for attempt in attempts {
        let upright = attempt();
        if let Some(text) = decode_grey(&upright) {
            return BarcodeRead::Found(text);
        }
        if let Some(text) = decode_grey(&image::imageops::rotate90(&upright)) {
            return BarcodeRead::Found(text);
        }
    }
    BarcodeRead::NotFound
}

/// The tilt each side tried when the picture as it is gives nothing.
const TILT_DEGREES: f32 = 3.0;

/// The picture turned `degrees` about its centre (bilinear), the corners filled from the
/// nearest edge so they bring no new edges of their own.
fn tilted(grey: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = grey.dimensions();
    if w < 2 || h < 2 {
        return grey.clone();
    }
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let raw = grey.as_raw();
    let at = |x: u32, y: u32| f32::from(raw[(y * w + x) as usize]);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        let sx = (cx + dx * cos + dy * sin - 0.5).clamp(0.0, (w - 1) as f32);
        let sy = (cy - dx * sin + dy * cos - 0.5).clamp(0.0, (h - 1) as f32);
        let (x0, y0) = ((sx as u32).min(w - 2), (sy as u32).min(h - 2));
        let (tx, ty) = (sx - x0 as f32, sy - y0 as f32);
        let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
        let bottom = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
        image::Luma([(top * (1.0 - ty) + bottom * ty).round() as u8])
    })
}

fn decode_grey(grey: &GrayImage) -> Option<String> {
    let source = Luma8LuminanceSource::new(grey.as_raw().clone(), grey.width(), grey.height());
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let hints = DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(HashSet::from([BarcodeFormat::PDF_417])),
        ..DecodeHints::default()
    };
    PDF417Reader
        .decode_with_hints(&mut bitmap, &hints)
        .ok()
        .map(|found| found.getText().to_owned())
}

/// The grey levels spread over the whole range, the darkest and lightest 1 % clipped: a
/// dim or washed-out scan's bars become black on white again.
fn stretched(grey: &GrayImage) -> GrayImage {
    let mut histogram = [0u64; 256];
    for p in grey.pixels() {
        histogram[usize::from(p.0[0])] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let clip = total / 100;
    let level = |from_dark: bool| -> u8 {
        let mut seen = 0;
        let order: Box<dyn Iterator<Item = usize>> = if from_dark {
            Box::new(0..256)
        } else {
            Box::new((0..256).rev())
        };
        for value in order {
            seen += histogram[value];
            if seen > clip {
                return value as u8;
            }
        }
        if from_dark {
            0
        } else {
            255
        }
    };
    let (low, high) = (level(true), level(false));
    if high <= low {
        return grey.clone();
    }
    let span = f32::from(high - low);
    let mut out = grey.clone();
    for p in out.pixels_mut() {
        let v = (f32::from(p.0[0].saturating_sub(low)) / span * 255.0).min(255.0);
        p.0[0] = v as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::barcode::read_pdf417;
    use crate::error::Error;
    use rxing::{EncodeHints, Writer};

    /// A barcode drawn as an issuer prints it: `module` pixels a module, a quiet zone.
    fn barcode(text: &str, module: u32) -> GrayImage {
        let matrix = rxing::pdf417::PDF417Writer
            .encode_with_hints(text, &BarcodeFormat::PDF_417, 0, 0, &EncodeHints::default())
            .unwrap();
        let quiet = 4 * module;
        let (w, h) = (matrix.width() * module, matrix.height() * module * 3);
        GrayImage::from_fn(w + 2 * quiet, h + 2 * quiet, |x, y| {
            let inside = x >= quiet && y >= quiet && x < w + quiet && y < h + quiet;
            let dark = inside && matrix.get((x - quiet) / module, (y - quiet) / (module * 3));
            image::Luma([if dark { 0 } else { 255 }])
        })
    }

    const TEXT: &str = "@\n\x1e\rANSI 636014100001DL00310090DLDAQD1234567\nDCSSAMPLE\nDACJANE\nDBB06141986\nDAJCA\nDAK958220000  \nDCGUSA\r";

    #[test]
    fn a_clean_barcode_reads_back_its_text() {
        let image = DynamicImage::ImageLuma8(barcode(TEXT, 3));
        assert_eq!(read_picture(&image), BarcodeRead::Found(TEXT.to_owned()));
    }

    #[test]
    fn a_sideways_dim_barcode_is_read() {
        let mut dim = image::imageops::rotate90(&barcode(TEXT, 3));
        for p in dim.pixels_mut() {
            // Black 0 → 100, white 255 → 150: little contrast left.
            p.0[0] = 100 + (u16::from(p.0[0]) * 50 / 255) as u8;
        }
        let image = DynamicImage::ImageLuma8(dim);
        assert_eq!(read_picture(&image), BarcodeRead::Found(TEXT.to_owned()));
    }

    #[test]
    fn a_picture_without_a_barcode_reads_as_not_found() {
        let blank = DynamicImage::ImageLuma8(GrayImage::from_pixel(400, 300, image::Luma([200])));
        assert_eq!(read_picture(&blank), BarcodeRead::NotFound);
    }

    #[test]
    fn a_pdf_is_not_read_for_a_barcode() {
        let refused = read_pdf417(b"%PDF-1.4\n", &CheckConfig::default());
        assert!(
            matches!(refused, Err(Error::UnsupportedVariant { .. })),
            "{refused:?}"
        );
    }
}
