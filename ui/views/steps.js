// @ts-check
import * as lists from "../types/lists.js";
/**
 * The onboarding wizard's steps and their fields, by draft path. Labels and hints are
 * message keys; which values are acceptable is decided by the Rust rules, not here.
 */

/**
 * @typedef {{
 *   path: string,
 *   label: string,
 *   hint?: string,
 *   type?: "text" | "select" | "checkbox" | "multi",
 *   options?: string[],
 *   choices?: import("./choices.js").ListName,
 *   required?: boolean,
 *   sensitive?: boolean,
 *   width?: "short" | "long",
 *   list?: boolean,
 *   shownWhen?: { path: string, equals: string },
 * }} FieldSpec
 * @typedef {{ id: string, title: string, intro?: string, fields: FieldSpec[], paths: string[] }} StepSpec
 * @typedef {import("../types/bindings").PartyKind} PartyKind
 * @typedef {import("../types/bindings").Provider} Provider
 *
 * `list` fields hold an array of strings on the draft, typed comma-separated. A field with
 * `shownWhen` is shown only while the draft's value at that path equals the given one.
 * `choices` names a pick list that comes from Rust (see choices.js): a `select` shows its
 * words and keeps its values; a `multi` field is a group of checkboxes holding an array.
 */

const ADDRESS = [
  { path: "addresses[0].addressType", label: "field.addressType", type: "select", options: [...lists.ADDRESS_TYPES] },
  { path: "addresses[0].classification", label: "field.addressClassification", type: "select", options: [...lists.ADDRESS_CLASSIFICATIONS] },
  { path: "addresses[0].street1", label: "field.street1", width: "long" },
  { path: "addresses[0].street2", label: "field.street2", width: "long" },
  { path: "addresses[0].city", label: "field.city" },
  { path: "addresses[0].state", label: "field.state", hint: "field.state.hint", width: "short" },
  { path: "addresses[0].postalCode", label: "field.postalCode", hint: "field.postalCode.hint", width: "short" },
  { path: "addresses[0].country", label: "field.country", hint: "field.country.hint", width: "short" },
  { path: "phones[0].phoneType", label: "field.phoneType", type: "select", options: [...lists.PHONE_TYPES] },
  { path: "phones[0].number", label: "field.phone", hint: "field.phone.hint" },
  { path: "emails[0].address", label: "field.email", hint: "field.email.hint", width: "long" },
];

/** @type {FieldSpec[]} */
const PERSON = [
  { path: "name.prefix", label: "field.prefix", width: "short" },
  { path: "name.first", label: "field.firstName" },
  { path: "name.middle", label: "field.middleName" },
  { path: "name.last", label: "field.lastName" },
  { path: "name.suffix", label: "field.suffix", width: "short" },
  { path: "name.preferred", label: "field.preferredName" },
  { path: "person.birthDate", label: "field.birthDate", hint: "field.birthDate.hint", width: "short" },
  { path: "taxIds[0].idType", label: "field.taxIdType", type: "select", options: [...lists.COS_PERSON_TAX_ID_TYPES] },
  { path: "taxIds[0].number", label: "field.ssn", hint: "field.ssn.hint", sensitive: true, width: "short" },
  { path: "person.citizenshipCountry", label: "field.citizenshipCountry", hint: "field.country.hint", width: "short" },
  { path: "cos.riskRating", label: "field.riskRating", type: "select", options: [...lists.RISK_RATINGS] },
  { path: "cos.politicallyExposedPerson", label: "field.pep", type: "checkbox" },
  { path: "cos.regO", label: "field.regO", type: "checkbox" },
  { path: "cos.privacyOptOut", label: "field.privacyOptOut", type: "checkbox" },
  { path: "cos.enableBackupWithholding", label: "field.backupWithholding", type: "checkbox" },
  { path: "cos.backupWithholdingPercent", label: "field.backupWithholdingPercent", hint: "field.percent.hint", width: "short" },
  { path: "cos.clientIdentifier", label: "field.clientIdentifier", hint: "field.clientIdentifier.hint" },
];

/** @type {FieldSpec[]} */
const COMPANY = [
  { path: "company.legalName", label: "field.legalName", width: "long" },
  { path: "taxIds[0].number", label: "field.ein", hint: "field.ein.hint", sensitive: true, width: "short" },
  { path: "company.dateFormed", label: "field.dateFormed", hint: "field.birthDate.hint", width: "short" },
  { path: "company.entityType", label: "field.entityType", hint: "field.choices.hint", type: "select", choices: "cosEntityTypes", required: true },
  { path: "company.ownershipType", label: "field.ownershipType", hint: "field.choices.hint", type: "select", choices: "cosOwnershipTypes", required: true },
  { path: "cos.riskRating", label: "field.riskRating", type: "select", options: [...lists.RISK_RATINGS] },
  { path: "cos.clientIdentifier", label: "field.clientIdentifier", hint: "field.clientIdentifier.hint" },
];

/** @type {FieldSpec[]} */
const IDENTITY = [
  { path: "identityDocuments[0].idType", label: "field.idType", type: "select", options: [...lists.COS_ID_TYPES] },
  { path: "identityDocuments[0].number", label: "field.idNumber", sensitive: true },
  { path: "identityDocuments[0].issuedDate", label: "field.issuedDate", hint: "field.birthDate.hint", width: "short" },
  { path: "identityDocuments[0].expiryDate", label: "field.expiryDate", hint: "field.birthDate.hint", width: "short" },
  { path: "identityDocuments[0].verifiedDate", label: "field.verifiedDate", hint: "field.birthDate.hint", width: "short" },
  { path: "identityDocuments[0].issuingAuthority", label: "field.issuingAuthority", hint: "field.issuingAuthority.hint" },
  { path: "identityDocuments[0].issuingStateOrProvince", label: "field.issuingState", width: "short" },
  { path: "identityDocuments[0].issuingCountry", label: "field.issuingCountry", hint: "field.country.hint", width: "short" },
];

/*
 * Fin.com: the fields its Create Individual Customer and Attach Documents take. Each
 * name and street line has a Latin (`_en`) form beside it, which Fin.com needs only when
 * the customer's own is written in another script.
 */

/** @type {FieldSpec[]} */
const FIN_BASIC = [
  { path: "name.first", label: "field.firstName" },
  { path: "name.latin.first", label: "field.firstNameLatin", hint: "field.latin.hint" },
  { path: "name.middle", label: "field.middleName" },
  { path: "name.latin.middle", label: "field.middleNameLatin", hint: "field.latin.hint" },
  { path: "name.last", label: "field.lastName" },
  { path: "name.latin.last", label: "field.lastNameLatin", hint: "field.latin.hint" },
  { path: "person.birthDate", label: "field.birthDate", hint: "field.birthDate.hint", width: "short" },
  { path: "person.gender", label: "field.gender", type: "select", options: [...lists.FIN_GENDERS] },
  { path: "person.citizenshipCountry", label: "field.nationality", hint: "field.country.hint", width: "short" },
  { path: "person.secondCitizenshipCountry", label: "field.secondNationality", hint: "field.secondNationality.hint", width: "short" },
];

/** @type {FieldSpec[]} */
const FIN_CONTACT = [
  { path: "emails[0].address", label: "field.email", hint: "field.email.hint", width: "long" },
  { path: "phones[0].number", label: "field.phone", hint: "field.phone.fin.hint" },
];

/** @type {FieldSpec[]} */
const FIN_ADDRESS = [
  { path: "addresses[0].street1", label: "field.street1", width: "long" },
  { path: "addresses[0].street1Latin", label: "field.street1Latin", hint: "field.latin.hint", width: "long" },
  { path: "addresses[0].street2", label: "field.street2", width: "long" },
  { path: "addresses[0].street2Latin", label: "field.street2Latin", hint: "field.latin.hint", width: "long" },
  { path: "addresses[0].city", label: "field.city" },
  { path: "addresses[0].state", label: "field.region", hint: "field.region.hint", width: "short" },
  { path: "addresses[0].postalCode", label: "field.postalCodeAny", width: "short" },
  { path: "addresses[0].country", label: "field.country", hint: "field.country.hint", width: "short" },
];

/** @type {FieldSpec[]} */
const FIN_TAX = [
  { path: "taxIds[0].idType", label: "field.taxIdType", type: "select", options: [...lists.FIN_TAX_ID_TYPES] },
  { path: "taxIds[0].number", label: "field.taxIdNumber", hint: "field.taxIdNumber.hint", sensitive: true, width: "short" },
  { path: "taxIds[0].country", label: "field.taxCountry", hint: "field.country.hint", width: "short" },
];

/** @type {FieldSpec[]} */
const FIN_IDENTITY = [
  { path: "identityDocuments[0].idType", label: "field.idType", type: "select", options: [...lists.FIN_ID_TYPES] },
  { path: "identityDocuments[0].number", label: "field.idNumber", sensitive: true },
  { path: "identityDocuments[0].issuingCountry", label: "field.issuingCountry", hint: "field.country.hint", width: "short" },
  { path: "identityDocuments[0].expiryDate", label: "field.expiryDate", hint: "field.birthDate.hint", width: "short" },
  { path: "identityDocuments[0].issuedDate", label: "field.issuedDate", hint: "field.birthDate.hint", width: "short" },
  // Only a driver's licence has an issuing state; Fin.com refuses one on other documents.
  {
    path: "identityDocuments[0].issuingStateOrProvince",
    label: "field.licenceState",
    hint: "field.licenceState.hint",
    width: "short",
    shownWhen: { path: "identityDocuments[0].idType", equals: "DriversLicense" },
  },
];

/** @type {FieldSpec[]} */
const FIN_PROFILE = [
  { path: "fin.verificationType", label: "field.verificationType", hint: "field.verificationType.hint", type: "select", options: [...lists.FIN_VERIFICATION_TYPES] },
  { path: "dueDiligence.employmentStatus", label: "field.employmentStatus", type: "select", options: [...lists.EMPLOYMENT_STATUSES] },
  { path: "dueDiligence.expectedMonthlyVolume", label: "field.monthlyVolume", hint: "field.monthlyVolume.hint", width: "short" },
  { path: "fin.occupationId", label: "field.occupationId", hint: "field.choices.hint", type: "select", choices: "finOccupations", required: true },
  { path: "fin.purposeId", label: "field.purposeId", hint: "field.choices.hint", type: "select", choices: "finPurposes", required: true },
  { path: "fin.sourceOfFundIds", label: "field.sourceOfFundIds", hint: "field.sourceOfFundIds.hint", type: "multi", choices: "finSourcesOfFunds", required: true },
  { path: "fin.remarks", label: "field.remarks", width: "long" },
  { path: "fin.addressDocumentType", label: "field.addressDocumentType", hint: "field.addressDocumentType.hint", type: "select", options: [...lists.FIN_ADDRESS_DOCUMENT_TYPES] },
];

/** @typedef {import("../i18n/index.js").MessageKey} MessageKey */
/**
 * The wizard's subtitle, by provider and kind of customer.
 * @type {Record<Provider, Record<PartyKind, MessageKey>>}
 */
export const KIND_TITLES = {
  cos: { person: "onboard.personTitle", company: "onboard.companyTitle" },
  fin: { person: "onboard.finPersonTitle", company: "onboard.finPersonTitle" },
  bvnk: { person: "onboard.bvnkPersonTitle", company: "onboard.bvnkCompanyTitle" },
};

/**
 * The Review step's button, by provider.
 * @type {Record<Provider, MessageKey>}
 */
export const SUBMIT_LABELS = { cos: "onboard.submit", fin: "onboard.submit.fin", bvnk: "onboard.submit.bvnk" };

/*
 * BVNK: a company with its address and BVNK's references, or an individual. A company's
 * associates are drawn by associates.js (their number varies); the Documents step shows
 * the slots Rust says the draft has, and what the company's document is.
 */

/** @type {FieldSpec[]} */
const BVNK_COMPANY = [
  { path: "company.legalName", label: "field.companyName", width: "long" },
  { path: "company.registrationNumber", label: "field.registrationNumber", hint: "field.registrationNumber.hint" },
  { path: "company.taxResidenceCountry", label: "field.taxResidenceCountry", hint: "field.country.hint", width: "short" },
  { path: "company.description", label: "field.companyDescription", hint: "field.companyDescription.hint", width: "long" },
  { path: "bvnk.industryReference", label: "field.industry", hint: "field.choices.hint", type: "select", choices: "bvnkIndustries", required: true },
  { path: "bvnk.monthlyExpectedVolumesReference", label: "field.monthlyVolumes", hint: "field.choices.hint", type: "select", choices: "bvnkMonthlyVolumes", required: true },
  { path: "bvnk.useCase", label: "field.useCase", hint: "field.useCase.hint", type: "select", choices: "bvnkUseCases", required: true },
  { path: "bvnk.riskScore", label: "field.riskScore", hint: "field.riskScore.hint", type: "select", choices: "bvnkRiskScores" },
  { path: "addresses[0].street1", label: "field.companyStreet1", width: "long" },
  { path: "addresses[0].street2", label: "field.street2", width: "long" },
  { path: "addresses[0].city", label: "field.city" },
  { path: "addresses[0].postalCode", label: "field.postalCodeAny", width: "short" },
  { path: "addresses[0].country", label: "field.country", hint: "field.country.hint", width: "short" },
];

/** @type {FieldSpec[]} */
const BVNK_COMPANY_DOCUMENT = [
  { path: "bvnk.companyDocumentType", label: "field.companyDocumentType", hint: "field.companyDocumentType.hint", type: "select", choices: "bvnkCompanyDocuments", required: true },
];

/** @type {FieldSpec[]} */
const BVNK_INDIVIDUAL = [
  { path: "name.first", label: "field.firstName" },
  { path: "name.last", label: "field.lastName" },
  { path: "person.birthDate", label: "field.birthDate", hint: "field.birthDate.hint", width: "short" },
  { path: "person.citizenshipCountry", label: "field.nationality", hint: "field.country.hint", width: "short" },
  { path: "person.birthCountry", label: "field.birthCountry", hint: "field.country.hint", width: "short" },
  { path: "bvnk.useCase", label: "field.useCase", hint: "field.useCase.hint", type: "select", choices: "bvnkUseCases", required: true },
  { path: "bvnk.riskScore", label: "field.riskScore", hint: "field.riskScore.hint", type: "select", choices: "bvnkRiskScores" },
];

/** @type {FieldSpec[]} */
const BVNK_CONTACT = [
  { path: "emails[0].address", label: "field.email", hint: "field.email.hint", width: "long" },
  { path: "phones[0].number", label: "field.phone", hint: "field.phone.e164.hint" },
  { path: "addresses[0].street1", label: "field.homeStreet1", width: "long" },
  { path: "addresses[0].street2", label: "field.street2", width: "long" },
  { path: "addresses[0].city", label: "field.city" },
  { path: "addresses[0].postalCode", label: "field.postalCodeAny", width: "short" },
  { path: "addresses[0].country", label: "field.country", hint: "field.country.hint", width: "short" },
];

/** @type {FieldSpec[]} */
const BVNK_DOCUMENT = [
  { path: "identityDocuments[0].idType", label: "field.idType", hint: "field.choices.hint", type: "select", choices: "bvnkDocumentTypes", required: true },
  { path: "identityDocuments[0].number", label: "field.idNumber", sensitive: true },
  { path: "identityDocuments[0].issuingCountry", label: "field.issuingCountry", hint: "field.country.hint", width: "short" },
  { path: "taxIds[0].number", label: "field.taxNumberOptional", hint: "field.taxNumberOptional.hint", sensitive: true, width: "short" },
  { path: "taxIds[0].country", label: "field.taxCountry", hint: "field.country.hint", width: "short" },
];

/**
 * The steps for a kind of customer and the provider it goes to. `paths` are the prefixes
 * whose issues belong to the step, so the step list can say which step has errors.
 * @param {PartyKind} kind
 * @param {Provider} [provider]
 * @returns {StepSpec[]}
 */
export function stepsFor(kind, provider = "cos") {
  if (provider === "fin") return finSteps();
  if (provider === "bvnk") return bvnkSteps(kind);
  /** @type {StepSpec[]} */
  const steps = [];
  if (kind === "person") {
    steps.push({ id: "customer", title: "step.customer", fields: PERSON, paths: ["name", "person", "taxIds", "cos.riskRating", "cos.regO", "cos.politicallyExposedPerson", "cos.privacyOptOut", "cos.enableBackupWithholding", "cos.backupWithholdingPercent", "cos.clientIdentifier"] });
  } else {
    steps.push({ id: "customer", title: "step.business", fields: COMPANY, paths: ["company", "taxIds", "cos.riskRating", "cos.clientIdentifier"] });
    // Its fields depend on how many owners the draft has: drawn by owners.js.
    steps.push({ id: "owners", title: "step.owners", intro: "owners.intro", fields: [], paths: ["cos.primaryOwnerCustomerId", "cos.beneficialOwners"] });
  }
  steps.push({ id: "contact", title: "step.contact", fields: /** @type {FieldSpec[]} */ (ADDRESS), paths: ["addresses", "phones", "emails"] });
  if (kind === "person") {
    steps.push({ id: "identity", title: "step.identity", fields: IDENTITY, paths: ["identityDocuments"] });
    steps.push({ id: "scans", title: "step.scans", intro: "scans.cos", fields: [], paths: [] });
  }
  steps.push({ id: "review", title: "step.review", intro: "review.intro", fields: [], paths: [] });
  return steps;
}

/**
 * Fin.com onboards individuals only, so there is one list of steps.
 * @returns {StepSpec[]}
 */
function finSteps() {
  return [
    { id: "customer", title: "step.basic", intro: "fin.basic.intro", fields: FIN_BASIC, paths: ["name", "person", "kind"] },
    { id: "contact", title: "step.contact", fields: FIN_CONTACT, paths: ["emails", "phones"] },
    { id: "address", title: "step.address", fields: FIN_ADDRESS, paths: ["addresses"] },
    { id: "tax", title: "step.tax", fields: FIN_TAX, paths: ["taxIds"] },
    { id: "identity", title: "step.identity", fields: FIN_IDENTITY, paths: ["identityDocuments"] },
    { id: "financial", title: "step.financial", intro: "fin.financial.intro", fields: FIN_PROFILE, paths: ["fin", "dueDiligence"] },
    { id: "scans", title: "step.scans", intro: "scans.fin", fields: [], paths: ["scans"] },
    { id: "review", title: "step.review", intro: "review.fin.intro", fields: [], paths: [] },
  ];
}

/**
 * BVNK: Company → Associates → Documents → Review, or for an individual Customer →
 * Contact & address → Document → Documents → Review.
 * @param {PartyKind} kind
 * @returns {StepSpec[]}
 */
function bvnkSteps(kind) {
  const documents = { id: "scans", title: "step.documents", intro: kind === "company" ? "bvnk.documents.intro" : "bvnk.scans.intro", fields: kind === "company" ? BVNK_COMPANY_DOCUMENT : [], paths: kind === "company" ? ["scans", "bvnk.companyDocumentType"] : ["scans"] };
  const review = { id: "review", title: "step.review", intro: "review.bvnk.intro", fields: [], paths: [] };
  if (kind === "company") {
    return [
      { id: "customer", title: "step.company", fields: BVNK_COMPANY, paths: ["company", "addresses", "bvnk.industryReference", "bvnk.monthlyExpectedVolumesReference", "bvnk.useCase", "bvnk.riskScore"] },
      // Their number varies: drawn by associates.js.
      { id: "associates", title: "step.associates", intro: "associates.intro", fields: [], paths: ["associates"] },
      documents,
      review,
    ];
  }
  return [
    { id: "customer", title: "step.customer", fields: BVNK_INDIVIDUAL, paths: ["name", "person", "kind", "bvnk"] },
    { id: "contact", title: "step.contactAddress", fields: BVNK_CONTACT, paths: ["emails", "phones", "addresses"] },
    { id: "identity", title: "step.document", fields: BVNK_DOCUMENT, paths: ["identityDocuments", "taxIds"] },
    documents,
    review,
  ];
}

/**
 * A draft field's label in the staff's words (the wizard's own label for it), or the path
 * itself for a field the wizard does not show (an associate's, a provider's id).
 * @param {string} path
 * @param {PartyKind} kind
 * @param {Provider} provider
 * @param {(key: string) => string} translate
 */
export function labelFor(path, kind, provider, translate) {
  for (const step of stepsFor(kind, provider)) {
    const field = step.fields.find((f) => f.path === path);
    if (field) return translate(field.label);
  }
  return path;
}
