// Generated from the Rust types by `cargo xtask bindings`. Do not edit.
// Why one file (about 700 lines): every type that crosses the command layer, in one
// declaration file the whole UI imports from; it is written, never read through.

export type Activity = { entries: Array<ActivityEntry>, 
/**
 * The `before` of the next (older) page, when there is one.
 */
older: number | null, intact: boolean, checked: number, problems: number, 
/**
 * Each problem found, e.g. entries cut off the end of the log or the database rolled
 * back to an older copy; empty when intact.
 */
findings: Array<ActivityFinding>, };

export type Case = { summary: CaseSummary, state: DraftState, fields: Array<DraftField>, scans: Array<ScanSlot>, history: Array<ActivityEntry>, notes: Array<NoteView>, decisions: Array<DecisionView>, 
/**
 * The provider's results as the vault holds them (COS's checks, Fin.com's or BVNK's
 * status); filled in by the desk, which knows the connections.
 */
submission: Submission | null, 
/**
 * Whether the signed-in person may decide it now: a reviewer who holds the claim and,
 * for a check, is not its maker.
 */
canDecide: boolean, };

export type CaseSummary = { 
/**
 * The case is its draft.
 */
draftId: string, customer: string, kind: PartyKind, provider: Provider, reason: Reason, 
/**
 * What the reason is about, for its words: the maker of a check, the checks that hit
 * (`ofac:Positive`), the provider's status.
 */
detail: Array<string>, 
/**
 * RFC 3339, UTC: since when it has waited.
 */
waitingSince: string, claimedBy: string | null, };

export type Decision = { kind: DecisionKind, because: string, note: string, marks: Array<string>, };

export type DecisionKind = "approve" | "reject" | "send_back";

export type DecisionView = { reviewer: string, 
/**
 * `approve`, `reject` or `send_back`.
 */
decision: string, 
/**
 * Why the case waited when it was decided.
 */
reason: string, 
/**
 * One of the review's common reasons (`review::REASONS`).
 */
because: string, note: string, 
/**
 * For a send-back: the draft fields (paths) and scan slots (`scan:SLOT`) to fix.
 */
marks: Array<string>, 
/**
 * RFC 3339, UTC.
 */
at: string, };

export type DeskSettings = { environment: Environment, makerChecker: boolean, idleMinutes: number, };

export type DraftField = { path: string, 
/**
 * Masked (`•••-••-6789`) when `sensitive`.
 */
value: string, sensitive: boolean, };

export type NoteView = { author: string, body: string, 
/**
 * RFC 3339, UTC.
 */
at: string, };

export type Person = { name: string, role: "staff" | "reviewer" | "admin", };

export type PersonView = { name: string, role: "staff" | "reviewer" | "admin", hasPin: boolean, disabled: boolean, 
/**
 * RFC 3339, UTC, while locked after wrong PINs.
 */
lockedUntil: string | null, };

export type Reason = "awaiting_check" | "compliance" | "fin_reviewing" | "fin_action_required" | "bvnk_pending" | "unknown_outcome";

export type SessionView = { 
/**
 * Who is signed in; `None` shows the sign-in screen.
 */
person: Person | null, 
/**
 * The names to pick from, Training's Trainee first in Training.
 */
people: Array<PersonView>, 
/**
 * No profile exists yet: outside Training, the first start creates the first admin.
 */
firstAdminNeeded: boolean, training: boolean, idleMinutes: number, 
/**
 * Seconds without keys or pointer before the window locks (the idle minutes).
 */
idleSeconds: number, };

export type ScanPage = { 
/**
 * The picture as a `data:image/jpeg` or `data:image/png` URL; empty when this page of
 * a PDF holds no scanned picture that can be shown here (text or drawings the PDF
 * makes itself).
 */
dataUrl: string, 
/**
 * Its pixel size, upright; 0 when there is no picture.
 */
width: number, height: number, 
/**
 * The page's number, from 1.
 */
page: number, 
/**
 * How many pages the scan has: more than the pages handed over when some were past
 * [`MAX_PAGES`] or [`MAX_TOTAL_BYTES`].
 */
pages: number, };

export type Offer = { source: Source, document: DocumentKind, fields: Array<Offered>, flags: Array<Flag>, };

export type Offered = { 
/**
 * The draft field, as the form names it (`name.first`, `associates[1].birthDate`).
 */
path: string, value: string, current: string, kind: OfferKind, };

export type OfferKind = "fill" | "differs" | "same";

export type Flag = { "flag": "expired", on: string, } | { "flag": "nameDiffers" } | { "flag": "birthDateDiffers" };

export type DocumentKind = "drivers_licence" | "id_card" | "passport";

export type Source = "pdf417" | "mrz";

export type ActivityEntry = { seq: number, at: string, draftId: string | null, draftName: string | null, actor: string, 
/**
 * Who acted, by name; `None` when Branchdesk acted on its own.
 */
staff: string | null, 
/**
 * The entry said in the bank's words, for the interface to put in the staff's language.
 */
words: Words, action: string, endpoint: string | null, status: number | null, outcome: string, };

export type ActivityFinding = { 
/**
 * The entry where it shows.
 */
seq: number, 
/**
 * `altered`, `chain_broken`, `missing`, `head_mismatch`, `unanchored`, `truncated`
 * or `rolled_back`.
 */
kind: string, 
/**
 * The problem in English words.
 */
text: string, };

export type Address = { addressType: string, classification: string, isPrimary: boolean, street1: string, street2: string, 
/**
 * Latin forms of the street lines when written in another script (Fin.com `_en`).
 */
street1Latin: string, street2Latin: string, 
/**
 * The street lines the Latin forms were taken or confirmed for (see
 * [`LatinNames::first_from`]).
 */
street1LatinFrom: string, street2LatinFrom: string, city: string, 
/**
 * For the US a two-letter state code (`NY`, `DC`, `PR`); elsewhere the
 * state, province or region as written locally.
 */
state: string, postalCode: string, 
/**
 * ISO 3166-1 alpha-2.
 */
country: string, };

export type AssignedScan = { scans: Array<ScanSlot>, 
/**
 * False when the file stayed in the folder (a read-only share, say): staff should
 * delete it there themselves.
 */
removed: boolean, };

export type AppInfo = { environment: Environment, version: string, 
/**
 * Where the built-in sandbox listens, in Training mode.
 */
trainingUrl: string | null, 
/**
 * Why the configured connection is not in use, when Training was chosen instead.
 */
problem: string | null, 
/**
 * The theme and language staff chose, applied before the page shows anything.
 */
appearance: Appearance, };

export type ReadyStage = "shell" | "drawn" | "open";

export type Appearance = { theme: Theme, language: Language, 
/**
 * The text's size in percent of the system's (Ctrl + and Ctrl −), within
 * [`TEXT_SIZES`].
 */
textSize: number, };

export type Theme = "system" | "light" | "dark";

export type Language = "system" | "en" | "es";

export type BackupView = { file: string, drafts: bigint, scans: bigint, auditEntries: bigint, };

export type RestoreCheck = { possible: boolean, reason: string | null, };

export type RestoreView = { file: string, 
/**
 * When the backup was made (RFC 3339).
 */
backupOf: string, drafts: bigint, scans: bigint, auditEntries: bigint, 
/**
 * Restored connections whose secret is not in this computer's keyring: backups carry
 * none, so each is entered again in Settings.
 */
secretsMissing: Array<ConnectionView>, };

export type Associate = { 
/**
 * Fixed when the associate is added, so its scans stay its own when others are
 * removed (see `bvnk::slots`).
 */
id: string, name: Names, 
/**
 * `YYYY-MM-DD`.
 */
birthDate: string, title: string, 
/**
 * 0–100, as typed; empty when the person owns nothing.
 */
ownershipPercentage: string, hasControl: boolean, isSigner: boolean, email: string, phone: string, taxId: TaxId, address: Address, 
/**
 * Owns 25 % or more (BVNK `controls.hasOwnership`).
 */
hasOwnership: boolean, 
/**
 * ISO 3166-1 alpha-2 (BVNK `birthCountryCode`).
 */
birthCountry: string, 
/**
 * The identity document whose scans go with the associate.
 */
document: AssociateDocument, 
/**
 * `LOW`, `MEDIUM` or `HIGH`.
 */
riskScore: string, };

export type AssociateDocument = { idType: string, number: string, 
/**
 * ISO 3166-1 alpha-2.
 */
issuingCountry: string, };

export type BvnkOutcome = { 
/**
 * The customer's reference, once BVNK has created it.
 */
reference: string | null, 
/**
 * Whether staff have confirmed that the customer accepted BVNK's agreements.
 */
agreementAccepted: boolean, 
/**
 * BVNK's `status` (`INFO_REQUIRED`, `PENDING`, `VERIFIED`, `REJECTED`, …) as last known.
 */
status: string | null, 
/**
 * The customer's `verification.status` and `verification.url`, when BVNK gives them.
 */
verificationStatus: string | null, verificationUrl: string | null, 
/**
 * Each associate's person reference, in the draft's order.
 */
associates: Array<string | null>, };

export type BvnkSection = { 
/**
 * A reference from BVNK's industries list (a child entry).
 */
industryReference: string, 
/**
 * A reference from BVNK's monthly expected volumes list.
 */
monthlyExpectedVolumesReference: string, 
/**
 * The agreement session's `useCase`, e.g. `EMBEDDED_FIAT_ACCOUNTS`.
 */
useCase: string, 
/**
 * `LOW`, `MEDIUM` or `HIGH`.
 */
riskScore: string, 
/**
 * What the company's document scan is: `INCORPORATION_CERT`,
 * `INCORPORATION_ARTICLES`, `DIRECTORS_REGISTRY` or `PROOF_OF_ADDRESS`.
 */
companyDocumentType: string, };

export type CheckTimes = { ofac: string | null, pepScan: string | null, internalList: string | null, };

export type Choice = { 
/**
 * What the draft keeps and the provider receives.
 */
value: string, en: string, es: string, };

export type CompanyDetails = { 
/**
 * The registered legal name (COS `entityName`, BVNK `company.name`).
 */
legalName: string, 
/**
 * `YYYY-MM-DD` the entity was formed.
 */
dateFormed: string, 
/**
 * e.g. `LLC`, `Corporation`, `Partnership`.
 */
entityType: string, 
/**
 * e.g. `Private`, `Public`.
 */
ownershipType: string, description: string, 
/**
 * ISO 3166-1 alpha-2 country where the company is resident for tax.
 */
taxResidenceCountry: string, 
/**
 * The number in the company register (BVNK `registrationNumber`).
 */
registrationNumber: string, };

export type ConnectionCheck = { message: string, };

export type ConnectionInput = { provider: string, environment: string, baseUrl: string, authUrl: string, clientId: string, partnerId: string, hawkId: string, secret: string, 
/**
 * Fin.com only: its client configuration asks for a selfie with every set of documents.
 */
finSelfieRequired: boolean, };

export type ConnectionView = { id: string, provider: string, environment: string, baseUrl: string, authUrl: string | null, clientId: string | null, partnerId: string | null, hawkId: string | null, 
/**
 * Fin.com asks for a selfie with every set of documents.
 */
finSelfieRequired: boolean, };

export type Connectivity = { online: boolean, };

export type CosBeneficialOwner = { 
/**
 * The COS id of an existing Personal customer.
 */
ownerCustomerId: string, title: string, 
/**
 * 0–100, as typed.
 */
ownershipPercentage: string, };

export type CosCustomer = { customerId: string, name: string, 
/**
 * Tells apart two customers of the same name; `None` until COS gave one.
 */
cifNumber: string | null, 
/**
 * The latest results received; `None` while a check has reported nothing.
 */
ofac: ScanStatus | null, pepScan: ScanStatus | null, internalList: ScanStatus | null, 
/**
 * When each result shown was received.
 */
received: CheckTimes, 
/**
 * What the results say about taking this person as an owner.
 */
standing: OwnerStanding, };

export type CosOutcome = { customerId: string, cifNumber: string | null, ofac: ScanStatus | null, pepScan: ScanStatus | null, internalList: ScanStatus | null, 
/**
 * True once no check is still Pending.
 */
settled: boolean, 
/**
 * A result a person must look at (a hit, a failed check, a manual review): the page
 * says so instead of "you can carry on".
 */
needsAttention: boolean, 
/**
 * When each shown result was received (kept in the vault, so it outlives the provider).
 */
received: CheckTimes, 
/**
 * COS answered that it does not know this customer (a Training sandbox restarted):
 * what is shown is what was received before.
 */
unknownToProvider: boolean, };

export type CosSection = { 
/**
 * `Low`, `Medium` or `High`.
 */
riskRating: string, 
/**
 * Regulation O insider (an executive, director or principal shareholder of the bank).
 */
regO: boolean, politicallyExposedPerson: boolean, enableBackupWithholding: boolean, 
/**
 * 0–100, as typed; only read when backup withholding is on.
 */
backupWithholdingPercent: string, privacyOptOut: boolean, 
/**
 * The partner's own unique reference for the record (≤ 50 characters).
 */
clientIdentifier: string, 
/**
 * Business only: the COS id of the Personal customer who is the primary owner.
 */
primaryOwnerCustomerId: string, 
/**
 * Business only.
 */
beneficialOwners: Array<CosBeneficialOwner>, };

export type CsvCheck = { 
/**
 * Customers in the file (blank rows are not counted).
 */
rows: number, 
/**
 * Rows with no problem: what storing the valid rows stores.
 */
validRows: number, 
/**
 * The first [`MAX_LISTED_PROBLEMS`] problems, in file order.
 */
problems: Array<RowProblem>, 
/**
 * Every problem, listed or not.
 */
problemCount: number, };

export type Draft = { provider: Provider, kind: PartyKind, 
/**
 * The person's names; for a company, the names of the person staff deal with are
 * not here but in [`Draft::associates`].
 */
name: Names, 
/**
 * Only read when `kind` is `person`.
 */
person: PersonDetails, 
/**
 * Only read when `kind` is `company`.
 */
company: CompanyDetails, taxIds: Array<TaxId>, addresses: Array<Address>, phones: Array<Phone>, emails: Array<Email>, identityDocuments: Array<IdentityDocument>, dueDiligence: DueDiligence, 
/**
 * People behind a company (owners, directors, signers), for providers that take
 * them inline (BVNK associates). COS takes owners as existing customers instead:
 * see [`CosSection::beneficial_owners`].
 */
associates: Array<Associate>, cos: CosSection, fin: FinSection, bvnk: BvnkSection, 
/**
 * The scans attached to the draft, one per slot. Only ids and what the checks found:
 * the images themselves live encrypted in the vault.
 */
scans: Array<ScanSlot>, 
/**
 * Where a field's value came from when it was not typed: `barcode` or `mrz`, by the
 * field's path (`name.first`). Typed fields are not listed.
 */
valueSources: Record<string, string>, };

export type DropEvent = { "kind": "over", x: number, y: number, } | { "kind": "leave" } | { "kind": "drop", id: number, x: number, y: number, 
/**
 * File names only; the paths stay in Rust.
 */
names: Array<string>, };

export type DraftListItem = { id: string, displayName: string, maskedTaxId: string | null, kind: PartyKind, provider: Provider, state: DraftState, 
/**
 * RFC 3339, UTC: the list shows it as a date and time in the staff's own locale.
 */
updatedAt: string, 
/**
 * Hidden from the list but under the Archived filter.
 */
archived: boolean, };

export type DraftRecord = { id: string, draft: Draft, state: DraftState, 
/**
 * The latest review decision: a send-back's marks for the maker to fix, or who
 * approved or rejected it and why.
 */
decision: DecisionView | null, };

export type DraftState = "draft" | "ready" | "waiting" | "sending" | "needs_attention" | "awaiting_check" | "submitted" | "approved" | "rejected";

export type DueDiligence = { 
/**
 * `EMPLOYED`, `SELF_EMPLOYED`, `RETIRED`, `STUDENT`, `UNEMPLOYED`.
 */
employmentStatus: string, occupation: string, employer: string, 
/**
 * US dollars a year, as typed.
 */
annualIncome: string, 
/**
 * US dollars a month the customer expects to move, as typed.
 */
expectedMonthlyVolume: string, sourceOfFunds: Array<string>, accountPurpose: string, };

export type Email = { 
/**
 * e.g. `Personal`, `Work`.
 */
emailType: string, isPrimary: boolean, address: string, };

export type Environment = "TRAINING" | "SANDBOX" | "PRODUCTION";

export type ErrorCode = "invalid" | "rejected" | "unreachable" | "credentials" | "not_found" | "frozen" | "queue_busy" | "cannot_delete_submitted" | "cannot_archive" | "terms_link_refused" | "scan_refused" | "scanner_folder" | "unknown_outcome" | "nothing_to_resolve" | "no_browser" | "not_configured" | "secret_missing" | "not_submitted" | "wrong_provider" | "restore" | "sign_in_needed" | "sign_in" | "not_allowed" | "maker_cannot_approve" | "check_voided" | "not_in_queue" | "claimed" | "import_refused" | "internal";

export type FieldOptions = { 
/**
 * `fin.occupationId`.
 */
finOccupations: Array<Choice>, 
/**
 * `fin.purposeId`.
 */
finPurposes: Array<Choice>, 
/**
 * `fin.sourceOfFundIds` (several may be chosen).
 */
finSourcesOfFunds: Array<Choice>, 
/**
 * `company.entityType`.
 */
cosEntityTypes: Array<Choice>, 
/**
 * `company.ownershipType`.
 */
cosOwnershipTypes: Array<Choice>, 
/**
 * `bvnk.industryReference`.
 */
bvnkIndustries: Array<Choice>, 
/**
 * `bvnk.monthlyExpectedVolumesReference`.
 */
bvnkMonthlyVolumes: Array<Choice>, 
/**
 * `bvnk.useCase`.
 */
bvnkUseCases: Array<Choice>, 
/**
 * `bvnk.companyDocumentType`.
 */
bvnkCompanyDocuments: Array<Choice>, 
/**
 * `associates[n].document.idType` and a BVNK individual's `identityDocuments[0].idType`.
 */
bvnkDocumentTypes: Array<Choice>, 
/**
 * `bvnk.riskScore` and `associates[n].riskScore`.
 */
bvnkRiskScores: Array<Choice>, };

export type FinOutcome = { customerId: string, 
/**
 * The page where the customer reads and accepts the terms.
 */
tosUrl: string | null, termsAccepted: boolean, 
/**
 * Fin.com's `customer_status` as last read (INCOMPLETE until documents are attached);
 * one it does not document is kept as it came.
 */
status: FinStatus, 
/**
 * Why Fin.com wants something changed, placed on the draft's fields and scan slots.
 */
reasons: Array<Issue>, };

export type FieldValue = { field: string, value: string, };

export type SlotDocument = "licence" | "idCard" | "permit" | "passport" | "selfie" | "proofOfAddress" | "companyDocument";

export type SlotSpec = { 
/**
 * `FRONT`, `BACK`, `SELFIE` or `PROOF_OF_ADDRESS`.
 */
slot: string, document: SlotDocument, 
/**
 * The provider needs this scan before the onboarding can be sent.
 */
required: boolean, 
/**
 * Whose document it is, for a BVNK company's associate: their name as typed (or
 * "Person N" before it is).
 */
person?: string, 
/**
 * The scan is read for the document's own data once attached, and what it gives is
 * offered to the draft: a licence's barcode on its BACK, a passport's or an ID card's
 * machine-readable zone on its FRONT.
 */
prefill: boolean, };

export type FinSection = { 
/**
 * `STANDARD` or `RELIANCE`.
 */
verificationType: string, occupationId: string, purposeId: string, sourceOfFundIds: Array<string>, remarks: string, 
/**
 * What the proof-of-address scan is: `UTILITY_BILL`, `GOVERNMENT_LETTER` or
 * `BANK_STATEMENT`. Fin.com's attach needs it and no other provider names it.
 */
addressDocumentType: string, };

export type IdentityDocument = { idType: string, isPrimary: boolean, number: string, 
/**
 * `YYYY-MM-DD`; optional.
 */
issuedDate: string, 
/**
 * `YYYY-MM-DD`; optional.
 */
expiryDate: string, 
/**
 * `YYYY-MM-DD` staff checked the document; optional.
 */
verifiedDate: string, 
/**
 * e.g. `New York DMV`.
 */
issuingAuthority: string, issuingStateOrProvince: string, 
/**
 * ISO 3166-1 alpha-2.
 */
issuingCountry: string, 
/**
 * The scans of this document, by the id the document store gave them. Only ids:
 * the images never travel inside a draft.
 */
scanIds: Array<string>, };

export type Issue = { field: string, code: string, message: string, severity: Severity, };

export type LatinNames = { first: string, middle: string, last: string, 
/**
 * The name each Latin form was taken or confirmed for: when the name changes after,
 * the Latin form is stale until staff take the new suggestion or keep it. Empty for
 * forms saved before this was recorded.
 */
firstFrom: string, middleFrom: string, lastFrom: string, };

export type LatinSuggestion = { 
/**
 * The `_en` field's path, e.g. `name.latin.first` or `addresses[0].street1Latin`.
 */
field: string, 
/**
 * [`latin_suggestion`] of the customer's own value.
 */
value: string, 
/**
 * The customer's own value the suggestion is made from: what staff taking or keeping
 * a Latin form record it was taken for.
 */
source: string, 
/**
 * The field holds a Latin form taken for an earlier value: staff take this suggestion
 * or keep what is there.
 */
stale: boolean, };

export type Names = { prefix: string, first: string, middle: string, last: string, suffix: string, preferred: string, 
/**
 * Latin-script forms of names written in another script (Fin.com's `_en` fields);
 * empty when the name is already Latin.
 */
latin: LatinNames, };

export type OwnerStanding = "hit" | "attention" | "pending" | "clear";

export type PartyKind = "person" | "company";

export type PersonDetails = { 
/**
 * `YYYY-MM-DD`.
 */
birthDate: string, 
/**
 * ISO 3166-1 alpha-2.
 */
citizenshipCountry: string, 
/**
 * ISO 3166-1 alpha-2; empty when there is none.
 */
secondCitizenshipCountry: string, 
/**
 * As the customer states it (`FEMALE`, `MALE`, …); only some providers ask.
 */
gender: string, 
/**
 * ISO 3166-1 alpha-2 (BVNK `birthCountryCode`).
 */
birthCountry: string, };

export type Provider = "cos" | "fin" | "bvnk";

export type Phone = { phoneType: string, isPrimary: boolean, 
/**
 * As typed: `(201) 555-2345`, `+1 201 555 2345`, `201.555.2345`.
 */
number: string, extension: string, 
/**
 * ISO 3166-1 alpha-2 region the number belongs to when typed without `+`;
 * empty means `US`.
 */
country: string, };

export type QueueSummary = { waiting: number, sending: number, attention: number, };

export type RowProblem = { row: number, column: string, 
/**
 * The rule's code (`required`, `ssn_area`), or `cell` for a value the file itself
 * gives wrongly (a yes/no that is neither, too long, a row of the wrong width).
 */
code: string, message: string, };

export type Saved = { savedAt: string, };

export type ScanCheck = { 
/**
 * `resolution`, `blur`, `too_dark`, `too_bright`, `glare`, …
 */
check: string, ok: boolean, message: string, };

export type ScanPreview = { slot: string, fileName: string, 
/**
 * Upright pixel size; none for a PDF.
 */
width: number | null, height: number | null, pages: number | null, 
/**
 * The file's own type as detected (`JPEG`, `PNG`, `TIFF`, `WEBP`, `PDF`).
 */
format: string, checks: Array<ScanCheck>, 
/**
 * The thumbnail as a `data:` URL (at most a few tens of KB); empty for a PDF.
 */
thumbnail: string, };

export type ScanSlot = { slot: string, scanId: string, thumbnailId: string, 
/**
 * The name of the file staff chose, for them to recognise it.
 */
fileName: string, 
/**
 * Size of what is stored (after normalisation).
 */
bytes: number, width: number | null, height: number | null, pages: number | null, 
/**
 * `JPEG`, `PNG` or `PDF`.
 */
format: string, 
/**
 * The quality checks' findings, one sentence each.
 */
checks: Array<ScanCheck>, 
/**
 * Why staff kept the scan despite its warnings (recorded in the audit log too);
 * empty while none was given. Cleared whenever the file changes.
 */
overrideReason: string, };

export type ScanStatus = "Pending" | "Clear" | "Failed" | "Positive" | "Reviewing";

export type SettingsView = { 
/**
 * Whether the app runs in Training mode now (it may have fallen back to it).
 */
training: boolean, environment: Environment, connections: Array<ConnectionView>, 
/**
 * The watched scanner folder, if one is set.
 */
scannerFolder: string | null, };

export type Severity = "error" | "warning";

export type StepProblem = { code: string, message: string, field?: string, };

export type Submission = { 
/**
 * A draft state, or [`AWAITING_TERMS`] while a Fin.com customer has the terms to
 * accept.
 */
state: DraftState | "awaiting_terms", doneSteps: number, totalSteps: number, outcome: CosOutcome | null, 
/**
 * For a Fin.com onboarding: the customer, the terms, and Fin.com's status.
 */
fin: FinOutcome | null, 
/**
 * For a BVNK onboarding: the agreements, the customer and its associates, BVNK's status.
 */
bvnk: BvnkOutcome | null, error: StepProblem | null, };

export type TaxId = { idType: string, 
/**
 * As typed: `123-45-6789`, `12-3456789`, or a foreign number.
 */
number: string, 
/**
 * ISO 3166-1 alpha-2 of the issuing country; `US` for SSN, EIN and ITIN.
 */
country: string, };

export type Terms = { url: string, 
/**
 * An SVG `data:` URL of the link as a QR code.
 */
qr: string, accepted: boolean, };

export type TrayFile = { 
/**
 * The file's name in the folder; it is only ever looked up among the folder's
 * current files, so it cannot name anything outside it.
 */
name: string, bytes: number, 
/**
 * Seconds since the Unix epoch of its last change, newest first in the tray.
 */
modified: number, };

export type TrayView = { 
/**
 * The watched folder, or none when no folder is set in Settings.
 */
folder: string | null, files: Array<TrayFile>, 
/**
 * Why the folder is not being watched, when it is set but cannot be.
 */
problem: string | null, };

export type UiError = { code: ErrorCode, message: string, field?: string, };

export type UploadView = { draftId: string, slot: string, sent: number, total: number, 
/**
 * 1 for the first try; a retry starts again from 0 bytes.
 */
attempt: number, };

export type Validation = { issues: Array<Issue>, suggestions: Array<LatinSuggestion>, 
/**
 * The fields the provider's rules require of this draft, to be marked as such.
 */
required: Array<string>, 
/**
 * Values to show in their tidy form once staff leave the field (dates, state codes).
 */
tidy: Array<FieldValue>, 
/**
 * The Scans step's slots for this draft's document, and which the provider needs.
 */
slots: Array<SlotSpec>, 
/**
 * The numbers shown masked (tax ids, document numbers), as the Review page shows them.
 */
masked: Array<FieldValue>, };

export type Words = { key: string, params: { [key in string]?: string }, keyed: { [key in string]?: string }, };

export type FinStatus = "INCOMPLETE" | "PROCESSING" | "REVIEWING" | "APPROVED" | "ASSOCIATED_PARTIES_REMAINING" | "IN_COMPLIANCE" | "ACTION_REQUIRED" | "REJECTED" | (string & {});
