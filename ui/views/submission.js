// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { openDraft } from "./onboard.js";

/** @typedef {import("../types/bindings").Submission} Submission */
/** @typedef {import("../types/bindings").ScanStatus} ScanStatus */

/** How often the page asks how the submission is doing, then how the checks are doing. */
const POLL_MS = 700;
const CHECKS_FIRST_MS = 1_000;
const CHECKS_MAX_MS = 15_000;

/**
 * The progress and result of one submission: the steps as they are sent, then the
 * customer's ids and compliance checks, which update by themselves.
 * @param {HTMLElement} main
 * @param {string} draftId
 */
export function renderSubmission(main, draftId) {
  const title = el("h1", { id: "submission-title", tabindex: "-1" }, [t("submission.title")]);
  const state = el("p", { id: "submission-state", role: "status", "aria-live": "polite" });
  const bar = el("progress", { id: "submission-progress", max: "1", value: "0" });
  const result = el("section", { id: "result", hidden: "" });
  const again = el("button", { type: "button", id: "onboard-another", class: "secondary" }, [t("result.new")]);
  again.addEventListener("click", () => {
    main.replaceChildren();
    location.hash = "#onboard";
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
  main.append(title, state, bar, result, el("div", { class: "actions" }, [again]));
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
    if (submission.outcome) showResult(result, submission);
    if (submission.state === "needs_attention") {
      showAttention(main, result, submission, draftId);
      return;
    }
    if (submission.state === "submitted" && submission.outcome?.settled) return;
    // While steps are being sent, ask often; once only the checks are pending, back off.
    wait = submission.state === "submitted" ? Math.min(Math.max(wait * 2, CHECKS_FIRST_MS), CHECKS_MAX_MS) : POLL_MS;
    await sleep(wait);
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {Submission} s */
function describe(s) {
  switch (s.state) {
    case "waiting":
      return t("state.waiting");
    case "sending":
      return t("state.sending", { step: String(Math.min(s.doneSteps + 1, s.totalSteps)), total: String(s.totalSteps) });
    case "needs_attention":
      return t("state.needsAttention");
    case "submitted":
      return t("state.submitted");
    default:
      return t("state.ready");
  }
}

/**
 * @param {HTMLElement} result
 * @param {Submission} submission
 */
function showResult(result, submission) {
  const outcome = submission.outcome;
  if (!outcome) return;
  /** @type {[string, string, ScanStatus | null][]} */
  const checks = [
    ["result-ofac", "result.ofac", outcome.ofac],
    ["result-pep", "result.pep", outcome.pepScan],
    ["result-internal", "result.internal", outcome.internalList],
  ];
  const facts = el("dl", { class: "facts" }, [
    el("dt", {}, [t("result.customerId")]),
    el("dd", { id: "result-customer-id" }, [outcome.customerId]),
    el("dt", {}, [t("result.cif")]),
    el("dd", { id: "result-cif" }, [outcome.cifNumber ?? "—"]),
  ]);
  let attention = false;
  for (const [id, label, value] of checks) {
    facts.append(
      el("dt", {}, [t(/** @type {any} */ (label))]),
      el("dd", { id, "data-status": value ?? "unknown" }, [value ? t(`status.${value}`) : t("status.unknown")]),
    );
    if (value === "Positive" || value === "Failed" || value === "Reviewing") attention = true;
  }
  const summary = el("p", { id: "result-summary", "data-attention": String(attention), "aria-live": "polite" }, [
    attention ? t("result.attention") : t(outcome.settled ? "result.settled" : "result.pending"),
  ]);
  result.replaceChildren(el("h2", {}, [t("result.title")]), facts, summary);
  result.hidden = false;
}

/**
 * @param {HTMLElement} main
 * @param {HTMLElement} result
 * @param {Submission} submission
 * @param {string} draftId
 */
function showAttention(main, result, submission, draftId) {
  const fix = el("button", { type: "button", id: "fix-draft" }, [t("submission.fix")]);
  fix.addEventListener("click", async () => {
    main.replaceChildren();
    await openDraft(draftId, submission.error);
  });
  result.replaceChildren(
    el("h2", {}, [t("submission.attentionTitle")]),
    el("p", { id: "submission-error", role: "alert" }, [submission.error?.message ?? ""]),
    fix,
  );
  result.hidden = false;
}
