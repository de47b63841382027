//! Prefill from the document itself: what a scan's barcode offers the draft, and the
//! fields staff accept. Thin: reading and matching are the engine's and the domain's.

use branchdesk_domain::prefill::offer::Offer;
use branchdesk_engine::records::DraftRecord;
use tauri::State;

use crate::state::AppState;
use crate::UiError;

type Answer<T> = Result<T, UiError>;

/// What the scan in `slot` offers the draft, read from the document itself (a licence's
/// barcode); `None` when nothing could be read.
#[tauri::command]
pub async fn prefill_offer(
    state: State<'_, AppState>,
    draft_id: String,
    slot: String,
) -> Answer<Option<Offer>> {
    state.acting()?;
    let desk = state.desk();
    Ok(
        tokio::task::spawn_blocking(move || desk.prefill_offer(&draft_id, &slot))
            .await
            .map_err(|_| branchdesk_engine::Error::WorkLost)??,
    )
}

/// Fills the chosen fields from the scan in `slot`; audited (which fields, not values).
#[tauri::command]
pub async fn prefill_accept(
    state: State<'_, AppState>,
    draft_id: String,
    slot: String,
    paths: Vec<String>,
) -> Answer<DraftRecord> {
    let by = state.acting()?;
    let desk = state.desk();
    let record =
        tokio::task::spawn_blocking(move || desk.accept_prefill(&draft_id, &slot, &paths, &by))
            .await
            .map_err(|_| branchdesk_engine::Error::WorkLost)??;
    Ok(crate::words::record(record, crate::words::current()))
}
