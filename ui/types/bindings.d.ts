// Generated from the Rust types by `cargo xtask bindings`. Do not edit.

export type AppInfo = { environment: Environment, version: string, 
/**
 * Where the built-in sandbox listens, in Training mode.
 */
trainingUrl: string | null, };

export type Connectivity = { online: boolean, };

export type CosOutcome = { customerId: string, cifNumber: string | null, ofac: ScanStatus | null, pepScan: ScanStatus | null, internalList: ScanStatus | null, 
/**
 * True once no check is still Pending.
 */
settled: boolean, };

export type Environment = "TRAINING" | "SANDBOX" | "PRODUCTION";

export type ErrorCode = "invalid" | "rejected" | "unreachable" | "credentials" | "internal";

export type Issue = { field: string, code: string, message: string, severity: Severity, };

export type Person = { firstName: string, lastName: string, 
/**
 * `YYYY-MM-DD`.
 */
birthDate: string, 
/**
 * US Social Security number, as typed (`123-45-6789` or `123456789`).
 */
ssn: string, 
/**
 * ISO 3166-1 alpha-2 country of citizenship, e.g. `US`.
 */
citizenshipCountry: string, };

export type ScanStatus = "Pending" | "Clear" | "Failed" | "Positive" | "Reviewing";

export type Severity = "error" | "warning";

export type UiError = { code: ErrorCode, message: string, field?: string, };
