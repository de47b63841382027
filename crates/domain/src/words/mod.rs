//! The words Rust sends to the window, in the language staff chose.
//!
//! English is the source text, written where the message is made (gettext style): the
//! English sentence, or the template a message is formatted from, is the key. Spanish maps
//! each English template to its own with the same `{name}` placeholders (see `es.rs`).
//! Messages arrive already formatted, so a template is matched against the message and
//! the parts it was made from (`Enter {what}.` with `the city`) are translated too.
//!
//! The rules, the engine, the CLI and the logs stay English; only the window's shell
//! translates, just before a message goes to the page. Provider-facing text never passes
//! through here.

mod es;

use std::sync::OnceLock;

/// A language Rust's messages can be read in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    /// The language of a POSIX locale (`es_US.UTF-8`, `es`, `en_US`); English when the app
    /// does not speak it.
    pub fn of_locale(locale: &str) -> Language {
        let code = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default();
        if code.eq_ignore_ascii_case("es") {
            Language::Es
        } else {
            Language::En
        }
    }

    /// The operating system's language, as the process's locale variables name it (the
    /// first set of `LC_ALL`, `LC_MESSAGES`, `LANG`, as POSIX orders them).
    pub fn of_system() -> Language {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .map(|value| Language::of_locale(&value))
            .unwrap_or_default()
    }
}

/// `english` in `language`; a message with no translation yet stays English rather than
/// being lost.
pub fn translate(english: &str, language: Language) -> String {
    match language {
        Language::En => english.to_owned(),
        Language::Es => spanish(english).unwrap_or_else(|| english.to_owned()),
    }
}

/// `english` in Spanish, or `None` when the table has no template for it (or for one of
/// the words it was made from).
pub fn spanish(english: &str) -> Option<String> {
    if let Some(exact) = exact(english) {
        return Some(exact.to_owned());
    }
    templates().iter().find_map(|t| t.render(english))
}

/// Placeholders that carry words made in Rust ("the city"), which must have Spanish too;
/// any other placeholder carries data (a number, a code, what staff typed) kept as it is.
const WORD_PLACEHOLDERS: &[&str] = &["what", "What", "label", "thing"];

fn exact(english: &str) -> Option<&'static str> {
    static EXACT: OnceLock<std::collections::HashMap<&'static str, &'static str>> = OnceLock::new();
    EXACT
        .get_or_init(|| {
            es::TABLE
                .iter()
                .filter(|(en, _)| !en.contains('{'))
                .copied()
                .collect()
        })
        .get(english)
        .copied()
}

/// One English template, split into its literal text and its placeholders.
struct Template {
    parts: Vec<Part>,
    spanish: &'static str,
}

#[derive(Debug, PartialEq)]
enum Part {
    Text(&'static str),
    Hole(&'static str),
}

/// The templates with placeholders, the most specific (the most literal text) first, so
/// `Enter the customer's {label}.` wins over `Enter {what}.`.
fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut all: Vec<Template> = es::TABLE
            .iter()
            .filter(|(en, _)| en.contains('{'))
            .map(|&(en, spanish)| Template {
                parts: parts(en),
                spanish,
            })
            .collect();
        all.sort_by_key(|t| {
            std::cmp::Reverse(
                t.parts
                    .iter()
                    .map(|p| match p {
                        Part::Text(text) => text.len(),
                        Part::Hole(_) => 0,
                    })
                    .sum::<usize>(),
            )
        });
        all
    })
}

/// `"Enter {what}."` as `[Text("Enter "), Hole("what"), Text(".")]`.
fn parts(template: &'static str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            parts.push(Part::Text(&rest[..open]));
        }
        parts.push(Part::Hole(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest));
    }
    parts
}

/// The placeholders' names of a template, sorted; `{What}` is `{what}` with a capital.
#[cfg(test)]
pub(crate) fn placeholders(template: &'static str) -> Vec<String> {
    let mut names: Vec<String> = parts(template)
        .into_iter()
        .filter_map(|p| match p {
            Part::Hole(name) => Some(name.to_lowercase()),
            Part::Text(_) => None,
        })
        .collect();
    names.sort_unstable();
    names
}

impl Template {
    /// The Spanish of `message` when it was made from this template.
    fn render(&self, message: &str) -> Option<String> {
        let mut values = Vec::new();
        if !fill(&self.parts, message, &mut values) {
            return None;
        }
        let mut out = self.spanish.to_owned();
        for (name, value) in values {
            let value = if WORD_PLACEHOLDERS.contains(&name) {
                word(value)?
            } else {
                // Data, unless it is itself a message (a reason the engine quotes).
                spanish(value).unwrap_or_else(|| value.to_owned())
            };
            out = out.replace(&format!("{{{name}}}"), &value);
            // Spanish may start its sentence where English did not: `{What}` is the same
            // value with a capital.
            out = out.replace(&format!("{{{}}}", capitalised(name)), &capitalised(&value));
        }
        Some(out)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A word made in Rust, in Spanish: as written, or written with a capital at the start of
/// a sentence (`{What}`).
fn word(english: &str) -> Option<String> {
    if let Some(found) = spanish(english) {
        return Some(found);
    }
    let mut chars = english.chars();
    let first = chars.next()?;
    let lower: String = first.to_lowercase().chain(chars).collect();
    spanish(&lower).map(|found| capitalised(&found))
}

/// Matches `message` against `parts`, collecting what each placeholder stood for.
fn fill<'m>(parts: &[Part], message: &'m str, values: &mut Vec<(&'static str, &'m str)>) -> bool {
    match parts {
        [] => message.is_empty(),
        [Part::Text(text), rest @ ..] => message
            .strip_prefix(text)
            .is_some_and(|after| fill(rest, after, values)),
        [Part::Hole(name), rest @ ..] => {
            let next = match rest.first() {
                Some(Part::Text(text)) => Some(*text),
                // Two placeholders side by side are never written: nothing would part them.
                Some(Part::Hole(_)) => return false,
                None => None,
            };
            match next {
                None => {
                    if message.is_empty() {
                        return false;
                    }
                    values.push((name, message));
                    true
                }
                Some(text) => {
                    // Each place the following text occurs, the shortest value first.
                    for (at, _) in message.match_indices(text) {
                        if at == 0 {
                            continue;
                        }
                        let held = values.len();
                        values.push((name, &message[..at]));
                        if fill(rest, &message[at..], values) {
                            return true;
                        }
                        values.truncate(held);
                    }
                    false
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
