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
import { showTerms, uploadsPanel } from "./submission_steps.js";
import { FIN_STATUS_TRAIL } from "../types/lists.js";

/** @typedef {import("../types/bindings").Submission} Submission */
/** @typedef {import("../types/bindings").FinOutcome} FinOutcome */

/** @type {import("./submission_steps.js").TermsWords} */
const FIN_TERMS = { title: "terms.title", explain: "terms.explain", qrAlt: "terms.qrAlt", link: "terms.link", confirm: "terms.confirm" };

/**
 * The parts of a Fin.com submission view that change as it goes.
 * @typedef {{
 *   title: HTMLElement,
 *   state: HTMLElement,
 *   bar: HTMLProgressElement,
 *   terms: HTMLElement,
 *   uploads: HTMLElement,
 *   cancel: HTMLButtonElement,
 *   fin: HTMLElement,
 *   result: HTMLElement,
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
  const { uploads, cancel } = uploadsPanel(draftId, (slot) => t(/** @type {any} */ (`upload.slot.${slot}`)));
  const fin = el("section", { id: "fin-result", hidden: "", "aria-labelledby": "fin-result-title" });
  const result = el("section", { id: "result", hidden: "" });
  const again = onboardAnother(main);
  main.append(title, state, bar, terms, uploads, fin, result, el("div", { class: "actions" }, [again]));
  title.focus();

  /** @type {FinView} */
  const view = { title, state, bar, terms, uploads, cancel, fin, result };
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

    if (state === "awaiting_terms") {
      await showTerms(view.terms, draftId, FIN_TERMS, () => {
        view.uploads.hidden = false;
        view.state.textContent = t("terms.confirmed");
      });
    } else view.terms.hidden = true;

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
