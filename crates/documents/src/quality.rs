//! Photo quality heuristics. None of them refuses a document: a provider's
//! reviewer may still read a slightly blurred ID, so they warn the employee,
//! who can retake the photo while the customer is still at the desk.

use image::GrayImage;

use crate::config::CheckConfig;
use crate::report::{Check, CheckResult, Outcome};

/// Figures measured on the analysis copy; kept separate from the verdicts so
/// tests and threshold tuning can look at them directly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    pub long_side: u32,
    pub laplacian_variance: f64,
    pub mean: f64,
    pub std_dev: f64,
    pub median: u8,
    pub blown_out_share: f64,
}

/// `long_side` is the picture's own; `grey` is its analysis copy (see
/// [`CheckConfig::analysis_long_side_px`]), which only blur, brightness and glare look at.
pub fn measure(long_side: u32, grey: &GrayImage, cfg: &CheckConfig) -> Measures {
    let (mean, std_dev, median, blown) = luminance_stats(grey, cfg.glare_level);
    Measures {
        long_side,
        laplacian_variance: laplacian_variance(grey),
        mean,
        std_dev,
        median,
        blown_out_share: blown,
    }
}

fn luminance_stats(grey: &GrayImage, glare_level: u8) -> (f64, f64, u8, f64) {
    let mut hist = [0u64; 256];
    for p in grey.pixels() {
        hist[usize::from(p.0[0])] += 1;
    }
    let n: u64 = hist.iter().sum();
    if n == 0 {
        return (0.0, 0.0, 0, 0.0);
    }
    let nf = n as f64;
    let mean = hist
        .iter()
        .enumerate()
        .map(|(v, &c)| v as f64 * c as f64)
        .sum::<f64>()
        / nf;
    let var = hist
        .iter()
        .enumerate()
        .map(|(v, &c)| (v as f64 - mean).powi(2) * c as f64)
        .sum::<f64>()
        / nf;
    let mut seen = 0;
    let mut median = 255u8;
    for (v, &c) in hist.iter().enumerate() {
        seen += c;
        if seen * 2 >= n {
            median = u8::try_from(v).unwrap_or(u8::MAX);
            break;
        }
    }
    let blown: u64 = hist[usize::from(glare_level)..].iter().sum();
    (mean, var.sqrt(), median, blown as f64 / nf)
}

/// Variance of the 4-neighbour Laplacian: edges give large responses, so a
/// sharp picture has a wide spread and a blurred one a narrow spread.
fn laplacian_variance(grey: &GrayImage) -> f64 {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let px = grey.as_raw();
    let at = |x: usize, y: usize| f64::from(px[y * w + x]);
    let mut sum = 0.0;
    let mut sum_sq = 0.0;
    let mut n = 0.0;
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let l = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y);
            sum += l;
            sum_sq += l * l;
            n += 1.0;
        }
    }
    let mean = sum / n;
    sum_sq / n - mean * mean
}

pub fn judge(m: &Measures, cfg: &CheckConfig) -> Vec<CheckResult> {
    let mut out = Vec::with_capacity(5);
    let result =
        |check, warn: bool, ok: String, bad: String, measured: f64, threshold: f64| CheckResult {
            check,
            outcome: if warn { Outcome::Warning } else { Outcome::Ok },
            message: if warn { bad } else { ok },
            measured,
            threshold,
        };

    out.push(result(
        Check::Resolution,
        m.long_side < cfg.min_long_side_px,
        format!("Resolution is enough ({} pixels on the long side).", m.long_side),
        format!(
            "The picture is small ({} pixels on the long side, at least {} are needed to read an ID). Photograph the document closer or scan it at 300 dpi.",
            m.long_side, cfg.min_long_side_px
        ),
        f64::from(m.long_side),
        f64::from(cfg.min_long_side_px),
    ));
    out.push(result(
        Check::Blur,
        m.laplacian_variance < cfg.blur_threshold,
        "The picture is sharp.".to_owned(),
        "The picture looks blurred; text may be unreadable. Hold the camera still, let it focus, and take the photo again.".to_owned(),
        m.laplacian_variance,
        cfg.blur_threshold,
    ));
    out.push(result(
        Check::TooDark,
        m.mean < cfg.dark_mean,
        "Brightness is fine.".to_owned(),
        "The picture is too dark. Take it again in better light.".to_owned(),
        m.mean,
        cfg.dark_mean,
    ));
    out.push(result(
        Check::TooBright,
        m.mean > cfg.bright_mean && m.std_dev < cfg.bright_max_contrast,
        "The picture is not over-exposed.".to_owned(),
        "The picture is too bright and washed out. Take it again without flash or direct light."
            .to_owned(),
        m.mean,
        cfg.bright_mean,
    ));
    let paper = m.median >= cfg.glare_paper_median;
    out.push(result(
        Check::Glare,
        !paper && m.blown_out_share > cfg.glare_share,
        if paper {
            "Mostly white page; glare not assessed.".to_owned()
        } else {
            "No glare.".to_owned()
        },
        format!(
            "Bright reflections (glare) cover {:.0}% of the picture and may hide details. Tilt the document away from the light or switch off the flash, and take it again.",
            m.blown_out_share * 100.0
        ),
        m.blown_out_share,
        cfg.glare_share,
    ));
    out
}
