// @ts-check
/**
 * What the COS and Fin.com result pages share: the polling pause, the progress line, the
 * needs-attention form and the check staff make after an answer was lost.
 */
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { showSubmission } from "./nav.js";
import { openDraft } from "./onboard.js";

/** @typedef {import("../types/bindings").Submission} Submission */
/** @typedef {import("../types/bindings").Provider} Provider */

/** How often the page asks how the submission is doing, then how the checks are doing. */
export const POLL_MS = 700;
export const CHECKS_FIRST_MS = 1_000;
export const CHECKS_MAX_MS = 15_000;

/**
 * "Onboard another customer": back to a fresh start of the Onboard view.
 * @param {HTMLElement} main
 */
export function onboardAnother(main) {
  const again = el("button", { type: "button", id: "onboard-another", class: "secondary" }, [t("result.new")]);
  again.addEventListener("click", () => {
    main.replaceChildren();
    location.hash = "#onboard";
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
  return again;
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {Submission} s */
export function describe(s) {
  switch (s.state) {
    case "waiting":
      return t("state.waiting");
    case "sending":
      return t("state.sending", { step: String(Math.min(s.doneSteps + 1, s.totalSteps)), total: String(s.totalSteps) });
    case "needs_attention":
      return t("state.needsAttention");
    case "submitted":
      return t("state.submitted");
    case "awaiting_terms":
      return t("state.awaitingTerms");
    case "awaiting_check":
      return t("state.awaiting_check");
    case "approved":
      return t("state.approved");
    case "rejected":
      return t("state.rejected");
    default:
      return t("state.ready");
  }
}

/**
 * @param {HTMLElement} main
 * @param {HTMLElement} result
 * @param {Submission} submission
 * @param {string} draftId
 * @param {Provider} [provider]
 */
export function showAttention(main, result, submission, draftId, provider = "cos") {
  if (submission.error?.code === "unknown_outcome") {
    showUnknownCustomer(main, result, submission, draftId, provider);
    return;
  }
  const fix = el("button", { type: "button", id: "fix-draft" }, [t("submission.fix")]);
  fix.addEventListener("click", async () => {
    main.replaceChildren();
    // A Fin.com or BVNK problem with no field (a stopped upload, say) is put right by
    // submitting again, so the draft opens where that is done.
    const options = provider !== "cos" && !submission.error?.field ? { step: "review" } : {};
    await openDraft(draftId, submission.error, options);
  });
  result.replaceChildren(
    el("h2", {}, [t(provider === "cos" ? "submission.attentionTitle" : "submission.fin.attentionTitle")]),
    el("p", { id: "submission-error", role: "alert" }, [submission.error?.message ?? ""]),
    fix,
  );
  result.hidden = false;
}

/**
 * The provider may have created the customer but its answer never came or could not be read:
 * sending again could make a second one. Staff look the customer up at the provider by what
 * the message names (Fin.com: the reference; Cross River: the client identifier; BVNK: the
 * external reference), then either give its customer id or reference (the onboarding goes
 * on with it) or say it was not created (the request is sent again). Either answer is
 * recorded as theirs.
 * @param {HTMLElement} main
 * @param {HTMLElement} result
 * @param {Submission} submission
 * @param {string} draftId
 * @param {Provider} provider
 */
function showUnknownCustomer(main, result, submission, draftId, provider) {
  const key = /** @type {const} */ ({ fin: "finCheck", cos: "cosCheck", bvnk: "bvnkCheck" })[provider];
  const id = (/** @type {string} */ name) => `${provider}-customer-${name}`;
  const input = el("input", { id: id("id"), type: "text", autocomplete: "off", spellcheck: "false", "aria-describedby": `${id("id-hint")} ${id("id-error")}` });
  const problem = el("p", { id: id("id-error"), class: "error", role: "alert" });
  const found = el("button", { type: "button", id: id("found") }, [t(`${key}.found`)]);
  const notCreated = el("button", { type: "button", id: id("not-created"), class: "secondary" }, [t(`${key}.notCreated`)]);
  /** @param {string | null} customerId */
  const resolve = async (customerId) => {
    problem.textContent = "";
    found.disabled = notCreated.disabled = true;
    try {
      if (provider === "fin") await api.resolveFinCustomer(draftId, customerId);
      else if (provider === "bvnk") await api.resolveBvnkCustomer(draftId, customerId);
      else await api.resolveCosCustomer(draftId, customerId);
      main.replaceChildren();
      showSubmission(main, draftId, provider);
    } catch (e) {
      problem.textContent = /** @type {import("../api.js").CommandError} */ (e).detail;
      found.disabled = notCreated.disabled = false;
    }
  };
  found.addEventListener("click", () => {
    const value = /** @type {HTMLInputElement} */ (input).value.trim();
    if (!value) {
      problem.textContent = t(`${key}.needId`);
      input.focus();
      return;
    }
    resolve(value);
  });
  notCreated.addEventListener("click", () => resolve(null));
  result.replaceChildren(
    el("h2", {}, [t(`${key}.title`)]),
    el("p", { id: "submission-error", role: "alert" }, [submission.error?.message ?? ""]),
    el("div", { class: "field" }, [
      el("label", { for: id("id") }, [t(`${key}.customerId`)]),
      input,
      el("p", { id: id("id-hint"), class: "hint" }, [t(`${key}.hint`)]),
      problem,
    ]),
    el("div", { class: "actions" }, [found, notCreated]),
  );
  result.hidden = false;
}
