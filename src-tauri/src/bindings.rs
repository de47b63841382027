//! TypeScript declarations of every type that crosses the command layer, generated from
//! the Rust types and committed as `ui/types/bindings.d.ts`. The test fails when the
//! committed file is stale; `cargo xtask bindings` rewrites it.

#[cfg(test)]
mod tests {
    use ts_rs::TS;

    use crate::commands::{AppInfo, Connectivity};
    use crate::error::{ErrorCode, UiError};
    use branchdesk_domain::cos::ScanStatus;
    use branchdesk_domain::draft::Person;
    use branchdesk_domain::validate::{Issue, Severity};
    use branchdesk_engine::{CosOutcome, Environment};

    const COMMITTED: &str = "../ui/types/bindings.d.ts";

    fn render() -> String {
        let declarations = [
            AppInfo::decl(),
            Connectivity::decl(),
            CosOutcome::decl(),
            Environment::decl(),
            ErrorCode::decl(),
            Issue::decl(),
            Person::decl(),
            ScanStatus::decl(),
            Severity::decl(),
            UiError::decl(),
        ];
        let mut out = String::from(
            "// Generated from the Rust types by `cargo xtask bindings`. Do not edit.\n\n",
        );
        for declaration in declarations {
            out.push_str("export ");
            out.push_str(&declaration);
            out.push_str("\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    #[test]
    fn committed_typescript_bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
        let fresh = render();
        if std::env::var_os("BRANCHDESK_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/types/bindings.d.ts is stale: run `cargo xtask bindings` and commit the result"
        );
    }
}
