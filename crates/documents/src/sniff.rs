//! Deciding what a file is from its first bytes, and whether it is complete.

use crate::report::Format;

/// How many leading bytes are enough to recognise every format we care about
/// (ISO-BMFF `ftyp` boxes list compatible brands well within this).
pub const HEADER_BYTES: usize = 8 * 1024;

pub struct Sniffed {
    pub format: Format,
    pub mime: Option<String>,
    /// Plain-language name of a refused type, e.g. "a ZIP archive".
    pub description: String,
}

pub fn sniff(header: &[u8]) -> Sniffed {
    let found = infer::get(header);
    let mime = found.map(|t| t.mime_type().to_owned());
    let format = match found.map(|t| t.mime_type()) {
        Some("image/jpeg") => Format::Jpeg,
        Some("image/png") => Format::Png,
        Some("application/pdf") => Format::Pdf,
        Some("image/tiff") => Format::Tiff,
        Some("image/webp") => Format::Webp,
        Some("image/heif") => Format::Heic,
        Some("image/avif") => Format::Avif,
        // infer only calls HEIF what names the `heic` brand; phones also write
        // `mif1`/`hevc`-branded files that are just as unreadable here.
        _ => isobmff_image(header).unwrap_or(Format::Other),
    };
    let description = match found {
        Some(t) => describe(t.mime_type(), t.matcher_type()),
        None if looks_like_text(header) => "a text file".to_owned(),
        None => "not a recognised picture or document".to_owned(),
    };
    Sniffed {
        format,
        mime: mime.or_else(|| format.mime().map(str::to_owned)),
        description,
    }
}

fn isobmff_image(header: &[u8]) -> Option<Format> {
    if header.get(4..8)? != b"ftyp" {
        return None;
    }
    let major = header.get(8..12)?;
    match major {
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
            Some(Format::Heic)
        }
        b"avif" | b"avis" => Some(Format::Avif),
        _ => None,
    }
}

fn describe(mime: &str, kind: infer::MatcherType) -> String {
    use infer::MatcherType as M;
    match mime {
        "application/zip" => "a ZIP archive".to_owned(),
        "application/x-executable" | "application/vnd.microsoft.portable-executable" => {
            "a program (executable)".to_owned()
        }
        "image/gif" => "a GIF animation or graphic".to_owned(),
        "image/bmp" => "a BMP bitmap".to_owned(),
        _ => match kind {
            M::Image => format!("a picture in a format that is not accepted ({mime})"),
            M::Doc => format!("an office document ({mime})"),
            M::Archive => format!("an archive ({mime})"),
            M::App => format!("a program ({mime})"),
            M::Video => format!("a video ({mime})"),
            M::Audio => format!("a sound file ({mime})"),
            _ => format!("a file of type {mime}"),
        },
    }
}

fn looks_like_text(header: &[u8]) -> bool {
    !header.is_empty()
        && std::str::from_utf8(header).is_ok_and(|s| {
            s.chars()
                .all(|c| !c.is_control() || c.is_ascii_whitespace())
        })
}

#[derive(Debug, PartialEq, Eq)]
pub enum Completeness {
    Complete,
    Truncated,
    /// The structure does not parse; left to the decoder, which says why.
    Unknown,
}

/// Lenient decoders (zune-jpeg in particular) fill a cut-off JPEG with grey and
/// report success, so completeness is decided by walking the file's structure
/// rather than by whether decoding worked.
pub fn completeness(format: Format, bytes: &[u8]) -> Completeness {
    match format {
        Format::Jpeg => jpeg_completeness(bytes),
        Format::Png => png_completeness(bytes),
        Format::Pdf => pdf_completeness(bytes),
        Format::Webp => webp_completeness(bytes),
        _ => Completeness::Unknown,
    }
}

fn jpeg_completeness(b: &[u8]) -> Completeness {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Completeness::Unknown;
    }
    let mut i = 2;
    loop {
        if i >= b.len() {
            return Completeness::Truncated;
        }
        if b[i] != 0xFF {
            return Completeness::Unknown;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        let Some(&marker) = b.get(i) else {
            return Completeness::Truncated;
        };
        i += 1;
        match marker {
            0xD9 => return Completeness::Complete,
            0xD0..=0xD7 | 0x01 => {}
            _ => {
                let Some(len) = b.get(i..i + 2) else {
                    return Completeness::Truncated;
                };
                let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                if len < 2 {
                    return Completeness::Unknown;
                }
                i += len;
                if marker == 0xDA {
                    // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a
                    // restart marker; anything else is the next real marker.
                    loop {
                        match b.get(i..i + 2) {
                            None => return Completeness::Truncated,
                            Some([0xFF, next]) if *next != 0 && !(0xD0..=0xD7).contains(next) => {
                                break
                            }
                            Some(_) => i += 1,
                        }
                    }
                }
            }
        }
    }
}

fn png_completeness(b: &[u8]) -> Completeness {
    let mut i = 8;
    loop {
        let Some(head) = b.get(i..i + 8) else {
            return Completeness::Truncated;
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        // Length, type, data and CRC must all be there.
        let Some(end) = i.checked_add(12).and_then(|n| n.checked_add(len)) else {
            return Completeness::Unknown;
        };
        if end > b.len() {
            return Completeness::Truncated;
        }
        if kind == b"IEND" {
            return Completeness::Complete;
        }
        i = end;
    }
}

fn pdf_completeness(b: &[u8]) -> Completeness {
    // Writers end a PDF with %%EOF; readers accept it within the last 1 KB
    // (trailing junk from mail gateways is common).
    let tail = &b[b.len().saturating_sub(1024)..];
    if tail.windows(5).any(|w| w == b"%%EOF") {
        Completeness::Complete
    } else {
        Completeness::Truncated
    }
}

fn webp_completeness(b: &[u8]) -> Completeness {
    let Some(size) = b.get(4..8) else {
        return Completeness::Truncated;
    };
    let declared = u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize;
    if b.len() < declared.saturating_add(8) {
        Completeness::Truncated
    } else {
        Completeness::Complete
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heic_brands_are_heic_even_when_infer_does_not_know_them() {
        let mut h = vec![0, 0, 0, 24];
        h.extend_from_slice(b"ftypmif1\0\0\0\0mif1hevc");
        assert_eq!(sniff(&h).format, Format::Heic);
    }

    #[test]
    fn jpeg_restart_markers_do_not_end_scan() {
        // SOI, SOS(len 2), data with RST0 and stuffed FF00, EOI.
        let b = [
            0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF,
            0xD9,
        ];
        assert_eq!(jpeg_completeness(&b), Completeness::Complete);
        assert_eq!(jpeg_completeness(&b[..13]), Completeness::Truncated);
    }

    #[test]
    fn pdf_without_eof_is_truncated() {
        assert_eq!(
            pdf_completeness(b"%PDF-1.4\n1 0 obj"),
            Completeness::Truncated
        );
        assert_eq!(
            pdf_completeness(b"%PDF-1.4\n%%EOF\n"),
            Completeness::Complete
        );
    }
}
