//! The Review section's commands: the queue, a case, its notes and decisions. Thin: who may
//! decide what is the engine's rule.

use branchdesk_engine::review::{Case, CaseSummary, Decision};
use tauri::State;

use crate::state::AppState;
use crate::UiError;

type Answer<T> = Result<T, UiError>;

/// Every case waiting for a person, longest waiting first.
#[tauri::command(async)]
pub fn review_queue(state: State<'_, AppState>) -> Answer<Vec<CaseSummary>> {
    Ok(state.desk().review_queue()?)
}

/// Opens a case, claiming it for the signed-in reviewer when nobody else has it.
#[tauri::command(async)]
pub fn review_open(state: State<'_, AppState>, id: String) -> Answer<Case> {
    let by = state.acting()?;
    Ok(state.desk().open_case(&id, &by)?)
}

/// A masked value in full, for as long as it is shown; the reveal is audited.
#[tauri::command(async)]
pub fn review_reveal(state: State<'_, AppState>, id: String, path: String) -> Answer<String> {
    let by = state.acting()?;
    Ok(state.desk().reveal_field(&id, &path, &by)?)
}

/// Adds a note to a case; the case as it now stands.
#[tauri::command(async)]
pub fn review_note(state: State<'_, AppState>, id: String, body: String) -> Answer<Case> {
    let by = state.acting()?;
    let desk = state.desk();
    desk.add_case_note(&id, &body, &by)?;
    Ok(desk.view_case(&id, &by)?)
}

/// Decides a case: approve, reject or send back, with its reason.
#[tauri::command(async)]
pub fn review_decide(state: State<'_, AppState>, id: String, decision: Decision) -> Answer<()> {
    let by = state.acting()?;
    Ok(state.desk().decide_case(&id, &decision, &by)?)
}

/// An admin releases a case someone has in hand.
#[tauri::command(async)]
pub fn review_release(state: State<'_, AppState>, id: String) -> Answer<Case> {
    let by = state.acting()?;
    let desk = state.desk();
    desk.release_case(&id, &by)?;
    Ok(desk.view_case(&id, &by)?)
}

/// The maker takes a draft back from its check to change it.
#[tauri::command(async)]
pub fn draft_withdraw(state: State<'_, AppState>, id: String) -> Answer<()> {
    let by = state.acting()?;
    Ok(state.desk().withdraw_from_check(&id, &by)?)
}
