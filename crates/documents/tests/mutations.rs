//! A deterministic, stable-toolchain stand-in for fuzzing: small valid files of
//! every accepted format, mutated in the ways transfers and attackers damage
//! files. No input may panic, and damage must be refused or survive as a
//! decodable output — never accepted as garbage.

mod common;

use branchdesk_documents::{rotate, CheckConfig};
use common::*;
use image::DynamicImage;

fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let img = DynamicImage::ImageRgb8(card(64, 48));
    vec![
        ("jpeg", jpeg(&img, 85)),
        ("jpeg-exif", jpeg_with_exif(&jpeg(&img, 85), 6, true)),
        ("png", png(&img)),
        ("png-grey16", png(&grey16(40, 30))),
        ("tiff", tiff_pages(2, 32, 24)),
        ("webp", webp_lossless(&img)),
        ("pdf", pdf(2, false)),
        ("pdf-encrypted", pdf(1, true)),
    ]
}

fn mutate(seed: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut b = seed.to_vec();
    let len = b.len() as u32;
    match rng.range(0, 6) {
        0 => {
            for _ in 0..rng.range(1, 9) {
                let i = rng.range(0, len) as usize;
                b[i] ^= 1 << rng.range(0, 8);
            }
        }
        1 => b.truncate(rng.range(0, len) as usize),
        2 => {
            let at = rng.range(0, len) as usize;
            let extra: Vec<u8> = (0..rng.range(1, 64)).map(|_| rng.next() as u8).collect();
            b.splice(at..at, extra);
        }
        3 => {
            let at = rng.range(0, len) as usize;
            let end = (at + rng.range(1, 32) as usize).min(b.len());
            b[at..end].fill(0xFF);
        }
        4 => {
            // Header fields (sizes, lengths, offsets) live in the first bytes.
            let i = rng.range(0, len.min(64)) as usize;
            b[i] = rng.next() as u8;
        }
        _ => {
            let at = rng.range(0, len) as usize;
            let end = (at + rng.range(1, 256) as usize).min(b.len());
            let copy = b[at..end].to_vec();
            let to = rng.range(0, len) as usize;
            b.splice(to..to, copy);
        }
    }
    b
}

#[test]
fn mutated_files_never_panic_and_accepted_output_always_decodes() {
    let cfg = CheckConfig {
        min_long_side_px: 32,
        ..CheckConfig::default()
    };
    let mut rng = Lcg::new(0x5eed);
    let (mut accepted, mut refused) = (0, 0);
    for (name, seed) in seeds() {
        // The unmutated seed must itself be handled, or the test proves little.
        let seed_result = rotate(&seed, 0, &cfg);
        if name == "pdf-encrypted" {
            assert_eq!(seed_result.expect_err("encrypted").code(), "encrypted_pdf");
        } else {
            seed_result.unwrap_or_else(|e| panic!("seed {name} refused: {e}"));
        }
        for i in 0..250 {
            let bytes = mutate(&seed, &mut rng);
            let outcome = std::panic::catch_unwind(|| rotate(&bytes, 0, &cfg));
            match outcome {
                Err(_) => panic!("{name} mutation {i} panicked"),
                Ok(Ok(n)) => {
                    accepted += 1;
                    if n.mime != "application/pdf" {
                        let out = image::load_from_memory(&n.bytes).unwrap_or_else(|e| {
                            panic!("{name} mutation {i}: output undecodable: {e}")
                        });
                        assert_eq!(Some(out.width()), n.width);
                    }
                }
                Ok(Err(e)) => {
                    refused += 1;
                    assert!(
                        e.to_string().len() > 30,
                        "{name} mutation {i}: terse message {e}"
                    );
                }
            }
        }
    }
    eprintln!("mutations: {accepted} accepted, {refused} refused");
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert!(
        accepted > 100 && refused > 500,
        "{accepted} accepted, {refused} refused"
    );
}
