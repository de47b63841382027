//! Deciding what a file is from its first bytes, and whether it is complete.

use std::ops::Range;

use crate::report::Format;

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
    walk_jpeg(b, |_, _| {})
}

/// Walks a JPEG's segments in file order, handing `visit` each marker and the byte range
/// it spans: from its 0xFF to the end of its segment, entropy-coded data included for a
/// start of scan. Fill bytes between segments belong to none. Ends at the end-of-image
/// marker (visited too); what follows it is never visited.
pub(crate) fn walk_jpeg(b: &[u8], mut visit: impl FnMut(u8, Range<usize>)) -> Completeness {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Completeness::Unknown;
    }
    visit(0xD8, 0..2);
    let mut i = 2;
    loop {
        if i >= b.len() {
            return Completeness::Truncated;
        }
        if b[i] != 0xFF {
            return Completeness::Unknown;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while i + 1 < b.len() && b[i + 1] == 0xFF {
            i += 1;
        }
        let start = i;
        i += 1;
        let Some(&marker) = b.get(i) else {
            return Completeness::Truncated;
        };
        i += 1;
        match marker {
            0xD9 => {
                visit(marker, start..i);
                return Completeness::Complete;
            }
            0xD0..=0xD7 | 0x01 => visit(marker, start..i),
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
                } else if i > b.len() {
                    return Completeness::Truncated;
                }
                visit(marker, start..i);
            }
        }
    }
}

/// The JPEG with its metadata left out and its compressed picture untouched: EXIF (and
/// GPS), XMP, ICC, IPTC, comments, maker segments and anything after the end of the image
/// go; the frame, tables and scans stay byte for byte. `None` when the picture cannot be
/// kept that way: an unreadable structure, or not 1 or 3 colour components (CMYK is
/// converted instead, since providers' viewers often show it inverted).
pub fn strip_jpeg_metadata(b: &[u8]) -> Option<Vec<u8>> {
    let out = strip_once(b)?;
    // A crafted file can walk differently once segments around fill bytes are gone; what is
    // stored must be read the way it was checked, so only a result that stripping leaves
    // unchanged is kept (the caller re-encodes otherwise).
    (strip_once(&out).as_deref() == Some(out.as_slice())).then_some(out)
}

fn strip_once(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    let mut frames = 0u32;
    let mut plain_colour = true;
    let walked = walk_jpeg(b, |marker, range| {
        let segment = &b[range];
        let keep = match marker {
            // JFIF's header says how to read the colours; kept only without its thumbnail.
            0xE0 => segment.get(4..9) == Some(b"JFIF\0") && segment.get(16..18) == Some(&[0, 0]),
            // Adobe's says whether the three components are RGB or YCbCr.
            0xEE => segment.get(4..9) == Some(b"Adobe"),
            0xE1..=0xED | 0xEF | 0xFE => false,
            // Frame headers (not DHT, JPG, DAC, which share the range).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                frames += 1;
                plain_colour &= matches!(segment.get(9), Some(1 | 3));
                true
            }
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        }
    });
    (walked == Completeness::Complete && frames == 1 && plain_colour).then_some(out)
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
    fn metadata_segments_and_trailing_bytes_are_left_out() {
        let mut b = vec![0xFF, 0xD8];
        b.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x08, b'E', b'x', b'i', b'f', 0, 0]);
        b.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x05, b'h', b'i', b'!']);
        let frame = [0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0];
        b.extend_from_slice(&frame);
        let scan = [0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9];
        b.extend_from_slice(&scan);
        b.extend_from_slice(b"appended secrets");
        let mut expected = vec![0xFF, 0xD8];
        expected.extend_from_slice(&frame);
        expected.extend_from_slice(&scan);
        assert_eq!(strip_jpeg_metadata(&b), Some(expected));
        // Four components (CMYK) are not kept as they are.
        let mut four = b.clone();
        let at = b.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap_or(0) + 9;
        four[at] = 4;
        assert_eq!(strip_jpeg_metadata(&four), None);
        assert_eq!(strip_jpeg_metadata(&b[..b.len() - 20]), None, "truncated");
    }

    /// Found by the sniff fuzz target: a file whose stripped form walks differently (a run
    /// of fill bytes changes sides). It is not kept as it is.
    #[test]
    fn a_strip_that_would_read_differently_is_refused() {
        let found = include_bytes!("../tests/data/strip-fill-bytes.bin");
        assert!(strip_once(found).is_some(), "the first pass alone keeps it");
        assert_eq!(strip_jpeg_metadata(found), None);
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
