use super::*;
use jpeg_encoder::ImageBuffer as _;

const ORIENTATIONS: [Orientation; 8] = [
    Orientation::NoTransforms,
    Orientation::Rotate90,
    Orientation::Rotate180,
    Orientation::Rotate270,
    Orientation::FlipHorizontal,
    Orientation::FlipVertical,
    Orientation::Rotate90FlipH,
    Orientation::Rotate270FlipH,
];

/// Every EXIF orientation with every staff turn: the encoder's view of the decoded
/// pixels is the picture `image` itself would have turned.
#[test]
fn the_turned_view_is_the_turned_picture() {
    let grey = image::GrayImage::from_fn(7, 5, |x, y| image::Luma([(y * 7 + x) as u8]));
    let source = DynamicImage::ImageLuma8(grey);
    for orientation in ORIENTATIONS {
        for quarter_turns in 0..4 {
            let turn = Turn {
                orientation,
                quarter_turns,
            };
            let expected = turn.apply(source.clone()).into_luma8();
            let view = TurnedView::new(&source, turn, true);
            assert_eq!(
                (u32::from(view.width()), u32::from(view.height())),
                expected.dimensions(),
                "{orientation:?} + {quarter_turns}"
            );
            for y in 0..view.height() {
                let mut buffers: [Vec<u8>; 4] = Default::default();
                view.fill_buffers(y, &mut buffers);
                let row: Vec<u8> = (0..expected.width())
                    .map(|x| expected.get_pixel(x, u32::from(y)).0[0])
                    .collect();
                assert_eq!(
                    buffers[0], row,
                    "{orientation:?} + {quarter_turns}, row {y}"
                );
            }
        }
    }
}

#[test]
fn a_turned_encode_matches_encoding_the_turned_picture() {
    let rgb = image::RgbImage::from_fn(64, 40, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 6) as u8, ((x + y) * 2) as u8])
    });
    let source = DynamicImage::ImageRgb8(rgb);
    let turn = Turn {
        orientation: Orientation::Rotate90FlipH,
        quarter_turns: 2,
    };
    let direct = encode_jpeg(&source, turn, 90).unwrap();
    let turned = turn.apply(source.clone());
    let reference = encode_jpeg(
        &turned,
        Turn {
            orientation: Orientation::NoTransforms,
            quarter_turns: 0,
        },
        90,
    )
    .unwrap();
    let a = image::load_from_memory(&direct).unwrap().into_rgb8();
    let b = image::load_from_memory(&reference).unwrap().into_rgb8();
    assert_eq!(a.dimensions(), (40, 64));
    let worst = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(p, q)| p.abs_diff(*q))
        .max();
    assert!(worst <= Some(3), "largest difference {worst:?}");
}
