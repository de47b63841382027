//! The release binary's size in `cargo xtask bench`, against the bare Tauri window built by
//! the same profile in the same run; the goal is the installers' budget (see
//! `bundle/check.rs`, which fails the packaged binary over it). `cargo xtask bench size`
//! builds both and prints this section alone.

use std::path::Path;

use anyhow::{Context, Result};

use crate::bundle::MAX_BINARY_BYTES;
use crate::{exe, root, target_dir};

pub struct Size {
    app: u64,
    /// `branchdesk-reader`, installed beside the app.
    reader: u64,
    bare: u64,
    /// The workspace's `[profile.release]` settings, as written.
    profile: String,
}

/// Builds both binaries (release) and measures them.
pub fn run() -> Result<Size> {
    super::build_windows()?;
    measure(&target_dir().join("release"))
}

/// The sizes of binaries already built into `release`.
pub fn measure(release: &Path) -> Result<Size> {
    let len = |name: &str| {
        let path = release.join(exe(name));
        std::fs::metadata(&path)
            .map(|m| m.len())
            .with_context(|| format!("no {}", path.display()))
    };
    Ok(Size {
        app: len("branchdesk")?,
        reader: len(crate::READER)?,
        bare: len("branchdesk-bare-window")?,
        profile: release_profile(),
    })
}

fn release_profile() -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[profile.release]")
        .skip(1)
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('['))
        .filter(|line| !line.trim_start().starts_with('#'))
        .map(|line| format!("`{}`", line.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn report(size: &Size) -> String {
    let mb = |bytes: u64| bytes as f64 / 1e6;
    let goal = mb(MAX_BINARY_BYTES);
    let verdict = super::verdict(size.app <= MAX_BINARY_BYTES);
    format!(
        "\n## Release binary size (vs a bare Tauri window)\n\n\
         `target/release/branchdesk` and `branchdesk-bare-window` as this bench builds them,\n\
         with the workspace's release profile: {profile}; on Linux also linked with packed\n\
         relative relocations (`src-tauri/build.rs`). The installers hold the same build\n\
         (`cargo xtask bundle`), and beside the app the document reader it starts for each\n\
         scan (`branchdesk-reader`, built on its own by the same profile).\n\n\
         | measure | Branchdesk | bare Tauri window | ratio | goal |\n\
         |---|---:|---:|---:|---|\n\
         | release binary (MB) | {app:.2} | {bare:.2} | {ratio:.2}× | ≤ {goal:.0} MB: {verdict} |\n\
         | document reader beside it (MB) | {reader:.2} | | | |\n\
         | both (MB) | {both:.2} | | | |\n",
        profile = size.profile,
        app = mb(size.app),
        reader = mb(size.reader),
        both = mb(size.app + size.reader),
        bare = mb(size.bare),
        ratio = size.app as f64 / size.bare as f64,
    )
}
