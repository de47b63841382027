//! The scan slots a draft's Scans step shows, in order, with what each holds and whether
//! the provider needs it. The page draws what this says; it keeps no rule of its own.

use serde::Serialize;
use ts_rs::TS;

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
}

/// The slots of `draft`'s primary identity document, then the selfie and the proof of
/// address. Fin.com needs both sides of a card (one page of a passport) and the proof of
/// address, and the selfie when the bank's Fin.com configuration says so; Cross River
/// takes the document's details only, so it needs no scan.
pub fn scan_slots(draft: &Draft, fin_config: FinAttachConfig) -> Vec<SlotSpec> {
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
        .map(|side| SlotSpec {
            slot: (*side).to_owned(),
            document,
            required: required(side),
        })
        .collect();
    slots.push(SlotSpec {
        slot: SELFIE.to_owned(),
        document: SlotDocument::Selfie,
        required: required(SELFIE),
    });
    slots.push(SlotSpec {
        slot: PROOF_OF_ADDRESS.to_owned(),
        document: SlotDocument::ProofOfAddress,
        required: required(PROOF_OF_ADDRESS),
    });
    slots
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
}
