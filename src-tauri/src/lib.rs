//! The Branchdesk desktop shell: the window, app state, and thin commands over the engine.

mod backup;
mod bindings;
mod commands;
mod dialog;
mod error;
mod handover;
mod import;
mod intake;
mod people;
mod prefill;
mod review;
mod startup;
mod state;
mod viewer;
mod window;
mod words;

use branchdesk_engine::logging;
use branchdesk_engine::setup::Settings;
use tauri::{DragDropEvent, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};

pub use error::{ErrorCode, UiError};

pub fn run() {
    let started = std::time::Instant::now();
    let data_dir = match branchdesk_engine::store::data_dir(None) {
        Ok(dir) => dir,
        Err(error) => {
            // No folder, so no log file: standard error and the message box only.
            logging::init_stderr_only();
            startup::fail(&branchdesk_engine::Error::from(error), None)
        }
    };
    let log = match logging::init(&data_dir, "branchdesk-app", logging::Echo::Stderr) {
        Ok(log) => Some(log),
        Err(error) => {
            logging::init_stderr_only();
            tracing::error!(%error, "no log file");
            None
        }
    };
    let logs = log.as_ref().map(logging::LogGuard::dir);
    // One process per data folder, taken before anything in it is opened.
    let folder = match branchdesk_engine::store::FolderLock::acquire(&data_dir, "Branchdesk") {
        Ok(folder) => folder,
        Err(error @ branchdesk_engine::store::VaultError::FolderInUse { .. }) => {
            hand_over(&data_dir, branchdesk_engine::Error::from(error), logs)
        }
        Err(error) => startup::fail(&branchdesk_engine::Error::from(error), logs),
    };
    // A second start of the app on this folder brings this window to the front instead.
    let handover = handover::Handover::listen(&data_dir)
        .inspect_err(
            |error| tracing::warn!(%error, "a second start cannot hand over to this window"),
        )
        .ok();
    let front = handover.as_ref().map(|handover| handover.front.clone());
    let settings = Settings::load(&data_dir);
    // Rust's messages speak the window's language from the first one.
    words::choose(settings.appearance.language);
    let logs = logs.map(std::path::Path::to_path_buf);

    let result = tauri::Builder::default()
        .manage(state::Opening::new(started))
        .invoke_handler(tauri::generate_handler![
            window::app_open,
            window::app_info,
            window::appearance_set,
            window::welcome_get,
            window::welcome_dismiss,
            window::draft_create_sample,
            window::ui_ready,
            window::connectivity,
            commands::draft_create,
            commands::draft_get,
            commands::draft_save,
            commands::draft_list,
            commands::draft_duplicate,
            commands::draft_delete,
            commands::draft_archive,
            commands::draft_unarchive,
            commands::draft_validate,
            commands::field_options,
            commands::draft_submit,
            commands::submission_status,
            commands::cos_customers,
            commands::queue_summary,
            commands::activity,
            commands::settings_get,
            commands::connection_save,
            commands::connection_remove,
            commands::connection_test,
            commands::training_set,
            commands::scan_choose,
            commands::scan_remove,
            commands::scan_thumbnail,
            commands::scan_rotate,
            commands::scan_accept_warnings,
            commands::scan_attach_drop,
            commands::drops_watch,
            commands::scanner_tray,
            commands::scanner_folder_choose,
            commands::scanner_folder_clear,
            commands::scanner_assign,
            commands::fin_terms,
            commands::fin_terms_open,
            commands::fin_terms_confirm,
            commands::fin_customer_resolve,
            commands::cos_customer_resolve,
            commands::bvnk_customer_resolve,
            commands::upload_cancel,
            commands::uploads_watch,
            backup::backup_create,
            backup::backup_restore,
            backup::restore_check,
            people::session_get,
            people::session_sign_in,
            people::session_sign_out,
            people::session_touch,
            people::session_first_admin,
            people::staff_list,
            people::staff_add,
            people::staff_change,
            people::desk_settings_get,
            people::desk_settings_set,
            review::review_queue,
            review::review_open,
            review::review_reveal,
            review::review_note,
            review::review_decide,
            review::review_release,
            review::draft_withdraw,
            viewer::scan_pages,
            prefill::prefill_offer,
            prefill::prefill_accept,
            import::customers_import_check,
            import::customers_import_store,
            import::customers_import_cancel,
        ])
        .setup(move |app| {
            tracing::debug!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "setting up"
            );
            // The window first: the page draws itself, then the desk opens (see
            // state/opening.rs). The webview keeps its own storage under the data folder too,
            // so a test's BRANCHDESK_DATA_DIR isolates everything the app writes. (An
            // incognito webview would keep nothing, but WebKit's WebDriver cannot drive one.)
            // The chosen theme, language and text size are handed to the page before its
            // first script runs, so its first paint is already in them. The window is shown
            // once its page can be used (`window::show`), not before: see there.
            let appearance = serde_json::to_string(&settings.appearance.bounded())?;
            let window = WebviewWindowBuilder::new(app, "main", WebviewUrl::default())
                .title("Branchdesk")
                .inner_size(1280.0, 800.0)
                .min_inner_size(960.0, 640.0)
                .visible(false)
                .data_directory(data_dir.join("webview"))
                .initialization_script(format!("window.__BRANCHDESK_APPEARANCE__ = {appearance};"))
                .build()?;
            tracing::debug!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "window built"
            );
            if let Some(front) = front {
                let app = app.handle().clone();
                let _ = front.set(Box::new(move || {
                    let window = app.get_webview_window("main");
                    let _ = app.run_on_main_thread(move || {
                        if let Some(window) = window {
                            let _ = window.unminimize();
                            let _ = window.show();
                            let _ = window.set_focus();
                        }
                    });
                }));
            }
            let scanner = intake::Scanner::default();
            scanner.set_folder(settings.scanner_folder.as_deref());
            app.manage(scanner);
            app.manage(intake::Drops::default());
            let handle = app.handle().clone();
            let scale = window.scale_factor().unwrap_or(1.0);
            window.on_window_event(move |event| {
                if let WindowEvent::DragDrop(drop) = event {
                    forward_drop(&handle, drop, scale);
                }
            });
            state::open_when_drawn(app.handle().clone(), data_dir, folder, settings, logs)?;
            Ok(())
        })
        .run(context());
    if let Err(error) = result {
        tracing::error!(%error, "Branchdesk stopped with an error");
        std::process::exit(1);
    }
    drop(handover);
    tracing::info!("closed");
}

/// On Linux, WebKitGTK draws the page itself instead of through GPU compositing layers.
/// Branchdesk's screens are forms and pictures with no 3D, video or heavy animation, so
/// the layers buy nothing, and they cost: 80–95 MiB more in the web process, and a size
/// that changed from start to start (`bench/RESULTS.md`), and on the software GL of virtual
/// desktops (common at bank branches) CPU time as well. It also avoids the blank windows
/// some GPU drivers give WebKitGTK's compositor. `BRANCHDESK_GPU_LAYERS=1` keeps WebKit's
/// own choice, for a desktop where the layers are known to help.
///
/// WebKit's own switch (`WEBKIT_DISABLE_COMPOSITING_MODE`) is set before WebKit starts,
/// rather than the webview's setting after it is built: switched then, WebKit had already
/// set up its compositor and took it down again, which cost every start 35–70 ms
/// (`bench/RESULTS.md`). The web process inherits it; so do the programs the app starts
/// (the document reader, the browser for Fin.com's terms), where it changes nothing but a
/// WebKit browser's drawing. `main` calls this first, while the process has one thread, as
/// setting the environment requires.
#[cfg(target_os = "linux")]
pub fn draw_without_gpu_layers() {
    const WEBKIT_SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    let layers_wanted = std::env::var_os("BRANCHDESK_GPU_LAYERS").is_some_and(|v| v == "1");
    if !layers_wanted && std::env::var_os(WEBKIT_SWITCH).is_none() {
        std::env::set_var(WEBKIT_SWITCH, "1");
    }
}

/// The app's configuration and assets, compiled in once.
fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}

/// The data folder is held by another process. When it is another Branchdesk window, that
/// window comes to the front and this process ends quietly; when no app answers (the holder
/// is the CLI), staff are told who holds the folder, as for any start-up failure.
fn hand_over(
    data_dir: &std::path::Path,
    error: branchdesk_engine::Error,
    logs: Option<&std::path::Path>,
) -> ! {
    if handover::ask(data_dir) {
        tracing::info!("the data folder's open window was brought to the front; ending");
        std::process::exit(0);
    }
    startup::fail(&error, logs)
}

/// Hands a drag over the window to the page, in CSS pixels; the dropped paths stay in Rust.
fn forward_drop(app: &tauri::AppHandle, event: &DragDropEvent, scale: f64) {
    let drops = app.state::<intake::Drops>();
    let css = |p: &tauri::PhysicalPosition<f64>| (p.x / scale, p.y / scale);
    match event {
        DragDropEvent::Enter { position, .. } | DragDropEvent::Over { position } => {
            let (x, y) = css(position);
            drops.over(x, y);
        }
        DragDropEvent::Drop { paths, position } => {
            let (x, y) = css(position);
            drops.dropped(paths.clone(), x, y);
        }
        DragDropEvent::Leave => drops.leave(),
        _ => {}
    }
}
