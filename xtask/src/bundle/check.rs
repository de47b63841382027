//! `cargo xtask bundle --check`: the `.deb` as a person installing it would get it. It is
//! unpacked with `dpkg -x` into a temporary folder (nothing is installed system-wide), its
//! control file read with `dpkg-deb -I`, its files and its binary checked, and the unpacked
//! `usr/bin/branchdesk` started on a virtual display with a fresh HOME and XDG folders,
//! until its log (in the data folder it chose by itself) says the window is ready in Training.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::{Built, Profile, ICON_FILES, MAX_BINARY_BYTES};
use crate::shell;

/// Strings only a test build has: the app's `e2e-hooks` feature (the file dialog's and the
/// message box's answers, the short idle lock) and the engine's `failpoints` feature.
const TEST_HOOKS: &[&str] = &[
    "BRANCHDESK_E2E_PICKS",
    "BRANCHDESK_E2E_DIALOGS",
    "BRANCHDESK_TEST_IDLE_SECONDS",
    "BRANCHDESK_FAILPOINT",
    "BRANCHDESK_E2E_OPEN_DELAY_MS",
];
/// A string every build of the app has, so a search that finds nothing is known to work.
const ALWAYS_THERE: &str = "BRANCHDESK_DATA_DIR";
/// The same for the document reader (its refusal of a request it cannot read).
const ALWAYS_IN_READER: &str = "unreadable request";

/// The hicolor sizes the package installs its icon at.
const ICON_DIRS: &[&str] = &[
    "16x16", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512",
];

/// What the checks found: how many passed, and the names of those that failed.
#[derive(Default)]
pub struct Checked {
    pub passed: usize,
    pub failed: Vec<String>,
}

impl Checked {
    fn check(&mut self, name: &str, result: Result<String>) {
        match result {
            Ok(detail) => {
                eprintln!("    ok  {name}: {detail}");
                self.passed += 1;
            }
            Err(error) => {
                eprintln!("FAILED  {name}: {error:#}");
                self.failed.push(name.to_owned());
            }
        }
    }
}

/// Every check of the built `.deb`; fails only when there is none to check.
pub fn run(built: &Built) -> Result<Checked> {
    let Some(deb) = built.installer("deb") else {
        bail!("no .deb was built (the installed-package check runs on Linux only)");
    };
    eprintln!("\n==> checking {}", deb.display());
    let unpacked = std::env::temp_dir().join(format!("branchdesk-deb-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&unpacked);
    std::fs::create_dir_all(&unpacked)?;
    let mut checks = Checked::default();
    checks.check("control file (dpkg-deb -I)", control(deb));
    checks.check("unpacked (dpkg -x)", unpack(deb, &unpacked));
    let app = unpacked.join("usr").join("bin").join("branchdesk");
    let reader_bin = unpacked.join("usr").join("bin").join(crate::READER);
    checks.check("desktop entry", desktop_entry(&unpacked));
    checks.check("icons", icons(&unpacked));
    checks.check(
        "no test hooks in the app or its reader",
        no_test_hooks(&app, ALWAYS_THERE).and_then(|in_app| {
            let in_reader = no_test_hooks(&reader_bin, ALWAYS_IN_READER)?;
            Ok(format!("{in_app}; {in_reader}"))
        }),
    );
    checks.check(
        "the document reader beside it reads a licence",
        reader(&reader_bin),
    );
    if built.profile == Profile::Release {
        checks.check("binary size", size(&app));
    }
    checks.check("starts in Training under Xvfb", starts(&app));
    if let Some(rpm) = built.installer("rpm") {
        checks.check("rpm", rpm_lead(rpm));
    }
    let _ = std::fs::remove_dir_all(&unpacked);
    Ok(checks)
}

fn output(command: &mut Command) -> Result<String> {
    let out = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    if !out.status.success() {
        bail!(
            "{command:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `Package: branchdesk`, the workspace's version, and Depends naming WebKitGTK 4.1.
fn control(deb: &Path) -> Result<String> {
    let info = output(Command::new("dpkg-deb").arg("-I").arg(deb))?;
    let field = |name: &str| {
        info.lines().find_map(|line| {
            let value = line.trim_start().strip_prefix(name)?.strip_prefix(':')?;
            Some(value.trim().to_owned())
        })
    };
    let package = field("Package").unwrap_or_default();
    let version = field("Version").unwrap_or_default();
    let depends = field("Depends").unwrap_or_default();
    if package != "branchdesk" {
        bail!("Package is {package:?}, not \"branchdesk\"");
    }
    let workspace = env!("CARGO_PKG_VERSION");
    if version != workspace {
        bail!("Version is {version:?}, the workspace's is {workspace:?}");
    }
    let names: Vec<&str> = depends
        .split(',')
        .filter_map(|d| d.split_whitespace().next())
        .collect();
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0"] {
        if !names.contains(&needed) {
            bail!("Depends ({depends}) does not name {needed}");
        }
    }
    Ok(format!("{package} {version}; Depends: {depends}"))
}

fn unpack(deb: &Path, into: &Path) -> Result<String> {
    output(Command::new("dpkg").arg("-x").arg(deb).arg(into))?;
    let app = into.join("usr").join("bin").join("branchdesk");
    if !app.is_file() {
        bail!("no usr/bin/branchdesk in the package");
    }
    Ok("usr/bin/branchdesk is there".to_owned())
}

fn desktop_entry(root: &Path) -> Result<String> {
    let dir = root.join("usr").join("share").join("applications");
    let entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("no {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "desktop"))
        .collect();
    let [entry] = entries.as_slice() else {
        bail!(
            "{} desktop entries in usr/share/applications",
            entries.len()
        );
    };
    let text = std::fs::read_to_string(entry)?;
    for line in [
        "Exec=branchdesk",
        "Icon=branchdesk",
        "Name=Branchdesk",
        "Type=Application",
    ] {
        if !text.lines().any(|l| l.trim() == line) {
            bail!("{} has no line {line:?}:\n{text}", entry.display());
        }
    }
    Ok(format!(
        "usr/share/applications/{}",
        entry.file_name().unwrap_or_default().to_string_lossy()
    ))
}

fn icons(root: &Path) -> Result<String> {
    let hicolor = root.join("usr/share/icons/hicolor");
    let missing: Vec<&str> = ICON_DIRS
        .iter()
        .copied()
        .filter(|size| !hicolor.join(size).join("apps/branchdesk.png").is_file())
        .collect();
    if !missing.is_empty() {
        bail!("no hicolor icon at {}", missing.join(", "));
    }
    Ok(format!(
        "{} sizes (from {} committed icons)",
        ICON_DIRS.len(),
        ICON_FILES.len()
    ))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// None of [`TEST_HOOKS`] in `binary`, which holds `always_there`.
fn no_test_hooks(binary: &Path, always_there: &str) -> Result<String> {
    let bytes = std::fs::read(binary).with_context(|| format!("reading {}", binary.display()))?;
    if !contains(&bytes, always_there) {
        bail!(
            "{always_there} is not in {} either: the search does not work",
            binary.display()
        );
    }
    let found: Vec<&str> = TEST_HOOKS
        .iter()
        .copied()
        .filter(|hook| contains(&bytes, hook))
        .collect();
    if !found.is_empty() {
        bail!(
            "the packaged {} has test hooks: {} (built with e2e-hooks or failpoints)",
            binary.display(),
            found.join(", ")
        );
    }
    Ok(format!(
        "none of {} in {}",
        TEST_HOOKS.join(", "),
        binary.file_name().unwrap_or_default().to_string_lossy()
    ))
}

/// The installed reader, asked as the app asks it, reads the specimen licence's barcode:
/// it is there, it starts on a clean system, and it speaks this version's requests.
fn reader(reader: &Path) -> Result<String> {
    use branchdesk_documents::barcode::{read_pdf417, BarcodeRead};
    use branchdesk_documents::{worker, CheckConfig};
    if !reader.is_file() {
        bail!("no {} in the package", reader.display());
    }
    worker::isolate_in(reader.to_path_buf());
    let licence = crate::root()
        .join("tests")
        .join("fixtures")
        .join("licence-back.jpg");
    let bytes =
        std::fs::read(&licence).with_context(|| format!("reading {}", licence.display()))?;
    match read_pdf417(&bytes, &CheckConfig::default()) {
        Ok(BarcodeRead::Found(text)) if text.contains("ANSI ") => Ok(format!(
            "usr/bin/branchdesk-reader read {} characters of AAMVA data",
            text.len()
        )),
        Ok(other) => bail!("the reader answered {other:?}"),
        Err(error) => bail!("the reader refused: {error}"),
    }
}

fn size(app: &Path) -> Result<String> {
    let bytes = std::fs::metadata(app)?.len();
    let mb = bytes as f64 / 1e6;
    if bytes > MAX_BINARY_BYTES {
        bail!(
            "{mb:.2} MB, over the {:.0} MB budget",
            MAX_BINARY_BYTES as f64 / 1e6
        );
    }
    Ok(format!(
        "{mb:.2} MB (budget {:.0} MB)",
        MAX_BINARY_BYTES as f64 / 1e6
    ))
}

/// Started as from a desktop: a fresh HOME and XDG folders, no BRANCHDESK_DATA_DIR, its own
/// display, session bus and keyring. It must write "window ready" with `stage=Open` (the
/// page called `ui_ready` once it showed the open desk) and "Training sandbox listening"
/// to its log and still be running after.
const START: &str = r#"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" \
       XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
unset BRANCHDESK_DATA_DIR BRANCHDESK_LOG RUST_LOG
logs="$XDG_DATA_HOME/branchdesk/logs"
"$BRANCHDESK_PACKAGED_APP" >"$HOME/app.out" 2>&1 &
pid=$!
ready=
for _ in $(seq 600); do
    if grep -qs "window ready.*stage=Open" "$logs"/*; then ready=1; break; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
done
sleep 2
alive=
if kill -0 "$pid" 2>/dev/null; then alive=1; kill "$pid"; fi
wait "$pid" || true
if [ -z "$ready" ] || [ -z "$alive" ] || ! grep -qs "Training sandbox listening" "$logs"/*; then
    echo "ready=${ready:-no} running=${alive:-no}"; echo "--- log"; cat "$logs"/* 2>/dev/null
    echo "--- output"; cat "$HOME/app.out"; exit 1
fi
grep -h "window ready.*stage=Open" "$logs"/*
"#;

fn starts(app: &Path) -> Result<String> {
    let out = shell::isolated_session(true, START)
        .env("BRANCHDESK_PACKAGED_APP", app)
        .env_remove("BRANCHDESK_DATA_DIR")
        .output()
        .context("starting the app under Xvfb")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("{text}{}", String::from_utf8_lossy(&out.stderr).trim_end());
    }
    let line = text.lines().last().unwrap_or_default();
    let elapsed = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("elapsed_ms="))
        .unwrap_or("?");
    Ok(format!(
        "window ready after {elapsed} ms, in Training, log under $XDG_DATA_HOME/branchdesk/logs"
    ))
}

/// Every `.rpm` starts with the same four-byte lead.
fn rpm_lead(rpm: &Path) -> Result<String> {
    let bytes = std::fs::read(rpm)?;
    if !bytes.starts_with(&[0xed, 0xab, 0xee, 0xdb]) {
        bail!("{} is not an RPM package", rpm.display());
    }
    Ok(format!("{} is an RPM package", rpm.display()))
}
