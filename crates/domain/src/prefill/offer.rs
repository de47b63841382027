//! What a read offers a draft: each value found beside the draft's own at the field it
//! belongs to (the person's, or a BVNK associate's when the scan is theirs), whether it
//! fills an empty field, differs from what staff typed, or agrees; and what staff should
//! know first (an expired document, a name or birth date that disagrees). Nothing is filled
//! here: staff accept what they choose ([`apply`]).

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::{DocumentKind, DocumentRead, Field, Source};
use crate::draft::Draft;

/// What accepting a value would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// The draft's field is empty: filled on accepting.
    Fill,
    /// The draft has another value: staff choose.
    Differs,
    /// The draft already says the same.
    Same,
}

/// One value offered for one field of the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Offered {
    /// The draft field, as the form names it (`name.first`, `associates[1].birthDate`).
    pub path: String,
    pub value: String,
    pub current: String,
    pub kind: OfferKind,
}

/// Something staff should see before accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "flag")]
pub enum Flag {
    /// The document expired on this date.
    Expired { on: String },
    /// The document's name is not the one staff typed.
    NameDiffers,
    /// The document's birth date is not the one staff typed.
    BirthDateDiffers,
}

/// A read offered to a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub source: Source,
    pub document: DocumentKind,
    pub fields: Vec<Offered>,
    pub flags: Vec<Flag>,
}

/// Where a value goes for a person, relative to the person's own part of the draft.
fn person_path(field: Field, address: &str, document: &str) -> Option<String> {
    Some(match field {
        Field::FirstName => "name.first".to_owned(),
        Field::MiddleName => "name.middle".to_owned(),
        Field::LastName => "name.last".to_owned(),
        Field::Suffix => "name.suffix".to_owned(),
        Field::BirthDate => "person.birthDate".to_owned(),
        Field::Sex => "person.gender".to_owned(),
        Field::Nationality => "person.citizenshipCountry".to_owned(),
        Field::Street1 => format!("{address}.street1"),
        Field::Street2 => format!("{address}.street2"),
        Field::City => format!("{address}.city"),
        Field::State => format!("{address}.state"),
        Field::PostalCode => format!("{address}.postalCode"),
        Field::Country => format!("{address}.country"),
        Field::DocumentNumber => format!("{document}.number"),
        Field::IssuedDate => format!("{document}.issuedDate"),
        Field::ExpiryDate => format!("{document}.expiryDate"),
        Field::IssuingState => format!("{document}.issuingStateOrProvince"),
        Field::IssuingCountry => format!("{document}.issuingCountry"),
    })
}

/// Where a value goes for a BVNK associate `index`.
fn associate_path(field: Field, index: usize) -> Option<String> {
    let at = format!("associates[{index}]");
    Some(match field {
        Field::FirstName => format!("{at}.name.first"),
        Field::MiddleName => format!("{at}.name.middle"),
        Field::LastName => format!("{at}.name.last"),
        Field::BirthDate => format!("{at}.birthDate"),
        Field::Street1 => format!("{at}.address.street1"),
        Field::Street2 => format!("{at}.address.street2"),
        Field::City => format!("{at}.address.city"),
        Field::State => format!("{at}.address.state"),
        Field::PostalCode => format!("{at}.address.postalCode"),
        Field::Country => format!("{at}.address.country"),
        Field::DocumentNumber => format!("{at}.document.number"),
        Field::IssuingCountry => format!("{at}.document.issuingCountry"),
        _ => return None,
    })
}

/// The value in the draft's format for `field`: countries read as alpha-3 go in as the
/// draft's alpha-2, and only the sexes the draft records.
fn draft_value(field: Field, value: &str) -> Option<String> {
    match field {
        Field::IssuingCountry | Field::Nationality => super::alpha2(value),
        Field::Sex => matches!(value, "MALE" | "FEMALE").then(|| value.to_owned()),
        _ => Some(value.to_owned()),
    }
}

/// The value at `path` in the draft's JSON, as text ("" when absent).
fn at_path(value: &serde_json::Value, path: &str) -> String {
    let mut current = value;
    for part in segments(path) {
        current = match part {
            Segment::Key(key) => match current.get(key) {
                Some(next) => next,
                None => return String::new(),
            },
            Segment::Index(i) => match current.get(i) {
                Some(next) => next,
                None => return String::new(),
            },
        };
    }
    current.as_str().unwrap_or_default().to_owned()
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((key, rest)) => {
                out.push(Segment::Key(key));
                if let Some(i) = rest.strip_suffix(']').and_then(|i| i.parse().ok()) {
                    out.push(Segment::Index(i));
                }
            }
            None => out.push(Segment::Key(part)),
        }
    }
    out
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// What `read`, from the scan in `slot`, offers `draft` on `today`.
pub fn offer(draft: &Draft, read: &DocumentRead, slot: &str, today: NaiveDate) -> Offer {
    let body = serde_json::to_value(draft).unwrap_or_default();
    // A BVNK associate's scan fills that associate.
    let associate = slot
        .strip_prefix("ASSOCIATE:")
        .and_then(|rest| rest.split(':').next())
        .and_then(|id| draft.associates.iter().position(|a| a.id == id));
    let address = format!(
        "addresses[{}]",
        draft
            .addresses
            .iter()
            .position(|a| a.is_primary)
            .unwrap_or(0)
    );
    let document = format!(
        "identityDocuments[{}]",
        draft
            .identity_documents
            .iter()
            .position(|d| d.is_primary)
            .unwrap_or(0)
    );
    let mut fields = Vec::new();
    for found in &read.fields {
        let path = match associate {
            Some(index) => associate_path(found.field, index),
            None => person_path(found.field, &address, &document),
        };
        let (Some(path), Some(value)) = (path, draft_value(found.field, &found.value)) else {
            continue;
        };
        let current = at_path(&body, &path);
        let kind = if current.trim().is_empty() {
            OfferKind::Fill
        } else if same(&current, &value) {
            OfferKind::Same
        } else {
            OfferKind::Differs
        };
        fields.push(Offered {
            path,
            value,
            current,
            kind,
        });
    }
    let mut flags = Vec::new();
    if let Some(expiry) = read.get(Field::ExpiryDate) {
        if NaiveDate::parse_from_str(expiry, "%Y-%m-%d").is_ok_and(|on| on < today) {
            flags.push(Flag::Expired {
                on: expiry.to_owned(),
            });
        }
    }
    let differs = |suffix: &str| {
        fields
            .iter()
            .any(|f| f.path.ends_with(suffix) && f.kind == OfferKind::Differs)
    };
    if differs("name.first") || differs("name.last") {
        flags.push(Flag::NameDiffers);
    }
    if differs("birthDate") {
        flags.push(Flag::BirthDateDiffers);
    }
    Offer {
        source: read.source,
        document: read.document,
        fields,
        flags,
    }
}

/// The draft with the offered values at `paths` put in (others left alone), and the
/// identity document's type set from what was read when it fills that document.
pub fn apply(draft: &Draft, offer: &Offer, paths: &[String]) -> Result<Draft, serde_json::Error> {
    let mut body = serde_json::to_value(draft)?;
    for offered in offer.fields.iter().filter(|f| paths.contains(&f.path)) {
        set_path(&mut body, &offered.path, &offered.value);
        if let Some(document) = offered.path.strip_suffix(".number") {
            if document.starts_with("identityDocuments[") {
                let id_type = match offer.document {
                    DocumentKind::DriversLicence => "DriversLicense",
                    DocumentKind::Passport => "Passport",
                    DocumentKind::IdCard => "IdCard",
                };
                set_path(&mut body, &format!("{document}.idType"), id_type);
            }
        }
    }
    serde_json::from_value(body)
}

fn set_path(body: &mut serde_json::Value, path: &str, value: &str) {
    let parts = segments(path);
    let mut current = body;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        current = match part {
            Segment::Key(key) => {
                let Some(map) = current.as_object_mut() else {
                    return;
                };
                if last {
                    map.insert(
                        (*key).to_owned(),
                        serde_json::Value::String(value.to_owned()),
                    );
                    return;
                }
                map.entry((*key).to_owned())
                    .or_insert_with(|| serde_json::Value::Object(Default::default()))
            }
            Segment::Index(index) => {
                let Some(items) = current.as_array_mut() else {
                    return;
                };
                while items.len() <= *index {
                    items.push(serde_json::Value::Object(Default::default()));
                }
                &mut items[*index]
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{Address, Associate, IdentityDocument, PartyKind};
    use crate::prefill::ReadField;

    fn read(fields: &[(Field, &str)], document: DocumentKind) -> DocumentRead {
        DocumentRead {
            source: Source::Pdf417,
            document,
            fields: fields
                .iter()
                .map(|(field, value)| ReadField {
                    field: *field,
                    value: (*value).to_owned(),
                })
                .collect(),
            checks: Vec::new(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    fn licence() -> DocumentRead {
        read(
            &[
                (Field::FirstName, "Carmen"),
                (Field::LastName, "Rivera"),
                (Field::BirthDate, "1986-06-14"),
                (Field::Sex, "FEMALE"),
                (Field::Street1, "742 Evergreen Terrace"),
                (Field::City, "San Jose"),
                (Field::State, "CA"),
                (Field::PostalCode, "95125"),
                (Field::Country, "US"),
                (Field::DocumentNumber, "D7654321"),
                (Field::ExpiryDate, "2030-06-14"),
                (Field::IssuingState, "CA"),
                (Field::IssuingCountry, "USA"),
            ],
            DocumentKind::DriversLicence,
        )
    }

    fn person() -> Draft {
        Draft {
            kind: PartyKind::Person,
            addresses: vec![Address {
                is_primary: true,
                ..Address::default()
            }],
            identity_documents: vec![IdentityDocument {
                is_primary: true,
                ..IdentityDocument::default()
            }],
            ..Draft::default()
        }
    }

    #[test]
    fn empty_fields_are_filled_differing_ones_offered_and_same_ones_noted() {
        let mut draft = person();
        draft.name.first = "Carmen".into();
        draft.person.birth_date = "1986-06-15".into();
        let offer = offer(&draft, &licence(), "BACK", today());
        let kind_of = |path: &str| offer.fields.iter().find(|f| f.path == path).map(|f| f.kind);
        assert_eq!(kind_of("name.first"), Some(OfferKind::Same));
        assert_eq!(kind_of("name.last"), Some(OfferKind::Fill));
        assert_eq!(kind_of("person.birthDate"), Some(OfferKind::Differs));
        assert_eq!(kind_of("addresses[0].postalCode"), Some(OfferKind::Fill));
        assert_eq!(
            kind_of("identityDocuments[0].number"),
            Some(OfferKind::Fill)
        );
        // Countries go in as the draft keeps them (alpha-2).
        let issuing = offer
            .fields
            .iter()
            .find(|f| f.path == "identityDocuments[0].issuingCountry")
            .unwrap();
        assert_eq!(issuing.value, "US");
        assert_eq!(offer.flags, vec![Flag::BirthDateDiffers]);
    }

    #[test]
    fn accepting_fills_only_what_staff_chose_and_names_the_document() {
        let draft = person();
        let offer = offer(&draft, &licence(), "BACK", today());
        let all: Vec<String> = offer.fields.iter().map(|f| f.path.clone()).collect();
        let filled = apply(&draft, &offer, &all).unwrap();
        assert_eq!(filled.name.last, "Rivera");
        assert_eq!(filled.person.birth_date, "1986-06-14");
        assert_eq!(filled.person.gender, "FEMALE");
        assert_eq!(filled.addresses[0].city, "San Jose");
        assert_eq!(filled.identity_documents[0].number, "D7654321");
        assert_eq!(filled.identity_documents[0].id_type, "DriversLicense");
        assert_eq!(filled.identity_documents[0].issuing_state_or_province, "CA");

        let some = apply(&draft, &offer, &["name.last".to_owned()]).unwrap();
        assert_eq!(some.name.last, "Rivera");
        assert!(some.person.birth_date.is_empty(), "not chosen, not filled");
    }

    #[test]
    fn an_expired_document_and_a_different_name_are_flagged() {
        let mut draft = person();
        draft.name.last = "Rivers".into();
        let mut expired = licence();
        for f in &mut expired.fields {
            if f.field == Field::ExpiryDate {
                f.value = "2024-06-14".into();
            }
        }
        let offer = offer(&draft, &expired, "BACK", today());
        assert!(offer.flags.contains(&Flag::Expired {
            on: "2024-06-14".into()
        }));
        assert!(offer.flags.contains(&Flag::NameDiffers));
    }

    #[test]
    fn a_bvnk_associates_scan_fills_that_associate() {
        let draft = Draft {
            kind: PartyKind::Company,
            associates: vec![
                Associate {
                    id: "p-ana".into(),
                    ..Associate::default()
                },
                Associate {
                    id: "p-ben".into(),
                    ..Associate::default()
                },
            ],
            ..Draft::default()
        };
        let offer = offer(&draft, &licence(), "ASSOCIATE:p-ben:BACK", today());
        let paths: Vec<&str> = offer.fields.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"associates[1].name.last"), "{paths:?}");
        assert!(paths.contains(&"associates[1].document.number"));
        assert!(paths.iter().all(|p| p.starts_with("associates[1].")));
        let all: Vec<String> = offer.fields.iter().map(|f| f.path.clone()).collect();
        let filled = apply(&draft, &offer, &all).unwrap();
        assert_eq!(filled.associates[1].birth_date, "1986-06-14");
        assert!(filled.associates[0].birth_date.is_empty());
    }
}
