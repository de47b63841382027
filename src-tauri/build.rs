fn main() {
    // Declaring the app's commands makes each one a permission of its own, so the
    // capability file can grant the main window exactly the commands it uses.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "ui_ready",
        "connectivity",
        "draft_create",
        "draft_get",
        "draft_save",
        "draft_list",
        "draft_duplicate",
        "draft_delete",
        "draft_validate",
        "draft_submit",
        "submission_status",
        "cos_customers",
        "queue_summary",
        "activity",
        "settings_get",
        "connection_save",
        "connection_remove",
        "connection_test",
        "training_set",
        "scan_choose",
        "scan_remove",
        "scan_thumbnail",
        "scan_rotate",
        "scan_accept_warnings",
        "scan_attach_drop",
        "drops_watch",
        "scanner_tray",
        "scanner_folder_choose",
        "scanner_folder_clear",
        "scanner_assign",
        "fin_terms",
        "fin_terms_open",
        "fin_terms_confirm",
        "upload_cancel",
        "uploads_watch",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build configuration is valid");
}
