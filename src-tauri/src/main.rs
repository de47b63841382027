// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // Started as the document reader (`--read-document`): one read, then out, before
    // anything of the window exists.
    if let Some(code) = branchdesk_engine::document_reader::serve_or_isolate() {
        return code;
    }
    branchdesk_app::run();
    std::process::ExitCode::SUCCESS
}
