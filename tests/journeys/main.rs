//! User journeys in the real Branchdesk window: the app binary is launched by tauri-driver
//! and driven over WebDriver (WebKitWebDriver) on a virtual display. `cargo xtask test`
//! builds the app, provides the display and session bus, and runs these with `--ignored`.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod app_log;
mod appearance;
mod bvnk;
mod cos_owners;
mod cos_personal;
mod cos_resolve;
mod counter;
mod drafts_list;
mod fin;
mod form;
mod harness;
mod keyboard;
mod native_dialog;
mod offline;
mod one_desk;
mod opening;
mod prefill;
mod restore;
mod review;
mod scans;
mod settings;
mod spanish;
