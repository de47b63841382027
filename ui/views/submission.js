// @ts-check
/**
 * The result page of a submission: which provider's page to show, and Cross River's — the
 * steps as they are sent, then the customer's ids and compliance checks. Fin.com's page is
 * in `submission_fin.js`, BVNK's in `submission_bvnk.js`; what they share in
 * `submission_common.js` and `submission_steps.js`.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { copyButton } from "./copy.js";
import { el } from "./dom.js";
import { registerSubmission } from "./nav.js";
import { openDraft } from "./onboard.js";
import { backToBusiness, businessOf } from "./owners.js";
import { renderBvnkSubmission } from "./submission_bvnk.js";
import { renderFinSubmission } from "./submission_fin.js";
import { CHECKS_FIRST_MS, CHECKS_MAX_MS, describe, onboardAnother, POLL_MS, showAttention, sleep } from "./submission_common.js";

/** @typedef {import("../types/bindings").Submission} Submission */
/** @typedef {import("../types/bindings").ScanStatus} ScanStatus */
/** @typedef {import("../types/bindings").FinOutcome} FinOutcome */
/** @typedef {import("../types/bindings").UploadView} UploadView */
/** @typedef {import("../types/bindings").Provider} Provider */


/**
 * The progress and result of one submission, for the provider the draft went to. From
 * Drafts the provider is not known yet, so it is looked up.
 * @param {HTMLElement} main
 * @param {string} draftId
 * @param {Provider} [provider]
 */
export function renderSubmission(main, draftId, provider) {
  // A submission waiting for its four-eyes check has sent nothing yet: say so, and let its
  // maker take it back to change it.
  api.getDraft(draftId).then(
    (record) => {
      if (record.state === "awaiting_check") return renderAwaitingCheck(main, draftId);
      renderSent(main, draftId, provider ?? record.draft.provider);
      // A reviewer's decision is said under the title: who decided, and why.
      const decision = record.decision;
      if (decision?.decision === "send_back" && ["draft", "ready", "needs_attention"].includes(record.state)) {
        const back = el("button", { type: "button", id: "open-sent-back", class: "secondary" }, [t("draft.fixSentBack")]);
        back.addEventListener("click", () => openDraft(draftId));
        main.querySelector("#submission-title")?.after(
          el("div", { id: "decision-notice", class: "intro" }, [
            el("p", {}, [t("draft.sentBack", { reviewer: decision.reviewer, note: decision.note })]),
            el("p", {}, [t("draft.sentBackMarks", { marks: decision.marks.join(", ") })]),
            back,
          ]),
        );
      } else if (decision && (record.state === "approved" || record.state === "rejected") && decision.decision !== "send_back") {
        const key = record.state === "approved" ? "draft.decided.approved" : "draft.decided.rejected";
        const reason = [decision.because ? t(/** @type {any} */ (`reason.${decision.because}`)) : "", decision.note].filter(Boolean).join(" — ");
        main.querySelector("#submission-title")?.after(el("p", { id: "decision-notice", class: "intro" }, [t(key, { reviewer: decision.reviewer, reason })]));
      }
    },
    // Without the draft, the page the caller named (a failure drawing the page is not
    // caught here: it would draw another provider's page over it).
    () => renderSent(main, draftId, provider),
  );
}

/**
 * @param {HTMLElement} main
 * @param {string} draftId
 */
function renderAwaitingCheck(main, draftId) {
  const status = el("p", { id: "submission-state", role: "status", "aria-live": "polite", "data-state": "awaiting_check" }, [t("draft.awaitingCheck")]);
  const withdraw = el("button", { type: "button", id: "withdraw-check", class: "secondary" }, [t("submission.withdraw")]);
  withdraw.addEventListener("click", async () => {
    try {
      await api.withdrawDraft(draftId);
      await openDraft(draftId);
    } catch (error) {
      status.textContent = /** @type {api.CommandError} */ (error).detail;
    }
  });
  const title = el("h1", { id: "submission-title", tabindex: "-1" }, [t("state.awaiting_check")]);
  main.replaceChildren(title, status, el("div", { class: "actions" }, [withdraw, onboardAnother(main)]));
  title.focus();
}

/**
 * @param {HTMLElement} main
 * @param {string} draftId
 * @param {Provider} [provider]
 */
function renderSent(main, draftId, provider) {
  if (provider === "fin") renderFinSubmission(main, draftId);
  else if (provider === "bvnk") renderBvnkSubmission(main, draftId);
  else if (provider) renderCosSubmission(main, draftId);
  else renderCosSubmission(main, draftId);
}

/**
 * A Cross River submission: the steps as they are sent, then the customer's ids and
 * compliance checks, which update by themselves.
 * @param {HTMLElement} main
 * @param {string} draftId
 */
function renderCosSubmission(main, draftId) {
  const title = el("h1", { id: "submission-title", tabindex: "-1" }, [t("submission.title")]);
  const state = el("p", { id: "submission-state", role: "status", "aria-live": "polite" });
  const bar = el("progress", { id: "submission-progress", max: "1", value: "0" });
  const result = el("section", { id: "result", hidden: "" });
  const again = onboardAnother(main);
  const actions = el("div", { class: "actions" }, [again]);
  // A person onboarded from a business's Owners step: back to that business, where they
  // are now among the customers to choose from.
  const link = businessOf(draftId);
  if (link) {
    actions.prepend(
      backToBusiness(link, async () => {
        main.replaceChildren();
        await openDraft(link.businessId, null, { step: "owners" });
      }),
    );
  }
  main.append(title, state, bar, result, actions);
  title.focus();
  follow(main, draftId, state, bar, result);
}

/**
 * @param {HTMLElement} main
 * @param {string} draftId
 * @param {HTMLElement} state
 * @param {HTMLProgressElement} bar
 * @param {HTMLElement} result
 */
async function follow(main, draftId, state, bar, result) {
  let wait = POLL_MS;
  while (document.contains(state)) {
    /** @type {Submission} */
    let submission;
    try {
      submission = await api.submissionStatus(draftId);
    } catch {
      await sleep(wait);
      continue;
    }
    bar.max = Math.max(1, submission.totalSteps);
    bar.value = submission.doneSteps;
    state.textContent = describe(submission);
    state.dataset.state = submission.state;
    const title = main.querySelector("#submission-title");
    if (title) title.textContent = t(submission.state === "submitted" ? "submission.done" : "submission.title");
    if (submission.outcome) showResult(result, submission, draftId);
    if (submission.state === "needs_attention") {
      showAttention(main, result, submission, draftId);
      return;
    }
    if (submission.state === "submitted" && submission.outcome?.settled) return;
    // Cross River no longer knows the customer: asking again would only get the same answer.
    if (submission.outcome?.unknownToProvider) return;
    // While steps are being sent, ask often; once only the checks are pending, back off.
    wait = submission.state === "submitted" ? Math.min(Math.max(wait * 2, CHECKS_FIRST_MS), CHECKS_MAX_MS) : POLL_MS;
    await sleep(wait);
  }
}



/**
 * The customer's ids and checks. Built once and then updated in place, so the copy buttons
 * keep their focus and their "Copied" while the checks are followed.
 * @param {HTMLElement} result
 * @param {Submission} submission
 * @param {string} draftId
 */
function showResult(result, submission, draftId) {
  const outcome = submission.outcome;
  if (!outcome) return;
  /** @type {[string, string, ScanStatus | null, string | null][]} */
  const checks = [
    ["result-ofac", "result.ofac", outcome.ofac, outcome.received.ofac],
    ["result-pep", "result.pep", outcome.pepScan, outcome.received.pepScan],
    ["result-internal", "result.internal", outcome.internalList, outcome.received.internalList],
  ];
  if (!result.querySelector("#result-customer-id")) {
    const name = el("p", { id: "result-name", class: "result-name" });
    const customerId = el("span", { id: "result-customer-id" });
    const cif = el("span", { id: "result-cif" });
    const facts = el("dl", { class: "facts" }, [
      el("dt", {}, [t("result.customerId")]),
      el("dd", { class: "with-copy" }, [customerId, copyButton("copy-customer-id", t("result.copyCustomerId"), () => customerId.textContent ?? "")]),
      el("dt", {}, [t("result.cif")]),
      el("dd", { class: "with-copy" }, [cif, copyButton("copy-cif", t("result.copyCif"), () => cif.textContent ?? "")]),
    ]);
    for (const [id, label] of checks) {
      facts.append(el("dt", {}, [t(/** @type {any} */ (label))]), el("dd", { id }), el("dd", { class: "muted small", id: `${id}-at`, hidden: "" }));
    }
    const summary = el("p", { id: "result-summary", "aria-live": "polite" });
    result.replaceChildren(el("h2", {}, [t("result.title")]), name, facts, summary);
    // Whose record this is, in the words staff typed.
    api
      .getDraft(draftId)
      .then(({ draft }) => {
        name.textContent = draft.kind === "company" ? draft.company.legalName : [draft.name.first, draft.name.last].filter(Boolean).join(" ");
      })
      .catch(() => {});
  }
  /** @type {HTMLElement} */ (result.querySelector("#result-customer-id")).textContent = outcome.customerId;
  const cif = /** @type {HTMLElement} */ (result.querySelector("#result-cif"));
  cif.textContent = outcome.cifNumber ?? "—";
  /** @type {HTMLElement} */ (result.querySelector("#copy-cif")).hidden = !outcome.cifNumber;
  for (const [id, , value, at] of checks) {
    const dd = /** @type {HTMLElement} */ (result.querySelector(`#${id}`));
    dd.dataset.status = value ?? "unknown";
    dd.textContent = value ? t(`status.${value}`) : t("status.unknown");
    // When the result came, beside it: results are kept, so this says how fresh they are.
    const received = /** @type {HTMLElement} */ (result.querySelector(`#${id}-at`));
    received.hidden = !at;
    received.textContent = at ? t("result.receivedAt", { time: at }) : "";
  }
  // Which results need a person is the engine's call.
  const attention = outcome.needsAttention;
  const summary = /** @type {HTMLElement} */ (result.querySelector("#result-summary"));
  summary.dataset.attention = String(attention);
  const words = attention ? t("result.attention") : t(outcome.settled ? "result.settled" : outcome.unknownToProvider ? "result.stopped" : "result.pending");
  if (summary.textContent !== words) summary.textContent = words;
  const unknown = result.querySelector("#result-unknown");
  if (outcome.unknownToProvider && !unknown) result.append(el("p", { id: "result-unknown", role: "alert" }, [t("result.unknownToProvider")]));
  if (!outcome.unknownToProvider) unknown?.remove();
  result.hidden = false;
}

registerSubmission(renderSubmission);
