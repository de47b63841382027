//! The scan slots a draft's Scans step shows, in order, with what each holds and whether
//! the provider needs it. The page draws what this says; it keeps no rule of its own.

use serde::Serialize;
use ts_rs::TS;

use crate::bvnk;
use crate::draft::{Draft, Provider};
use crate::fin::{self, FinAttachConfig, BACK, FRONT, PROOF_OF_ADDRESS, SELFIE};

/// What a slot holds, for its label: the side of which document, the selfie or the proof
/// of address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SlotDocument {
    Licence,
    IdCard,
    Permit,
    Passport,
    Selfie,
    ProofOfAddress,
    /// A BVNK company's own document (its certificate of incorporation, say).
    CompanyDocument,
}

/// One slot of the Scans step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SlotSpec {
    /// `FRONT`, `BACK`, `SELFIE` or `PROOF_OF_ADDRESS`.
    pub slot: String,
    pub document: SlotDocument,
    /// The provider needs this scan before the onboarding can be sent.
    pub required: bool,
    /// Whose document it is, for a BVNK company's associate: their name as typed (or
    /// "Person N" before it is).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The scan is read for the document's own data once attached, and what it gives is
    /// offered to the draft: a licence's barcode on its BACK, a passport's or an ID card's
    /// machine-readable zone on its FRONT.
    pub prefill: bool,
}

impl SlotSpec {
    fn new(slot: String, document: SlotDocument, required: bool, person: Option<String>) -> Self {
        let side = slot.rsplit(':').next().unwrap_or(&slot);
        let prefill = match side {
            BACK => matches!(
                document,
                SlotDocument::Licence | SlotDocument::IdCard | SlotDocument::Permit
            ),
            FRONT => matches!(
                document,
                SlotDocument::Passport | SlotDocument::IdCard | SlotDocument::Permit
            ),
            _ => false,
        };
        Self {
            slot,
            document,
            required,
            person,
            prefill,
        }
    }
}

/// The slots of `draft`'s primary identity document, then the selfie and the proof of
/// address. Fin.com needs both sides of a card (one page of a passport) and the proof of
/// address, and the selfie when the bank's Fin.com configuration says so; Cross River
/// takes the document's details only, so it needs no scan.
pub fn scan_slots(draft: &Draft, fin_config: FinAttachConfig) -> Vec<SlotSpec> {
    if draft.provider == Provider::Bvnk {
        return bvnk_slots(draft);
    }
    let id_type = draft
        .identity_documents
        .iter()
        .find(|d| d.is_primary)
        .or(draft.identity_documents.first())
        .map(|d| d.id_type.trim())
        .filter(|t| !t.is_empty())
        .unwrap_or("DriversLicense");
    let document = match id_type {
        "Passport" => SlotDocument::Passport,
        "IdCard" => SlotDocument::IdCard,
        "ResidencePermit" => SlotDocument::Permit,
        _ => SlotDocument::Licence,
    };
    let to_fin = draft.provider == Provider::Fin;
    let needs = fin::slot_needs(id_type, fin_config);
    let required = |slot: &str| to_fin && needs.iter().any(|n| n.slot == slot && n.required);
    let sides: &[&str] = if document == SlotDocument::Passport {
        &[FRONT]
    } else {
        &[FRONT, BACK]
    };
    let mut slots: Vec<SlotSpec> = sides
        .iter()
        .map(|side| SlotSpec::new((*side).to_owned(), document, required(side), None))
        .collect();
    slots.push(SlotSpec::new(
        SELFIE.to_owned(),
        SlotDocument::Selfie,
        required(SELFIE),
        None,
    ));
    slots.push(SlotSpec::new(
        PROOF_OF_ADDRESS.to_owned(),
        SlotDocument::ProofOfAddress,
        required(PROOF_OF_ADDRESS),
        None,
    ));
    slots
}

fn slot_document(id_type: &str) -> SlotDocument {
    match id_type.trim() {
        "Passport" => SlotDocument::Passport,
        "IdCard" => SlotDocument::IdCard,
        "ResidencePermit" => SlotDocument::Permit,
        _ => SlotDocument::Licence,
    }
}

/// BVNK's slots, every one required: what [`bvnk::slots::needed`] says it sends. An
/// associate whose document type is not chosen yet shows a licence's two sides.
fn bvnk_slots(draft: &Draft) -> Vec<SlotSpec> {
    let mut shown = draft.clone();
    for associate in &mut shown.associates {
        if associate.document.id_type.trim().is_empty() {
            associate.document.id_type = "DriversLicense".to_owned();
        }
    }
    if let Some(document) = shown.identity_documents.first_mut() {
        if document.id_type.trim().is_empty() {
            document.id_type = "DriversLicense".to_owned();
        }
    }
    bvnk::slots::needed(&shown)
        .into_iter()
        .map(|needed| {
            let (document, person) = match needed.associate {
                Some(i) => {
                    let a = &shown.associates[i];
                    let name = format!("{} {}", a.name.first.trim(), a.name.last.trim());
                    let name = name.trim().to_owned();
                    let person = if name.is_empty() {
                        format!("Person {}", i + 1)
                    } else {
                        name
                    };
                    (slot_document(&a.document.id_type), Some(person))
                }
                None if needed.kind == "COMPANY_DOC" => (SlotDocument::CompanyDocument, None),
                None => {
                    let id_type = shown
                        .identity_documents
                        .first()
                        .map(|d| d.id_type.as_str())
                        .unwrap_or("");
                    (slot_document(id_type), None)
                }
            };
            SlotSpec::new(needed.slot, document, true, person)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::IdentityDocument;

    fn draft(provider: Provider, id_type: &str) -> Draft {
        Draft {
            provider,
            identity_documents: vec![IdentityDocument {
                id_type: id_type.into(),
                is_primary: true,
                ..IdentityDocument::default()
            }],
            ..Draft::default()
        }
    }

    fn shown(slots: &[SlotSpec]) -> Vec<(&str, SlotDocument, bool)> {
        slots
            .iter()
            .map(|s| (s.slot.as_str(), s.document, s.required))
            .collect()
    }

    #[test]
    fn a_passport_has_one_page_and_cards_two_sides() {
        let passport = scan_slots(
            &draft(Provider::Fin, "Passport"),
            FinAttachConfig::default(),
        );
        assert_eq!(
            shown(&passport),
            [
                ("FRONT", SlotDocument::Passport, true),
                ("SELFIE", SlotDocument::Selfie, false),
                ("PROOF_OF_ADDRESS", SlotDocument::ProofOfAddress, true),
            ]
        );
        let card = scan_slots(&draft(Provider::Fin, "IdCard"), FinAttachConfig::default());
        assert_eq!(
            shown(&card)[..2],
            [
                ("FRONT", SlotDocument::IdCard, true),
                ("BACK", SlotDocument::IdCard, true)
            ]
        );
        let permit = scan_slots(
            &draft(Provider::Fin, "ResidencePermit"),
            FinAttachConfig::default(),
        );
        assert_eq!(permit[1].document, SlotDocument::Permit);
    }

    #[test]
    fn fin_needs_the_selfie_only_when_its_configuration_says_so() {
        let d = draft(Provider::Fin, "DriversLicense");
        let selfie = |config| {
            scan_slots(&d, config)
                .into_iter()
                .find(|s| s.slot == SELFIE)
                .map(|s| s.required)
        };
        assert_eq!(
            selfie(FinAttachConfig {
                selfie_required: false
            }),
            Some(false)
        );
        assert_eq!(
            selfie(FinAttachConfig {
                selfie_required: true
            }),
            Some(true)
        );
    }

    #[test]
    fn a_bvnk_company_shows_its_document_and_each_persons_sides() {
        use crate::draft::{Associate, AssociateDocument, Names, PartyKind};
        let d = Draft {
            provider: Provider::Bvnk,
            kind: PartyKind::Company,
            associates: vec![
                Associate {
                    id: "p1".into(),
                    name: Names {
                        first: "Ana".into(),
                        last: "Ortiz".into(),
                        ..Names::default()
                    },
                    ..Associate::default()
                },
                Associate {
                    id: "p2".into(),
                    document: AssociateDocument {
                        id_type: "Passport".into(),
                        ..AssociateDocument::default()
                    },
                    ..Associate::default()
                },
            ],
            ..Draft::default()
        };
        let slots = scan_slots(&d, FinAttachConfig::default());
        let shown: Vec<(&str, SlotDocument, Option<&str>)> = slots
            .iter()
            .map(|s| (s.slot.as_str(), s.document, s.person.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                ("COMPANY_DOC", SlotDocument::CompanyDocument, None),
                (
                    "ASSOCIATE:p1:FRONT",
                    SlotDocument::Licence,
                    Some("Ana Ortiz")
                ),
                (
                    "ASSOCIATE:p1:BACK",
                    SlotDocument::Licence,
                    Some("Ana Ortiz")
                ),
                (
                    "ASSOCIATE:p2:FRONT",
                    SlotDocument::Passport,
                    Some("Person 2")
                ),
            ]
        );
        assert!(slots.iter().all(|s| s.required));
    }

    #[test]
    fn cross_river_needs_no_scan_and_a_blank_type_is_a_licence() {
        let slots = scan_slots(
            &draft(Provider::Cos, ""),
            FinAttachConfig {
                selfie_required: true,
            },
        );
        assert_eq!(slots.len(), 4);
        assert!(slots.iter().all(|s| !s.required), "{slots:?}");
        assert_eq!(slots[0].document, SlotDocument::Licence);
    }

    #[test]
    fn the_sides_that_carry_the_documents_data_are_the_ones_read() {
        let read = |id_type: &str| -> Vec<String> {
            scan_slots(&draft(Provider::Fin, id_type), FinAttachConfig::default())
                .into_iter()
                .filter(|s| s.prefill)
                .map(|s| s.slot)
                .collect()
        };
        // A licence's barcode is on its back; a passport's zone on its photo page; an ID
        // card may carry either.
        assert_eq!(read("DriversLicense"), ["BACK"]);
        assert_eq!(read("Passport"), ["FRONT"]);
        assert_eq!(read("IdCard"), ["FRONT", "BACK"]);
    }
}
