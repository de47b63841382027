//! The checks and the copy to store, made from the file's bytes.

use image::metadata::Orientation;
use image::DynamicImage;

use super::decode::*;
use super::encode::*;
use super::{Job, Produced, Run};
use crate::config::CheckConfig;
use crate::error::{Error, Result};
use crate::input::{sha256_hex, Input};
use crate::report::{Check, CheckResult, Format, Outcome, OutputSummary, Problem, Report, Step};
use crate::sniff::{self, Completeness};
use crate::{pdf, quality, reduce, Preview};

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

#[cfg(test)]
mod tests;
