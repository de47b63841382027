//! The pictures a PDF's pages hold, and a picture made fit for the document viewer.
//!
//! Why one file (about 610 lines, half of it tests): a page's picture goes through one
//! pipeline — its filters, colour spaces, rotation and re-encoding — whose helpers only it uses.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use lopdf::{Document, Object, ObjectId, Stream};

use super::{contains, PageImage, Picture};
use crate::config::CheckConfig;
use crate::error::Error;
use crate::report::Format;

/// JPEG quality of a picture re-encoded for the viewer: detail a reviewer reads survives it.
const VIEW_JPEG_QUALITY: u8 = 90;

/// Each page of a scanned PDF, at most `max_pages` of them from the first, as the picture
/// it holds: a JPEG (`DCTDecode`) picture as it is stored, a Flate-compressed or
/// uncompressed grey or RGB one decoded and encoded as JPEG. Page rotation (`/Rotate`) is
/// applied. Nothing is drawn: a page without a picture has `picture: None`.
pub(crate) fn page_images_here(bytes: &[u8], max_pages: usize) -> Result<Vec<PageImage>, Error> {
    let document = match Document::load_mem(bytes) {
        Ok(document) if document.is_encrypted() => return Err(Error::EncryptedPdf),
        Ok(document) => document,
        Err(_) if contains(bytes, b"/Encrypt") => return Err(Error::EncryptedPdf),
        Err(e) => {
            return Err(Error::Corrupt {
                format: Format::Pdf,
                detail: e.to_string(),
            })
        }
    };
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err(Error::EmptyPdf);
    }
    let cfg = CheckConfig::default();
    Ok(pages
        .into_iter()
        .take(max_pages)
        .map(|(page, id)| PageImage {
            page,
            // A page whose picture is damaged or in a form not read here costs that page
            // alone; the others are still shown.
            picture: page_picture(&document, id, &cfg).ok().flatten(),
        })
        .collect())
}

/// A stored JPEG or PNG scan as the viewer shows it: as it is when its long side is at most
/// `max_long_side` (and a JPEG is grey or RGB), otherwise decoded within the checks' memory
/// limits, scaled down and encoded again in its own format.
pub(crate) fn view_picture_here(bytes: &[u8], max_long_side: u32) -> Result<Picture, Error> {
    let (format, image_format, mime) = if bytes.starts_with(&[0xFF, 0xD8]) {
        (Format::Jpeg, ImageFormat::Jpeg, "image/jpeg")
    } else if bytes.starts_with(b"\x89PNG") {
        (Format::Png, ImageFormat::Png, "image/png")
    } else {
        return Err(Error::UnsupportedVariant {
            format: Format::Other,
            detail: "the viewer shows JPEG and PNG pictures".to_owned(),
        });
    };
    let cfg = CheckConfig::default();
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), image_format)
        .into_dimensions()
        .map_err(|e| corrupt(format, &e))?;
    let plain = format == Format::Png || matches!(jpeg_components(bytes), Some(1 | 3));
    if width.max(height) <= max_long_side && plain {
        return Ok(Picture {
            bytes: bytes.to_vec(),
            mime,
            width,
            height,
        });
    }
    let image = decode_limited(bytes, format, image_format, &cfg)?;
    let image = crate::reduce::reduce(&image, max_long_side);
    match format {
        Format::Png => encode_png(&image),
        _ => encode_jpeg(&image),
    }
}

/// The largest picture drawn on a page, as JPEG, turned by the page's `/Rotate`.
fn page_picture(
    document: &Document,
    page: ObjectId,
    cfg: &CheckConfig,
) -> Result<Option<Picture>, Error> {
    let images = document
        .get_page_images(page)
        .map_err(|e| corrupt(Format::Pdf, &e))?;
    let largest = images
        .iter()
        .filter(|i| i.width > 0 && i.height > 0)
        .filter(|i| !matches!(i.origin_dict.get(b"ImageMask"), Ok(Object::Boolean(true))))
        .max_by_key(|i| i.width.saturating_mul(i.height));
    let Some(largest) = largest else {
        return Ok(None);
    };
    let stream = document
        .get_object(largest.id)
        .and_then(Object::as_stream)
        .map_err(|e| corrupt(Format::Pdf, &e))?;
    let Some(picture) = stream_picture(document, stream, cfg)? else {
        return Ok(None);
    };
    let turns = page_quarter_turns(document, page);
    if turns == 0 {
        return Ok(Some(picture));
    }
    let image = decode_limited(&picture.bytes, Format::Jpeg, ImageFormat::Jpeg, cfg)?;
    let turned = match turns {
        1 => image.rotate90(),
        2 => image.rotate180(),
        _ => image.rotate270(),
    };
    encode_jpeg(&turned).map(Some)
}

/// The page's `/Rotate`, its own or inherited, as clockwise quarter turns (0–3).
fn page_quarter_turns(document: &Document, page: ObjectId) -> u8 {
    let mut node = document.get_dictionary(page).ok();
    // A page tree is shallow; the bound stops a loop of parents.
    for _ in 0..32 {
        let Some(dict) = node else { break };
        if let Ok(degrees) = dict.get(b"Rotate").and_then(Object::as_i64) {
            return u8::try_from(degrees.div_euclid(90).rem_euclid(4)).unwrap_or(0);
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|parent| document.get_dictionary(parent))
            .ok();
    }
    0
}

/// An image XObject as JPEG: a grey or RGB JPEG as it is stored, anything else the viewer
/// reads decoded and encoded. `None` for a form not read here.
fn stream_picture(
    document: &Document,
    stream: &Stream,
    cfg: &CheckConfig,
) -> Result<Option<Picture>, Error> {
    let dict = &stream.dict;
    let side = |key: &[u8]| {
        dict.get(key)
            .and_then(Object::as_i64)
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| (1..=cfg.max_dimension_px).contains(v))
    };
    let (Some(width), Some(height)) = (side(b"Width"), side(b"Height")) else {
        return Err(corrupt_detail("a picture of impossible size"));
    };
    if u64::from(width) * u64::from(height) > cfg.max_pixels {
        return Err(Error::TooManyPixels {
            width,
            height,
            max_dimension: cfg.max_dimension_px,
            max_pixels: cfg.max_pixels,
        });
    }
    let filters = stream.filters().unwrap_or_default();
    match filters.as_slice() {
        [b"DCTDecode"] => view_picture_here(&stream.content, u32::MAX).map(Some),
        [] | [b"FlateDecode"] | [b"LZWDecode"] | [b"RunLengthDecode"] => {
            raw_picture(document, stream, width, height, cfg)
        }
        _ => Ok(None),
    }
}

/// A raw grey (1 or 8 bits) or RGB (8 bits) picture, decompressed within its own size, as JPEG.
fn raw_picture(
    document: &Document,
    stream: &Stream,
    width: u32,
    height: u32,
    cfg: &CheckConfig,
) -> Result<Option<Picture>, Error> {
    let dict = &stream.dict;
    let Some(components) = dict
        .get(b"ColorSpace")
        .ok()
        .and_then(|space| colour_components(document, space))
    else {
        return Ok(None);
    };
    let bits = dict
        .get(b"BitsPerComponent")
        .and_then(Object::as_i64)
        .unwrap_or(8);
    if !matches!((components, bits), (1, 1) | (1, 8) | (3, 8)) {
        return Ok(None);
    }
    let (w, h) = (width as usize, height as usize);
    let row = (w * components * usize::try_from(bits).unwrap_or(8)).div_ceil(8);
    let expected = row * h;
    if expected as u64 > cfg.max_decode_alloc_bytes {
        return Err(Error::TooMuchMemory {
            max: cfg.max_decode_alloc_bytes,
        });
    }
    let data = if stream.filters().map(|f| f.is_empty()).unwrap_or(true) {
        stream.content.clone()
    } else {
        // Predictors can add a byte a row; anything beyond is not this picture.
        stream
            .decompressed_content_with_limit(expected + h + 1024)
            .map_err(|e| corrupt(Format::Pdf, &e))?
    };
    if data.len() < expected {
        return Err(Error::Truncated {
            format: Format::Pdf,
        });
    }
    // `/Decode [1 0]`: grey drawn the other way round, as some scanners write black-and-white.
    let inverted = matches!(dict.get(b"Decode").and_then(Object::as_array),
        Ok(values) if values.first().and_then(|v| v.as_float().ok()) == Some(1.0));
    let image = match (components, bits) {
        (1, 1) => {
            let mut grey = Vec::with_capacity(w * h);
            for line in data.chunks(row).take(h) {
                grey.extend((0..w).map(|x| {
                    let set = line[x / 8] & (0x80 >> (x % 8)) != 0;
                    if set != inverted {
                        255
                    } else {
                        0
                    }
                }));
            }
            image::GrayImage::from_raw(width, height, grey).map(DynamicImage::ImageLuma8)
        }
        (1, _) => {
            let mut grey = data;
            grey.truncate(expected);
            if inverted {
                grey.iter_mut().for_each(|v| *v = 255 - *v);
            }
            image::GrayImage::from_raw(width, height, grey).map(DynamicImage::ImageLuma8)
        }
        _ => {
            let mut rgb = data;
            rgb.truncate(expected);
            image::RgbImage::from_raw(width, height, rgb).map(DynamicImage::ImageRgb8)
        }
    };
    let image = image.ok_or_else(|| corrupt_detail("a picture shorter than its size"))?;
    encode_jpeg(&image).map(Some)
}

/// How many colour components a colour space has, for the grey and RGB ones read here.
fn colour_components(document: &Document, space: &Object) -> Option<usize> {
    let (_, space) = document.dereference(space).ok()?;
    match space {
        Object::Name(name) => match name.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Some(1),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(3),
            _ => None,
        },
        Object::Array(parts) => match parts.first().and_then(|p| p.as_name().ok())? {
            b"CalGray" => Some(1),
            b"CalRGB" => Some(3),
            b"ICCBased" => {
                let (_, profile) = document.dereference(parts.get(1)?).ok()?;
                let stream = profile.as_stream().ok()?;
                match stream.dict.get(b"N").and_then(Object::as_i64).ok()? {
                    1 => Some(1),
                    3 => Some(3),
                    _ => None,
                }
            }
            _ => None,
        },
        _ => None,
    }
}

/// The number of colour components in a JPEG's frame header, read from its markers.
fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        // Start of frame: baseline, extended, progressive, lossless (not DHT, JPG, DAC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            return bytes.get(at + 9).copied();
        }
        at += 2 + length;
    }
    None
}

/// Decodes a picture within the checks' size and memory limits.
fn decode_limited(
    bytes: &[u8],
    format: Format,
    image_format: ImageFormat,
    cfg: &CheckConfig,
) -> Result<DynamicImage, Error> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(cfg.max_dimension_px);
    limits.max_image_height = Some(cfg.max_dimension_px);
    limits.max_alloc = Some(cfg.max_decode_alloc_bytes);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => Error::TooMuchMemory {
            max: cfg.max_decode_alloc_bytes,
        },
        other => corrupt(format, &other),
    })
}

fn encode_jpeg(image: &DynamicImage) -> Result<Picture, Error> {
    use jpeg_encoder::{ColorType, Encoder};
    let (pixels, colour) = match image {
        DynamicImage::ImageLuma8(grey) => (grey.as_raw().clone(), ColorType::Luma),
        other => (other.to_rgb8().into_raw(), ColorType::Rgb),
    };
    let side = |v: u32| {
        u16::try_from(v)
            .map_err(|_| Error::Encode(format!("{v} px is beyond what a JPEG can hold")))
    };
    let (width, height) = (side(image.width())?, side(image.height())?);
    let mut bytes = Vec::new();
    Encoder::new(&mut bytes, VIEW_JPEG_QUALITY)
        .encode(&pixels, width, height, colour)
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(Picture {
        bytes,
        mime: "image/jpeg",
        width: image.width(),
        height: image.height(),
    })
}

fn encode_png(image: &DynamicImage) -> Result<Picture, Error> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(Picture {
        bytes,
        mime: "image/png",
        width: image.width(),
        height: image.height(),
    })
}

fn corrupt(format: Format, error: &dyn std::fmt::Display) -> Error {
    Error::Corrupt {
        format,
        detail: error.to_string(),
    }
}

fn corrupt_detail(detail: &str) -> Error {
    Error::Corrupt {
        format: Format::Pdf,
        detail: detail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use lopdf::{Dictionary, Object, Stream};

    use super::*;

    /// A JPEG of `width × height` with a gradient, so it is not flat.
    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)
            .unwrap();
        bytes
    }

    /// What a test page holds.
    enum Content {
        Jpeg(Vec<u8>, u32, u32),
        /// Raw samples, compressed with Flate: colour space, bits, width, height.
        Raw(Vec<u8>, &'static [u8], i64, u32, u32),
        Text,
    }

    /// A PDF with one page per entry, each drawing its picture over the whole page, as a
    /// scanner writes them; `rotate` is every page's `/Rotate`.
    fn pdf(pages: Vec<Content>, rotate: i64) -> Vec<u8> {
        let mut document = Document::with_version("1.5");
        let tree = document.new_object_id();
        let mut kids = Vec::new();
        for content in pages {
            let mut resources = Dictionary::new();
            let (drawing, xobject) = match content {
                Content::Text => (b"BT /F1 12 Tf 72 720 Td (SPECIMEN) Tj ET".to_vec(), None),
                Content::Jpeg(bytes, width, height) => {
                    let mut dict = image_dict(width, height);
                    dict.set("ColorSpace", Object::Name(b"DeviceRGB".to_vec()));
                    dict.set("BitsPerComponent", 8);
                    dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
                    (draw(), Some(Stream::new(dict, bytes)))
                }
                Content::Raw(samples, space, bits, width, height) => {
                    let mut dict = image_dict(width, height);
                    dict.set("ColorSpace", Object::Name(space.to_vec()));
                    dict.set("BitsPerComponent", bits);
                    let mut stream = Stream::new(dict, samples);
                    stream.compress().unwrap();
                    assert!(stream.filters().unwrap() == [b"FlateDecode"]);
                    (draw(), Some(stream))
                }
            };
            if let Some(stream) = xobject {
                let id = document.add_object(stream);
                let mut xobjects = Dictionary::new();
                xobjects.set("Im0", Object::Reference(id));
                resources.set("XObject", Object::Dictionary(xobjects));
            }
            let contents = document.add_object(Stream::new(Dictionary::new(), drawing));
            let mut page = Dictionary::new();
            page.set("Type", Object::Name(b"Page".to_vec()));
            page.set("Parent", Object::Reference(tree));
            page.set("Resources", Object::Dictionary(resources));
            page.set("Contents", Object::Reference(contents));
            page.set(
                "MediaBox",
                Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
            );
            if rotate != 0 {
                page.set("Rotate", rotate);
            }
            kids.push(Object::Reference(document.add_object(page)));
        }
        let mut tree_dict = Dictionary::new();
        tree_dict.set("Type", Object::Name(b"Pages".to_vec()));
        tree_dict.set("Count", kids.len() as i64);
        tree_dict.set("Kids", Object::Array(kids));
        document.objects.insert(tree, Object::Dictionary(tree_dict));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(tree));
        let root = document.add_object(catalog);
        document.trailer.set("Root", Object::Reference(root));
        let mut bytes = Vec::new();
        document.save_to(&mut bytes).unwrap();
        bytes
    }

    fn image_dict(width: u32, height: u32) -> Dictionary {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"XObject".to_vec()));
        dict.set("Subtype", Object::Name(b"Image".to_vec()));
        dict.set("Width", i64::from(width));
        dict.set("Height", i64::from(height));
        dict
    }

    fn draw() -> Vec<u8> {
        b"q 612 0 0 792 0 0 cm /Im0 Do Q".to_vec()
    }

    fn size(picture: &Picture) -> (u32, u32) {
        let format = ImageFormat::from_mime_type(picture.mime).unwrap();
        let decoded = image::load_from_memory_with_format(&picture.bytes, format).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (picture.width, picture.height)
        );
        (picture.width, picture.height)
    }

    #[test]
    fn each_jpeg_page_is_its_picture_as_stored() {
        let (first, second) = (jpeg(850, 1100), jpeg(1100, 850));
        let bytes = pdf(
            vec![
                Content::Jpeg(first.clone(), 850, 1100),
                Content::Jpeg(second.clone(), 1100, 850),
            ],
            0,
        );
        let pages = page_images_here(&bytes, 20).unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].page, 1);
        assert_eq!(pages[1].page, 2);
        let one = pages[0].picture.as_ref().unwrap();
        assert_eq!((one.mime, one.width, one.height), ("image/jpeg", 850, 1100));
        assert_eq!(one.bytes, first, "passed through, not re-encoded");
        assert_eq!(pages[1].picture.as_ref().unwrap().bytes, second);
    }

    #[test]
    fn flate_grey_rgb_and_black_and_white_pages_are_encoded_as_jpeg() {
        let grey: Vec<u8> = (0..300 * 200).map(|i| (i % 251) as u8).collect();
        let rgb: Vec<u8> = (0..120 * 80 * 3).map(|i| (i % 253) as u8).collect();
        // 1 bit a pixel, rows padded to a whole byte: 204 px is 26 bytes a row.
        let bilevel: Vec<u8> = (0..26 * 100)
            .map(|i| if i % 26 == 25 { 0xF0 } else { 0xAA })
            .collect();
        let bytes = pdf(
            vec![
                Content::Raw(grey, b"DeviceGray", 8, 300, 200),
                Content::Raw(rgb, b"DeviceRGB", 8, 120, 80),
                Content::Raw(bilevel, b"DeviceGray", 1, 204, 100),
            ],
            0,
        );
        let pages = page_images_here(&bytes, 20).unwrap();
        let sizes: Vec<(u32, u32)> = pages
            .iter()
            .map(|p| size(p.picture.as_ref().unwrap()))
            .collect();
        assert_eq!(sizes, [(300, 200), (120, 80), (204, 100)]);
        assert!(pages
            .iter()
            .all(|p| p.picture.as_ref().unwrap().mime == "image/jpeg"));
    }

    #[test]
    fn a_page_without_a_picture_is_none_and_the_others_are_shown() {
        let bytes = pdf(
            vec![Content::Text, Content::Jpeg(jpeg(400, 300), 400, 300)],
            0,
        );
        let pages = page_images_here(&bytes, 20).unwrap();
        assert_eq!(pages.len(), 2);
        assert!(pages[0].picture.is_none());
        assert!(pages[1].picture.is_some());
    }

    #[test]
    fn the_sample_text_pdf_has_a_page_and_no_picture() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/drafts/scans/utility-bill.pdf"
        ))
        .unwrap();
        let pages = page_images_here(&bytes, 20).unwrap();
        assert_eq!(
            pages,
            [PageImage {
                page: 1,
                picture: None
            }]
        );
    }

    #[test]
    fn pages_beyond_the_bound_are_not_read() {
        let pages = (0..5)
            .map(|_| Content::Jpeg(jpeg(64, 64), 64, 64))
            .collect();
        let read = page_images_here(&pdf(pages, 0), 3).unwrap();
        assert_eq!(read.iter().map(|p| p.page).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn a_turned_page_is_shown_upright() {
        let bytes = pdf(vec![Content::Jpeg(jpeg(400, 300), 400, 300)], 90);
        let pages = page_images_here(&bytes, 20).unwrap();
        assert_eq!(size(pages[0].picture.as_ref().unwrap()), (300, 400));
    }

    #[test]
    fn a_file_that_is_not_a_pdf_is_refused_as_damaged() {
        assert!(matches!(
            page_images_here(b"%PDF-1.4 not really", 20),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn a_picture_within_the_long_side_is_shown_as_stored_and_a_larger_one_scaled_down() {
        let small = jpeg(1200, 800);
        let shown = view_picture_here(&small, 4000).unwrap();
        assert_eq!(shown.bytes, small);
        assert_eq!((shown.width, shown.height), (1200, 800));

        let scaled = view_picture_here(&jpeg(1200, 800), 600).unwrap();
        assert_eq!(size(&scaled), (600, 400));

        let mut png = Vec::new();
        image::GrayImage::from_pixel(900, 300, image::Luma([200]))
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let png_shown = view_picture_here(&png, 300).unwrap();
        assert_eq!(png_shown.mime, "image/png");
        assert_eq!(size(&png_shown), (300, 100));

        assert!(matches!(
            view_picture_here(b"GIF89a", 4000),
            Err(Error::UnsupportedVariant { .. })
        ));
    }
}
