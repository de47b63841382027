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
        ] {
            assert!(!list.is_empty());
            let values: HashSet<_> = list.iter().map(|c| c.value.as_str()).collect();
            assert_eq!(values.len(), list.len(), "{list:?}");
            assert!(list.iter().all(|c| !c.en.is_empty() && !c.es.is_empty()));
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
