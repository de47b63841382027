//! The page keeps no customer data of its own: nothing in `ui/` uses the webview's storage
//! (it would sit unencrypted in the webview's folder), and every form field is made with
//! the webview's autofill off.

mod common;

use std::path::{Path, PathBuf};

fn ui() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    let mut files = Vec::new();
    common::sources(&root, &["types"], &mut files);
    assert!(files.len() > 5, "ui/ was found: {files:?}");
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("a UI source is text");
            (f, text)
        })
        .collect()
}

#[test]
fn the_page_never_uses_the_webviews_storage() {
    for (file, text) in ui() {
        let code = common::code_of(&text);
        for api in [
            "localStorage",
            "sessionStorage",
            "indexedDB",
            "document.cookie",
        ] {
            assert!(!code.contains(api), "{} uses {api}", file.display());
        }
    }
}

#[test]
fn fields_are_made_with_autofill_off_and_none_asks_for_it() {
    for (file, text) in ui() {
        let code = common::code_of(&text);
        // Only `el` makes elements, and it turns autofill off for every field it makes.
        if !file.ends_with("views/dom.js") {
            assert!(
                !code.contains("createElement("),
                "{} makes elements without el()",
                file.display()
            );
        }
        for raw in ["<input", "<form", "<textarea", "<select"] {
            for (at, _) in code.match_indices(raw) {
                let tag = &code[at..code[at..].find('>').map_or(code.len(), |end| at + end)];
                assert!(
                    tag.contains("autocomplete=\"off\""),
                    "{}: {tag}",
                    file.display()
                );
            }
        }
        for (at, _) in code.match_indices("autocomplete") {
            let rest = &code[at..code.len().min(at + 40)];
            assert!(
                rest.contains("\"off\""),
                "{} asks for autofill: {rest}",
                file.display()
            );
        }
    }
    let dom =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/views/dom.js"))
            .expect("dom.js");
    assert!(dom.contains(r#"setAttribute("autocomplete", "off")"#));
}
