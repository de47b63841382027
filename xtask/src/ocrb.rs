//! `cargo xtask ocrb-templates [FONT]`: renders the 37 glyphs of the machine-readable zone
//! (`0`–`9`, `A`–`Z`, `<`) from an OCR-B font into the templates the documents crate
//! matches against (`crates/documents/assets/ocrb/`). Run once when the templates change;
//! the app never reads a font. The default font is Debian's `fonts-ocr-b` (public domain).
//!
//! Each atlas is a binary PGM (`P5`): the glyphs side by side in the order of [`GLYPHS`],
//! each in a box of the same size, ink 255 on 0. Every box covers the same part of the
//! font's design space, [`BOX_X`] × [`BOX_Y`] font units (1000 to the em, y up from the
//! baseline), so a glyph keeps its place in the box: `<` sits low and narrow, digits stand
//! taller than letters, as printed.

use std::path::PathBuf;

use ab_glyph::{Font, FontRef, Point};
use anyhow::{bail, Context, Result};

/// The glyphs, in atlas order.
pub const GLYPHS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
/// The box's horizontal span in font units: centred on the glyphs' ink (88..482).
const BOX_X: (f32, f32) = (25.0, 545.0);
/// The box's vertical span in font units, up from the baseline: centred on the ink of the
/// tallest glyphs (-13..607).
const BOX_Y: (f32, f32) = (-63.0, 657.0);

const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";

/// (file name, pixels per font unit): the templates the reader matches against, and a
/// finer set the tests draw their pictures with.
const ATLASES: [(&str, f32); 2] = [("templates.pgm", 0.046), ("test-glyphs.pgm", 0.125)];

pub fn run(args: &[String]) -> Result<()> {
    let font_path = args.first().map_or(DEFAULT_FONT, String::as_str);
    let data = std::fs::read(font_path).with_context(|| {
        format!("reading {font_path} (on Debian/Ubuntu: apt-get install fonts-ocr-b)")
    })?;
    let font = FontRef::try_from_slice(&data).context("not a font ab_glyph can read")?;
    let out: PathBuf = crate::root().join("crates/documents/assets/ocrb");
    std::fs::create_dir_all(&out)?;
    for (name, px_per_unit) in ATLASES {
        let pgm = atlas(&font, px_per_unit)?;
        std::fs::write(out.join(name), pgm)?;
        println!("wrote {}", out.join(name).display());
    }
    Ok(())
}

fn atlas(font: &FontRef<'_>, px_per_unit: f32) -> Result<Vec<u8>> {
    let w = ((BOX_X.1 - BOX_X.0) * px_per_unit).round() as usize;
    let h = ((BOX_Y.1 - BOX_Y.0) * px_per_unit).round() as usize;
    let n = GLYPHS.chars().count();
    let mut pixels = vec![0u8; w * n * h];
    // The font's scale is its em in pixels; 1000 units to the em.
    let scale = px_per_unit * font.units_per_em().unwrap_or(1000.0);
    for (i, c) in GLYPHS.chars().enumerate() {
        let id = font.glyph_id(c);
        if id.0 == 0 {
            bail!("the font has no glyph for {c:?}");
        }
        // Pen position: the box's left edge at x 0, its top at y 0 (image y grows down).
        let glyph = id.with_scale_and_position(
            scale,
            Point {
                x: -BOX_X.0 * px_per_unit,
                y: BOX_Y.1 * px_per_unit,
            },
        );
        let outline = font
            .outline_glyph(glyph)
            .with_context(|| format!("no outline for {c:?}"))?;
        let bounds = outline.px_bounds();
        outline.draw(|x, y, coverage| {
            let (x, y) = (
                bounds.min.x as i64 + i64::from(x),
                bounds.min.y as i64 + i64::from(y),
            );
            if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
                let at = y as usize * w * n + i * w + x as usize;
                pixels[at] = pixels[at].max((coverage.clamp(0.0, 1.0) * 255.0).round() as u8);
            }
        });
    }
    let mut pgm = format!("P5\n{} {}\n255\n", w * n, h).into_bytes();
    pgm.extend_from_slice(&pixels);
    Ok(pgm)
}
