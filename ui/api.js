// @ts-check
// Why one file (about 600 lines): the page's whole contract with Rust — one small typed
// function a command — is read in one place.
/**
 * Every call from the page to Rust is a function here, made with `ipc.js`'s `call`: errors
 * arrive as `{code, message, field?}` and are rethrown as CommandError naming the command.
 */

import { call } from "./ipc.js";

// The window's shell makes these two calls before this module is loaded.
export { appOpen, CommandError, uiReady } from "./ipc.js";

/** @typedef {import("./types/bindings").Activity} Activity */
/** @typedef {import("./types/bindings").AppInfo} AppInfo */
/** @typedef {import("./types/bindings").BackupView} BackupView */
/** @typedef {import("./types/bindings").RestoreCheck} RestoreCheck */
/** @typedef {import("./types/bindings").RestoreView} RestoreView */
/** @typedef {import("./types/bindings").ConnectionCheck} ConnectionCheck */
/** @typedef {import("./types/bindings").ConnectionInput} ConnectionInput */
/** @typedef {import("./types/bindings").SettingsView} SettingsView */
/** @typedef {import("./types/bindings").ScanSlot} ScanSlot */
/** @typedef {import("./types/bindings").TrayView} TrayView */
/** @typedef {import("./types/bindings").ScanPreview} ScanPreview */
/** @typedef {import("./types/bindings").DropEvent} DropEvent */
/** @typedef {import("./types/bindings").AssignedScan} AssignedScan */
/** @typedef {import("./types/bindings").Terms} Terms */
/** @typedef {import("./types/bindings").UploadView} UploadView */
/** @typedef {import("./types/bindings").Provider} Provider */
/** @typedef {import("./types/bindings").Connectivity} Connectivity */
/** @typedef {import("./types/bindings").CosCustomer} CosCustomer */
/** @typedef {import("./types/bindings").Draft} Draft */
/** @typedef {import("./types/bindings").DraftListItem} DraftListItem */
/** @typedef {import("./types/bindings").DraftRecord} DraftRecord */
/** @typedef {import("./types/bindings").Issue} Issue */
/** @typedef {import("./types/bindings").QueueSummary} QueueSummary */
/** @typedef {import("./types/bindings").Saved} Saved */
/** @typedef {import("./types/bindings").Submission} Submission */
/** @typedef {import("./types/bindings").UiError} UiError */
/** @typedef {import("./types/bindings").Validation} Validation */
/** @typedef {import("./types/bindings").FieldOptions} FieldOptions */

/** @type {Map<string, Promise<unknown>>} */
const queues = new Map();

/**
 * A call that reaches Rust only once the previous call of the same command has answered.
 * Commands run off the main thread, side by side, so two answers can cross: an autosave
 * of an older draft written after a newer one would lose what was typed between them,
 * and an older check shown after a newer one would show errors already fixed.
 * @template T
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
function inOrder(command, args) {
  const previous = queues.get(command) ?? Promise.resolve();
  /** @type {Promise<T>} */
  const next = previous.catch(() => undefined).then(() => call(command, args));
  queues.set(command, next);
  // While a save or a check is under way the form may still change (an error appears or
  // goes): said on the page, for whatever waits for it to settle.
  checking += 1;
  document.documentElement.dataset.checking = String(checking);
  const settled = () => {
    checking -= 1;
    if (checking === 0) delete document.documentElement.dataset.checking;
  };
  next.then(settled, settled);
  return next;
}

/** Saves and checks under way. */
let checking = 0;

/**
 * A query of which only the latest call's answer counts: the others resolve to
 * `undefined`. Commands are answered off the main thread, so a slower, older answer (the
 * search for "" sent as the box is cleared) can arrive after a newer one and would
 * otherwise replace what the list should show.
 * @template {unknown[]} A
 * @template T
 * @param {(...args: A) => Promise<T>} query
 * @returns {(...args: A) => Promise<T | undefined>}
 */
export function latest(query) {
  let asked = 0;
  return async (...args) => {
    const mine = ++asked;
    const answer = await query(...args);
    return mine === asked ? answer : undefined;
  };
}

/** @returns {Promise<AppInfo>} */
export const appInfo = () => call("app_info");



/** @returns {Promise<Connectivity>} */
export const connectivity = () => call("connectivity");

/**
 * @param {import("./types/bindings").PartyKind} kind
 * @param {Provider} [provider] COS when not given
 * @returns {Promise<DraftRecord>}
 */
export const createDraft = (kind, provider = "cos") => call("draft_create", { kind, provider });

/**
 * The guided onboarding's draft: a Cross River Personal customer filled with the sample
 * customer (Rust's); the welcome is not offered again.
 * @returns {Promise<DraftRecord>}
 */
export const createSampleDraft = () => call("draft_create_sample");

/**
 * Whether the Onboard screen shows the first-minute welcome (a new desk in Training).
 * @returns {Promise<boolean>}
 */
export const welcomeDue = () => call("welcome_get");

/**
 * The welcome was put away: it is not offered again.
 * @returns {Promise<void>}
 */
export const dismissWelcome = () => call("welcome_dismiss");

/**
 * @param {string} id
 * @returns {Promise<DraftRecord>}
 */
export const getDraft = (id) => call("draft_get", { id });

/**
 * @param {string} id
 * @param {Draft} draft
 * @returns {Promise<Saved>}
 */
export const saveDraft = (id, draft) => inOrder("draft_save", { id, draft });

/**
 * @param {string} search
 * @param {string} state
 * @returns {Promise<DraftListItem[]>}
 */
export const listDrafts = (search, state) => call("draft_list", { search, stateFilter: state });

/**
 * @param {string} id
 * @returns {Promise<DraftRecord>}
 */
export const duplicateDraft = (id) => call("draft_duplicate", { id });

/**
 * @param {string} id
 * @returns {Promise<void>}
 */
export const deleteDraft = (id) => call("draft_delete", { id });

/**
 * Hides a sent draft from the Drafts list; it stays under the Archived filter.
 * @param {string} id
 * @returns {Promise<void>}
 */
export const archiveDraft = (id) => call("draft_archive", { id });

/**
 * @param {string} id
 * @returns {Promise<void>}
 */
export const unarchiveDraft = (id) => call("draft_unarchive", { id });

/**
 * The rules' issues with a draft, and the Latin forms to offer beside its `_en` fields.
 * @param {Draft} draft
 * @returns {Promise<Validation>}
 */
export const validateDraft = (draft) => inOrder("draft_validate", { draft });

/**
 * The pick lists of fields whose values are provider codes, with their words.
 * @returns {Promise<FieldOptions>}
 */
export const fieldOptions = () => call("field_options");

/**
 * @param {string} id
 * @param {Draft} draft
 * @returns {Promise<Submission>}
 */
export const submitDraft = (id, draft) => call("draft_submit", { id, draft });

/**
 * @param {string} id
 * @returns {Promise<Submission>}
 */
export const submissionStatus = (id) => call("submission_status", { id });

/** @returns {Promise<CosCustomer[]>} */
export const cosCustomers = () => call("cos_customers");

/** @returns {Promise<QueueSummary>} */
export const queueSummary = () => call("queue_summary");

/**
 * @param {string} draft
 * @param {string} outcome
 * @param {string} [from] first day shown, YYYY-MM-DD
 * @param {string} [to] last day shown, YYYY-MM-DD
 * @param {number | null} [before] the previous page's `older`: entries older than it
 * @returns {Promise<Activity>} one page, newest first
 */
export const activity = (draft, outcome, from = "", to = "", before = null) => call("activity", { draft, outcome, from, to, before });

/** @returns {Promise<SettingsView>} */
export const settings = () => call("settings_get");

/**
 * @param {ConnectionInput} input
 * @returns {Promise<SettingsView>}
 */
export const saveConnection = (input) => call("connection_save", { input });

/**
 * @param {string} id
 * @returns {Promise<SettingsView>}
 */
export const removeConnection = (id) => call("connection_remove", { id });

/**
 * @param {string} id
 * @returns {Promise<ConnectionCheck>}
 */
export const testConnection = (id) => call("connection_test", { id });

/**
 * @param {boolean} on
 * @returns {Promise<SettingsView>}
 */
export const setTraining = (on) => call("training_set", { on });

/**
 * Remembers the window's theme and language.
 * @param {import("./types/bindings").Appearance} appearance
 * @returns {Promise<import("./types/bindings").Appearance>}
 */
export const setAppearance = (appearance) => call("appearance_set", { appearance });

/**
 * Backs the vault up into a file chosen with the system's save dialog; `null` when
 * cancelled. The passphrase is typed twice and never stored.
 * @param {string} passphrase
 * @param {string} passphraseAgain
 * @returns {Promise<BackupView | null>}
 */
export const createBackup = (passphrase, passphraseAgain) => call("backup_create", { passphrase, passphraseAgain });

/**
 * Whether a backup can be restored over this installation (only a fresh one), and if not,
 * why not in words.
 * @returns {Promise<RestoreCheck>}
 */
export const restoreCheck = () => call("restore_check");

/**
 * Restores a backup, chosen with the system's open dialog, over this fresh installation;
 * `null` when the dialog is cancelled. The passphrase is never stored.
 * @param {string} passphrase
 * @returns {Promise<RestoreView | null>}
 */
export const restoreBackup = (passphrase) => call("backup_restore", { passphrase });

/**
 * A channel for one attach: the checks and the thumbnail arrive on it while the upload copy
 * is still being made.
 * @param {(preview: ScanPreview) => void} onPreview
 * @returns {TauriChannel<ScanPreview>}
 */
function previewChannel(onPreview) {
  /** @type {TauriChannel<ScanPreview>} */
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = onPreview;
  return channel;
}

/**
 * Opens the system's file dialog for a slot; null when cancelled.
 * @param {string} draftId
 * @param {string} slot
 * @param {(preview: ScanPreview) => void} onPreview
 * @returns {Promise<ScanSlot[] | null>}
 */
export const chooseScan = (draftId, slot, onPreview) => call("scan_choose", { draftId, slot, onPreview: previewChannel(onPreview) });

/**
 * @param {string} draftId
 * @param {string} slot
 * @returns {Promise<ScanSlot[]>}
 */
export const removeScan = (draftId, slot) => call("scan_remove", { draftId, slot });

/**
 * A scan's small thumbnail as a data: URL.
 * @param {string} thumbnailId
 * @returns {Promise<string>}
 */
export const scanThumbnail = (thumbnailId) => call("scan_thumbnail", { thumbnailId });

/**
 * @param {string} draftId
 * @param {string} slot
 * @param {number} quarterTurns clockwise; negative turns anticlockwise
 * @returns {Promise<ScanSlot[]>}
 */
export const rotateScan = (draftId, slot, quarterTurns) => call("scan_rotate", { draftId, slot, quarterTurns });

/**
 * @param {string} draftId
 * @param {string} slot
 * @param {string} reason
 * @returns {Promise<ScanSlot[]>}
 */
export const acceptScanWarnings = (draftId, slot, reason) => call("scan_accept_warnings", { draftId, slot, reason });

/**
 * @param {string} draftId
 * @param {string} slot
 * @param {number} dropId
 * @param {(preview: ScanPreview) => void} onPreview
 * @returns {Promise<ScanSlot[]>}
 */
export const attachDrop = (draftId, slot, dropId, onPreview) => call("scan_attach_drop", { draftId, slot, dropId, onPreview: previewChannel(onPreview) });

/**
 * Files dragged over and dropped onto the window arrive here (names and positions only).
 * @param {(event: DropEvent) => void} listener
 * @returns {Promise<void>}
 */
export function watchDrops(listener) {
  /** @type {TauriChannel<DropEvent>} */
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = listener;
  return call("drops_watch", { onEvent: channel });
}

/**
 * The scanner tray now; later changes go to `listener`.
 * @param {(view: TrayView) => void} listener
 * @returns {Promise<TrayView>}
 */
export function scannerTray(listener) {
  /** @type {TauriChannel<TrayView>} */
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = listener;
  return call("scanner_tray", { onChange: channel });
}

/** @returns {Promise<TrayView | null>} null when staff cancel the folder dialog */
export const chooseScannerFolder = () => call("scanner_folder_choose");

/** @returns {Promise<TrayView>} */
export const clearScannerFolder = () => call("scanner_folder_clear");

/**
 * @param {string} draftId
 * @param {string} slot
 * @param {string} name
 * @param {(preview: ScanPreview) => void} onPreview
 * @returns {Promise<AssignedScan>}
 */
export const assignFromScanner = (draftId, slot, name, onPreview) => call("scanner_assign", { draftId, slot, name, onPreview: previewChannel(onPreview) });

/**
 * The terms the draft's customer accepts at the counter: Fin.com's terms once it has created
 * the customer, or BVNK's agreements once its agreement session exists. Link, QR code,
 * accepted; null until then.
 * @param {string} draftId
 * @returns {Promise<Terms | null>}
 */
export const finTerms = (draftId) => call("fin_terms", { draftId });

/**
 * Opens the terms page in the system browser (Rust opens only the link the provider gave).
 * @param {string} draftId
 * @returns {Promise<void>}
 */
export const openFinTerms = (draftId) => call("fin_terms_open", { draftId });

/**
 * Records that the customer accepted the terms (or BVNK's agreements); the submission goes on.
 * @param {string} draftId
 * @returns {Promise<Terms | null>}
 */
export const confirmFinTerms = (draftId) => call("fin_terms_confirm", { draftId });

/**
 * What staff found at Fin.com about a customer whose creation went unanswered: its Fin.com
 * customer id (the onboarding goes on with it), or null when it was not created (the request
 * is sent again).
 * @param {string} draftId
 * @param {string | null} customerId
 * @returns {Promise<Submission>}
 */
export const resolveFinCustomer = (draftId, customerId) => call("fin_customer_resolve", { draftId, customerId });

/**
 * What staff found at Cross River about a customer whose creation's outcome is unknown: its
 * COS customer id (checked against the draft's client identifier; the onboarding goes on with
 * it), or null when it was not created (the request is sent again).
 * @param {string} draftId
 * @param {string | null} customerId
 * @returns {Promise<Submission>}
 */
export const resolveCosCustomer = (draftId, customerId) => call("cos_customer_resolve", { draftId, customerId });

/**
 * What staff found at BVNK about a customer whose create could not be read: its customer
 * reference (checked at BVNK against the draft's external reference; the onboarding goes on
 * with it), or null when it was not created (the request is sent again).
 * @param {string} draftId
 * @param {string | null} reference
 * @returns {Promise<Submission>}
 */
export const resolveBvnkCustomer = (draftId, reference) => call("bvnk_customer_resolve", { draftId, reference });

/**
 * Stops the upload in flight for a draft. True when one was running.
 * @param {string} draftId
 * @returns {Promise<boolean>}
 */
export const cancelUpload = (draftId) => call("upload_cancel", { draftId });

/**
 * Upload progress of every draft, as it happens (running totals).
 * @param {(view: UploadView) => void} listener
 * @returns {Promise<void>}
 */
export function watchUploads(listener) {
  /** @type {TauriChannel<UploadView>} */
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = listener;
  return call("uploads_watch", { onProgress: channel });
}

// Who is at the desk.

/** @typedef {import("./types/bindings").SessionView} SessionView */
/** @typedef {import("./types/bindings").PersonView} PersonView */
/** @typedef {import("./types/bindings").DeskSettings} DeskSettings */
/** @typedef {import("./types/bindings").CaseSummary} CaseSummary */
/** @typedef {import("./types/bindings").Case} Case */
/** @typedef {import("./types/bindings").Decision} Decision */

/** @returns {Promise<SessionView>} who is signed in, and the names to pick from */
export const session = () => call("session_get");

/**
 * Signs a person in with their PIN (Training's Trainee with none).
 * @param {string} name
 * @param {string} pin
 * @returns {Promise<SessionView>}
 */
export const signIn = (name, pin) => call("session_sign_in", { name, pin });

/** @returns {Promise<SessionView>} nobody signed in: the lock, or Switch person */
export const signOut = () => call("session_sign_out");

/** @returns {Promise<void>} the person is still at the desk (keys or pointer seen) */
export const touchSession = () => call("session_touch");

/**
 * The first start: the first person, an admin.
 * @param {string} name
 * @param {string} pin
 * @returns {Promise<SessionView>}
 */
export const addFirstAdmin = (name, pin) => call("session_first_admin", { name, pin });

/** @returns {Promise<PersonView[]>} every profile (admins only) */
export const listStaff = () => call("staff_list");

/**
 * @param {string} name
 * @param {"staff" | "reviewer" | "admin"} role
 * @param {string} pin
 * @returns {Promise<PersonView>}
 */
export const addStaff = (name, role, pin) => call("staff_add", { name, role, pin });

/**
 * An admin's change to a profile; what is null stays as it is.
 * @param {string} name
 * @param {{ role?: "staff" | "reviewer" | "admin" | null, disabled?: boolean | null, pin?: string | null }} change
 * @returns {Promise<PersonView>}
 */
export const changeStaff = (name, change) => call("staff_change", { name, role: change.role ?? null, disabled: change.disabled ?? null, pin: change.pin ?? null });

/** @returns {Promise<DeskSettings>} */
export const deskSettings = () => call("desk_settings_get");

/**
 * @param {{ makerChecker?: boolean | null, idleMinutes?: number | null }} change
 * @returns {Promise<DeskSettings>}
 */
export const setDeskSettings = (change) => call("desk_settings_set", { makerChecker: change.makerChecker ?? null, idleMinutes: change.idleMinutes ?? null });

// The review.

/** @returns {Promise<CaseSummary[]>} every case waiting for a person, longest first */
export const reviewQueue = () => call("review_queue");

/**
 * Opens a case, claiming it when nobody else has it.
 * @param {string} id
 * @returns {Promise<Case>}
 */
export const openCase = (id) => call("review_open", { id });

/**
 * A masked value in full (audited).
 * @param {string} id
 * @param {string} path
 * @returns {Promise<string>}
 */
export const revealField = (id, path) => call("review_reveal", { id, path });

/**
 * @param {string} id
 * @param {string} body
 * @returns {Promise<Case>}
 */
export const addCaseNote = (id, body) => call("review_note", { id, body });

/**
 * @param {string} id
 * @param {Decision} decision
 * @returns {Promise<void>}
 */
export const decideCase = (id, decision) => call("review_decide", { id, decision });

/**
 * An admin releases someone's claim.
 * @param {string} id
 * @returns {Promise<Case>}
 */
export const releaseCase = (id) => call("review_release", { id });

/**
 * The maker takes a draft back from its check to change it.
 * @param {string} id
 * @returns {Promise<void>}
 */
export const withdrawDraft = (id) => call("draft_withdraw", { id });

/** @typedef {import("./types/bindings").ScanPage} ScanPage */

/**
 * A scan's pages at full resolution for the viewer, as data: URLs made in Rust only while
 * it is open (one page for a photo, each scanned page for a PDF).
 * @param {string} draftId
 * @param {string} slot
 * @returns {Promise<ScanPage[]>}
 */
export const scanPages = (draftId, slot) => call("scan_pages", { draftId, slot });

/** @typedef {import("./types/bindings").Offer} Offer */

/**
 * What the scan in a slot offers the draft, read from the document itself (a licence's
 * barcode); null when nothing could be read.
 * @param {string} draftId
 * @param {string} slot
 * @returns {Promise<Offer | null>}
 */
export const prefillOffer = (draftId, slot) => call("prefill_offer", { draftId, slot });

/**
 * Fills the chosen fields from the scan in a slot (audited: which fields, not values).
 * @param {string} draftId
 * @param {string} slot
 * @param {string[]} paths
 * @returns {Promise<DraftRecord>}
 */
export const acceptPrefill = (draftId, slot, paths) => call("prefill_accept", { draftId, slot, paths });

/** @typedef {import("./types/bindings").CsvCheck} CsvCheck */

/**
 * Opens the system's dialog for a CSV file of customers and checks the whole file in
 * Rust; null when cancelled. Only the problems (row, column, message) and the counts come
 * back: the file's contents stay in Rust. Nothing is stored.
 * @returns {Promise<CsvCheck | null>}
 */
export const checkCustomersImport = () => call("customers_import_check");

/**
 * Stores the valid rows of the file checked last, in one go; how many drafts were stored.
 * @returns {Promise<number>}
 */
export const storeCustomersImport = () => call("customers_import_store");

/**
 * Forgets the file checked last.
 * @returns {Promise<void>}
 */
export const cancelCustomersImport = () => call("customers_import_cancel");
