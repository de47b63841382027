//! [`Sensitive`]: a secret or a piece of PII that must not leak; [`last_four`]: a number as
//! lists and the Review page show it, over a shoulder.

use std::fmt;

/// A value that must not leak: `Debug`/`Display` print `<redacted>` and there is no
/// `Serialize`, so it cannot end up in logs, JSON or the webview by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself; call only where it is about to be used.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A number with all but its last four letters or digits replaced by `•`, keeping its
/// separators: `123-45-6789` becomes `•••-••-6789`. One with four or fewer letters and
/// digits is masked entirely, since showing its "last four" would show all of it.
pub fn last_four(value: &str) -> String {
    let value = value.trim();
    let significant = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep = if significant > 4 { 4 } else { 0 };
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen > significant - keep {
                c
            } else {
                '•'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_values_never_print() {
        let secret = Sensitive::new("hunter2".to_owned());
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn last_four_keeps_separators_and_hides_a_short_number_whole() {
        assert_eq!(last_four(" 123-45-6789 "), "•••-••-6789");
        assert_eq!(last_four("X1234567"), "••••4567");
        assert_eq!(last_four("1234"), "••••");
        assert_eq!(last_four(""), "");
    }
}
