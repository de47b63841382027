//! The page's sources, as the tests over `ui/` read them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `.js` and `.html` files under `dir`, leaving out the folders named in `skip`.
pub fn sources(dir: &Path, skip: &[&str], found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("ui/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| !skip.iter().any(|s| n == *s))
            {
                sources(&path, skip, found);
            }
        } else if path.extension().is_some_and(|e| e == "js" || e == "html") {
            found.push(path);
        }
    }
}

/// The file's code without its comments, which may name what the code must not do.
pub fn code_of(text: &str) -> String {
    text.lines()
        .map(str::trim_start)
        .filter(|l| !(l.starts_with("//") || l.starts_with('*') || l.starts_with("/*")))
        .collect::<Vec<_>>()
        .join("\n")
}
