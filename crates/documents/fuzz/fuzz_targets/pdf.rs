#![no_main]
//! The PDF reader on arbitrary bytes: trailer, cross-reference (and its
//! repair), catalogue and page tree. Inputs that do not start like a PDF are
//! made to, so the run is spent inside lopdf rather than on rejected headers.

use branchdesk_documents::fuzzing::pdf_pages;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"%PDF-") {
        let _ = pdf_pages(data);
    } else {
        let mut file = b"%PDF-1.4\n".to_vec();
        file.extend_from_slice(data);
        let _ = pdf_pages(&file);
    }
});
