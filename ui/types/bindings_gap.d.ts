// Stopgap, written by hand: `src-tauri/src/bindings.rs` does not yet declare the three types
// below, which the generated `bindings.d.ts` refers to (Associate.document, Draft.bvnk,
// Submission.bvnk). Copied from the Rust types (domain::draft::{AssociateDocument,
// BvnkSection}, engine::records::BvnkOutcome). Delete this file once bindings.rs lists
// them and `cargo xtask bindings` has been run.

/** An associate's identity document. */
type AssociateDocument = { idType: string; number: string; issuingCountry: string };

/** What only BVNK asks for. */
type BvnkSection = {
  industryReference: string;
  monthlyExpectedVolumesReference: string;
  useCase: string;
  riskScore: string;
  companyDocumentType: string;
};

/** Where a BVNK onboarding is, for staff. */
type BvnkOutcome = {
  reference: string | null;
  agreementAccepted: boolean;
  status: string | null;
  verificationStatus: string | null;
  verificationUrl: string | null;
  associates: Array<string | null>;
};
