// @ts-check
// The window's first moment: drawn in the chosen appearance, saying "Opening Branchdesk…",
// taking keys and clicks, while the desk opens (in Rust, once told the page is drawn);
// then the desk itself (desk.js), loaded only now so the first paint waits on none of it.
import * as api from "./api.js";
import { t } from "./i18n/index.js";
import { el } from "./views/dom.js";
import { applyAppearance } from "./views/appearance.js";
import { showShortcuts } from "./views/shortcuts.js";

async function start() {
  // Set by Rust before any script of the page runs: the appearance staff chose.
  await applyAppearance(window.__BRANCHDESK_APPEARANCE__);
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  // The desk opens once the page is drawn (vault, Training, outbox): until it is open the
  // page says so and calls nothing that needs it.
  main.setAttribute("aria-busy", "true");
  main.replaceChildren(el("p", { class: "opening", role: "status" }, [t("app.opening")]));
  const text = /** @type {HTMLElement} */ (document.getElementById("online-text"));
  text.textContent = t("online.checking");
  const help = el("button", { type: "button", id: "shortcuts-open", class: "secondary small", "aria-keyshortcuts": "?" }, ["?"]);
  help.setAttribute("aria-label", t("shortcuts.open"));
  help.title = t("shortcuts.open");
  help.addEventListener("click", showShortcuts);
  document.querySelector(".topbar")?.append(help);
  await api.uiReady("shell");
  // The desk's code loads while the desk opens.
  const [{ openDesk }] = await Promise.all([import("./desk.js"), api.appOpen()]);
  await openDesk(main, help);
}

start();
