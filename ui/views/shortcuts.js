// @ts-check
/**
 * The keyboard shortcuts, and the sheet that lists them (`?`, or the top bar's button).
 * Keys that move between sections work from anywhere; the wizard's (save, next, back) are
 * passed to the wizard on screen as a `wizard-key` event, and do nothing elsewhere.
 */
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/** @typedef {import("../i18n/index.js").MessageKey} MessageKey */

/** Every shortcut, as the sheet (and the Help page) lists it: the keys in words, and what they do. */
export const SHEET = /** @type {[string, MessageKey][]} */ ([
  ["Alt+N", "shortcuts.new"],
  ["Ctrl+S", "shortcuts.save"],
  ["Ctrl+Enter · Alt+→", "shortcuts.next"],
  ["Alt+←", "shortcuts.back"],
  ["Alt+R", "shortcuts.queue"],
  ["Alt+D", "shortcuts.drafts"],
  ["Ctrl+F", "shortcuts.search"],
  ["Ctrl +", "shortcuts.bigger"],
  ["Ctrl −", "shortcuts.smaller"],
  ["Ctrl 0", "shortcuts.reset"],
  ["j · k · ↓ · ↑", "shortcuts.queueMove"],
  ["Esc", "shortcuts.escape"],
  ["?", "shortcuts.sheet"],
]);

/**
 * What the shortcuts do, given by the page.
 * @typedef {{
 *   go: (view: "onboard" | "drafts" | "review") => void,
 *   search: () => void,
 *   textSize: (step: 1 | -1 | 0) => void,
 * }} Actions
 */

/** @param {EventTarget | null} target */
const typingIn = (target) => target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/**
 * Listens for the shortcuts on the whole page.
 * @param {Actions} actions
 */
export function watchShortcuts(actions) {
  document.addEventListener("keydown", (event) => {
    // A modal dialog keeps its keys to itself.
    if (document.querySelector("dialog[open]")) return;
    const key = event.key.toLowerCase();
    const ctrl = event.ctrlKey || event.metaKey;
    /** @type {(() => void) | null} */
    let action = null;
    if (event.altKey && !ctrl) {
      if (key === "n") action = () => actions.go("onboard");
      else if (key === "r") action = () => actions.go("review");
      else if (key === "d") action = () => actions.go("drafts");
      else if (event.key === "ArrowRight") action = () => wizard("next");
      else if (event.key === "ArrowLeft") action = () => wizard("back");
    } else if (ctrl && !event.altKey) {
      if (key === "s") action = () => wizard("save");
      else if (key === "f") action = actions.search;
      else if (key === "=" || key === "+") action = () => actions.textSize(1);
      else if (key === "-") action = () => actions.textSize(-1);
      else if (key === "0") action = () => actions.textSize(0);
    } else if (event.key === "?" && !typingIn(event.target)) {
      action = showShortcuts;
    }
    if (!action) return;
    event.preventDefault();
    action();
  });
}

/** @param {"save" | "next" | "back"} what */
function wizard(what) {
  window.dispatchEvent(new CustomEvent("wizard-key", { detail: what }));
}

/** The sheet: a modal dialog listing every shortcut; Esc or Close returns the focus. */
export function showShortcuts() {
  if (document.getElementById("shortcuts-dialog")) return;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const closeButton = el("button", { type: "button", id: "shortcuts-close", class: "secondary" }, [t("shortcuts.close")]);
  const dialog = el("dialog", { id: "shortcuts-dialog", class: "shortcuts", "aria-labelledby": "shortcuts-title" }, [
    el("h2", { id: "shortcuts-title" }, [t("shortcuts.title")]),
    el("table", {}, [
      el("thead", {}, [el("tr", {}, [el("th", { scope: "col" }, [t("shortcuts.keys")]), el("th", { scope: "col" }, [t("shortcuts.does")])])]),
      el("tbody", {}, SHEET.map(([keys, does]) => el("tr", {}, [el("td", {}, [el("kbd", {}, [keys])]), el("td", {}, [t(does)])]))),
    ]),
    el("div", { class: "actions" }, [closeButton]),
  ]);
  const close = () => {
    dialog.close();
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  };
  closeButton.addEventListener("click", close);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    close();
  });
  document.body.append(dialog);
  /** @type {HTMLDialogElement} */ (dialog).showModal();
  closeButton.focus();
}
