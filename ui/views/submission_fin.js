// @ts-check
/**
 * A Fin.com submission's page: the customer created, the terms to accept (a link and a QR
 * code), each upload's progress, then Fin.com's status, with its reasons when it wants
 * something changed.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { copyButton } from "./copy.js";
import { el } from "./dom.js";
import { openDraft } from "./onboard.js";
import { stepsFor } from "./steps.js";
import { CHECKS_FIRST_MS, CHECKS_MAX_MS, describe, onboardAnother, POLL_MS, showAttention, sleep } from "./submission_common.js";
import { FIN_STATUS_TRAIL } from "../types/lists.js";

/** @typedef {import("../types/bindings").Submission} Submission */
/** @typedef {import("../types/bindings").FinOutcome} FinOutcome */
/** @typedef {import("../types/bindings").UploadView} UploadView */

/**
 * Where upload progress goes: the Fin.com submission on screen, if any. The channel is
 * opened once per page; each render of the view takes it over.
 * @type {((view: UploadView) => void) | null}
 */
let uploadHandler = null;
let watchingUploads = false;

function watchUploads() {
  if (watchingUploads) return;
  watchingUploads = true;
  api.watchUploads((view) => uploadHandler?.(view)).catch(() => (watchingUploads = false));
}

/** @param {bigint | number} bytes */
function size(bytes) {
  const n = Number(bytes);
  return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${Math.max(0, Math.round(n / 1024))} KB`;
}

/**
 * The parts of a Fin.com submission view that change as it goes.
 * @typedef {{
 *   title: HTMLElement,
 *   state: HTMLElement,
 *   bar: HTMLProgressElement,
 *   terms: HTMLElement,
 *   uploads: HTMLElement,
 *   cancel: HTMLButtonElement,
 *   uploadStatus: HTMLElement,
 *   fin: HTMLElement,
 *   result: HTMLElement,
 *   termsShown: boolean,
 * }} FinView
 */

/**
 * A Fin.com submission: the customer is created, accepts Fin.com's terms at the counter,
 * the scans are uploaded (with progress, and a way to stop), the documents attached, then
 * Fin.com's review is followed until it decides.
 * @param {HTMLElement} main
 * @param {string} draftId
 */
export function renderFinSubmission(main, draftId) {
  const title = el("h1", { id: "submission-title", tabindex: "-1" }, [t("submission.fin.title")]);
  const state = el("p", { id: "submission-state", role: "status", "aria-live": "polite" });
  const bar = el("progress", { id: "submission-progress", max: "1", value: "0", "aria-label": t("submission.progress") });
  const terms = el("section", { id: "fin-terms", class: "panel", hidden: "", "aria-labelledby": "fin-terms-title" });
  const cancel = el("button", { type: "button", id: "upload-cancel", class: "danger small", hidden: "" }, [t("upload.cancel")]);
  const uploadStatus = el("p", { class: "muted small", role: "status", "aria-live": "polite" });
  const uploads = el("section", { id: "upload-progress", class: "panel", hidden: "", "aria-labelledby": "upload-title" }, [
    el("h2", { id: "upload-title" }, [t("upload.title")]),
    el("div", { class: "upload-rows" }),
    el("div", { class: "actions" }, [cancel, uploadStatus]),
  ]);
  const fin = el("section", { id: "fin-result", hidden: "", "aria-labelledby": "fin-result-title" });
  const result = el("section", { id: "result", hidden: "" });
  const again = onboardAnother(main);
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    uploadStatus.textContent = t("upload.stopping");
    try {
      const stopped = await api.cancelUpload(draftId);
      uploadStatus.textContent = stopped ? t("upload.stopped") : t("upload.nothingToStop");
    } catch (e) {
      uploadStatus.textContent = /** @type {import("../api.js").CommandError} */ (e).detail;
    } finally {
      cancel.disabled = false;
    }
  });
  main.append(title, state, bar, terms, uploads, fin, result, el("div", { class: "actions" }, [again]));
  title.focus();

  /** @type {FinView} */
  const view = { title, state, bar, terms, uploads, cancel, uploadStatus, fin, result, termsShown: false };
  uploadHandler = (upload) => {
    if (upload.draftId === draftId && uploads.isConnected) showUpload(view, upload);
  };
  watchUploads();
  followFin(main, draftId, view);
}

/**
 * @param {HTMLElement} main
 * @param {string} draftId
 * @param {FinView} view
 */
async function followFin(main, draftId, view) {
  let wait = POLL_MS;
  while (document.contains(view.state)) {
    /** @type {Submission} */
    let submission;
    try {
      submission = await api.submissionStatus(draftId);
    } catch {
      await sleep(wait);
      continue;
    }
    const { state } = submission;
    view.bar.max = Math.max(1, submission.totalSteps);
    view.bar.value = submission.doneSteps;
    view.state.textContent = describe(submission);
    view.state.dataset.state = state;
    view.title.textContent = t(state === "approved" ? "submission.fin.done" : "submission.fin.title");

    if (state === "awaiting_terms") await showTerms(view, draftId);
    else view.terms.hidden = true;

    // Stopping is offered while the scans are being sent: terms accepted, nothing attached.
    const uploading = state === "sending" && submission.fin?.termsAccepted === true && submission.fin.status === "INCOMPLETE";
    view.cancel.hidden = !uploading;
    if (uploading) view.uploads.hidden = false;

    if (submission.fin) showFinStatus(view, submission.fin);
    if (state === "needs_attention") {
      if (submission.fin?.status === "ACTION_REQUIRED") showActionRequired(main, view, submission.fin, draftId);
      else showAttention(main, view.result, submission, draftId, "fin");
      return;
    }
    if (state === "approved" || state === "rejected") {
      if (state === "rejected" && submission.fin) showRejected(view, submission.fin);
      return;
    }
    // While steps are being sent, ask often; once Fin.com is reviewing, back off.
    wait = state === "submitted" ? Math.min(Math.max(wait * 2, CHECKS_FIRST_MS), CHECKS_MAX_MS) : POLL_MS;
    await sleep(wait);
  }
}

/**
 * The terms panel: the customer opens Fin.com's terms on their phone (QR code) or on this
 * screen, accepts them there, and staff confirm it here.
 * @param {FinView} view
 * @param {string} draftId
 */
async function showTerms(view, draftId) {
  if (view.termsShown) return;
  /** @type {import("../types/bindings").Terms | null} */
  let terms;
  try {
    terms = await api.finTerms(draftId);
  } catch (e) {
    const error = /** @type {import("../api.js").CommandError} */ (e);
    // A link not on Fin.com's own domain is neither drawn nor offered: only the reason.
    if (error.code === "terms_link_refused") {
      view.termsShown = true;
      view.terms.replaceChildren(
        el("h2", { id: "fin-terms-title", tabindex: "-1" }, [t("terms.title")]),
        el("p", { id: "terms-refused", class: "error", role: "alert" }, [error.detail]),
      );
      view.terms.hidden = false;
    }
    return;
  }
  if (!terms || terms.accepted) return;
  view.termsShown = true;
  // A code made in Training leads to the built-in sandbox: it says so, for no one to mistake it.
  const practice = (await api.appInfo().catch(() => null))?.environment === "TRAINING";
  const heading = el("h2", { id: "fin-terms-title", tabindex: "-1" }, [t("terms.title")]);
  const qr = el("img", { id: "terms-qr", src: terms.qr, alt: t("terms.qrAlt"), width: "220", height: "220" });
  const url = el("p", { id: "terms-url", class: "terms-url" }, [terms.url]);
  const open = el("button", { type: "button", id: "terms-open", class: "secondary" }, [t("terms.open")]);
  const confirm = el("button", { type: "button", id: "terms-confirm" }, [t("terms.confirm")]);
  const status = el("p", { id: "terms-status", class: "muted", role: "status", "aria-live": "polite" });
  const copy = copyButton("terms-copy", t("terms.copy"), () => terms?.url ?? "");
  open.addEventListener("click", async () => {
    status.textContent = "";
    try {
      await api.openFinTerms(draftId);
      status.textContent = t("terms.opened");
    } catch (e) {
      const error = /** @type {import("../api.js").CommandError} */ (e);
      status.textContent = error.code === "no_browser" ? t("terms.noBrowser") : error.detail;
      if (error.code === "no_browser") /** @type {HTMLElement} */ (copy.querySelector("button")).focus();
    }
  });
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      const now = await api.confirmFinTerms(draftId);
      if (now?.accepted) {
        view.terms.hidden = true;
        view.uploads.hidden = false;
        view.state.textContent = t("terms.confirmed");
      }
    } catch (e) {
      status.textContent = /** @type {import("../api.js").CommandError} */ (e).detail;
    } finally {
      confirm.disabled = false;
    }
  });
  view.terms.replaceChildren(
    heading,
    el("p", { class: "intro" }, [t("terms.explain")]),
    el("div", { class: "terms-body" }, [
      el("figure", { class: "terms-code" }, [qr, ...(practice ? [el("figcaption", { id: "terms-practice", class: "practice" }, [t("terms.practice")])] : [])]),
      el("div", {}, [el("p", { class: "muted small" }, [t("terms.link")]), url, copy]),
    ]),
    el("div", { class: "actions" }, [open, confirm]),
    status,
  );
  view.terms.hidden = false;
  heading.focus();
}

/**
 * One scan's upload: a bar per slot, with the running total.
 * @param {FinView} view
 * @param {UploadView} upload
 */
function showUpload(view, upload) {
  view.uploads.hidden = false;
  view.uploads.dataset.slot = upload.slot;
  const rows = /** @type {HTMLElement} */ (view.uploads.querySelector(".upload-rows"));
  let row = /** @type {HTMLElement | null} */ (rows.querySelector(`.upload-row[data-slot="${CSS.escape(upload.slot)}"]`));
  if (!row) {
    const id = `upload-${upload.slot}`;
    row = el("div", { class: "upload-row", "data-slot": upload.slot }, [
      el("label", { for: id }, [t(/** @type {any} */ (`upload.slot.${upload.slot}`))]),
      el("progress", { id, "data-slot": upload.slot, max: "1", value: "0" }),
      el("span", { class: "muted small upload-bytes" }),
    ]);
    rows.append(row);
  }
  const bar = /** @type {HTMLProgressElement} */ (row.querySelector("progress"));
  bar.max = Math.max(1, Number(upload.total));
  bar.value = Number(upload.sent);
  const done = upload.sent >= upload.total;
  row.dataset.done = String(done);
  const retry = upload.attempt > 1 ? ` · ${t("upload.retry", { attempt: String(upload.attempt) })}` : "";
  /** @type {HTMLElement} */ (row.querySelector(".upload-bytes")).textContent = `${size(upload.sent)} / ${size(upload.total)}${retry}`;
}

/**
 * Fin.com's status and the way it goes: PROCESSING → REVIEWING → APPROVED. Built once and
 * updated in place, so the status line is announced as it changes.
 * @param {FinView} view
 * @param {FinOutcome} outcome
 */
function showFinStatus(view, outcome) {
  const status = outcome.status;
  let line = /** @type {HTMLElement | null} */ (view.fin.querySelector("#fin-status"));
  if (!line) {
    line = el("p", { id: "fin-status", role: "status", "aria-live": "polite" });
    view.fin.replaceChildren(
      el("h2", { id: "fin-result-title" }, [t("fin.resultTitle")]),
      el("dl", { class: "facts" }, [
        el("dt", {}, [t("result.customerId")]),
        el("dd", { class: "with-copy" }, [el("span", { id: "fin-customer-id" }, [outcome.customerId]), copyButton("copy-fin-customer-id", t("result.copyCustomerId"), () => outcome.customerId)]),
      ]),
      el(
        "ol",
        { class: "fin-trail", "aria-label": t("fin.trail") },
        FIN_STATUS_TRAIL.map((step) => el("li", { "data-step": step }, [t(/** @type {any} */ (`finStatus.short.${step}`))])),
      ),
      line,
    );
    view.fin.hidden = false;
  }
  if (line.dataset.status === status) return;
  line.dataset.status = status;
  const known = ["INCOMPLETE", "PROCESSING", "REVIEWING", "APPROVED", "ACTION_REQUIRED", "REJECTED"].includes(status);
  line.textContent = known ? t(/** @type {any} */ (`finStatus.${status}`)) : status;
  const reached = FIN_STATUS_TRAIL.indexOf(status);
  view.fin.querySelectorAll(".fin-trail li").forEach((item, i) => {
    item.setAttribute("data-reached", String(reached >= i));
    if (i === reached) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  });
}

/**
 * Fin.com's reasons, each on the document or field it concerns.
 * @param {FinOutcome} outcome
 */
function reasonList(outcome) {
  return el(
    "ul",
    { id: "fin-reasons", class: "issues" },
    outcome.reasons.map((r) => el("li", { "data-field": r.field }, [el("strong", {}, [`${whatIs(r.field)}: `]), r.message])),
  );
}

/**
 * What a field path is, for staff: the scan slot or the field's own label.
 * @param {string} field
 */
function whatIs(field) {
  if (field.startsWith("scans.")) return t(/** @type {any} */ (`upload.slot.${field.slice("scans.".length)}`));
  if (!field) return t("fin.customer");
  const spec = stepsFor("person", "fin")
    .flatMap((step) => step.fields)
    .find((f) => field === f.path || field.startsWith(`${f.path}[`));
  return spec ? t(/** @type {any} */ (spec.label)) : t("fin.detail");
}

/**
 * ACTION_REQUIRED: what Fin.com wants replaced, and the way back to the Scans step.
 * Submitting again sends only what changed.
 * @param {HTMLElement} main
 * @param {FinView} view
 * @param {FinOutcome} outcome
 * @param {string} draftId
 */
function showActionRequired(main, view, outcome, draftId) {
  const replace = el("button", { type: "button", id: "replace-documents" }, [t("fin.replace")]);
  replace.addEventListener("click", async () => {
    main.replaceChildren();
    await openDraft(draftId, null, { step: "scans", reasons: outcome.reasons });
  });
  view.result.replaceChildren(el("h2", {}, [t("fin.actionTitle")]), el("p", {}, [t("fin.actionExplain")]), reasonList(outcome), replace);
  view.result.hidden = false;
}

/**
 * @param {FinView} view
 * @param {FinOutcome} outcome
 */
function showRejected(view, outcome) {
  view.result.replaceChildren(el("h2", {}, [t("fin.rejectedTitle")]), el("p", {}, [t("fin.rejectedExplain")]), reasonList(outcome));
  view.result.hidden = false;
}
