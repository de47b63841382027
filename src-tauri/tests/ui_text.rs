//! Every word on the page comes from the two catalogues (`ui/i18n/en.js`, `ui/i18n/es.js`),
//! so a Spanish screen never shows an English word the catalogues missed: the two have the
//! same keys and, key by key, the same `{placeholders}`; the page's markup and scripts put
//! no words of their own into text, titles, placeholders or labels.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui")
}

/// `"key": "value",` lines of a catalogue, the value with its escapes as written.
fn catalogue(name: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(ui_dir().join("i18n").join(name)).expect("a catalogue");
    let mut entries = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix('"') else {
            continue;
        };
        let Some((key, value)) = rest.split_once("\": \"") else {
            continue;
        };
        let value = value.trim_end_matches(',').trim_end_matches('"');
        let earlier = entries.insert(key.to_owned(), value.to_owned());
        assert!(earlier.is_none(), "{name}: {key} twice");
    }
    assert!(
        entries.len() > 100,
        "{name} was read: {} entries",
        entries.len()
    );
    entries
}

fn placeholders(value: &str) -> BTreeSet<String> {
    value
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect()
}

#[test]
fn the_catalogues_have_the_same_keys_and_placeholders() {
    let en = catalogue("en.js");
    let es = catalogue("es.js");
    let only = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| -> Vec<String> {
        a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
    };
    assert_eq!(only(&en, &es), Vec::<String>::new(), "in English only");
    assert_eq!(only(&es, &en), Vec::<String>::new(), "in Spanish only");
    for (key, english) in &en {
        assert_eq!(
            placeholders(english),
            placeholders(&es[key]),
            "{key}: {english:?} and {:?} name other placeholders",
            es[key]
        );
    }
}

/// Whether a literal holds words: two letters in a row, and not an identifier. Codes and
/// symbols ("?", "×") are not words staff read, nor are lower-case tokens without spaces
/// ("staff", "viewer-title-", "step.review"): ids, keys and values the page computes with.
fn has_words(literal: &str) -> bool {
    let identifier = literal.chars().all(|c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | ':')
    });
    !identifier
        && literal
            .chars()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0].is_alphabetic() && w[1].is_alphabetic())
}

/// Literals that are the same in every language: a file format's name, and a command
/// line staff copy as it is.
const SAME_IN_EVERY_LANGUAGE: &[&str] = &[
    "PDF",
    "branchdesk-cli --data-dir EMPTY-FOLDER restore FILE.bdbackup",
];

/// A template literal's own text, its `${…}` substitutions left out.
fn without_substitutions(literal: &str) -> String {
    let mut own = String::new();
    let mut depth = 0usize;
    let mut chars = literal.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                depth += 1;
            }
            '{' if depth > 0 => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => own.push(c),
            _ => {}
        }
    }
    own
}

/// The string literal that starts right after `at` in `code`, if one does.
fn literal_at(code: &str, at: usize) -> Option<&str> {
    let rest = code[at..].trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some(&body[..end])
}

#[test]
fn the_page_puts_no_words_of_its_own_on_screen() {
    let mut files = Vec::new();
    common::sources(&ui_dir(), &["types", "i18n"], &mut files);
    assert!(files.len() > 10, "ui/ was read: {files:?}");
    // Where a literal would be shown: an element's text, a first child given to `el()`,
    // and the attributes staff read or hear.
    let places = [
        "textContent =",
        "}, [",
        "title:",
        "placeholder:",
        "\"aria-label\":",
        "alt:",
        "setAttribute(\"aria-label\",",
        "setAttribute(\"title\",",
        ".title =",
    ];
    let keys: BTreeSet<String> = catalogue("en.js").into_keys().collect();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a UI source is text");
        if file.extension().is_some_and(|e| e == "html") {
            // Markup: any element with words carries the key that replaces them.
            for line in text.lines() {
                let words_between_tags = line
                    .split('>')
                    .skip(1)
                    .filter_map(|part| part.split('<').next())
                    .any(has_words);
                if words_between_tags && !line.contains("data-i18n") && !line.contains("<title>") {
                    found.push(format!("{}: {}", file.display(), line.trim()));
                }
            }
            continue;
        }
        let code = common::code_of(&text);
        for place in places {
            for (at, _) in code.match_indices(place) {
                let Some(literal) = literal_at(&code, at + place.len()) else {
                    continue;
                };
                // A template's `${…}` parts are computed (translated where they are words);
                // a literal that is a catalogue key is looked up, not shown.
                let own = without_substitutions(literal);
                if has_words(&own)
                    && !keys.contains(literal)
                    && !SAME_IN_EVERY_LANGUAGE.contains(&literal)
                {
                    found.push(format!("{}: {place} {literal:?}", file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "words outside the catalogues:\n{}",
        found.join("\n")
    );
}

/// `index.html` is drawn before any catalogue is loaded (the shell's words stand as written
/// in English), so each of its marked words must be the English catalogue's, word for word.
#[test]
fn the_shells_own_english_is_the_catalogues() {
    let html = std::fs::read_to_string(ui_dir().join("index.html")).expect("index.html");
    let en = catalogue("en.js");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for tag in html.split('<').skip(1) {
        let (head, after) = tag.split_once('>').unwrap_or((tag, ""));
        let attribute = |name: &str| {
            let start = head.find(&format!(" {name}=\""))? + name.len() + 3;
            head[start..].split('"').next()
        };
        let marked = [
            ("data-i18n", Some(after.trim())),
            ("data-i18n-aria", attribute("aria-label")),
            ("data-i18n-title", attribute("title")),
        ];
        for (mark, shown) in marked {
            let Some(key) = attribute(mark) else {
                continue;
            };
            checked += 1;
            match (en.get(key), shown) {
                (Some(english), Some(shown)) if english == shown => {}
                (english, shown) => wrong.push(format!("{mark}={key}: {shown:?}, not {english:?}")),
            }
        }
    }
    assert!(
        checked >= 10,
        "index.html's marked words were read: {checked}"
    );
    assert!(
        wrong.is_empty(),
        "index.html differs from en.js:\n{}",
        wrong.join("\n")
    );
}
