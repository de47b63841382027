//! The reader's crash-test hook, compiled only with the `failpoints` feature (test builds
//! of the CLI): release binaries do not even hold the variable's name.

/// Test builds only: `BRANCHDESK_FAILPOINT=reader_abort` ends the reader as a crashing
/// decoder would; `reader_hog` reserves address space in 256 MB steps until refused, then
/// ends the same way, which only a capped reader reaches.
pub(super) fn failpoint() {
    match std::env::var("BRANCHDESK_FAILPOINT").as_deref() {
        Ok("reader_abort") => {
            eprintln!("failpoint reader_abort reached: aborting");
            std::process::abort();
        }
        Ok("reader_hog") => {
            let mut held: Vec<Vec<u8>> = Vec::new();
            for _ in 0..256 {
                let mut block = Vec::new();
                if block.try_reserve_exact(256 * 1024 * 1024).is_err() {
                    eprintln!("failpoint reader_hog refused after {} MB", held.len() * 256);
                    std::process::abort();
                }
                held.push(block);
            }
        }
        _ => {}
    }
}
