//! Latin (`_en`) forms that follow their source. A Latin form staff took or confirmed
//! records the value it was taken for; when that value changes, the form is stale until
//! staff take the new suggestion or keep the form, so an old spelling never reaches the
//! provider unseen.

/// The issue code of a Latin form taken for an earlier value of its source.
pub const STALE: &str = "latin_form_stale";

/// A name or street line with its Latin form, as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatinField<'a> {
    /// The Latin field's path, e.g. `name.latin.last`.
    pub field: String,
    /// What it is, in words for a message: `the last name`.
    pub what: &'static str,
    /// The customer's own value.
    pub value: &'a str,
    /// Its Latin form.
    pub latin: &'a str,
    /// The value the Latin form was taken or confirmed for; empty when not recorded.
    pub from: &'a str,
}

impl<'a> LatinField<'a> {
    pub fn new(
        field: String,
        what: &'static str,
        value: &'a str,
        latin: &'a str,
        from: &'a str,
    ) -> Self {
        Self {
            field,
            what,
            value,
            latin,
            from,
        }
    }
}

/// Whether a Latin form was taken for another value than its source has now. A form that
/// is what the new value would suggest anyway is not stale; nor is one whose source was
/// never recorded (drafts saved before it was), nor an empty one.
pub fn is_stale(value: &str, latin: &str, from: &str) -> bool {
    let (value, latin, from) = (value.trim(), latin.trim(), from.trim());
    !from.is_empty() && !latin.is_empty() && from != value && latin != latin_suggestion(value)
}

/// `the last name` → `The last name`.
pub fn capitalised(what: &str) -> String {
    let mut chars = what.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A Latin (ASCII) rendering of `value` for staff to accept or correct: `José Müller` →
/// `Jose Muller`, `Мария` → `Mariya`. Fin.com wants the `_en` forms in plain ASCII.
pub fn latin_suggestion(value: &str) -> String {
    let ascii = any_ascii::any_ascii(value);
    ascii.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an `_en` form is needed and still empty: the customer's own value is not plain
/// ASCII.
pub(crate) fn needs_latin(value: &str, latin: &str) -> bool {
    !value.trim().is_ascii() && latin.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_taken_for_an_earlier_value_is_stale() {
        assert!(is_stale("Pérez", "Nunez", "Núñez"));
        assert!(!is_stale("Núñez", "Nunez", "Núñez"), "same source");
        assert!(!is_stale("Pérez", "Nunez", ""), "source never recorded");
        assert!(!is_stale("Pérez", "", "Núñez"), "nothing taken");
        assert!(
            !is_stale("Pérez", "Perez", "Núñez"),
            "already what the new value suggests"
        );
        assert!(
            !is_stale(" Núñez ", "Nunez", "Núñez"),
            "spaces do not count"
        );
    }

    #[test]
    fn capitalised_starts_with_a_capital() {
        assert_eq!(capitalised("the last name"), "The last name");
        assert_eq!(capitalised(""), "");
    }
}
