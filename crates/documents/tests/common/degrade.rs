//! What the readers' corpora (`pdf417.rs`, `mrz.rs`) do to their clean pictures — a tilt,
//! sensor noise — and the encodings a stored scan arrives in.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GrayImage, Luma};

/// Deterministic randomness, so every run sees the same pictures.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }

    /// In 0..2.
    pub fn unit(&mut self) -> f32 {
        self.next() as f32 / (1u64 << 31) as f32
    }

    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.next() % (hi - lo)
    }
}

/// Turned `degrees` about the centre, sampled bilinearly; what comes in from beyond the
/// edges is `fill`.
pub fn tilted(img: &GrayImage, degrees: f32, fill: u8) -> GrayImage {
    let (w, h) = img.dimensions();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let raw = img.as_raw();
    let at = |x: u32, y: u32| f32::from(raw[(y * w + x) as usize]);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        let (sx, sy) = (
            cx + dx * cos + dy * sin - 0.5,
            cy - dx * sin + dy * cos - 0.5,
        );
        if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f32 || sy >= (h - 1) as f32 {
            return Luma([fill]);
        }
        let (x0, y0) = (sx as u32, sy as u32);
        let (tx, ty) = (sx - x0 as f32, sy - y0 as f32);
        let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
        let bottom = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
        Luma([(top * (1.0 - ty) + bottom * ty).round() as u8])
    })
}

/// Sensor noise: each pixel moved by the sum of three uniforms (roughly Gaussian) less
/// their mean, times `scale`, so by at most ±1.5 `scale`.
pub fn noisy(img: &GrayImage, scale: f32, seed: u64) -> GrayImage {
    let mut rng = Rng(seed);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let n = (rng.unit() + rng.unit() + rng.unit() - 1.5) * scale;
        p.0[0] = (f32::from(p.0[0]) + n).round().clamp(0.0, 255.0) as u8;
    }
    out
}

pub fn jpeg(img: &GrayImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut Cursor::new(&mut bytes), quality)
        .encode_image(&DynamicImage::ImageLuma8(img.clone()))
        .expect("test data");
    bytes
}

pub fn png(img: &GrayImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    DynamicImage::ImageLuma8(img.clone())
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("test data");
    bytes
}
