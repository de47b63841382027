use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::*;
use crate::draft::{Draft, Provider};
use crate::validate::Issue;

#[test]
fn every_spanish_template_has_the_placeholders_of_its_english() {
    for (english, spanish) in es::TABLE {
        assert_eq!(
            placeholders(english),
            placeholders(spanish),
            "{english:?} → {spanish:?}"
        );
    }
}

#[test]
fn each_english_template_is_written_once() {
    let mut seen = BTreeSet::new();
    for (english, _) in es::TABLE {
        assert!(seen.insert(english), "{english:?} twice");
    }
}

#[test]
fn a_template_and_the_words_it_was_made_from_are_both_translated() {
    assert_eq!(
        spanish("Enter the customer's first name.").as_deref(),
        Some("Ingrese el nombre del cliente.")
    );
    assert_eq!(
        translate("Enter the city.", Language::Es),
        "Ingrese la ciudad."
    );
    // English stays English, and so does a message with no Spanish yet.
    assert_eq!(
        translate("Enter the city.", Language::En),
        "Enter the city."
    );
    assert_eq!(
        translate("Something new entirely.", Language::Es),
        "Something new entirely."
    );
}

#[test]
fn a_capitalised_word_is_looked_up_and_capitalised_again() {
    assert_eq!(
        spanish("Only one identity document can be primary; untick the others.").as_deref(),
        Some(
            "Documento de identidad: solo se puede marcar una entrada como principal; \
             desmarque las demás."
        )
    );
    assert_eq!(
        spanish("City can be at most 50 characters; shorten it.").as_deref(),
        Some("Ciudad: como máximo 50 caracteres; acorte el texto.")
    );
}

#[test]
fn a_stale_latin_form_is_said_in_spanish() {
    let draft = crate::draft::Draft {
        name: crate::draft::Names {
            first: "José".into(),
            latin: crate::draft::LatinNames {
                first: "Josue".into(),
                first_from: "Josué".into(),
                ..Default::default()
            },
            ..crate::fin::tests::maria().name
        },
        ..crate::fin::tests::maria()
    };
    let messages: Vec<String> = crate::fin::fin_on(&draft, today())
        .into_iter()
        .map(|i| i.message)
        .collect();
    assert!(!messages.is_empty(), "the Latin form is stale");
    for message in messages {
        assert!(spanish(&message).is_some(), "no Spanish for {message:?}");
    }
}

#[test]
fn data_in_a_message_is_kept_as_it_is() {
    assert_eq!(
        spanish("An SSN has 9 digits; this has 7.").as_deref(),
        Some("Un número de Seguro Social tiene 9 dígitos; este tiene 7.")
    );
}

#[test]
fn the_system_locale_names_the_language() {
    assert_eq!(Language::of_locale("es_US.UTF-8"), Language::Es);
    assert_eq!(Language::of_locale("es"), Language::Es);
    assert_eq!(Language::of_locale("en_US.UTF-8"), Language::En);
    assert_eq!(Language::of_locale("C"), Language::En);
    assert_eq!(Language::of_locale("fr_FR"), Language::En);
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a real date")
}

/// Values that break the rules of most fields: empty, far too long, not the right shape,
/// a date in the future, a date long past, a number out of range.
const BREAKERS: &[&str] = &[
    "",
    "??",
    "666-12-3456",
    "000000000",
    "12",
    "2999-01-01",
    "1800-01-01",
    "2026-11-30",
    "02/30/2020",
    "-5",
    "250",
    "ZZ",
    "9052b6a5",
    "Ωmega Ölmez",
    "x@",
];

/// Every string in `value`, each time replaced by each of [`BREAKERS`] and by a very long
/// text, in a fresh copy of `value`.
fn broken(value: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let long = "x".repeat(300);
    let mut paths = Vec::new();
    strings(value, &mut Vec::new(), &mut paths);
    for path in paths {
        for breaker in BREAKERS.iter().copied().chain([long.as_str()]) {
            let mut copy = value.clone();
            if let Some(slot) = pointer(&mut copy, &path) {
                *slot = serde_json::Value::String(breaker.to_owned());
            }
            out.push(copy);
        }
    }
    // Lists emptied, one at a time.
    if let serde_json::Value::Object(map) = value {
        for (key, field) in map {
            if field.is_array() {
                let mut copy = value.clone();
                copy[key] = serde_json::Value::Array(Vec::new());
                out.push(copy);
            }
        }
    }
    out
}

fn strings(value: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        serde_json::Value::String(_) => out.push(at.clone()),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                strings(item, at, out);
                at.pop();
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                at.push(key.clone());
                strings(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn pointer<'v>(
    value: &'v mut serde_json::Value,
    path: &[String],
) -> Option<&'v mut serde_json::Value> {
    let pointer: String = path
        .iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect();
    value.pointer_mut(&pointer)
}

/// Every message the rules of all three providers give the existing tests' drafts, each
/// broken field by field.
fn rules_messages() -> BTreeSet<String> {
    let drafts = [
        crate::validate::tests::full_person(),
        crate::validate::tests::full_company(),
        crate::fin::tests::maria(),
        crate::validate::bvnk_tests::company(),
        crate::validate::bvnk_tests::individual(),
    ];
    let mut messages = BTreeSet::new();
    let mut add = |issues: Vec<Issue>| messages.extend(issues.into_iter().map(|i| i.message));
    for draft in drafts {
        let json = serde_json::to_value(&draft).expect("a draft serialises");
        for variant in std::iter::once(json.clone()).chain(broken(&json)) {
            let Ok(mut draft) = serde_json::from_value::<Draft>(variant) else {
                continue;
            };
            for provider in [Provider::Cos, Provider::Fin, Provider::Bvnk] {
                draft.provider = provider;
                add(crate::validate::draft_on(&draft, today()));
                add(crate::validate::cos_on(&draft, today()));
                add(crate::fin::fin_on(&draft, today()));
                add(crate::validate::bvnk_on(&draft, today(), 1_000));
            }
        }
    }
    messages
}

#[test]
fn every_message_the_rules_give_has_spanish() {
    let messages = rules_messages();
    assert!(messages.len() > 50, "the drafts broke many rules");
    let missing: Vec<&String> = messages.iter().filter(|m| spanish(m).is_none()).collect();
    assert!(
        missing.is_empty(),
        "{} of {} messages have no Spanish:\n{}",
        missing.len(),
        messages.len(),
        missing
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
