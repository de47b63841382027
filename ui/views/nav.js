// @ts-check
/**
 * How the wizard hands over to the result page without importing it. The result page
 * reopens the wizard for a fix (it imports `openDraft`), and the wizard shows the result
 * once a draft is submitted: the result page registers itself here when it loads, so
 * the arrow between the two views runs one way.
 */

/** @typedef {import("../types/bindings").Provider} Provider */
/** @typedef {(main: HTMLElement, draftId: string, provider?: Provider) => void} ShowSubmission */

/** @type {ShowSubmission | null} */
let resultPage = null;

/**
 * Called once by the result page's module.
 * @param {ShowSubmission} show
 */
export function registerSubmission(show) {
  resultPage = show;
}

/**
 * Shows a submitted draft's result page in `main`.
 * @type {ShowSubmission}
 */
export function showSubmission(main, draftId, provider) {
  if (!resultPage) throw new Error("the result page is not loaded");
  resultPage(main, draftId, provider);
}
