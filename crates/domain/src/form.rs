//! What the wizard needs to know about a draft's fields beyond their issues: which ones the
//! rules require (so they are marked before anything is typed), and the tidy form of a value
//! staff typed (a US date, a lower-case state) to show once they leave the field.
//!
//! Both are read off the rules themselves rather than kept as a second list: a field is
//! required when leaving it empty is what the provider's rules call `required`.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::draft::{Draft, Provider};
use crate::{fin, validate};

/// A field's value in the form the providers take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldValue {
    pub field: String,
    pub value: String,
}

/// The rules of the provider the draft goes to (BVNK's with its default document limit).
pub fn rules_for(draft: &Draft, today: NaiveDate) -> Vec<validate::Issue> {
    match draft.provider {
        Provider::Fin => fin::fin_on(draft, today),
        Provider::Cos => validate::cos_on(draft, today),
        Provider::Bvnk => {
            validate::bvnk_on(draft, today, crate::bvnk::DEFAULT_DOCUMENT_LIMIT_BYTES)
        }
    }
}

/// Subtrees that are not typed into the form (scans are attached, not typed).
const NOT_TYPED: &[&str] = &["scans", "scanIds", "provider", "kind"];

/// A value staff type: a text, or a list of texts (typed comma-separated).
#[derive(Clone, Copy)]
enum Leaf {
    Text,
    List,
}

/// Every typed value of the draft: its field path (`addresses[0].city`) and JSON pointer.
fn leaves(value: &Value, path: &str, pointer: &str, out: &mut Vec<(String, String, Leaf)>) {
    match value {
        Value::String(_) => out.push((path.to_owned(), pointer.to_owned(), Leaf::Text)),
        Value::Array(items) if items.iter().all(Value::is_string) && !path.is_empty() => {
            out.push((path.to_owned(), pointer.to_owned(), Leaf::List));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                leaves(
                    item,
                    &format!("{path}[{i}]"),
                    &format!("{pointer}/{i}"),
                    out,
                );
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                if NOT_TYPED.contains(&key.as_str()) {
                    continue;
                }
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                leaves(item, &path, &format!("{pointer}/{key}"), out);
            }
        }
        _ => {}
    }
}

/// The fields of this draft that its provider's rules require, by field path. Each empty
/// value is first given a stand-in, so every row counts as in use and each field is judged
/// alone: the field is required when emptying it alone draws a `required` issue on it.
/// Choices already made (the country, the kind of document) are kept, so a field required
/// only for some of them (a US state) is listed only when it applies.
pub fn required_fields(draft: &Draft, today: NaiveDate) -> Vec<String> {
    let Ok(mut filled) = serde_json::to_value(draft) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    leaves(&filled, "", "", &mut found);
    // An empty list may be a list of rows rather than of texts: it keeps a stand-in only
    // when the draft still reads with one.
    found.retain(|(_, pointer, leaf)| {
        let Some(value) = filled.pointer_mut(pointer) else {
            return false;
        };
        let before = value.clone();
        match leaf {
            Leaf::Text if value.as_str().is_some_and(|s| s.trim().is_empty()) => {
                *value = Value::String(STAND_IN.to_owned());
            }
            Leaf::List if value.as_array().is_some_and(Vec::is_empty) => {
                *value = Value::Array(vec![Value::String(STAND_IN.to_owned())]);
                if serde_json::from_value::<Draft>(filled.clone()).is_err() {
                    if let Some(value) = filled.pointer_mut(pointer) {
                        *value = before;
                    }
                    return false;
                }
            }
            _ => {}
        }
        true
    });
    let mut required = BTreeSet::new();
    for (path, pointer, leaf) in &found {
        let mut probe = filled.clone();
        if let Some(value) = probe.pointer_mut(pointer) {
            *value = match leaf {
                Leaf::Text => Value::String(String::new()),
                Leaf::List => Value::Array(Vec::new()),
            };
        }
        let Ok(probe) = serde_json::from_value::<Draft>(probe) else {
            continue;
        };
        if rules_for(&probe, today)
            .iter()
            .any(|i| i.code == "required" && i.field == *path)
        {
            required.insert(path.clone());
        }
    }
    required.into_iter().collect()
}

/// [`required_fields`] for today's date.
pub fn required_fields_today(draft: &Draft) -> Vec<String> {
    required_fields(draft, chrono::Local::now().date_naive())
}

/// What an empty field holds while [`required_fields`] probes the others: any text will do.
const STAND_IN: &str = "1";

/// Fields whose tidy form is shown back on the form when staff leave them: dates as
/// YYYY-MM-DD, states and country codes in capitals. Other values (phone numbers, tax ids)
/// stay as typed on screen, which is easier to check against the document; they are
/// normalised when the draft is planned.
const SHOWN_TIDY: &[&str] = &[
    "birthDate",
    "dateFormed",
    "issuedDate",
    "expiryDate",
    "verifiedDate",
    "state",
    "issuingStateOrProvince",
    "country",
    "citizenshipCountry",
    "secondCitizenshipCountry",
    "issuingCountry",
    "taxResidenceCountry",
];

/// The values of the draft that read differently once normalised, among those shown tidy
/// on the form ([`SHOWN_TIDY`]): `07/23/1985` → `1985-07-23`, `ny` → `NY`.
/// The draft's numbers that are shown masked (tax ids and identity document numbers), by
/// field path, as the Review page shows them.
pub fn masked_values(draft: &Draft) -> Vec<FieldValue> {
    let tax_ids = draft
        .tax_ids
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("taxIds[{i}].number"), &t.number));
    let documents = draft
        .identity_documents
        .iter()
        .enumerate()
        .map(|(i, d)| (format!("identityDocuments[{i}].number"), &d.number));
    tax_ids
        .chain(documents)
        .filter(|(_, number)| !number.trim().is_empty())
        .map(|(field, number)| FieldValue {
            field,
            value: crate::last_four(number),
        })
        .collect()
}

pub fn tidy_values(draft: &Draft) -> Vec<FieldValue> {
    let (Ok(typed), Ok(tidy)) = (
        serde_json::to_value(draft),
        serde_json::to_value(validate::normalised(draft)),
    ) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    leaves(&typed, "", "", &mut found);
    found
        .into_iter()
        .filter(|(path, _, _)| {
            let name = path.rsplit('.').next().unwrap_or(path);
            SHOWN_TIDY.contains(&name)
        })
        .filter_map(|(field, pointer, _)| {
            let before = typed.pointer(&pointer)?.as_str()?;
            let after = tidy.pointer(&pointer)?.as_str()?;
            (before != after && !after.is_empty()).then(|| FieldValue {
                field,
                value: after.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{Address, IdentityDocument, PartyKind, TaxId};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
    }

    /// A COS person as the wizard starts one: one row of each, preset choices only.
    fn new_cos_person() -> Draft {
        Draft {
            kind: PartyKind::Person,
            tax_ids: vec![TaxId {
                id_type: "Ssn".into(),
                country: "US".into(),
                ..TaxId::default()
            }],
            addresses: vec![Address {
                address_type: "Home".into(),
                country: "US".into(),
                ..Address::default()
            }],
            identity_documents: vec![IdentityDocument {
                id_type: "DriversLicense".into(),
                issuing_country: "US".into(),
                ..IdentityDocument::default()
            }],
            ..Draft::default()
        }
    }

    #[test]
    fn required_fields_are_the_ones_the_rules_require() {
        let required = required_fields(&new_cos_person(), today());
        for field in [
            "name.first",
            "name.last",
            "person.birthDate",
            "taxIds[0].number",
            "addresses[0].street1",
            "addresses[0].city",
            "addresses[0].state",
            "addresses[0].postalCode",
            "identityDocuments[0].number",
            "identityDocuments[0].issuingAuthority",
            "identityDocuments[0].issuingStateOrProvince",
        ] {
            assert!(
                required.contains(&field.to_owned()),
                "{field} in {required:?}"
            );
        }
        for optional in [
            "name.middle",
            "name.suffix",
            "addresses[0].street2",
            "cos.clientIdentifier",
            "identityDocuments[0].issuedDate",
        ] {
            assert!(
                !required.contains(&optional.to_owned()),
                "{optional} is optional: {required:?}"
            );
        }
    }

    #[test]
    fn a_field_required_only_for_some_choices_follows_them() {
        let mut draft = new_cos_person();
        assert!(required_fields(&draft, today()).contains(&"addresses[0].state".to_owned()));
        // Outside the US the state is optional and the postal code stays required.
        draft.addresses[0].country = "MX".into();
        let required = required_fields(&draft, today());
        assert!(!required.contains(&"addresses[0].state".to_owned()));
        assert!(required.contains(&"addresses[0].postalCode".to_owned()));
    }

    #[test]
    fn fin_requires_its_own_fields() {
        let draft = Draft {
            provider: Provider::Fin,
            ..new_cos_person()
        };
        let required = required_fields(&draft, today());
        assert!(required.contains(&"fin.verificationType".to_owned()));
        assert!(required.contains(&"fin.sourceOfFundIds".to_owned()));
        // COS's issuer is not Fin.com's.
        assert!(!required.contains(&"identityDocuments[0].issuingAuthority".to_owned()));
    }

    #[test]
    fn us_dates_and_lower_case_states_are_shown_tidy() {
        let mut draft = new_cos_person();
        draft.person.birth_date = "7/23/1985".into();
        draft.addresses[0].state = "ny".into();
        draft.addresses[0].city = "  albany ".into();
        let tidy = tidy_values(&draft);
        assert!(tidy.contains(&FieldValue {
            field: "person.birthDate".into(),
            value: "1985-07-23".into()
        }));
        assert!(tidy.contains(&FieldValue {
            field: "addresses[0].state".into(),
            value: "NY".into()
        }));
        // Only the fields shown tidy: a city keeps what was typed on screen.
        assert!(
            !tidy.iter().any(|f| f.field == "addresses[0].city"),
            "{tidy:?}"
        );
    }

    #[test]
    fn the_common_ways_of_writing_a_date_are_read_month_first() {
        let july_23 = NaiveDate::from_ymd_opt(1985, 7, 23);
        for typed in [
            "1985-07-23",
            "07/23/1985",
            "7/23/1985",
            "07-23-1985",
            "23.07.1985",
        ] {
            assert_eq!(validate::parse_date(typed), july_23, "{typed}");
        }
        // A US counter reads slashes month first; a day over 12 in front is not a month.
        assert_eq!(
            validate::parse_date("03/04/1985"),
            NaiveDate::from_ymd_opt(1985, 3, 4)
        );
        for refused in [
            "23/07/1985",
            "07/23/85",
            "1985/07",
            "1985-7-23",
            "07/23/1985/1",
            "2023-02-30",
        ] {
            assert_eq!(validate::parse_date(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_us_date_and_a_lower_case_state_reach_cos_tidy() {
        let mut draft = crate::validate::tests::full_person();
        draft.person.birth_date = "9/22/1953".into();
        draft.addresses[0].state = "ny".into();
        draft.addresses[0].country = "us".into();
        let plan = crate::cos::onboarding("partner", &draft, today()).unwrap();
        assert_eq!(
            plan.customer.profile.birth_date.as_deref(),
            Some("1953-09-22")
        );
        assert_eq!(plan.addresses[0].state.as_deref(), Some("NY"));
        assert_eq!(plan.addresses[0].country_code, "US");
    }
}
