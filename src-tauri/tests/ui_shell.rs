//! The window's first paint waits only on the shell: `index.html` preloads exactly the
//! modules `main.js` needs before it (its static imports, followed through theirs), so none
//! is found one level of imports after another, and nothing the desk needs is loaded early.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn ui() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui")
}

/// The modules `file` (relative to `ui/`) imports statically, relative to `ui/`. Dynamic
/// `import(…)` is left out: it is what keeps a module off the first paint.
fn static_imports(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(ui().join(file)).expect("a UI module is readable");
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    common::code_of(&text)
        .lines()
        // `import … from "…";` on one line, or the `} from "…";` that ends a longer one.
        .filter(|line| line.starts_with("import ") || line.starts_with("} from "))
        .filter_map(|line| {
            let from = line.rsplit_once(" from ")?.1;
            let path = from.trim().trim_end_matches(';').trim_matches('"');
            Some(normalise(&dir.join(path)))
        })
        .collect()
}

/// `views/../api.js` as `api.js`.
fn normalise(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

fn preloaded() -> BTreeSet<String> {
    let html = std::fs::read_to_string(ui().join("index.html")).expect("index.html is readable");
    html.lines()
        .filter(|line| line.contains("rel=\"modulepreload\""))
        .filter_map(|line| {
            let href = line.split("href=\"").nth(1)?;
            Some(href.split('"').next()?.to_owned())
        })
        .collect()
}

#[test]
fn the_shell_preloads_what_main_js_imports_and_nothing_more() {
    let mut needed = BTreeSet::new();
    let mut pending = static_imports("main.js");
    while let Some(module) = pending.pop() {
        if needed.insert(module.clone()) {
            pending.extend(static_imports(&module));
        }
    }
    assert!(
        needed.contains("ipc.js"),
        "main.js's imports were read: {needed:?}"
    );
    assert_eq!(preloaded(), needed, "index.html's modulepreload list");
    // The shell's words are index.html's own: no catalogue, and no call but its two.
    for desk_only in [
        "desk.js",
        "api.js",
        "i18n/en.js",
        "i18n/es.js",
        "views/onboard.js",
    ] {
        assert!(
            !needed.contains(desk_only),
            "{desk_only} is loaded before the first paint"
        );
    }
}

/// The first paint waits on the shell's stylesheet only; the desk's screens are styled by
/// `desk.css`, which the page adds once the shell is drawn.
#[test]
fn the_first_paint_waits_on_the_shells_stylesheet_alone() {
    let html = std::fs::read_to_string(ui().join("index.html")).expect("index.html is readable");
    let sheets: Vec<&str> = html
        .lines()
        .filter(|line| line.contains("rel=\"stylesheet\""))
        .filter_map(|line| line.split("href=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(sheets, ["styles.css"], "index.html's stylesheets");
    let shell = std::fs::read_to_string(ui().join("styles.css")).expect("styles.css");
    let desk = std::fs::read_to_string(ui().join("desk.css")).expect("desk.css");
    assert!(
        desk.len() > 2 * shell.len(),
        "the shell's styles ({} bytes) are the smaller part, the desk's ({} bytes) the rest",
        shell.len(),
        desk.len()
    );
}
