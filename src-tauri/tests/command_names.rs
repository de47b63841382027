//! A command's name is written in four places: the manifest in `build.rs` (which makes it a
//! permission), the capability that grants it to the main window, the handler list in
//! `lib.rs`, and the page's `ui/api.js` (with `ui/ipc.js`, which holds the two calls the
//! window's shell makes before `api.js` is loaded). Nothing in the compiler ties them together, so a
//! command added to three of them fails only at run time, in the window. This test reads
//! all four (and the command functions themselves) and names any that differ.
//!
//! It also holds the rule that no command blocks the main thread: each is `async fn` or
//! `#[tauri::command(async)]`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The quoted strings between `start` and the next `end` in `text`.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let to = from + text[from..].find(end).unwrap_or_else(|| panic!("no {end}"));
    text[from..to]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn manifest() -> BTreeSet<String> {
    quoted_between(&read(&root().join("build.rs")), ".commands(&[", "])")
}

fn capability() -> BTreeSet<String> {
    let text = read(&root().join("capabilities/main.json"));
    let json: serde_json::Value = serde_json::from_str(&text).expect("main.json is JSON");
    json["permissions"]
        .as_array()
        .expect("a permissions list")
        .iter()
        .filter_map(|p| p.as_str())
        // Plugins' permissions name their plugin (`dialog:allow-open`); ours do not.
        .filter(|p| !p.contains(':'))
        .map(|p| {
            p.strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{p} is not an allow- permission"))
                .replace('-', "_")
        })
        .collect()
}

fn handler() -> BTreeSet<String> {
    let text = read(&root().join("src/lib.rs"));
    let from =
        text.find("generate_handler![").expect("a handler list") + "generate_handler![".len();
    let to = from + text[from..].find(']').expect("the list ends");
    text[from..to]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap_or(s).to_owned())
        .collect()
}

fn page() -> BTreeSet<String> {
    let text = read(&root().join("../ui/api.js")) + &read(&root().join("../ui/ipc.js"));
    // Every call goes through `call` or, for those answered in order, `inOrder`.
    ["call(\"", "inOrder(\""]
        .iter()
        .flat_map(|opening| text.split(opening).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// Each command function, and whether it runs off the main thread.
fn functions() -> Vec<(String, bool)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root().join("src")).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = read(&path);
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let line = line.trim();
            if !line.starts_with("#[tauri::command") {
                continue;
            }
            let off_main = line.contains("(async)");
            let signature = lines
                .by_ref()
                .map(str::trim)
                .find(|l| l.starts_with("pub "))
                .expect("a function after #[tauri::command]");
            let name = signature
                .split("fn ")
                .nth(1)
                .and_then(|rest| rest.split(['(', '<']).next())
                .expect("a function name")
                .to_owned();
            found.push((name, off_main || signature.starts_with("pub async fn")));
        }
    }
    found
}

#[test]
fn every_command_is_named_alike_in_all_four_places() {
    let functions: BTreeSet<String> = functions().into_iter().map(|(name, _)| name).collect();
    let places = [
        ("build.rs manifest", manifest()),
        ("capabilities/main.json", capability()),
        ("lib.rs generate_handler!", handler()),
        ("ui/api.js and ui/ipc.js", page()),
    ];
    assert!(functions.len() > 30, "found the commands: {functions:?}");
    for (place, names) in &places {
        let missing: Vec<_> = functions.difference(names).collect();
        let unknown: Vec<_> = names.difference(&functions).collect();
        assert!(
            missing.is_empty() && unknown.is_empty(),
            "{place}: missing {missing:?}, names no command {unknown:?}"
        );
    }
}

#[test]
fn no_command_runs_on_the_main_thread() {
    let blocking: Vec<String> = functions()
        .into_iter()
        .filter(|(_, off_main)| !off_main)
        .map(|(name, _)| name)
        .collect();
    assert!(
        blocking.is_empty(),
        "these commands would block the window: {blocking:?} (make them async)"
    );
}
