//! `scan read`: what Branchdesk reads from each document's own data — a licence's PDF417
//! barcode (AAMVA), else a passport's or ID card's machine-readable zone (ICAO 9303) — in
//! the draft's formats, or why nothing was read. Nothing is stored and nothing leaves the
//! machine.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use branchdesk_documents::barcode::{read_pdf417, BarcodeRead};
use branchdesk_documents::mrz::{read_mrz, MrzRead};
use branchdesk_documents::CheckConfig;
use branchdesk_domain::prefill::{aamva, mrz, DocumentRead, Source};

/// Why a file gave no read.
enum Nothing {
    /// Missing, unreadable, too large, or not a picture.
    File(String),
    /// Neither a barcode nor a machine-readable zone.
    NoDocumentData,
    NotAamva(String),
    /// A zone was found but its check digits or characters cannot be trusted.
    MrzUnreadable(String),
}

impl Nothing {
    fn code(&self) -> &'static str {
        match self {
            Nothing::File(_) => "unreadable",
            Nothing::NoDocumentData => "nothing_found",
            Nothing::NotAamva(_) => "not_aamva",
            Nothing::MrzUnreadable(_) => "check_digits_failed",
        }
    }

    fn words(&self) -> String {
        match self {
            Nothing::File(why) => why.clone(),
            Nothing::NoDocumentData => "no PDF417 barcode (a licence's back) and no \
                                      machine-readable zone (a passport's photo page) was found"
                .to_owned(),
            Nothing::NotAamva(why) | Nothing::MrzUnreadable(why) => why.clone(),
        }
    }
}

/// The file's bytes, refused past the scan checks' own size limit so a hostile file costs
/// no more memory than a scan may.
fn bytes_of(file: &Path, config: &CheckConfig) -> std::result::Result<Vec<u8>, Nothing> {
    let opened =
        std::fs::File::open(file).map_err(|e| Nothing::File(format!("cannot be read: {e}")))?;
    let mut bytes = Vec::new();
    opened
        .take(config.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Nothing::File(format!("cannot be read: {e}")))?;
    if bytes.len() as u64 > config.max_file_bytes {
        return Err(Nothing::File(format!(
            "is larger than the {} a scan may be",
            branchdesk_documents::human_bytes(config.max_file_bytes)
        )));
    }
    Ok(bytes)
}

fn read_one(file: &Path, config: &CheckConfig) -> std::result::Result<DocumentRead, Nothing> {
    let bytes = bytes_of(file, config)?;
    if let BarcodeRead::Found(text) =
        read_pdf417(&bytes, config).map_err(|e| Nothing::File(e.to_string()))?
    {
        return aamva::parse(&text).map_err(|e| Nothing::NotAamva(e.to_string()));
    }
    match read_mrz(&bytes, config).map_err(|e| Nothing::File(e.to_string()))? {
        MrzRead::Found(text) => {
            mrz::parse(&text).map_err(|e| Nothing::MrzUnreadable(e.to_string()))
        }
        MrzRead::NotFound => Err(Nothing::NoDocumentData),
    }
}

/// Reads each file; exits 0 when every file gave a read, 1 otherwise.
pub fn read(files: &[PathBuf], json: bool) -> Result<ExitCode> {
    let config = CheckConfig::default();
    let mut out = std::io::stdout().lock();
    let mut all_read = true;
    for file in files {
        let name = file.display().to_string();
        match read_one(file, &config) {
            Ok(read) => {
                if json {
                    let mut line = serde_json::to_value(&read)?;
                    line["file"] = serde_json::Value::String(name);
                    line["found"] = serde_json::to_value(read.source)?;
                    writeln!(out, "{line}")?;
                } else {
                    let whence = match read.source {
                        Source::Pdf417 => "the barcode (PDF417, AAMVA)",
                        // A zone is given only when every one of its check digits agrees.
                        Source::Mrz => "the machine-readable zone (every check digit agrees)",
                    };
                    writeln!(
                        out,
                        "{name}: read from {whence}: {} fields",
                        read.fields.len()
                    )?;
                    for field in &read.fields {
                        let label = serde_json::to_value(field.field)?;
                        writeln!(
                            out,
                            "  {}: {}",
                            label.as_str().unwrap_or_default(),
                            field.value
                        )?;
                    }
                }
            }
            Err(nothing) => {
                all_read = false;
                if json {
                    let line = serde_json::json!({
                        "file": name,
                        "found": "nothing",
                        "why": { "code": nothing.code(), "message": nothing.words() },
                    });
                    writeln!(out, "{line}")?;
                } else {
                    writeln!(out, "{name}: nothing read: {}", nothing.words())?;
                }
            }
        }
    }
    Ok(if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
