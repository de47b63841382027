// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // First, while this is the process's only thread: it sets WebKit's environment.
    #[cfg(target_os = "linux")]
    branchdesk_app::draw_without_gpu_layers();
    // Every scan is read by `branchdesk-reader`, installed beside this executable: the
    // decoders of what customers hand in are not linked into the app at all.
    if let Err(error) = branchdesk_engine::document_reader::isolate_beside_this_executable() {
        // Each read then says the reader is missing; the rest of the app works.
        eprintln!("the document reader cannot be located ({error})");
    }
    branchdesk_app::run();
}
