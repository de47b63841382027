// @ts-check
/**
 * "Copy" buttons for values staff pass on (a customer id, a link). The page's own clipboard
 * access is used, on the click itself; no clipboard permission is given to the window.
 */
import { t } from "../i18n/index.js";
import { el } from "./dom.js";

/**
 * Puts `text` on the clipboard. The asynchronous clipboard first; where the webview does
 * not offer it, the older copy of a selection.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
async function write(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el("textarea", { "aria-hidden": "true", readonly: "", class: "visually-hidden" });
    area.value = text;
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }
}

/**
 * A small button that copies `value()` and says so in a live region beside it.
 * @param {string} id
 * @param {string} label what the button says ("Copy customer id")
 * @param {() => string} value
 * @returns {HTMLElement} the button and its status, together
 */
export function copyButton(id, label, value) {
  const button = el("button", { type: "button", id, class: "secondary small" }, [label]);
  const said = el("span", { id: `${id}-status`, class: "muted small", role: "status", "aria-live": "polite" });
  button.addEventListener("click", async () => {
    said.textContent = "";
    said.textContent = (await write(value())) ? t("copy.done") : t("copy.failed");
  });
  return el("span", { class: "copy" }, [button, said]);
}
