//! The OCR-B glyph templates and the matching of one cell against them: the cell is sampled
//! from the page at the templates' scale along the line's slant, and compared with each
//! template by normalised cross-correlation at small shifts.

use std::sync::OnceLock;

use image::GrayImage;

use super::locate::Line;

/// The glyphs in the templates' order.
pub(super) const GLYPHS: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

/// Rendered by `cargo xtask ocrb-templates` from Debian's `fonts-ocr-b` (public domain).
const ATLAS: &[u8] = include_bytes!("../../assets/ocrb/templates.pgm");
/// Template pixels per font unit, as rendered.
const PX_PER_UNIT: f32 = 0.046;
/// The font's advance (its character pitch) in font units.
const ADVANCE_UNITS: f32 = 723.0;
/// How far a line's cells may sit from where its fit puts them, in template pixels (a
/// line's shift is searched one short of this; each cell moves one more).
const SHIFT_X: usize = 4;
const SHIFT_Y: usize = 3;
/// Glyphs scoring within this of a cell's best are tried at the neighbouring shifts too.
const REFINE: f32 = 0.3;

struct Templates {
    w: usize,
    h: usize,
    /// Each glyph's pixels, mean removed and scaled to unit length.
    glyphs: Vec<Vec<f32>>,
}

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| parse_atlas(ATLAS).expect("the committed OCR-B templates parse"))
}

/// A binary PGM (`P5`, 8-bit) cut into the 37 glyph boxes.
fn parse_atlas(pgm: &[u8]) -> Option<Templates> {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm.get(at)?.is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm.get(at)?.is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&pgm[start..at]).ok()?);
    }
    let pixels = &pgm[at + 1..];
    let (width, h): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    if fields[0] != "P5" || fields[3] != "255" || width % GLYPHS.len() != 0 {
        return None;
    }
    let w = width / GLYPHS.len();
    if pixels.len() < width * h {
        return None;
    }
    let glyphs = (0..GLYPHS.len())
        .map(|g| {
            let mut v: Vec<f32> = (0..h)
                .flat_map(|y| (0..w).map(move |x| (y, x)))
                .map(|(y, x)| f32::from(pixels[y * width + g * w + x]))
                .collect();
            normalise(&mut v);
            v
        })
        .collect();
    Some(Templates { w, h, glyphs })
}

fn normalise(v: &mut [f32]) {
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    let mut norm = 0.0;
    for p in v.iter_mut() {
        *p -= mean;
        norm += *p * *p;
    }
    let norm = norm.sqrt().max(1e-6);
    for p in v.iter_mut() {
        *p /= norm;
    }
}

/// A grey level at a point between pixels.
fn bilinear(grey: &GrayImage, x: f32, y: f32) -> f32 {
    let (w, h) = (grey.width() as i64, grey.height() as i64);
    let (fx, fy) = (x - 0.5, y - 0.5);
    let (x0, y0) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
    let raw = grey.as_raw();
    let at = |x: i64, y: i64| -> f32 {
        let (x, y) = (x.clamp(0, w - 1), y.clamp(0, h - 1));
        f32::from(raw[(y * w + x) as usize])
    };
    let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
    let bottom = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// A cell's surroundings sampled at the templates' scale, ink high.
struct Window {
    pixels: Vec<f32>,
}

/// The glyph sizes tried, relative to what the line's pitch says: a zone printed with a
/// little letter-spacing (or condensed) has glyphs smaller (or larger) than its pitch
/// implies, and a glyph sampled at the wrong size matches the wrong template.
const SIZES: [f32; 9] = [0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2];

/// Samples cell `k` of `line` from the page, along the line's slant, at the templates'
/// scale times `size`, [`SHIFT_X`] and [`SHIFT_Y`] template pixels wider on each side
/// than a template.
fn window(grey: &GrayImage, line: &Line, k: usize, t: &Templates, size: f32) -> Window {
    let (ww, wh) = (t.w + 2 * SHIFT_X, t.h + 2 * SHIFT_Y);
    // Page pixels per template pixel, and the line's slant.
    let scale = size * line.pitch / (ADVANCE_UNITS * PX_PER_UNIT);
    let norm = (1.0 + line.slope * line.slope).sqrt();
    let (cos, sin) = (1.0 / norm, line.slope / norm);
    let (cx, cy) = line.centre(k);
    // Several samples a template pixel when the page is finer than the templates.
    let n = scale.ceil().clamp(1.0, 3.0) as usize;
    let mut pixels = vec![0f32; ww * wh];
    for v in 0..wh {
        for u in 0..ww {
            let mut ink = 0.0;
            for sv in 0..n {
                for su in 0..n {
                    let du = u as f32 + (su as f32 + 0.5) / n as f32 - ww as f32 / 2.0;
                    let dv = v as f32 + (sv as f32 + 0.5) / n as f32 - wh as f32 / 2.0;
                    let x = cx + scale * (du * cos - dv * sin);
                    let y = cy + scale * (du * sin + dv * cos);
                    ink += 255.0 - bilinear(grey, x, y);
                }
            }
            pixels[v * ww + u] = ink / (n * n) as f32;
        }
    }
    Window { pixels }
}

impl Window {
    /// The part of the window under a template shifted by (`dx`, `dy`) from the window's
    /// corner, mean removed, scaled to unit length; `None` when it is flat.
    fn part(&self, t: &Templates, dx: usize, dy: usize) -> Option<Vec<f32>> {
        let ww = t.w + 2 * SHIFT_X;
        let mut part = Vec::with_capacity(t.w * t.h);
        for y in 0..t.h {
            let from = (y + dy) * ww + dx;
            part.extend_from_slice(&self.pixels[from..from + t.w]);
        }
        let mean = part.iter().sum::<f32>() / part.len() as f32;
        let spread = part
            .iter()
            .map(|p| (p - mean) * (p - mean))
            .sum::<f32>()
            .sqrt();
        (spread >= 1e-3).then(|| part.iter().map(|p| (p - mean) / spread).collect())
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// How well each cell of `line` matches each glyph (normalised cross-correlation, -1..1),
/// in [`GLYPHS`] order. The line's cells share one offset from where the line's fit puts
/// them (the fit follows the ink's middle, which differs from glyph to glyph), found on a
/// sample of cells; each cell then moves at most one template pixel from it, tried only
/// for the glyphs that come close.
pub(super) fn score_line(grey: &GrayImage, line: &Line) -> Vec<[f32; 37]> {
    let t = templates();
    // The glyph size and the offset are found together on a sample of cells: the pair
    // under which the sampled cells match some glyph best overall.
    let step = (line.cells / 5).max(1);
    let mut best = (f32::MIN, 1.0, SHIFT_X, SHIFT_Y);
    for size in SIZES {
        let mut votes = vec![0f32; (2 * SHIFT_X + 1) * (2 * SHIFT_Y + 1)];
        for k in (0..line.cells).step_by(step) {
            let w = window(grey, line, k, t, size);
            for dy in 1..2 * SHIFT_Y {
                for dx in 1..2 * SHIFT_X {
                    if let Some(part) = w.part(t, dx, dy) {
                        let top = t.glyphs.iter().map(|g| dot(&part, g)).fold(-1.0, f32::max);
                        votes[dy * (2 * SHIFT_X + 1) + dx] += top;
                    }
                }
            }
        }
        if let Some((at, &vote)) = votes.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
            if vote > best.0 {
                best = (vote, size, at % (2 * SHIFT_X + 1), at / (2 * SHIFT_X + 1));
            }
        }
    }
    let (_, size, dx0, dy0) = best;
    let windows: Vec<Window> = (0..line.cells)
        .map(|k| window(grey, line, k, t, size))
        .collect();
    windows
        .iter()
        .map(|w| {
            let mut scores = [-1f32; 37];
            if let Some(part) = w.part(t, dx0, dy0) {
                for (s, g) in scores.iter_mut().zip(&t.glyphs) {
                    *s = dot(&part, g);
                }
            }
            let top = scores.iter().copied().fold(-1.0, f32::max);
            let close: Vec<usize> = (0..37).filter(|&g| scores[g] >= top - REFINE).collect();
            for dy in dy0 - 1..=dy0 + 1 {
                for dx in dx0 - 1..=dx0 + 1 {
                    if (dx, dy) == (dx0, dy0) {
                        continue;
                    }
                    let Some(part) = w.part(t, dx, dy) else {
                        continue;
                    };
                    for &g in &close {
                        scores[g] = scores[g].max(dot(&part, &t.glyphs[g]));
                    }
                }
            }
            scores
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_templates_hold_37_distinct_glyphs() {
        let t = templates();
        assert_eq!(t.glyphs.len(), 37);
        assert!(t.w >= 16 && t.h >= 20, "{} x {}", t.w, t.h);
        let filler = 36;
        for (g, glyph) in t.glyphs.iter().enumerate() {
            let own: f32 = glyph.iter().map(|p| p * p).sum();
            assert!((own - 1.0).abs() < 1e-3);
            if g == filler {
                continue;
            }
            let like: f32 = glyph
                .iter()
                .zip(&t.glyphs[filler])
                .map(|(a, b)| a * b)
                .sum();
            // K shares the chevron's two strokes (0.60 on these templates); X less so.
            assert!(like < 0.65, "{} too like <: {like}", char::from(GLYPHS[g]));
        }
    }
}
