//! The Latin-script (`_en`) forms Fin.com needs beside names and street lines in other
//! scripts: which fields have one, and the suggestions staff may take.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::draft::{self, Draft};
pub use crate::latin::latin_suggestion;
use crate::latin::{self, needs_latin};

use super::entries::*;

/// A Latin form the form offers beside an empty `_en` field, for staff to take or correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LatinSuggestion {
    /// The `_en` field's path, e.g. `name.latin.first` or `addresses[0].street1Latin`.
    pub field: String,
    /// [`latin_suggestion`] of the customer's own value.
    pub value: String,
    /// The customer's own value the suggestion is made from: what staff taking or keeping
    /// a Latin form record it was taken for.
    pub source: String,
    /// The field holds a Latin form taken for an earlier value: staff take this suggestion
    /// or keep what is there.
    pub stale: bool,
}

/// For a Fin.com draft, a suggestion for each name and street line of the address sent
/// whose `_en` form Fin.com needs and staff have not typed. Only offered: nothing here is
/// ever put in the draft without staff taking it.
pub fn latin_suggestions(draft: &Draft) -> Vec<LatinSuggestion> {
    if draft.provider != draft::Provider::Fin {
        return Vec::new();
    }
    latin_fields(draft)
        .into_iter()
        .filter_map(|f| {
            let stale = latin::is_stale(f.value, f.latin, f.from);
            (stale || needs_latin(f.value, f.latin)).then(|| LatinSuggestion {
                value: latin_suggestion(f.value),
                source: f.value.trim().to_owned(),
                field: f.field,
                stale,
            })
        })
        .filter(|s| !s.value.is_empty())
        .collect()
}

/// Each name and street line of a draft that has a Latin form beside it for Fin.com.
pub(super) fn latin_fields(draft: &Draft) -> Vec<latin::LatinField<'_>> {
    use latin::LatinField as F;
    let n = &draft.name;
    let l = &n.latin;
    let mut fields = vec![
        F::new(
            "name.latin.first".to_owned(),
            "the first name",
            &n.first,
            &l.first,
            &l.first_from,
        ),
        F::new(
            "name.latin.middle".to_owned(),
            "the middle name",
            &n.middle,
            &l.middle,
            &l.middle_from,
        ),
        F::new(
            "name.latin.last".to_owned(),
            "the last name",
            &n.last,
            &l.last,
            &l.last_from,
        ),
    ];
    if let Some(i) = fin_address_index(draft) {
        let a = &draft.addresses[i];
        fields.push(F::new(
            format!("addresses[{i}].street1Latin"),
            "the street address",
            &a.street1,
            &a.street1_latin,
            &a.street1_latin_from,
        ));
        fields.push(F::new(
            format!("addresses[{i}].street2Latin"),
            "the second address line",
            &a.street2,
            &a.street2_latin,
            &a.street2_latin_from,
        ));
    }
    fields
}
