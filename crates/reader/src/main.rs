//! `branchdesk-reader`: the process the app starts for each read of a scan (its checks and
//! conversion, a turn, the licence barcode, the passport zone, the viewer's pictures). It
//! answers one request on standard input and ends; see `branchdesk_documents::worker`.
//!
//! A program of its own so that the decoders of what customers hand in are linked into
//! nothing else, and so that a read starts in a millisecond: the app's executable, which
//! links the window's toolkit, took 80–180 ms and 52 MB just to start.

// Started with its pipes by the app; a console of its own would only flash up on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    branchdesk_documents::worker::serve()
}
