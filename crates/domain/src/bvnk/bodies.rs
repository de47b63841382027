//! The bodies BVNK receives, made from a draft (already normalised by
//! [`crate::validate::normalised`]): the agreement session, the create (a COMPANY with its
//! associates, or an INDIVIDUAL), and the later updates of details and associates.

use serde::Serialize;

use crate::draft::{self, Draft, PartyKind};
use crate::validate::phone_e164;

use super::slots::document_info_type;
use super::wire::{
    Address, Associate, Company, ContactInfo, Controls, Details, DocumentInfo, Person,
    TaxIdentification,
};

/// `POST /platform/v1/customers/agreement/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementSessionRequest {
    pub customer_type: &'static str,
    pub country_code: String,
    pub use_case: String,
}

/// `POST /platform/v1/customers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomer {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub signed_agreement_session_reference: String,
    /// Unique to the draft, so the customer can be recognised should the create's
    /// answer be lost.
    pub external_reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_score: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<Company>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub individual: Option<IndividualRequest>,
}

/// An individual as the create sends it: flat, as BVNK's pages show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndividualRequest {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub nationality: String,
    pub birth_country_code: String,
    pub email_address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phone_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_identification: Option<TaxIdentification>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub document_number: String,
}

/// `PUT /platform/v1/customers/{reference}` (seed: name, description, address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailsUpdate {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// `PUT /platform/v1/customers/{reference}/associates`: the whole list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociatesUpdate {
    pub associates: Vec<Associate>,
}

fn text(value: &str) -> String {
    value.trim().to_owned()
}

fn upper(value: &str) -> String {
    value.trim().to_ascii_uppercase()
}

/// The English short name of an alpha-2 code, which BVNK's addresses carry beside it.
fn country_name(code: &str) -> String {
    isocountry::CountryCode::for_alpha2(&upper(code))
        .map(|c| c.name().to_owned())
        .unwrap_or_default()
}

fn address(a: &draft::Address) -> Address {
    Address {
        address_line1: text(&a.street1),
        address_line2: text(&a.street2),
        city: text(&a.city),
        postal_code: text(&a.postal_code),
        country_code: upper(&a.country),
        country: country_name(&a.country),
    }
}

fn primary<T>(rows: &[T], is_primary: impl Fn(&T) -> bool) -> Option<&T> {
    rows.iter().find(|r| is_primary(r)).or(rows.first())
}

/// A phone as BVNK takes it: E.164, read in `region` when typed without a country code.
fn e164(typed: &str, region: &str) -> String {
    if typed.trim().is_empty() {
        return String::new();
    }
    phone_e164(typed, region).unwrap_or_else(|| text(typed))
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// One associate as BVNK takes it (seed: person, details, title, riskScore, controls).
fn associate(a: &draft::Associate) -> Associate {
    let document_number = text(&a.document.number);
    let tax_country = if a.tax_id.country.trim().is_empty() {
        upper(&a.address.country)
    } else {
        upper(&a.tax_id.country)
    };
    Associate {
        person: Person {
            reference: None,
            first_name: text(&a.name.first),
            last_name: text(&a.name.last),
            date_of_birth: text(&a.birth_date),
            address: (!a.address.street1.trim().is_empty()).then(|| address(&a.address)),
        },
        details: Details {
            birth_country_code: upper(&a.birth_country),
            contact_info: Some(ContactInfo {
                email_address: text(&a.email),
                phone_number: e164(&a.phone, &a.address.country),
            }),
            document_number: optional(&document_number),
            document_info: document_info_type(&a.document.id_type).map(|kind| DocumentInfo {
                number: document_number.clone(),
                kind: kind.to_owned(),
                issuing_country_code: upper(&a.document.issuing_country),
            }),
            tax_identification: optional(&a.tax_id.number).map(|number| TaxIdentification {
                number,
                tax_residence_country_code: tax_country,
            }),
        },
        title: text(&a.title),
        risk_score: upper(&a.risk_score),
        controls: Controls {
            has_ownership: a.has_ownership,
            has_control: a.has_control,
            is_signer: a.is_signer,
        },
        verification: None,
    }
}

fn company_address(draft: &Draft) -> Option<Address> {
    primary(&draft.addresses, |a| a.is_primary).map(address)
}

/// The agreement session a create refers to: the customer's type, its country (the
/// company's tax residence, or the person's citizenship) and the connection's use case.
pub fn session_body(draft: &Draft) -> AgreementSessionRequest {
    let (customer_type, country) = match draft.kind {
        PartyKind::Company => ("COMPANY", &draft.company.tax_residence_country),
        PartyKind::Person => ("INDIVIDUAL", &draft.person.citizenship_country),
    };
    AgreementSessionRequest {
        customer_type,
        country_code: upper(country),
        use_case: text(&draft.bvnk.use_case),
    }
}

/// The create, referring to the signed session.
pub fn create_body(draft: &Draft, session: &str, external_reference: &str) -> CreateCustomer {
    let risk_score = optional(&draft.bvnk.risk_score).map(|r| r.to_ascii_uppercase());
    let (kind, company, individual) = match draft.kind {
        PartyKind::Company => {
            let c = &draft.company;
            let company = Company {
                name: text(&c.legal_name),
                description: text(&c.description),
                tax_residence_country_code: upper(&c.tax_residence_country),
                registration_number: text(&c.registration_number),
                industry_reference: optional(&draft.bvnk.industry_reference),
                monthly_expected_volumes_reference: optional(
                    &draft.bvnk.monthly_expected_volumes_reference,
                ),
                address: company_address(draft),
                associates: draft.associates.iter().map(associate).collect(),
                verification: None,
            };
            ("COMPANY", Some(company), None)
        }
        PartyKind::Person => {
            let home = primary(&draft.addresses, |a| a.is_primary);
            let region = home.map(|a| a.country.as_str()).unwrap_or("");
            let tax = draft.tax_ids.first();
            let individual = IndividualRequest {
                first_name: text(&draft.name.first),
                last_name: text(&draft.name.last),
                date_of_birth: text(&draft.person.birth_date),
                nationality: upper(&draft.person.citizenship_country),
                birth_country_code: upper(&draft.person.birth_country),
                email_address: primary(&draft.emails, |e| e.is_primary)
                    .map(|e| text(&e.address))
                    .unwrap_or_default(),
                phone_number: primary(&draft.phones, |p| p.is_primary)
                    .map(|p| e164(&p.number, region))
                    .unwrap_or_default(),
                address: home.map(address),
                tax_identification: tax.and_then(|t| {
                    optional(&t.number).map(|number| TaxIdentification {
                        number,
                        tax_residence_country_code: upper(&t.country),
                    })
                }),
                document_number: primary(&draft.identity_documents, |d| d.is_primary)
                    .map(|d| text(&d.number))
                    .unwrap_or_default(),
            };
            ("INDIVIDUAL", None, Some(individual))
        }
    };
    CreateCustomer {
        kind,
        signed_agreement_session_reference: session.trim().to_owned(),
        external_reference: external_reference.to_owned(),
        risk_score,
        company,
        individual,
    }
}

/// The details update of a submitted company, from the draft as edited.
pub fn details_body(draft: &Draft) -> DetailsUpdate {
    DetailsUpdate {
        name: text(&draft.company.legal_name),
        description: text(&draft.company.description),
        address: company_address(draft),
    }
}

/// The associates update of a submitted company, from the draft as edited.
pub fn associates_body(draft: &Draft) -> AssociatesUpdate {
    AssociatesUpdate {
        associates: draft.associates.iter().map(associate).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{AssociateDocument, CompanyDetails, Names};

    fn owner() -> draft::Associate {
        draft::Associate {
            id: "p1".into(),
            name: Names {
                first: " Sean ".into(),
                last: "Bond".into(),
                ..Default::default()
            },
            birth_date: "2001-01-31".into(),
            title: "CEO".into(),
            has_control: true,
            has_ownership: true,
            is_signer: true,
            email: "sean.bond@example.com".into(),
            phone: "(415) 555-0100".into(),
            birth_country: "us".into(),
            risk_score: "low".into(),
            document: AssociateDocument {
                id_type: "DriversLicense".into(),
                number: "123456789".into(),
                issuing_country: "US".into(),
            },
            address: draft::Address {
                street1: "101 West Broadway".into(),
                city: "San Diego".into(),
                postal_code: "92101".into(),
                country: "US".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_company_create_is_spelled_as_bvnk_spells_it() {
        let draft = Draft {
            kind: PartyKind::Company,
            company: CompanyDetails {
                legal_name: "Roastery Ltd".into(),
                tax_residence_country: "us".into(),
                registration_number: "21-4532998".into(),
                ..Default::default()
            },
            associates: vec![owner()],
            ..Default::default()
        };
        let body = serde_json::to_value(create_body(&draft, "s-1", "draft-1")).unwrap();
        assert_eq!(body["type"], "COMPANY");
        assert_eq!(body["signedAgreementSessionReference"], "s-1");
        assert_eq!(body["company"]["taxResidenceCountryCode"], "US");
        let a = &body["company"]["associates"][0];
        assert_eq!(a["person"]["firstName"], "Sean");
        assert_eq!(a["person"]["address"]["postalCode"], "92101");
        assert_eq!(
            a["person"]["address"]["country"],
            "United States of America"
        );
        assert_eq!(a["details"]["contactInfo"]["phoneNumber"], "+14155550100");
        assert_eq!(a["details"]["documentInfo"]["type"], "DRIVERS_LICENSE");
        assert_eq!(a["details"]["birthCountryCode"], "US");
        assert_eq!(a["riskScore"], "LOW");
        assert_eq!(
            a["controls"],
            serde_json::json!({"hasOwnership": true, "hasControl": true, "isSigner": true})
        );
        assert!(a["person"].get("reference").is_none());
        assert!(a.get("verification").is_none());
        let session = serde_json::to_value(session_body(&draft)).unwrap();
        assert_eq!(session["customerType"], "COMPANY");
        assert_eq!(session["countryCode"], "US");
        let update = serde_json::to_value(associates_body(&draft)).unwrap();
        assert_eq!(update["associates"][0]["title"], "CEO");
    }
}
