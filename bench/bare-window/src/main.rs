//! The reference that Branchdesk's start-up time and memory are measured against: the
//! smallest Tauri window that reports ready the same way the app does.

/// `page_ms` is the page's own clock (since its navigation began), as the app's page sends.
#[tauri::command]
fn ui_ready(page_ms: Option<u64>) {
    println!("BRANCHDESK_READY");
    eprintln!("window ready page_ms={}", page_ms.unwrap_or_default());
}

fn main() {
    // The same milestones the app logs, on standard error (the bench discards it), to see
    // where the two starts differ.
    let started = std::time::Instant::now();
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .setup(move |app| {
            eprintln!("setting up elapsed_ms={}", started.elapsed().as_millis());
            let mut window = tauri::WebviewWindowBuilder::new(app, "main", Default::default())
                .title("bare window")
                .inner_size(1280.0, 800.0);
            if let Some(dir) = std::env::var_os("BRANCHDESK_DATA_DIR") {
                window = window.data_directory(std::path::PathBuf::from(dir).join("webview"));
            }
            window.build()?;
            eprintln!("window built elapsed_ms={}", started.elapsed().as_millis());
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("bare window: {error}");
        std::process::exit(1);
    }
}
