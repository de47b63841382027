//! Generators for the hostile / odd file corpus. Everything is built in memory
//! by the tests themselves; no fixture files are checked in.
#![allow(dead_code)]

pub mod degrade;

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageBuffer, Luma, Rgb, RgbImage};

/// Deterministic noise so every run sees the same pictures.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed)
    }
    pub fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.next() % (hi - lo)
    }
}

/// A card-like picture: beige background, rows of dark glyph-sized blocks (text)
/// and mild sensor noise. Sharp, mid-bright, no blown-out pixels.
pub fn card(w: u32, h: u32) -> RgbImage {
    let mut rng = Lcg::new(u64::from(w) * 31 + u64::from(h));
    let mut img = RgbImage::from_fn(w, h, |_, _| {
        let n = rng.range(0, 13) as i32 - 6;
        let c = |v: i32| (v + n).clamp(0, 255) as u8;
        Rgb([c(196), c(188), c(176)])
    });
    let line = (h / 20).max(6);
    let glyph_h = line * 5 / 10;
    let mut y = line;
    while y + glyph_h < h.saturating_sub(line / 2) {
        let mut x = w / 20;
        while x < w - w / 20 {
            let gw = rng.range(line / 4 + 1, line * 3 / 4 + 2);
            for yy in y..(y + glyph_h).min(h) {
                for xx in x..(x + gw).min(w) {
                    img.put_pixel(xx, yy, Rgb([22, 20, 30]));
                }
            }
            x += gw + rng.range(line / 8 + 1, line / 3 + 2);
            if rng.range(0, 9) == 0 {
                x += line; // word gap
            }
        }
        y += line;
    }
    // A dark-red marker in the top-left corner, to follow rotations.
    for yy in 0..(h / 10).max(2) {
        for xx in 0..(w / 10).max(2) {
            img.put_pixel(xx, yy, Rgb([200, 0, 0]));
        }
    }
    img
}

/// A page as a flatbed scanner delivers it: pure white paper, black text.
pub fn paper(w: u32, h: u32) -> RgbImage {
    let mut img = card(w, h);
    for p in img.pixels_mut() {
        if p.0[0] > 150 && p.0[1] > 150 {
            *p = Rgb([255, 255, 255]);
        }
    }
    img
}

pub fn blurred(img: &RgbImage) -> RgbImage {
    let (w, h) = img.dimensions();
    let small = image::imageops::resize(img, w / 12, h / 12, image::imageops::FilterType::Triangle);
    image::imageops::resize(&small, w, h, image::imageops::FilterType::Triangle)
}

pub fn map(img: &RgbImage, f: impl Fn(u8) -> u8) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p.0 = p.0.map(&f);
    }
    out
}

pub fn with_glare(img: &RgbImage, share: f64) -> RgbImage {
    let mut out = img.clone();
    let (w, h) = img.dimensions();
    let r = ((share * f64::from(w) * f64::from(h)) / std::f64::consts::PI).sqrt();
    let (cx, cy) = (f64::from(w) * 0.6, f64::from(h) * 0.5);
    for (x, y, p) in out.enumerate_pixels_mut() {
        let d = ((f64::from(x) - cx).powi(2) + (f64::from(y) - cy).powi(2)).sqrt();
        if d < r {
            *p = Rgb([255, 255, 255]);
        }
    }
    out
}

/// Camera-like noise at full resolution: compresses badly, like a real photo.
pub fn noisy_photo(w: u32, h: u32) -> RgbImage {
    let base = card(w, h);
    let mut rng = Lcg::new(7);
    map_px(&base, |v| {
        let n = rng.range(0, 61) as i32 - 30;
        (i32::from(v) + n).clamp(0, 255) as u8
    })
}

fn map_px(img: &RgbImage, mut f: impl FnMut(u8) -> u8) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p.0 = [f(p.0[0]), f(p.0[1]), f(p.0[2])];
    }
    out
}

pub fn jpeg(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .expect("encode jpeg");
    out
}

pub fn jpeg_rgb(img: &RgbImage) -> Vec<u8> {
    jpeg(&DynamicImage::ImageRgb8(img.clone()), 90)
}

pub fn encode(img: &DynamicImage, fmt: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, fmt).expect("encode");
    out.into_inner()
}

pub fn png(img: &DynamicImage) -> Vec<u8> {
    encode(img, image::ImageFormat::Png)
}

pub fn png_rgb(img: &RgbImage) -> Vec<u8> {
    png(&DynamicImage::ImageRgb8(img.clone()))
}

pub fn grey(w: u32, h: u32) -> DynamicImage {
    let c = card(w, h);
    DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(c).to_luma8())
}

pub fn rgb16(w: u32, h: u32) -> DynamicImage {
    let c = card(w, h);
    let buf: ImageBuffer<Rgb<u16>, Vec<u16>> = ImageBuffer::from_fn(w, h, |x, y| {
        Rgb(c.get_pixel(x, y).0.map(|v| u16::from(v) * 257))
    });
    DynamicImage::ImageRgb16(buf)
}

pub fn grey16(w: u32, h: u32) -> DynamicImage {
    let c = DynamicImage::ImageRgb8(card(w, h)).to_luma8();
    let buf: ImageBuffer<Luma<u16>, Vec<u16>> =
        ImageBuffer::from_fn(w, h, |x, y| Luma([u16::from(c.get_pixel(x, y).0[0]) * 257]));
    DynamicImage::ImageLuma16(buf)
}

/// RGBA with a transparent frame around the card.
pub fn rgba_transparent(w: u32, h: u32) -> DynamicImage {
    let c = card(w, h);
    let buf = image::RgbaImage::from_fn(w, h, |x, y| {
        let p = c.get_pixel(x, y).0;
        let edge = x < w / 10 || y < h / 10 || x > w * 9 / 10 || y > h * 9 / 10;
        image::Rgba([p[0], p[1], p[2], if edge { 0 } else { 255 }])
    });
    DynamicImage::ImageRgba8(buf)
}

pub fn rgba_opaque(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(card(w, h)).to_rgba8())
}

pub fn cmyk_jpeg(w: u16, h: u16) -> Vec<u8> {
    let c = card(u32::from(w), u32::from(h));
    let mut data = Vec::with_capacity(usize::from(w) * usize::from(h) * 4);
    for p in c.pixels() {
        let [r, g, b] = p.0;
        let k = 255 - r.max(g).max(b);
        let conv = |v: u8| {
            if k == 255 {
                0
            } else {
                ((255 - v - k) as u32 * 255 / (255 - k) as u32) as u8
            }
        };
        data.extend_from_slice(&[conv(r), conv(g), conv(b), k]);
    }
    let mut out = Vec::new();
    let enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.encode(&data, w, h, jpeg_encoder::ColorType::Cmyk)
        .expect("cmyk encode");
    out
}

pub fn tiff_pages(pages: usize, w: u32, h: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut enc = tiff::encoder::TiffEncoder::new(&mut out).expect("tiff encoder");
    for i in 0..pages {
        let img = map(&card(w, h), |v| v.saturating_sub(i as u8 * 10));
        enc.write_image::<tiff::encoder::colortype::RGB8>(w, h, img.as_raw())
            .expect("tiff page");
    }
    out.into_inner()
}

pub fn webp_lossless(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out))
        .expect("webp");
    out
}

// ---------- hand-built metadata ----------

/// Text that must never survive normalisation; planted in GPS and comments.
pub const GPS_MARKER: &[u8] = b"BRANCHDESK-SECRET-GPS";

/// A little-endian TIFF/EXIF block with an orientation tag and, optionally, a
/// GPS IFD holding a latitude and a processing-method string.
pub fn exif_tiff(orientation: u16, gps: bool) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II\x2a\x00");
    t.extend_from_slice(&8u32.to_le_bytes());
    let n: u16 = if gps { 2 } else { 1 };
    t.extend_from_slice(&n.to_le_bytes());
    // Orientation, SHORT, 1 value, inline.
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&orientation.to_le_bytes());
    t.extend_from_slice(&[0, 0]);
    let gps_ifd = 8 + 2 + 12 * u32::from(n) + 4;
    if gps {
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&gps_ifd.to_le_bytes());
    }
    t.extend_from_slice(&0u32.to_le_bytes());
    if gps {
        let entries = 3u32;
        let data_at = gps_ifd + 2 + 12 * entries + 4;
        t.extend_from_slice(&(entries as u16).to_le_bytes());
        // GPSLatitudeRef "N"
        t.extend_from_slice(&1u16.to_le_bytes());
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&2u32.to_le_bytes());
        t.extend_from_slice(b"N\0\0\0");
        // GPSLatitude 3 RATIONALs
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&5u16.to_le_bytes());
        t.extend_from_slice(&3u32.to_le_bytes());
        t.extend_from_slice(&data_at.to_le_bytes());
        // GPSProcessingMethod, UNDEFINED
        let method_len = 8 + GPS_MARKER.len() as u32;
        t.extend_from_slice(&0x001Bu16.to_le_bytes());
        t.extend_from_slice(&7u16.to_le_bytes());
        t.extend_from_slice(&method_len.to_le_bytes());
        t.extend_from_slice(&(data_at + 24).to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        for (num, den) in [(51u32, 1u32), (30, 1), (1234, 100)] {
            t.extend_from_slice(&num.to_le_bytes());
            t.extend_from_slice(&den.to_le_bytes());
        }
        t.extend_from_slice(b"ASCII\0\0\0");
        t.extend_from_slice(GPS_MARKER);
    }
    t
}

/// Inserts an APP1 Exif segment right after SOI.
pub fn jpeg_with_exif(jpeg: &[u8], orientation: u16, gps: bool) -> Vec<u8> {
    let tiff = exif_tiff(orientation, gps);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&seg);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    c.extend_from_slice(&body);
    c.extend_from_slice(&crc32(&body).to_be_bytes());
    c
}

/// Inserts chunks right after IHDR (signature 8 + IHDR 25 bytes), where
/// decoders look for ancillary metadata before the image data.
pub fn png_insert_after_ihdr(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    for c in chunks {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&png[33..]);
    out
}

/// A PNG that claims `w` × `h` pixels but carries only a few bytes of data: a
/// decompression bomb as far as any decoder trusting the header is concerned.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib stream header + a stored block of zeros: a little real IDAT.
    let mut idat = vec![0x78, 0x01, 0x01, 0x00, 0x04, 0xFF, 0xFB];
    idat.extend_from_slice(&[0u8; 1024]);
    out.extend(png_chunk(b"IDAT", &idat));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A valid JPEG whose frame header is patched to claim `w` × `h`.
pub fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut j = jpeg_rgb(&card(64, 48));
    let sof = j
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("baseline SOF0");
    j[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    j[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    j
}

// ---------- PDFs ----------

/// A minimal, valid PDF with `pages` empty A4 pages, correct xref offsets, and
/// optionally an /Encrypt entry in its trailer.
pub fn pdf(pages: usize, encrypt: bool) -> Vec<u8> {
    let mut objs: Vec<String> = Vec::new();
    objs.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    objs.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages
    ));
    for _ in 0..pages {
        objs.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_owned());
    }
    let encrypt_id = objs.len() + 1;
    if encrypt {
        let o = "(".to_owned() + &"\\001".repeat(32) + ")";
        objs.push(format!(
            "<< /Filter /Standard /V 1 /R 2 /O {o} /U {o} /P -3904 >>"
        ));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    let enc = if encrypt {
        format!(
            " /Encrypt {encrypt_id} 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]"
        )
    } else {
        String::new()
    };
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{enc} >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A valid PDF whose xref offsets are all wrong, as after a careless edit.
pub fn pdf_bad_xref() -> Vec<u8> {
    let good = pdf(2, false);
    // The first 15 bytes are the header with its binary comment; the rest is ASCII.
    let rest = String::from_utf8(good[15..].to_vec()).expect("ascii body");
    let mut out = good[..15].to_vec();
    for line in rest.split_inclusive('\n') {
        if line.len() == 20 && line.ends_with(" 00000 n \n") {
            out.extend_from_slice(b"0000000003 00000 n \n");
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
    out
}

// ---------- not pictures at all ----------

pub fn zip() -> Vec<u8> {
    let mut z = b"PK\x03\x04\x14\x00\x00\x00\x00\x00".to_vec();
    z.extend_from_slice(&[0u8; 16]);
    z.extend_from_slice(&5u16.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(b"a.txt");
    z.extend_from_slice(b"PK\x05\x06");
    z.extend_from_slice(&[0u8; 18]);
    z
}

pub fn elf() -> Vec<u8> {
    let mut e = b"\x7fELF\x02\x01\x01\x00".to_vec();
    e.extend_from_slice(&[0u8; 8]);
    e.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    e.extend_from_slice(&0x3Eu16.to_le_bytes()); // x86-64
    e.resize(128, 0);
    e
}

pub fn pe() -> Vec<u8> {
    let mut p = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec();
    p.resize(0x3C, 0);
    p.extend_from_slice(&0x80u32.to_le_bytes());
    p.resize(0x80, 0);
    p.extend_from_slice(b"PE\0\0\x4c\x01");
    p.resize(512, 0);
    p
}

pub fn heic_header(brand: &[u8; 4]) -> Vec<u8> {
    let mut h = vec![0, 0, 0, 24];
    h.extend_from_slice(b"ftyp");
    h.extend_from_slice(brand);
    h.extend_from_slice(&[0, 0, 0, 0]);
    h.extend_from_slice(b"mif1heic");
    h.extend_from_slice(&[0, 0, 0, 8]);
    h.extend_from_slice(b"meta");
    h.resize(4096, 0xAB);
    h
}
