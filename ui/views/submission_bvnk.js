// @ts-check
/**
 * A BVNK submission's page: BVNK's agreements for the customer to accept at the counter (a
 * link and a QR code), the customer created, each document's upload, then BVNK's status
 * until it decides (VERIFIED or REJECTED), with its verification's status and page when it
 * gives them.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { copyButton } from "./copy.js";
import { el } from "./dom.js";
import { associateName } from "./associates.js";
import { CHECKS_FIRST_MS, CHECKS_MAX_MS, describe, onboardAnother, POLL_MS, showAttention, sleep } from "./submission_common.js";
import { showTerms, uploadsPanel } from "./submission_steps.js";

/** @typedef {import("../types/bindings").Submission} Submission */
/** @typedef {NonNullable<Submission["bvnk"]>} BvnkOutcome */
/** @typedef {import("../types/bindings").Draft} Draft */

/** @type {import("./submission_steps.js").TermsWords} */
const AGREEMENTS = {
  title: "bvnk.agreements.title",
  explain: "bvnk.agreements.explain",
  qrAlt: "bvnk.agreements.qrAlt",
  link: "bvnk.agreements.link",
  confirm: "bvnk.agreements.confirm",
};

/** BVNK's statuses on the way to a decision, in order, as the trail shows them. */
const TRAIL = ["INFO_REQUIRED", "PENDING", "VERIFIED"];
/** The statuses BVNK documents, each with a sentence. */
const KNOWN = ["PENDING_AGREEMENTS", "INFO_REQUIRED", "PENDING", "VERIFIED", "REJECTED"];

/**
 * The parts of a BVNK submission view that change as it goes.
 * @typedef {{
 *   title: HTMLElement,
 *   state: HTMLElement,
 *   bar: HTMLProgressElement,
 *   agreements: HTMLElement,
 *   uploads: HTMLElement,
 *   cancel: HTMLButtonElement,
 *   bvnk: HTMLElement,
 *   result: HTMLElement,
 *   draft: Draft | null,
 * }} BvnkView
 */

/**
 * A slot's words on the uploads panel: the company's document, or whose document and which
 * side, by the names in the draft.
 * @param {Draft | null} draft
 * @param {string} slot
 */
function slotWords(draft, slot) {
  if (slot === "COMPANY_DOC") return t("scan.companyDocument");
  const match = /^ASSOCIATE:(.+):(FRONT|BACK)$/.exec(slot);
  if (!match) return t(/** @type {any} */ (`upload.slot.${slot}`));
  const associates = draft?.associates ?? [];
  const index = associates.findIndex((a, i) => (a.id.trim() || `A${i}`) === match[1]);
  const person = index >= 0 ? associateName(associates[index], index) : t("bvnk.somebody");
  return t(match[2] === "BACK" ? "upload.slot.associateBack" : "upload.slot.associateFront", { person });
}

/**
 * A BVNK submission: the agreement session is made, the customer accepts BVNK's agreements
 * at the counter (staff confirm), the customer is created with its people, the documents
 * are uploaded (with progress, and a way to stop), then BVNK's decision is followed.
 * @param {HTMLElement} main
 * @param {string} draftId
 */
export function renderBvnkSubmission(main, draftId) {
  const title = el("h1", { id: "submission-title", tabindex: "-1" }, [t("submission.bvnk.title")]);
  const state = el("p", { id: "submission-state", role: "status", "aria-live": "polite" });
  const bar = el("progress", { id: "submission-progress", max: "1", value: "0", "aria-label": t("submission.progress") });
  const agreements = el("section", { id: "bvnk-agreements", class: "panel", hidden: "", "aria-labelledby": "bvnk-agreements-title" });
  const { uploads, cancel } = uploadsPanel(draftId, (slot) => slotWords(view.draft, slot), "upload.title.documents");
  const bvnk = el("section", { id: "bvnk-result", hidden: "", "aria-labelledby": "bvnk-result-title" });
  const result = el("section", { id: "result", hidden: "" });
  /** @type {BvnkView} */
  const view = { title, state, bar, agreements, uploads, cancel, bvnk, result, draft: null };
  main.append(title, state, bar, agreements, uploads, bvnk, result, el("div", { class: "actions" }, [onboardAnother(main)]));
  title.focus();
  // Whose documents and references these are, in the words staff typed.
  api
    .getDraft(draftId)
    .then((record) => (view.draft = record.draft))
    .catch(() => {});
  followBvnk(main, draftId, view);
}

/**
 * @param {HTMLElement} main
 * @param {string} draftId
 * @param {BvnkView} view
 */
async function followBvnk(main, draftId, view) {
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
    // BVNK's agreements are its own, not Fin.com's terms.
    const words = state === "awaiting_terms" ? t("state.awaitingAgreements") : describe(submission);
    if (view.state.textContent !== words) view.state.textContent = words;
    view.state.dataset.state = state;
    view.title.textContent = t(state === "approved" ? "submission.bvnk.done" : "submission.bvnk.title");

    if (state === "awaiting_terms") {
      await showTerms(view.agreements, draftId, AGREEMENTS, () => {
        view.state.textContent = t("bvnk.agreements.confirmed");
      });
    } else view.agreements.hidden = true;

    // Stopping is offered while the documents are being sent: the customer exists, its
    // documents are not all in.
    const uploading = state === "sending" && Boolean(submission.bvnk?.reference) && submission.bvnk?.status === "INFO_REQUIRED";
    view.cancel.hidden = !uploading;
    if (uploading) view.uploads.hidden = false;

    if (submission.bvnk?.reference) showBvnkStatus(view, submission.bvnk);
    if (state === "needs_attention") {
      showAttention(main, view.result, submission, draftId, "bvnk");
      return;
    }
    if (state === "approved" || state === "rejected") {
      if (state === "rejected") showRejected(view);
      return;
    }
    // While steps are being sent, ask often; once BVNK is reviewing, back off.
    wait = state === "submitted" ? Math.min(Math.max(wait * 2, CHECKS_FIRST_MS), CHECKS_MAX_MS) : POLL_MS;
    await sleep(wait);
  }
}

/**
 * BVNK's status and the way it goes: documents → reviewing → verified, the customer's
 * reference, the verification's status and page, and each person's reference. Built once
 * and updated in place, so the status line is announced as it changes and the copy buttons
 * keep their focus.
 * @param {BvnkView} view
 * @param {BvnkOutcome} outcome
 */
function showBvnkStatus(view, outcome) {
  let line = /** @type {HTMLElement | null} */ (view.bvnk.querySelector("#bvnk-status"));
  if (!line) {
    line = el("p", { id: "bvnk-status", role: "status", "aria-live": "polite" });
    const reference = el("span", { id: "bvnk-reference" });
    const verification = el("span", { id: "bvnk-verification-status" });
    const url = el("span", { id: "bvnk-verification-url", class: "terms-url" });
    view.bvnk.replaceChildren(
      el("h2", { id: "bvnk-result-title" }, [t("bvnk.resultTitle")]),
      el("dl", { class: "facts" }, [
        el("dt", {}, [t("bvnk.reference")]),
        el("dd", { class: "with-copy" }, [reference, copyButton("copy-bvnk-reference", t("bvnk.copyReference"), () => reference.textContent ?? "")]),
        el("dt", { "data-verification": "status", hidden: "" }, [t("bvnk.verificationStatus")]),
        el("dd", { "data-verification": "status", hidden: "" }, [verification]),
        el("dt", { "data-verification": "url", hidden: "" }, [t("bvnk.verificationUrl")]),
        el("dd", { "data-verification": "url", class: "with-copy", hidden: "" }, [url, copyButton("copy-bvnk-verification-url", t("bvnk.copyVerificationUrl"), () => url.textContent ?? "")]),
      ]),
      el(
        "ol",
        { class: "fin-trail", "aria-label": t("bvnk.trail") },
        TRAIL.map((step) => el("li", { "data-step": step }, [t(/** @type {any} */ (`bvnkStatus.short.${step}`))])),
      ),
      line,
      el("dl", { class: "facts", id: "bvnk-people", hidden: "" }),
    );
    view.bvnk.hidden = false;
  }
  /** @type {HTMLElement} */ (view.bvnk.querySelector("#bvnk-reference")).textContent = outcome.reference ?? "";
  for (const [part, value] of /** @type {const} */ ([
    ["status", outcome.verificationStatus],
    ["url", outcome.verificationUrl],
  ])) {
    for (const node of view.bvnk.querySelectorAll(`[data-verification="${part}"]`)) /** @type {HTMLElement} */ (node).hidden = !value;
    const shown = /** @type {HTMLElement} */ (view.bvnk.querySelector(part === "status" ? "#bvnk-verification-status" : "#bvnk-verification-url"));
    if (value && shown.textContent !== value) shown.textContent = value;
  }
  showPeople(view, outcome);
  const status = outcome.status ?? "";
  if (line.dataset.status === status) return;
  line.dataset.status = status;
  line.textContent = KNOWN.includes(status) ? t(/** @type {any} */ (`bvnkStatus.${status}`)) : t("bvnkStatus.other", { status });
  const reached = TRAIL.indexOf(status);
  view.bvnk.querySelectorAll(".fin-trail li").forEach((item, i) => {
    item.setAttribute("data-reached", String(reached >= i));
    if (i === reached) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  });
}

/**
 * Each person's reference at BVNK, by name, once BVNK has given them.
 * @param {BvnkView} view
 * @param {BvnkOutcome} outcome
 */
function showPeople(view, outcome) {
  const list = /** @type {HTMLElement} */ (view.bvnk.querySelector("#bvnk-people"));
  const people = view.draft?.associates ?? [];
  const known = outcome.associates.map((reference, i) => ({ reference, i })).filter((p) => p.reference);
  if (known.length === 0 || list.childElementCount === known.length * 2) return;
  list.replaceChildren(
    ...known.flatMap(({ reference, i }) => [
      el("dt", {}, [people[i] ? associateName(people[i], i) : t("associates.person", { n: String(i + 1) })]),
      el("dd", { "data-associate-reference": String(i) }, [reference ?? ""]),
    ]),
  );
  list.hidden = false;
}

/** @param {BvnkView} view */
function showRejected(view) {
  view.result.replaceChildren(el("h2", {}, [t("bvnk.rejectedTitle")]), el("p", {}, [t("bvnk.rejectedExplain")]));
  view.result.hidden = false;
}
