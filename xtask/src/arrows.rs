//! The arrows between the workspace's crates, held by a test over `cargo metadata`: only the
//! shell and the bench's bare window depend on Tauri; the domain does no I/O; the sandbox
//! stands apart from the client and the rules it is tested against; the shell builds on the
//! engine and the domain alone; the document reader is the documents crate and nothing else.

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::process::Command;

    /// Each workspace crate's normal (not dev, not build) dependencies, by crate name.
    fn dependencies() -> BTreeMap<String, Vec<String>> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo metadata runs");
        assert!(output.status.success(), "cargo metadata failed");
        let metadata: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("cargo metadata answers JSON");
        let mut crates = BTreeMap::new();
        for package in metadata["packages"].as_array().expect("packages") {
            let name = package["name"].as_str().expect("a name").to_owned();
            let normal = package["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str().map(str::to_owned))
                .collect();
            crates.insert(name, normal);
        }
        crates
    }

    #[test]
    fn the_crates_depend_on_each_other_only_as_designed() {
        let crates = dependencies();
        let uses = |krate: &str, dependency: &str| {
            crates
                .get(krate)
                .unwrap_or_else(|| panic!("{krate} is not in the workspace"))
                .iter()
                .any(|d| d == dependency)
        };
        let mut broken = Vec::new();
        for (krate, deps) in &crates {
            let on_tauri = deps
                .iter()
                .any(|d| d == "tauri" || d.starts_with("tauri-plugin"));
            if on_tauri && krate != "branchdesk-app" && krate != "branchdesk-bare-window" {
                broken.push(format!("{krate} depends on Tauri"));
            }
        }
        // The rules are pure: no network, database, keyring, file watching or runtime.
        for io in [
            "reqwest", "rusqlite", "tokio", "keyring", "notify", "axum", "hyper",
        ] {
            if uses("branchdesk-domain", io) {
                broken.push(format!("branchdesk-domain depends on {io}"));
            }
        }
        // The sandbox plays the providers: it must not share their client or our rules.
        for own in ["branchdesk-api", "branchdesk-domain"] {
            if uses("branchdesk-sandbox", own) {
                broken.push(format!("branchdesk-sandbox depends on {own}"));
            }
        }
        let shell: Vec<&String> = crates["branchdesk-app"]
            .iter()
            .filter(|d| d.starts_with("branchdesk-"))
            .filter(|d| *d != "branchdesk-engine" && *d != "branchdesk-domain")
            .collect();
        if !shell.is_empty() {
            broken.push(format!("branchdesk-app depends on {shell:?}"));
        }
        // The reader runs what strangers hand in: nothing of the vault, the network or the
        // drafts is in its process.
        if crates["branchdesk-reader"] != ["branchdesk-documents"] {
            broken.push(format!(
                "branchdesk-reader depends on {:?}",
                crates["branchdesk-reader"]
            ));
        }
        assert!(broken.is_empty(), "arrows broken: {broken:#?}");
    }
}
