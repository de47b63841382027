//! Drafts → Import customers: a CSV file chosen in the system's dialog, checked whole in
//! Rust, its problems (row, column, message) and the count of valid rows answered to the
//! page; the valid rows stored when staff choose. The file's path and contents stay here:
//! the page only ever sees the problem list. Thin: the checking and storing are the
//! engine's (`branchdesk_engine::import_csv`).

use std::path::PathBuf;
use std::sync::Mutex;

use branchdesk_engine::import_csv::{self, CsvCheck, CsvError};
use tauri::State;

use crate::state::AppState;
use crate::UiError;

type Answer<T> = Result<T, UiError>;

/// The file checked last and what its check found, until its valid rows are stored or
/// staff cancel. One window, one import at a time; kept here rather than in the app state
/// because nothing else needs it.
static CHECKED: Mutex<Option<(PathBuf, CsvCheck)>> = Mutex::new(None);

fn checked() -> std::sync::MutexGuard<'static, Option<(PathBuf, CsvCheck)>> {
    // Only a path and a check are kept: a panic elsewhere cannot leave them half-written.
    CHECKED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> branchdesk_engine::Result<T> + Send + 'static,
) -> Answer<T> {
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| branchdesk_engine::Error::WorkLost)??)
}

/// Opens the system's dialog for a CSV file of customers and checks the whole file;
/// `None` when staff cancel. Nothing is stored.
#[tauri::command]
pub async fn customers_import_check(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Answer<Option<CsvCheck>> {
    state.acting()?;
    let Some(path) = crate::dialog::pick_customers_file(&app).await else {
        return Ok(None);
    };
    *checked() = None;
    let desk = state.desk();
    let file = path.clone();
    let check = blocking(move || import_csv::check(&desk, &file)).await?;
    *checked() = Some((path, check.clone()));
    // Each problem in the rule's words, in the window's language.
    let language = crate::words::current();
    let mut check = check;
    for problem in &mut check.problems {
        problem.message = crate::words::say(&problem.message, language);
    }
    Ok(Some(check))
}

/// Stores the valid rows of the file checked last, in one transaction; how many drafts
/// were stored. A file changed since its check is refused and nothing is stored.
#[tauri::command]
pub async fn customers_import_store(state: State<'_, AppState>) -> Answer<u64> {
    state.acting()?;
    let Some((path, check)) = checked().take() else {
        return Err(branchdesk_engine::Error::from(CsvError::NotChecked).into());
    };
    let desk = state.desk();
    let stored = blocking(move || import_csv::store(&desk, &path, &check)).await?;
    Ok(stored.ids.len() as u64)
}

/// Staff cancelled: the checked file is forgotten.
#[tauri::command]
pub async fn customers_import_cancel() -> Answer<()> {
    *checked() = None;
    Ok(())
}
