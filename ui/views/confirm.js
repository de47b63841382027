// @ts-check
/**
 * Questions that must really be asked before something is lost: an in-page modal dialog
 * (`<dialog>` with showModal, so the rest of the window is inert and focus stays inside).
 * Escape or Cancel answer no; the focus goes back to what opened it. The webview's own
 * `window.confirm` is not used: a plugin may replace it with one that does not wait.
 */
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

let asked = 0;

/**
 * Asks `question` and resolves true only when staff choose `confirmLabel`.
 * @param {{ title: string, question: string, confirmLabel: string, danger?: boolean }} what
 * @returns {Promise<boolean>}
 */
export function ask({ title, question, confirmLabel, danger = true }) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  asked += 1;
  const titleId = `confirm-title-${asked}`;
  const questionId = `confirm-question-${asked}`;
  const cancel = el("button", { type: "button", id: "confirm-cancel", class: "secondary" }, [t("confirm.cancel")]);
  const yes = el("button", { type: "button", id: "confirm-yes", class: danger ? "danger" : "" }, [confirmLabel]);
  const dialog = el("dialog", { id: "confirm-dialog", class: "confirm", role: "alertdialog", "aria-modal": "true", "aria-labelledby": titleId, "aria-describedby": questionId }, [
    el("h2", { id: titleId }, [title]),
    el("p", { id: questionId }, [question]),
    el("div", { class: "actions" }, [cancel, yes]),
  ]);
  document.body.append(dialog);
  return new Promise((resolve) => {
    /** @param {boolean} answer */
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      // Back to what opened it; if that is gone with what was deleted, to the work area.
      if (opener?.isConnected) opener.focus();
      else document.getElementById("main")?.focus();
      resolve(answer);
    };
    cancel.addEventListener("click", () => close(false));
    yes.addEventListener("click", () => close(true));
    // Escape is Cancel (the dialog's own cancel event, so it is never left open half-closed).
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(false);
    });
    // Tab and Shift+Tab go round the two buttons; nothing behind the dialog takes focus.
    dialog.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      event.preventDefault();
      (document.activeElement === cancel ? yes : cancel).focus();
    });
    dialog.showModal();
    // The safe answer has the focus, so Enter pressed out of habit loses nothing.
    cancel.focus();
  });
}
