//! Which scans a BVNK onboarding sends, and as what: the company's document, and each
//! person's identity document (both sides of a card or licence, one page of a passport).

use crate::draft::{Associate, Draft, PartyKind};

use super::wire::SubType;

/// The slot of the company's own document.
pub const COMPANY_DOCUMENT: &str = "COMPANY_DOC";

/// How a draft's document type (`Passport`, `DriversLicense`, `IdCard`,
/// `ResidencePermit`) is written in an associate's `documentInfo.type`.
pub fn document_info_type(id_type: &str) -> Option<&'static str> {
    match id_type.trim() {
        "Passport" => Some("PASSPORT"),
        "DriversLicense" => Some("DRIVERS_LICENSE"),
        "IdCard" => Some("ID_CARD"),
        "ResidencePermit" => Some("RESIDENCE_PERMIT"),
        _ => None,
    }
}

/// How the same type is written as a document's `type` (BVNK spells the licence
/// `DRIVER_LICENSE` there).
pub fn document_type(id_type: &str) -> Option<&'static str> {
    match id_type.trim() {
        "Passport" => Some("PASSPORT"),
        "DriversLicense" => Some("DRIVER_LICENSE"),
        "IdCard" => Some("ID_CARD"),
        "ResidencePermit" => Some("RESIDENCE_PERMIT"),
        _ => None,
    }
}

/// The sides a document of `id_type` needs: one page of a passport, both sides of a card.
pub fn sides(id_type: &str) -> &'static [SubType] {
    if id_type.trim() == "Passport" {
        &[SubType::FrontSide]
    } else {
        &[SubType::FrontSide, SubType::BackSide]
    }
}

fn side_word(side: SubType) -> &'static str {
    match side {
        SubType::FrontSide => "FRONT",
        SubType::BackSide => "BACK",
    }
}

/// The key an associate's scans are filed under: its fixed id, or its place in the list
/// for one saved before ids were given.
pub fn associate_key(associate: &Associate, index: usize) -> String {
    let id = associate.id.trim();
    if id.is_empty() {
        format!("A{index}")
    } else {
        id.to_owned()
    }
}

/// The slot of one side of an associate's document: `ASSOCIATE:<key>:FRONT`.
pub fn associate_slot(key: &str, side: SubType) -> String {
    format!("ASSOCIATE:{key}:{}", side_word(side))
}

/// One scan a BVNK onboarding sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needed {
    /// The draft's scan slot.
    pub slot: String,
    /// The associate it belongs to (its index in `draft.associates`), `None` for the
    /// company or an individual customer.
    pub associate: Option<usize>,
    /// BVNK's `type`.
    pub kind: String,
    pub sub_type: Option<SubType>,
    /// The draft field that names the document, for an issue about its scan.
    pub field: String,
}

/// Every scan `draft` must carry before it goes to BVNK, in the order they are sent.
pub fn needed(draft: &Draft) -> Vec<Needed> {
    let mut out = Vec::new();
    match draft.kind {
        PartyKind::Company => {
            out.push(Needed {
                slot: COMPANY_DOCUMENT.to_owned(),
                associate: None,
                kind: "COMPANY_DOC".to_owned(),
                sub_type: None,
                field: "bvnk.companyDocumentType".to_owned(),
            });
            for (i, associate) in draft.associates.iter().enumerate() {
                let id_type = &associate.document.id_type;
                let Some(kind) = document_type(id_type) else {
                    continue;
                };
                let key = associate_key(associate, i);
                for side in sides(id_type) {
                    out.push(Needed {
                        slot: associate_slot(&key, *side),
                        associate: Some(i),
                        kind: kind.to_owned(),
                        sub_type: Some(*side),
                        field: format!("associates[{i}].document.idType"),
                    });
                }
            }
        }
        PartyKind::Person => {
            let Some(document) = draft
                .identity_documents
                .iter()
                .find(|d| d.is_primary)
                .or(draft.identity_documents.first())
            else {
                return out;
            };
            let Some(kind) = document_type(&document.id_type) else {
                return out;
            };
            for side in sides(&document.id_type) {
                out.push(Needed {
                    slot: side_word(*side).to_owned(),
                    associate: None,
                    kind: kind.to_owned(),
                    sub_type: Some(*side),
                    field: "identityDocuments[0].idType".to_owned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{AssociateDocument, IdentityDocument};

    #[test]
    fn a_company_sends_its_document_and_each_persons_sides() {
        let licence = |id: &str| Associate {
            id: id.into(),
            document: AssociateDocument {
                id_type: "DriversLicense".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let passport = Associate {
            document: AssociateDocument {
                id_type: "Passport".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let draft = Draft {
            kind: PartyKind::Company,
            associates: vec![licence("p1"), passport],
            ..Default::default()
        };
        let slots: Vec<(String, String)> = needed(&draft)
            .into_iter()
            .map(|n| (n.slot, n.kind))
            .collect();
        assert_eq!(
            slots,
            vec![
                ("COMPANY_DOC".into(), "COMPANY_DOC".into()),
                ("ASSOCIATE:p1:FRONT".into(), "DRIVER_LICENSE".into()),
                ("ASSOCIATE:p1:BACK".into(), "DRIVER_LICENSE".into()),
                ("ASSOCIATE:A1:FRONT".into(), "PASSPORT".into()),
            ]
        );
    }

    #[test]
    fn an_individual_sends_the_primary_documents_sides() {
        let draft = Draft {
            identity_documents: vec![IdentityDocument {
                id_type: "IdCard".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let slots: Vec<String> = needed(&draft).into_iter().map(|n| n.slot).collect();
        assert_eq!(slots, vec!["FRONT", "BACK"]);
        assert_eq!(
            document_info_type("DriversLicense"),
            Some("DRIVERS_LICENSE")
        );
        assert_eq!(document_type("DriversLicense"), Some("DRIVER_LICENSE"));
    }
}
