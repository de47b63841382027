#![no_main]
//! Type sniffing and the structure walks that decide truncation, on arbitrary
//! bytes. Every walker runs on every input, not only the one the sniffed type
//! picks, so a JPEG walk also meets bytes that merely start like a JPEG.

use branchdesk_documents::fuzzing::{completeness, sniff, strip_jpeg_metadata};
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
    // What metadata stripping keeps is itself a complete JPEG, never larger, and
    // stripping it again changes nothing.
    if let Some(kept) = strip_jpeg_metadata(data) {
        assert!(kept.len() <= data.len());
        assert_eq!(completeness(Format::Jpeg, &kept), Some(true));
        assert_eq!(strip_jpeg_metadata(&kept).as_deref(), Some(kept.as_slice()));
    }
    // The verdict on a file must not depend on bytes after the header.
    if data.len() > 8 * 1024 {
        assert_eq!(sniff(&data[..8 * 1024]), format);
    }
});
