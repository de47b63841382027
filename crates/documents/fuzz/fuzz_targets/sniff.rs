#![no_main]
//! Type sniffing and the structure walks that decide truncation, on arbitrary
//! bytes. Every walker runs on every input, not only the one the sniffed type
//! picks, so a JPEG walk also meets bytes that merely start like a JPEG.

use branchdesk_documents::fuzzing::{completeness, sniff};
use branchdesk_documents::Format;
use libfuzzer_sys::fuzz_target;

const WALKED: [Format; 5] = [
    Format::Jpeg,
    Format::Png,
    Format::Pdf,
    Format::Tiff,
    Format::Webp,
];

fuzz_target!(|data: &[u8]| {
    let format = sniff(data);
    let _ = completeness(format, data);
    for f in WALKED {
        let _ = completeness(f, data);
    }
    // The verdict on a file must not depend on bytes after the header.
    if data.len() > 8 * 1024 {
        assert_eq!(sniff(&data[..8 * 1024]), format);
    }
});
