// @ts-check
// Generated from the Rust rules by `cargo xtask bindings`. Do not edit.

export const ADDRESS_TYPES = Object.freeze(["Home", "Work", "Mailing", "Business", "Other"]);

export const ADDRESS_CLASSIFICATIONS = Object.freeze(["Residential", "Business"]);

export const PHONE_TYPES = Object.freeze(["Mobile", "Work", "Home"]);

export const RISK_RATINGS = Object.freeze(["Low", "Medium", "High"]);

export const COS_PERSON_TAX_ID_TYPES = Object.freeze(["Ssn", "Itin"]);

export const COS_ID_TYPES = Object.freeze(["DriversLicense", "Passport", "IdCard", "Other"]);

export const EMPLOYMENT_STATUSES = Object.freeze(["EMPLOYED", "SELF_EMPLOYED", "RETIRED", "STUDENT", "UNEMPLOYED"]);

export const FIN_TAX_ID_TYPES = Object.freeze(["Ssn", "Itin", "Foreign"]);

export const FIN_ID_TYPES = Object.freeze(["DriversLicense", "Passport", "IdCard", "ResidencePermit"]);

export const FIN_GENDERS = Object.freeze(["FEMALE", "MALE"]);

export const FIN_VERIFICATION_TYPES = Object.freeze(["STANDARD", "RELIANCE"]);

export const FIN_ADDRESS_DOCUMENT_TYPES = Object.freeze(["UTILITY_BILL", "GOVERNMENT_LETTER", "BANK_STATEMENT"]);

export const FIN_STATUS_TRAIL = Object.freeze(["PROCESSING", "REVIEWING", "APPROVED"]);
