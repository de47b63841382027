//! The typing figures of `cargo xtask bench`: how many fields and keys staff type for one
//! onboarding by hand and with the values read from the document, counted in the real
//! window by the `prefill` journeys (`tests/journeys/prefill.rs`), which leave their counts
//! in `target/typing/`. `cargo xtask bench typing` runs this alone.

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{exe, prereq, shell, target_dir};

/// The onboardings counted: a journey's count file without `-by-hand`/`-prefilled`, and
/// its words in the table.
const ONBOARDINGS: &[(&str, &str)] = &[
    (
        "cos-licence",
        "Cross River, Personal, US driver's licence (FRONT and BACK from the scanner folder)",
    ),
    (
        "fin-passport",
        "Fin.com, person, US passport (photo page from the scanner folder); \
         Fin.com's lists are chosen, not typed, and not counted",
    ),
];

/// The goal the issue sets: what no document carries, at most.
const GOAL_FIELDS: u64 = 6;

pub struct Count {
    fields: u64,
    keys: u64,
}

pub struct Typing {
    rows: Vec<(&'static str, Count, Count)>,
}

/// Builds the app with its test hooks (the journeys answer the file dialogs) and runs the
/// prefill journeys in a display and keyring of their own.
pub fn run() -> Result<Typing> {
    let driver = prereq::tauri_driver()?;
    shell::cargo(&[
        "build",
        "--locked",
        "--package",
        "branchdesk-app",
        "--features",
        "e2e-hooks",
    ])?;
    let dir = target_dir().join("typing");
    // Counts left from an earlier run must not stand in for this one's.
    let _ = std::fs::remove_dir_all(&dir);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut journeys = shell::isolated_session(
        std::env::var_os("DISPLAY").is_none(),
        &format!(
            "{cargo} test --locked --package branchdesk-e2e --test journeys -- --ignored \
             --test-threads=1 prefill::"
        ),
    );
    journeys
        .env(
            "BRANCHDESK_APP",
            target_dir().join("debug").join(exe("branchdesk")),
        )
        .env("TAURI_DRIVER", &driver);
    let status = journeys.status()?;
    if !status.success() {
        bail!("the prefill journeys failed ({status})");
    }
    let mut rows = Vec::new();
    for (name, words) in ONBOARDINGS {
        rows.push((
            *words,
            count(&dir, &format!("{name}-by-hand"))?,
            count(&dir, &format!("{name}-prefilled"))?,
        ));
    }
    Ok(Typing { rows })
}

fn count(dir: &std::path::Path, name: &str) -> Result<Count> {
    let path = dir.join(format!("{name}.json"));
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: Value = serde_json::from_str(&text)?;
    let fields = json["fields"].as_array().map_or(0, Vec::len);
    Ok(Count {
        fields: u64::try_from(fields)?,
        keys: json["keys"].as_u64().unwrap_or(0),
    })
}

pub fn report(typing: &Typing) -> String {
    let mut out = format!(
        "\n## Typing one onboarding: by hand vs read from the document\n\n\
         The same customer onboarded twice in the real window by \
         `tests/journeys/prefill.rs` (debug build with its test hooks, under Xvfb): once \
         typed field by field, once with the document's values accepted from the prefill \
         panel with one key, typing only what is still empty. A key is one character \
         typed. Goal: at most {GOAL_FIELDS} typed fields. Command: `cargo xtask bench \
         typing`.\n\n\
         | onboarding | fields by hand | keys by hand | fields with prefill | keys with prefill | ratio (keys) |\n\
         |---|---:|---:|---:|---:|---:|\n"
    );
    for (words, by_hand, prefilled) in &typing.rows {
        let ratio = if by_hand.keys == 0 {
            0.0
        } else {
            prefilled.keys as f64 / by_hand.keys as f64
        };
        out += &format!(
            "| {words} | {} | {} | {} | {} | {ratio:.2}× |\n",
            by_hand.fields, by_hand.keys, prefilled.fields, prefilled.keys
        );
    }
    out
}
