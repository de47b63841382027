//! The document viewer's command: a scan's pages at full resolution, for as long as the
//! review's viewer shows them. Decrypted and re-encoded in Rust, handed to the page as
//! `data:` URLs only; nothing is written to disk.

use branchdesk_engine::scan_view::{self, ScanPage};
use tauri::State;

use crate::state::AppState;
use crate::UiError;

type Answer<T> = Result<T, UiError>;

/// The pages of the scan in `slot` of a draft: one for a photo, each page's scanned
/// picture for a PDF. Decrypting and scaling a scan takes a moment: off the async workers.
#[tauri::command]
pub async fn scan_pages(
    state: State<'_, AppState>,
    draft_id: String,
    slot: String,
) -> Answer<Vec<ScanPage>> {
    // Only for someone signed in: the window behind the lock shows no scan.
    state.acting()?;
    let desk = state.desk();
    Ok(
        tokio::task::spawn_blocking(move || scan_view::scan_pages(desk.vault(), &draft_id, &slot))
            .await
            .map_err(|_| branchdesk_engine::Error::WorkLost)??,
    )
}
