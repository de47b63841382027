//! Text from outside (providers' messages and statuses, stored names) printed to a
//! terminal. A control character in it would be obeyed by the terminal: an ANSI escape can
//! recolour or rewrite what staff read, a carriage return can overwrite a line. Each is
//! printed escaped instead, as `\x1b`, `\r`, `\u{9b}`, so the text is still readable.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (C0, DEL, C1) written as an escape. Line breaks are
/// escaped too: one field prints as one line.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`printable`] for text that may span lines (an error with its causes): line breaks are
/// kept, every other control character is escaped.
pub fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| printable(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reach_the_terminal_as_text() {
        let hostile = "Rejected\x1b[31m: fix\rOK\x07\u{9b}2J\x7f";
        let shown = printable(hostile);
        assert_eq!(shown, "Rejected\\x1b[31m: fix\\rOK\\x07\\x9b2J\\x7f");
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert_eq!(printable("one\ntwo\ttab"), "one\\ntwo\\ttab");
    }

    #[test]
    fn plain_text_is_untouched_and_not_copied() {
        for text in ["Fin.com: APPROVED", "Muñoz — 123-45-6789", ""] {
            assert!(matches!(printable(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn lines_stay_lines_but_nothing_else_gets_through() {
        assert_eq!(
            printable_lines("first\x1b[2K\nsecond\r"),
            "first\\x1b[2K\nsecond\\r"
        );
    }
}
