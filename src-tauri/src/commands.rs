//! The commands the window may call. Each is thin: it hands over to the engine and turns
//! the answer into the types the UI knows (see `ui/types/bindings.d.ts`). Every one runs
//! off the main thread (`async`, or `#[tauri::command(async)]` for those with no await):
//! each touches the vault, the keyring, the network or a lock, and a slow disk must never
//! freeze the window while staff type.
//!
//! The drafts', scans', connections' and providers' commands, each a few lines of
//! hand-over. The window's own (its start, appearance, welcome, connectivity) are in
//! `window.rs`; the areas with state of their own (people, review, prefill, import, backup,
//! the viewer) have their own files.

use branchdesk_domain::draft::{Draft, PartyKind, Provider, ScanSlot};
use branchdesk_domain::fin::{latin_suggestions, LatinSuggestion};
use branchdesk_domain::form::{self, FieldValue};
use branchdesk_domain::options::FieldOptions;
use branchdesk_domain::scan_slots::{scan_slots, SlotSpec};
use branchdesk_domain::validate::Issue;
use branchdesk_engine::activity::{Activity, ActivityQuery};
use branchdesk_engine::connection_save::{save_connection, Change};
use branchdesk_engine::flows::cos::owners::CosCustomer;
use branchdesk_engine::records::{
    DraftListItem, DraftRecord, QueueSummary, Saved, Submission, Terms, UploadView,
};
use branchdesk_engine::scanner::{self, AssignedScan};
use branchdesk_engine::scans::ScanPreview;
use branchdesk_engine::setup::{self, ConnectionInput, ConnectionView, Settings};
use branchdesk_engine::Environment;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use crate::intake::{DropEvent, Drops, Scanner, TrayView};
use crate::state::AppState;
use crate::words;
use crate::UiError;

type Answer<T> = Result<T, UiError>;

#[tauri::command(async)]
pub fn draft_create(
    state: State<'_, AppState>,
    kind: PartyKind,
    provider: Option<Provider>,
) -> Answer<DraftRecord> {
    Ok(state
        .desk()
        .create_draft_for(kind, provider.unwrap_or_default())?)
}

#[tauri::command(async)]
pub fn draft_get(state: State<'_, AppState>, id: String) -> Answer<DraftRecord> {
    Ok(words::record(
        state.desk().get_draft(&id)?,
        words::current(),
    ))
}

#[tauri::command(async)]
pub fn draft_save(state: State<'_, AppState>, id: String, draft: Draft) -> Answer<Saved> {
    Ok(state.desk().save_draft_as(&id, &draft, &state.acting()?)?)
}

#[tauri::command(async)]
pub fn draft_list(
    state: State<'_, AppState>,
    search: String,
    state_filter: Option<String>,
) -> Answer<Vec<DraftListItem>> {
    Ok(state
        .desk()
        .list_drafts(&search, state_filter.as_deref().unwrap_or(""))?)
}

#[tauri::command(async)]
pub fn draft_duplicate(state: State<'_, AppState>, id: String) -> Answer<DraftRecord> {
    Ok(state.desk().duplicate_draft(&id)?)
}

#[tauri::command(async)]
pub fn draft_delete(state: State<'_, AppState>, id: String) -> Answer<()> {
    Ok(state.desk().delete_draft(&id)?)
}

/// Hides a sent draft from the Drafts list, keeping everything it has; it stays under the
/// Archived filter.
#[tauri::command(async)]
pub fn draft_archive(state: State<'_, AppState>, id: String) -> Answer<()> {
    Ok(state.desk().archive_draft_as(&id, &state.acting()?)?)
}

/// Brings an archived draft back into the Drafts list.
#[tauri::command(async)]
pub fn draft_unarchive(state: State<'_, AppState>, id: String) -> Answer<()> {
    Ok(state.desk().unarchive_draft_as(&id, &state.acting()?)?)
}

/// The rules' verdict on a draft as staff type it, and the Latin forms the form offers
/// beside the `_en` fields Fin.com needs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Validation {
    pub issues: Vec<Issue>,
    pub suggestions: Vec<LatinSuggestion>,
    /// The fields the provider's rules require of this draft, to be marked as such.
    pub required: Vec<String>,
    /// Values to show in their tidy form once staff leave the field (dates, state codes).
    pub tidy: Vec<FieldValue>,
    /// The Scans step's slots for this draft's document, and which the provider needs.
    pub slots: Vec<SlotSpec>,
    /// The numbers shown masked (tax ids, document numbers), as the Review page shows them.
    pub masked: Vec<FieldValue>,
}

#[tauri::command(async)]
pub fn draft_validate(state: State<'_, AppState>, draft: Draft) -> Validation {
    Validation {
        issues: crate::words::issues(state.desk().validate(&draft), crate::words::current()),
        suggestions: latin_suggestions(&draft),
        required: form::required_fields_today(&draft),
        tidy: form::tidy_values(&draft),
        slots: scan_slots(&draft, state.desk().fin_attach_config()),
        masked: form::masked_values(&draft),
    }
}

/// The pick lists of the fields whose values are provider codes, with their words.
#[tauri::command(async)]
pub fn field_options() -> FieldOptions {
    branchdesk_domain::options::field_options()
}

#[tauri::command(async)]
pub fn draft_submit(state: State<'_, AppState>, id: String, draft: Draft) -> Answer<Submission> {
    Ok(crate::words::submission(state.desk().submit_as(
        &id,
        &draft,
        &state.acting()?,
    )?))
}

#[tauri::command]
pub async fn submission_status(state: State<'_, AppState>, id: String) -> Answer<Submission> {
    let desk = state.desk();
    Ok(crate::words::submission(desk.submission_status(&id).await?))
}

#[tauri::command(async)]
pub fn cos_customers(state: State<'_, AppState>) -> Answer<Vec<CosCustomer>> {
    Ok(state.desk().cos_customers()?)
}

#[tauri::command(async)]
pub fn queue_summary(state: State<'_, AppState>) -> Answer<QueueSummary> {
    Ok(state.desk().queue_summary()?)
}

#[tauri::command(async)]
pub fn activity(
    state: State<'_, AppState>,
    draft: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<u64>,
) -> Answer<Activity> {
    Ok(crate::words::activity(state.desk().activity_page(
        &ActivityQuery {
            draft: draft.as_deref(),
            outcome: outcome.as_deref().unwrap_or(""),
            from: from.as_deref(),
            to: to.as_deref(),
            before,
        },
    )?))
}

/// Settings as the Settings view shows them: no secret ever leaves Rust.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Whether the app runs in Training mode now (it may have fallen back to it).
    pub training: bool,
    pub environment: Environment,
    pub connections: Vec<ConnectionView>,
    /// The watched scanner folder, if one is set.
    pub scanner_folder: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConnectionCheck {
    pub message: String,
}

fn settings_view(state: &AppState) -> Answer<SettingsView> {
    let settings = Settings::load(&state.data_dir);
    let environment = state.desk().environment();
    Ok(SettingsView {
        // The mode the app is in, not the one last asked for: without a usable connection
        // the app stays in Training whatever the setting says.
        training: environment == Environment::Training,
        scanner_folder: settings.scanner_folder.map(|dir| dir.display().to_string()),
        environment,
        connections: state
            .vault()?
            .list_connections()
            .map_err(branchdesk_engine::Error::from)?
            .iter()
            .map(ConnectionView::from)
            .collect(),
    })
}

#[tauri::command(async)]
pub fn settings_get(state: State<'_, AppState>) -> Answer<SettingsView> {
    settings_view(&state)
}

#[tauri::command]
pub async fn connection_save(
    state: State<'_, AppState>,
    input: ConnectionInput,
) -> Answer<SettingsView> {
    // The engine's rule, as the CLI's: refused while work is queued (on the workstation's
    // vault or the desk in use) before anything is written, unless it gives back the
    // missing secret of the connection that work is for.
    let desk = state.desk();
    let vault = state.vault()?;
    let (_, change) = save_connection(&vault, &[desk.vault()], &state.secrets, &input)?;
    drop((desk, vault));
    let settings = Settings::load(&state.data_dir);
    if !settings.training {
        // Out of Training the desk works on the connection itself: move it onto the new one.
        match change {
            Change::Replaced => state.apply(&settings).await?,
            // Same destination, so queued work may stay queued while the desk is rebuilt.
            Change::SecretGivenBack => state.rebuild(&settings).await?,
        }
    }
    settings_view(&state)
}

#[tauri::command]
pub async fn connection_remove(state: State<'_, AppState>, id: String) -> Answer<SettingsView> {
    let id = id.parse().map_err(|_| branchdesk_engine::Error::NotFound)?;
    // Refused before anything is removed: the apply below would refuse after the removal.
    let desk = state.desk();
    setup::ensure_queue_empty(&[desk.vault()])?;
    drop(desk);
    let vault = state.vault()?;
    setup::remove_connection(&vault, &state.secrets, id)?;
    drop(vault);
    // Without its connection the desk cannot stay on it: back to what the settings allow.
    state.apply(&Settings::load(&state.data_dir)).await?;
    settings_view(&state)
}

#[tauri::command]
pub async fn connection_test(state: State<'_, AppState>, id: String) -> Answer<ConnectionCheck> {
    let id = id.parse().map_err(|_| branchdesk_engine::Error::NotFound)?;
    let connection = state
        .vault()?
        .get_connection(id)
        .map_err(branchdesk_engine::Error::from)?
        .ok_or(branchdesk_engine::Error::NotFound)?;
    let message = setup::test_connection(&connection, &state.secrets).await?;
    Ok(ConnectionCheck {
        message: crate::words::say(&message, crate::words::current()),
    })
}

#[tauri::command]
pub async fn training_set(state: State<'_, AppState>, on: bool) -> Answer<SettingsView> {
    let settings = Settings {
        training: on,
        ..Settings::load(&state.data_dir)
    };
    state.apply(&settings).await?;
    settings_view(&state)
}

/// Opens the native file dialog for a slot and attaches the chosen file. `None` when staff
/// cancel. The file is read, checked and encrypted in Rust; the page gets the checks and a
/// thumbnail on `on_preview` while the upload copy is made, then the stored slots.
#[tauri::command]
pub async fn scan_choose(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    draft_id: String,
    slot: String,
    on_preview: Channel<ScanPreview>,
) -> Answer<Option<Vec<ScanSlot>>> {
    let Some(path) = crate::dialog::pick_scan(&app).await else {
        return Ok(None);
    };
    let desk = state.desk();
    let scans =
        blocking(move || desk.attach_scan_with(&draft_id, &slot, &path, &mut forward(&on_preview)))
            .await?;
    Ok(Some(words::scans(scans, words::current())))
}

/// Hands a preview to the page, its checks in the window's language; a page that went
/// away (reload) simply misses it.
fn forward(channel: &Channel<ScanPreview>) -> impl FnMut(ScanPreview) + '_ {
    move |preview| {
        let _ = channel.send(words::preview(preview, words::current()));
    }
}

#[tauri::command(async)]
pub fn scan_remove(
    state: State<'_, AppState>,
    draft_id: String,
    slot: String,
) -> Answer<Vec<ScanSlot>> {
    Ok(words::scans(
        state.desk().remove_scan(&draft_id, &slot)?,
        words::current(),
    ))
}

#[tauri::command(async)]
pub fn scan_thumbnail(state: State<'_, AppState>, thumbnail_id: String) -> Answer<String> {
    Ok(state.desk().thumbnail(&thumbnail_id)?)
}

/// Turns a scan a quarter (or more) and checks it again.
#[tauri::command]
pub async fn scan_rotate(
    state: State<'_, AppState>,
    draft_id: String,
    slot: String,
    quarter_turns: i32,
) -> Answer<Vec<ScanSlot>> {
    let desk = state.desk();
    let scans = blocking(move || desk.rotate_scan(&draft_id, &slot, quarter_turns)).await?;
    Ok(words::scans(scans, words::current()))
}

/// Keeps a scan despite its warnings, for the reason staff give (audited).
#[tauri::command(async)]
pub fn scan_accept_warnings(
    state: State<'_, AppState>,
    draft_id: String,
    slot: String,
    reason: String,
) -> Answer<Vec<ScanSlot>> {
    let scans =
        state
            .desk()
            .accept_scan_warnings_as(&draft_id, &slot, &reason, &state.acting()?)?;
    Ok(words::scans(scans, words::current()))
}

/// Attaches the file dropped onto `slot` (drop `drop_id`, as the drop event named it).
#[tauri::command]
pub async fn scan_attach_drop(
    state: State<'_, AppState>,
    drops: State<'_, Drops>,
    draft_id: String,
    slot: String,
    drop_id: u32,
    on_preview: Channel<ScanPreview>,
) -> Answer<Vec<ScanSlot>> {
    let path = drops.take(drop_id)?;
    let desk = state.desk();
    let scans =
        blocking(move || desk.attach_scan_with(&draft_id, &slot, &path, &mut forward(&on_preview)))
            .await?;
    Ok(words::scans(scans, words::current()))
}

/// Subscribes the page to files being dragged over and dropped onto the window.
#[tauri::command(async)]
pub fn drops_watch(drops: State<'_, Drops>, on_event: Channel<DropEvent>) {
    drops.subscribe(on_event);
}

/// The "From scanner" tray as it is now; later changes arrive on `on_change`.
#[tauri::command(async)]
pub fn scanner_tray(scanner: State<'_, Scanner>, on_change: Channel<TrayView>) -> TrayView {
    scanner.subscribe(on_change)
}

/// Chooses the scanner folder with the system's folder dialog and starts watching it.
/// `None` when staff cancel.
#[tauri::command]
pub async fn scanner_folder_choose(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    scanner: State<'_, Scanner>,
) -> Answer<Option<TrayView>> {
    let Some(dir) = crate::dialog::pick_folder(&app).await else {
        return Ok(None);
    };
    let settings = Settings {
        scanner_folder: Some(dir.clone()),
        ..Settings::load(&state.data_dir)
    };
    settings.save(&state.data_dir)?;
    scanner.set_folder(Some(&dir));
    Ok(Some(scanner.view()))
}

/// Stops watching the scanner folder (its files stay where they are).
#[tauri::command(async)]
pub fn scanner_folder_clear(
    state: State<'_, AppState>,
    scanner: State<'_, Scanner>,
) -> Answer<TrayView> {
    let settings = Settings {
        scanner_folder: None,
        ..Settings::load(&state.data_dir)
    };
    settings.save(&state.data_dir)?;
    scanner.set_folder(None);
    Ok(scanner.view())
}

/// Attaches a file from the scanner tray to `slot`; it leaves the folder once it is stored
/// encrypted in the draft.
#[tauri::command]
pub async fn scanner_assign(
    state: State<'_, AppState>,
    scanner: State<'_, Scanner>,
    draft_id: String,
    slot: String,
    name: String,
    on_preview: Channel<ScanPreview>,
) -> Answer<AssignedScan> {
    let path = scanner.with_folder(|folder| folder.path_of(&name))?;
    let desk = state.desk();
    let assigned = blocking(move || {
        scanner::assign(&desk, &draft_id, &slot, &path, &mut forward(&on_preview))
    })
    .await?;
    Ok(AssignedScan {
        scans: words::scans(assigned.scans, words::current()),
        ..assigned
    })
}

/// Decoding and re-encoding a photo takes a moment: off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> branchdesk_engine::Result<T> + Send + 'static,
) -> Answer<T> {
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| branchdesk_engine::Error::WorkLost)??)
}

/// Fin.com's terms for the customer of a draft: the link, its QR code, and whether the
/// acceptance is recorded. `None` until Fin.com has created the customer.
#[tauri::command(async)]
pub fn fin_terms(state: State<'_, AppState>, draft_id: String) -> Answer<Option<Terms>> {
    Ok(state.desk().terms(&draft_id)?)
}

/// Opens the draft's terms page in the system browser, for the customer to read on the
/// counter's screen. Only the link Fin.com gave for this draft is ever opened.
#[tauri::command(async)]
pub fn fin_terms_open(state: State<'_, AppState>, draft_id: String) -> Answer<()> {
    let desk = state.desk();
    let terms = desk
        .terms(&draft_id)?
        .ok_or(branchdesk_engine::Error::NotFound)?;
    // The engine checked the link already; the shell asks again right before handing it to
    // the system, so nothing but an https page on Fin.com's own domain is ever opened.
    let url = desk.checked_terms_url(&terms.url)?;
    // The `open` crate, which Tauri's opener plugin calls too: the page never opens
    // anything itself, so the plugin (and its D-Bus code for showing files) is not needed.
    open::that_detached(url.as_str()).map_err(|error| {
        // The launcher's own words (program, exit status) are for the log, not for staff.
        tracing::warn!(%error, "no browser could be opened for Fin.com's terms");
        UiError::no_browser()
    })
}

/// Records that the customer accepted the terms (by the person signed in) and
/// lets the submission go on.
#[tauri::command(async)]
pub fn fin_terms_confirm(state: State<'_, AppState>, draft_id: String) -> Answer<Option<Terms>> {
    let desk = state.desk();
    desk.confirm_terms(&draft_id, &state.acting()?.name)?;
    Ok(desk.terms(&draft_id)?)
}

/// What staff found at Fin.com about a customer whose creation went unanswered: its Fin.com
/// customer id (the submission goes on with that customer), or none (it was not created:
/// the request is sent again). Recorded as the signed-in person's decision.
#[tauri::command]
pub async fn fin_customer_resolve(
    state: State<'_, AppState>,
    draft_id: String,
    customer_id: Option<String>,
) -> Answer<Submission> {
    let desk = state.desk();
    let by = state.acting()?;
    Ok(crate::words::submission(
        desk.resolve_unknown_fin_customer(&draft_id, customer_id.as_deref(), &by.name)
            .await?,
    ))
}

/// What staff found at Cross River about a customer whose creation's outcome is unknown:
/// its COS customer id (checked at COS against the draft's client identifier; the
/// submission goes on with that customer), or none (it was not created: the request is sent
/// again). Recorded as the signed-in person's decision.
#[tauri::command]
pub async fn cos_customer_resolve(
    state: State<'_, AppState>,
    draft_id: String,
    customer_id: Option<String>,
) -> Answer<Submission> {
    let desk = state.desk();
    let by = state.acting()?;
    Ok(crate::words::submission(
        desk.resolve_unknown_cos_customer(&draft_id, customer_id.as_deref(), &by.name)
            .await?,
    ))
}

/// What staff found at BVNK about a customer whose creation's answer could not be read:
/// its reference (checked at BVNK against the draft's external reference; the submission
/// goes on with that customer), or none (it was not created: it is planned again, and BVNK
/// refuses a second customer with the same external reference). Recorded as the signed-in
/// person's decision.
#[tauri::command]
pub async fn bvnk_customer_resolve(
    state: State<'_, AppState>,
    draft_id: String,
    reference: Option<String>,
) -> Answer<Submission> {
    let desk = state.desk();
    let by = state.acting()?;
    Ok(crate::words::submission(
        desk.resolve_unknown_bvnk_customer(&draft_id, reference.as_deref(), &by.name)
            .await?,
    ))
}

/// Stops the upload in flight for a draft; it then needs attention and can be sent again.
#[tauri::command(async)]
pub fn upload_cancel(state: State<'_, AppState>, draft_id: String) -> Answer<bool> {
    Ok(state.desk().cancel_upload(&draft_id)?)
}

/// Subscribes the page to upload progress (running totals, throttled by the client).
#[tauri::command(async)]
pub fn uploads_watch(state: State<'_, AppState>, on_progress: Channel<UploadView>) {
    let mut progress = state.desk().upload_progress();
    tauri::async_runtime::spawn(async move {
        loop {
            match progress.recv().await {
                Ok(view) => {
                    // The page went away (reload, closed): stop forwarding.
                    if on_progress.send(view).is_err() {
                        return;
                    }
                }
                // Fell behind: the next report carries the running total anyway.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}
