//! Crash-test hook: with the `failpoints` feature, the environment variable named in
//! `failpoint/armed.rs`, set to `<point>[@N]`, aborts the process the Nth time (default the
//! first) the runner reaches `<point>`:
//!
//! - `before_send`: just before the step's request leaves (its `sent` mark may not be on
//!   disk yet);
//! - `during_send`: the request is on its way (aborts 50 ms into it, or as its answer
//!   arrives if that is sooner, before anything is recorded);
//! - `after_provider_2xx`: the provider accepted the step, the vault does not know yet.
//!
//! Without the feature (release builds, installers) every function here is an empty inline
//! function: no environment variable is read and the variable's name is not in the binary,
//! so nothing outside a test build can make the app abort on purpose.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    BeforeSend,
    DuringSend,
    AfterProvider2xx,
}

// Everything that reads the environment is in `armed`, and only this line brings it in.
#[cfg(feature = "failpoints")]
mod armed;

#[cfg(feature = "failpoints")]
pub use armed::{armed, during, hit, ENV};

/// Whether `point` is armed; always `false` without the `failpoints` feature.
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn armed(_point: Point) -> bool {
    false
}

/// Aborts at the armed arrival of `point`; nothing without the `failpoints` feature.
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn hit(_point: Point) {}

/// Runs `request`; with the `failpoints` feature, aborts while it is in flight when armed.
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub async fn during<T>(request: impl std::future::Future<Output = T>) -> T {
    request.await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The name of the variable, spelled so this test's own source does not contain it.
    fn variable() -> String {
        ["BRANCHDESK", "FAILPOINT"].join("_")
    }

    fn sources(dir: &Path, found: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                // Build output (a fuzz build's `target/`) is not source.
                if name != "target" && !name.starts_with('.') {
                    sources(&path, found);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }

    #[test]
    fn the_hook_is_compiled_only_with_the_failpoints_feature() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut found = Vec::new();
        for dir in ["crates", "src-tauri/src"] {
            sources(&root.join(dir), &mut found);
        }
        let mut readers = Vec::new();
        for (path, text) in &found {
            // Tests may name the variable to set it for a child process; only code that
            // ships matters here. The shipped code that reads it is an `armed.rs`: the
            // engine's (`src/failpoint/armed.rs`) and the document reader's
            // (`crates/documents/src/worker/armed.rs`).
            let shipped = path.components().any(|c| c.as_os_str() == "src");
            if shipped && text.contains(&variable()) {
                readers.push(path.clone());
            }
        }
        let expected = [
            Path::new("src").join("failpoint").join("armed.rs"),
            Path::new("src").join("worker").join("armed.rs"),
        ];
        assert_eq!(readers.len(), expected.len(), "{readers:?}");
        for reader in &readers {
            assert!(
                expected.iter().any(|e| reader.ends_with(e)),
                "{reader:?} reads the variable"
            );
            // Declared by its parent module (`failpoint.rs`, `worker.rs`) behind the feature.
            let parent = reader.parent().unwrap().with_extension("rs");
            let this = std::fs::read_to_string(&parent).unwrap();
            let lines: Vec<&str> = this.lines().map(str::trim).collect();
            let declared = lines
                .iter()
                .position(|l| *l == "mod armed;")
                .unwrap_or_else(|| panic!("`mod armed;` declared in {parent:?}"));
            assert_eq!(lines[declared - 1], "#[cfg(feature = \"failpoints\")]");
            let declarations = lines
                .iter()
                .filter(|l| l.starts_with("mod armed") || l.starts_with("pub mod armed"))
                .count();
            assert_eq!(declarations, 1);
            // Every use of `armed` is behind the same feature.
            for (n, line) in lines.iter().enumerate() {
                if line.starts_with("pub use armed::") || line.starts_with("armed::") {
                    assert_eq!(
                        lines[n - 1],
                        "#[cfg(feature = \"failpoints\")]",
                        "{parent:?}: {line}"
                    );
                }
            }
        }
    }

    #[cfg(not(feature = "failpoints"))]
    #[test]
    fn without_the_feature_the_variable_is_ignored() {
        // Set for this process: the hook would abort here if it read it.
        std::env::set_var(variable(), "before_send");
        assert!(!super::armed(super::Point::BeforeSend));
        super::hit(super::Point::BeforeSend);
    }
}
