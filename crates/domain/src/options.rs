//! Pick lists for the fields whose values are a provider's codes, each code with words in
//! the languages the interface speaks, so staff choose by name and the draft keeps the code.
//!
//! Fin.com's occupations, purposes and sources of funds are ids into its reference tables;
//! its API names the list routes but documents neither their answer nor their values, so
//! the lists here are the values shipped with Branchdesk, the ids as Fin.com's examples use
//! them (occupation 42, purpose 3, sources 1 and 5). COS documents `entityType` and
//! `ownershipType` as free text with examples (`LLC`, `Private`): the lists are the common
//! US legal forms and ownership kinds, spelled as COS's examples spell them.

use serde::Serialize;
use ts_rs::TS;

/// One value of a pick list, with its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Choice {
    /// What the draft keeps and the provider receives.
    pub value: String,
    pub en: String,
    pub es: String,
}

/// Every pick list the wizard shows, by the draft path of its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldOptions {
    /// `fin.occupationId`.
    pub fin_occupations: Vec<Choice>,
    /// `fin.purposeId`.
    pub fin_purposes: Vec<Choice>,
    /// `fin.sourceOfFundIds` (several may be chosen).
    pub fin_sources_of_funds: Vec<Choice>,
    /// `company.entityType`.
    pub cos_entity_types: Vec<Choice>,
    /// `company.ownershipType`.
    pub cos_ownership_types: Vec<Choice>,
    /// `bvnk.industryReference`.
    pub bvnk_industries: Vec<Choice>,
    /// `bvnk.monthlyExpectedVolumesReference`.
    pub bvnk_monthly_volumes: Vec<Choice>,
    /// `bvnk.useCase`.
    pub bvnk_use_cases: Vec<Choice>,
    /// `bvnk.companyDocumentType`.
    pub bvnk_company_documents: Vec<Choice>,
    /// `associates[n].document.idType` and a BVNK individual's `identityDocuments[0].idType`.
    pub bvnk_document_types: Vec<Choice>,
    /// `bvnk.riskScore` and `associates[n].riskScore`.
    pub bvnk_risk_scores: Vec<Choice>,
}

type Row = (&'static str, &'static str, &'static str);

pub const FIN_OCCUPATIONS: &[Row] = &[
    ("1", "Accountant or auditor", "Contador o auditor"),
    (
        "2",
        "Administrative or office worker",
        "Administrativo u oficinista",
    ),
    ("3", "Architect or engineer", "Arquitecto o ingeniero"),
    (
        "4",
        "Artist, designer or writer",
        "Artista, diseñador o escritor",
    ),
    ("5", "Business owner", "Propietario de empresa"),
    (
        "6",
        "Construction or trades worker",
        "Obrero de la construcción u oficios",
    ),
    (
        "7",
        "Driver or transport worker",
        "Conductor o trabajador del transporte",
    ),
    (
        "8",
        "Farmer, fisher or forestry worker",
        "Agricultor, pescador o trabajador forestal",
    ),
    (
        "9",
        "Financial services professional",
        "Profesional de servicios financieros",
    ),
    (
        "10",
        "Government or public sector employee",
        "Empleado público",
    ),
    ("11", "Healthcare professional", "Profesional sanitario"),
    (
        "12",
        "Hospitality or food service worker",
        "Trabajador de hostelería o restauración",
    ),
    (
        "13",
        "Information technology professional",
        "Profesional de tecnologías de la información",
    ),
    (
        "14",
        "Lawyer or legal professional",
        "Abogado o profesional jurídico",
    ),
    ("15", "Manager or executive", "Directivo o ejecutivo"),
    (
        "16",
        "Manufacturing or factory worker",
        "Trabajador de la industria o de fábrica",
    ),
    (
        "17",
        "Military or security personnel",
        "Personal militar o de seguridad",
    ),
    ("18", "Real estate professional", "Profesional inmobiliario"),
    ("19", "Retail or sales worker", "Dependiente o comercial"),
    ("20", "Scientist or researcher", "Científico o investigador"),
    ("21", "Teacher or educator", "Docente o educador"),
    ("22", "Homemaker", "Ama o amo de casa"),
    ("23", "Retired", "Jubilado"),
    ("24", "Student", "Estudiante"),
    ("25", "Unemployed", "Desempleado"),
    ("42", "Other occupation", "Otra ocupación"),
];

pub const FIN_PURPOSES: &[Row] = &[
    ("1", "Everyday spending", "Gastos cotidianos"),
    ("2", "Savings", "Ahorro"),
    (
        "3",
        "Sending money to family",
        "Envío de dinero a familiares",
    ),
    (
        "4",
        "Receiving salary or pension",
        "Cobro de salario o pensión",
    ),
    ("5", "Paying bills", "Pago de facturas"),
    ("6", "Online purchases", "Compras por internet"),
    ("7", "Investments", "Inversiones"),
    ("8", "Travel", "Viajes"),
    ("9", "Other purpose", "Otro propósito"),
];

pub const FIN_SOURCES_OF_FUNDS: &[Row] = &[
    ("1", "Salary or wages", "Salario o sueldo"),
    (
        "2",
        "Self-employment or business income",
        "Ingresos por cuenta propia o de empresa",
    ),
    ("3", "Pension or retirement income", "Pensión o jubilación"),
    ("4", "Savings", "Ahorros"),
    ("5", "Investments or dividends", "Inversiones o dividendos"),
    ("6", "Inheritance or gift", "Herencia o donación"),
    (
        "7",
        "Sale of property or assets",
        "Venta de inmuebles o bienes",
    ),
    ("8", "Government benefits", "Prestaciones públicas"),
    ("9", "Family support", "Ayuda familiar"),
    ("10", "Loan", "Préstamo"),
    ("11", "Other source", "Otro origen"),
];

pub const COS_ENTITY_TYPES: &[Row] = &[
    (
        "LLC",
        "Limited liability company (LLC)",
        "Sociedad de responsabilidad limitada (LLC)",
    ),
    (
        "Corporation",
        "Corporation",
        "Sociedad anónima (Corporation)",
    ),
    (
        "SCorporation",
        "S corporation",
        "Sociedad S (S corporation)",
    ),
    (
        "Partnership",
        "Partnership",
        "Sociedad colectiva (Partnership)",
    ),
    (
        "LimitedPartnership",
        "Limited partnership",
        "Sociedad en comandita (Limited partnership)",
    ),
    (
        "SoleProprietorship",
        "Sole proprietorship",
        "Empresario individual (Sole proprietorship)",
    ),
    ("Trust", "Trust", "Fideicomiso (Trust)"),
    (
        "NonProfit",
        "Non-profit organization",
        "Organización sin ánimo de lucro",
    ),
    ("Other", "Other", "Otra"),
];

pub const COS_OWNERSHIP_TYPES: &[Row] = &[
    ("Private", "Private (privately held)", "Privada (no cotiza)"),
    (
        "Public",
        "Public (listed on an exchange)",
        "Pública (cotiza en bolsa)",
    ),
    ("Government", "Government owned", "De propiedad pública"),
    ("NonProfit", "Non-profit", "Sin ánimo de lucro"),
];

/// BVNK's industries: child entries of its industries list (`GET
/// /platform/v1/accounts/industries`), the references of its sandbox as its documentation
/// gives them. A production account has references of its own: its list replaces this one.
pub const BVNK_INDUSTRIES: &[Row] = &[
    (
        "30ea15fc-06d8-11ef-b6e1-027612b7f6b5",
        "Accommodation and food services: food and beverages",
        "Alojamiento y restauración: alimentos y bebidas",
    ),
    (
        "30ea17fd-06d8-11ef-b6e1-027612b7f6b5",
        "Accommodation and food services: hospitality",
        "Alojamiento y restauración: hostelería",
    ),
];

/// BVNK's expected monthly volumes (`GET /platform/v1/accounts/monthly-expected-volumes`),
/// its sandbox's references as documented.
pub const BVNK_MONTHLY_VOLUMES: &[Row] = &[
    (
        "ef779c41-547e-11ef-8b9c-027612b7f6b5",
        "0 – 500,000 EUR",
        "0 – 500.000 EUR",
    ),
    (
        "ef77a16d-547e-11ef-8b9c-027612b7f6b5",
        "500,000 – 2,000,000 EUR",
        "500.000 – 2.000.000 EUR",
    ),
    (
        "ef77a2bc-547e-11ef-8b9c-027612b7f6b5",
        "2,000,000 – 5,000,000 EUR",
        "2.000.000 – 5.000.000 EUR",
    ),
    (
        "ef77a3db-547e-11ef-8b9c-027612b7f6b5",
        "More than 5,000,000 EUR",
        "Más de 5.000.000 EUR",
    ),
    (
        "ef77a4f8-547e-11ef-8b9c-027612b7f6b5",
        "Not sure",
        "No lo sé",
    ),
];

pub const BVNK_USE_CASES: &[Row] = &[
    (
        "EMBEDDED_FIAT_ACCOUNTS",
        "Fiat accounts",
        "Cuentas en moneda fiduciaria",
    ),
    (
        "EMBEDDED_STABLECOIN_WALLETS",
        "Stablecoin wallets",
        "Monederos de stablecoins",
    ),
    (
        "STABLECOIN_PAYOUTS",
        "Stablecoin payouts",
        "Pagos en stablecoins",
    ),
    ("FIAT", "Fiat payments", "Pagos en moneda fiduciaria"),
];

pub const BVNK_COMPANY_DOCUMENTS: &[Row] = &[
    (
        "INCORPORATION_CERT",
        "Certificate of incorporation",
        "Certificado de constitución",
    ),
    (
        "INCORPORATION_ARTICLES",
        "Articles of association",
        "Estatutos sociales",
    ),
    (
        "DIRECTORS_REGISTRY",
        "Register of directors",
        "Registro de administradores",
    ),
    (
        "PROOF_OF_ADDRESS",
        "Proof of the company's address",
        "Justificante del domicilio social",
    ),
];

pub const BVNK_DOCUMENT_TYPES: &[Row] = &[
    ("DriversLicense", "Driver's licence", "Permiso de conducir"),
    ("Passport", "Passport", "Pasaporte"),
    (
        "IdCard",
        "National ID card",
        "Documento nacional de identidad",
    ),
    (
        "ResidencePermit",
        "Residence permit",
        "Permiso de residencia",
    ),
];

pub const BVNK_RISK_SCORES: &[Row] = &[
    ("LOW", "Low", "Bajo"),
    ("MEDIUM", "Medium", "Medio"),
    ("HIGH", "High", "Alto"),
];

fn choices(rows: &[Row]) -> Vec<Choice> {
    rows.iter()
        .map(|(value, en, es)| Choice {
            value: (*value).to_owned(),
            en: (*en).to_owned(),
            es: (*es).to_owned(),
        })
        .collect()
}

/// The pick lists, as the interface asks for them once.
pub fn field_options() -> FieldOptions {
    FieldOptions {
        fin_occupations: choices(FIN_OCCUPATIONS),
        fin_purposes: choices(FIN_PURPOSES),
        fin_sources_of_funds: choices(FIN_SOURCES_OF_FUNDS),
        cos_entity_types: choices(COS_ENTITY_TYPES),
        cos_ownership_types: choices(COS_OWNERSHIP_TYPES),
        bvnk_industries: choices(BVNK_INDUSTRIES),
        bvnk_monthly_volumes: choices(BVNK_MONTHLY_VOLUMES),
        bvnk_use_cases: choices(BVNK_USE_CASES),
        bvnk_company_documents: choices(BVNK_COMPANY_DOCUMENTS),
        bvnk_document_types: choices(BVNK_DOCUMENT_TYPES),
        bvnk_risk_scores: choices(BVNK_RISK_SCORES),
    }
}

/// Every select list of the wizard whose values are the rules' own, by the name the page
/// uses: generated into `ui/types/lists.js`, so the form offers exactly what the rules
/// take.
pub fn select_lists() -> Vec<(&'static str, &'static [&'static str])> {
    use crate::{fin, validate};
    vec![
        ("ADDRESS_TYPES", validate::ADDRESS_TYPES),
        ("ADDRESS_CLASSIFICATIONS", validate::ADDRESS_CLASSIFICATIONS),
        ("PHONE_TYPES", validate::PHONE_TYPES),
        ("RISK_RATINGS", validate::RISK_RATINGS),
        ("COS_PERSON_TAX_ID_TYPES", validate::COS_PERSON_TAX_ID_TYPES),
        ("COS_ID_TYPES", validate::COS_ID_TYPES),
        ("EMPLOYMENT_STATUSES", validate::EMPLOYMENT_STATUSES),
        ("FIN_TAX_ID_TYPES", fin::FIN_TAX_ID_TYPES),
        ("FIN_ID_TYPES", fin::FIN_ID_TYPES),
        ("FIN_GENDERS", fin::GENDERS),
        ("FIN_VERIFICATION_TYPES", fin::VERIFICATION_TYPES),
        ("FIN_ADDRESS_DOCUMENT_TYPES", fin::ADDRESS_DOCUMENT_TYPES),
        ("FIN_STATUS_TRAIL", fin::STATUS_TRAIL),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// What the form offers is what the rules take: each list's values are among the
    /// values its rule accepts.
    #[test]
    fn the_select_lists_offer_only_what_the_rules_take() {
        use crate::{fin, validate};
        let within = |offered: &[&str], taken: &[&str]| offered.iter().all(|v| taken.contains(v));
        assert!(within(
            validate::COS_PERSON_TAX_ID_TYPES,
            validate::TAX_ID_TYPES
        ));
        assert!(within(fin::FIN_TAX_ID_TYPES, validate::TAX_ID_TYPES));
        assert!(within(validate::COS_ID_TYPES, validate::ID_TYPES));
        assert!(fin::FIN_ID_TYPES
            .iter()
            .all(|t| fin::fin_document_type(t).is_some()));
        let names: HashSet<_> = select_lists().iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), select_lists().len(), "a list named twice");
        assert!(select_lists().iter().all(|(_, values)| !values.is_empty()));
    }

    #[test]
    fn every_list_has_unique_values_and_words_in_both_languages() {
        let all = field_options();
        for list in [
            &all.fin_occupations,
            &all.fin_purposes,
            &all.fin_sources_of_funds,
            &all.cos_entity_types,
            &all.cos_ownership_types,
            &all.bvnk_industries,
            &all.bvnk_monthly_volumes,
            &all.bvnk_use_cases,
            &all.bvnk_company_documents,
            &all.bvnk_document_types,
            &all.bvnk_risk_scores,
        ] {
            assert!(!list.is_empty());
            let values: HashSet<_> = list.iter().map(|c| c.value.as_str()).collect();
            assert_eq!(values.len(), list.len(), "{list:?}");
            assert!(list.iter().all(|c| !c.en.is_empty() && !c.es.is_empty()));
        }
    }

    #[test]
    fn bvnk_references_are_uuids_and_document_types_map_to_bvnks() {
        use crate::validate::is_guid;
        for (value, _, _) in BVNK_INDUSTRIES.iter().chain(BVNK_MONTHLY_VOLUMES) {
            assert!(is_guid(value), "{value}");
        }
        for (value, _, _) in BVNK_DOCUMENT_TYPES {
            assert!(
                crate::bvnk::slots::document_type(value).is_some(),
                "{value}"
            );
        }
    }

    #[test]
    fn fin_ids_pass_fins_rules_and_include_its_examples() {
        for list in [FIN_OCCUPATIONS, FIN_PURPOSES, FIN_SOURCES_OF_FUNDS] {
            assert!(list
                .iter()
                .all(|(v, _, _)| v.parse::<u64>().is_ok_and(|n| n > 0)));
        }
        let has = |list: &[Row], id: &str| list.iter().any(|(v, _, _)| *v == id);
        assert!(has(FIN_OCCUPATIONS, "42") && has(FIN_PURPOSES, "3"));
        assert!(has(FIN_SOURCES_OF_FUNDS, "1") && has(FIN_SOURCES_OF_FUNDS, "5"));
    }
}
