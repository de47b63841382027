//! One pass over a decoded photo that yields the small copy both the quality checks
//! and the thumbnail are made from.
//!
//! A 12-megapixel photo is 36 MB of pixels; converting it to grey, then scaling the
//! grey copy, then scaling the colour copy again for the thumbnail walked it three
//! times and allocated a second full-size buffer. Averaging each block of input
//! pixels straight into the small copy walks it once, and keeps the blur measure what
//! it was: each small pixel is the mean of the pixels it covers, as a smaller sensor
//! would have recorded them.

use image::{DynamicImage, ImageBuffer, Luma, LumaA, Rgb, Rgba};

/// The size `width × height` takes when its long side is brought down to `long`,
/// keeping its proportions (never below one pixel); unchanged when already smaller.
pub fn fitted(width: u32, height: u32, long: u32) -> (u32, u32) {
    let current = width.max(height);
    if current <= long || long == 0 {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(long) + u64::from(current) / 2) / u64::from(current);
        u32::try_from(scaled.max(1)).unwrap_or(long)
    };
    (scale(width), scale(height))
}

/// `image` box-averaged down so its long side is at most `long`, in the same colour
/// type (8-bit types; others go through `image`'s own thumbnail).
pub fn reduce(image: &DynamicImage, long: u32) -> DynamicImage {
    let (w, h) = (image.width(), image.height());
    let (nw, nh) = fitted(w, h, long);
    if (nw, nh) == (w, h) {
        return image.clone();
    }
    match image {
        DynamicImage::ImageLuma8(b) => {
            DynamicImage::ImageLuma8(rebuild::<Luma<u8>, 1>(b.as_raw(), w, h, nw, nh))
        }
        DynamicImage::ImageLumaA8(b) => {
            DynamicImage::ImageLumaA8(rebuild::<LumaA<u8>, 2>(b.as_raw(), w, h, nw, nh))
        }
        DynamicImage::ImageRgb8(b) => {
            DynamicImage::ImageRgb8(rebuild::<Rgb<u8>, 3>(b.as_raw(), w, h, nw, nh))
        }
        DynamicImage::ImageRgba8(b) => {
            DynamicImage::ImageRgba8(rebuild::<Rgba<u8>, 4>(b.as_raw(), w, h, nw, nh))
        }
        other => other.thumbnail(nw, nh),
    }
}

fn rebuild<P: image::Pixel<Subpixel = u8>, const C: usize>(
    src: &[u8],
    w: u32,
    h: u32,
    nw: u32,
    nh: u32,
) -> ImageBuffer<P, Vec<u8>> {
    let pixels = box_average::<C>(src, w as usize, h as usize, nw as usize, nh as usize);
    // The buffer is exactly nw × nh × C by construction, so this cannot fail; the
    // fallback keeps the promise of no panic all the same.
    ImageBuffer::from_raw(nw, nh, pixels).unwrap_or_else(|| ImageBuffer::new(nw, nh))
}

/// Averages `src` (`w × h` pixels of `C` interleaved channels) into `nw × nh` pixels,
/// `nw ≤ w` and `nh ≤ h`: output pixel `(ox, oy)` is the mean of the input pixels whose
/// `x * nw / w == ox` and `y * nh / h == oy`.
///
/// The rows of a block are first added sample by sample into one wide row (a straight
/// loop the compiler vectorises), and only that row is summed across, once per output row.
fn box_average<const C: usize>(src: &[u8], w: usize, h: usize, nw: usize, nh: usize) -> Vec<u8> {
    // Input column where each output column starts, plus the end.
    let starts: Vec<usize> = (0..=nw).map(|ox| (ox * w).div_ceil(nw)).collect();
    // A block is at most 12 000 rows of 255: far below u32::MAX.
    let mut columns = vec![0u32; w * C];
    let mut out = Vec::with_capacity(nw * nh * C);
    let mut rows = 0u32;
    let mut current = 0usize;
    let flush = |columns: &mut [u32], out: &mut Vec<u8>, rows: u32| {
        for ox in 0..nw {
            let span = &columns[starts[ox] * C..starts[ox + 1] * C];
            let count = rows * u32::try_from(span.len() / C).unwrap_or(1).max(1);
            let mut sums = [0u32; C];
            for px in span.chunks_exact(C) {
                for c in 0..C {
                    sums[c] += px[c];
                }
            }
            out.extend(
                sums.iter()
                    .map(|sum| u8::try_from((sum + count / 2) / count).unwrap_or(u8::MAX)),
            );
        }
        columns.fill(0);
    };
    for (y, row) in src.chunks_exact(w * C).take(h).enumerate() {
        let oy = y * nh / h;
        if oy != current {
            flush(&mut columns, &mut out, rows);
            rows = 0;
            current = oy;
        }
        rows += 1;
        for (sum, sample) in columns.iter_mut().zip(row) {
            *sum += u32::from(*sample);
        }
    }
    if rows > 0 {
        flush(&mut columns, &mut out, rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_keeps_proportions_and_never_grows() {
        assert_eq!(fitted(4000, 3000, 1000), (1000, 750));
        assert_eq!(fitted(3000, 4000, 320), (240, 320));
        assert_eq!(fitted(800, 600, 1000), (800, 600));
        assert_eq!(fitted(12_000, 3, 1000), (1000, 1));
    }

    #[test]
    fn each_small_pixel_is_the_mean_of_its_block() {
        // 4 × 2 grey pixels into 2 × 1: the left block holds 0, 10, 20, 30.
        let src = [0u8, 10, 100, 110, 20, 30, 120, 130];
        assert_eq!(box_average::<1>(&src, 4, 2, 2, 1), vec![15, 115]);
    }

    #[test]
    fn uneven_blocks_cover_every_input_pixel_once() {
        // 5 columns into 2: columns {0,1,2} and {3,4}; one row.
        let src = [30u8, 60, 90, 200, 100];
        assert_eq!(box_average::<1>(&src, 5, 1, 2, 1), vec![60, 150]);
        let rgb = [10u8, 20, 30, 30, 40, 50];
        assert_eq!(box_average::<3>(&rgb, 2, 1, 1, 1), vec![20, 30, 40]);
    }

    #[test]
    fn reduce_matches_image_thumbnail_on_an_even_factor() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(400, 300, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
        }));
        let ours = reduce(&img, 100).into_rgb8();
        let theirs = img.thumbnail(100, 100).into_rgb8();
        assert_eq!(ours.dimensions(), theirs.dimensions());
        let worst = ours
            .as_raw()
            .iter()
            .zip(theirs.as_raw())
            .map(|(a, b)| a.abs_diff(*b))
            .max();
        assert!(worst <= Some(1), "largest difference {worst:?}");
    }
}
