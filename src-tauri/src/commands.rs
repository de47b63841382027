//! The commands the window may call. Each is thin: it hands over to the engine and turns
//! the answer into the types the UI knows (see `ui/types/bindings.d.ts`).

use branchdesk_domain::draft::Person;
use branchdesk_domain::validate::{self, Issue};
use branchdesk_engine::{connectivity, CosOutcome, Environment};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;
use crate::UiError;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub environment: Environment,
    pub version: String,
    /// Where the built-in sandbox listens, in Training mode.
    pub training_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Connectivity {
    pub online: bool,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        environment: state.workstation.environment(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        training_url: state.training_url(),
    }
}

/// The page calls this once it can be used; start-up is measured up to here.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>) {
    let elapsed = state.started.elapsed();
    tracing::info!(elapsed_ms = elapsed.as_millis() as u64, "window ready");
    if std::env::var_os("BRANCHDESK_REPORT_READY").is_some() {
        println!("BRANCHDESK_READY");
    }
}

#[tauri::command]
pub async fn connectivity(state: State<'_, AppState>) -> Result<Connectivity, UiError> {
    Ok(Connectivity {
        online: connectivity::reachable(state.workstation.cos_base_url()).await,
    })
}

#[tauri::command]
pub fn validate_cos_personal(person: Person) -> Vec<Issue> {
    validate::person(&person)
}

#[tauri::command]
pub async fn submit_cos_personal(
    state: State<'_, AppState>,
    person: Person,
) -> Result<CosOutcome, UiError> {
    Ok(state.workstation.submit_cos_personal(&person).await?)
}

#[tauri::command]
pub async fn cos_customer_status(
    state: State<'_, AppState>,
    customer_id: String,
) -> Result<CosOutcome, UiError> {
    Ok(state.workstation.cos_status(&customer_id).await?)
}
