// @ts-check
// The window's first moment: drawn in the chosen appearance, saying "Opening Branchdesk…",
// taking keys and clicks, while the desk opens (in Rust, once told the page is drawn);
// then the desk itself (desk.js), loaded only now so the first paint waits on none of it.
// The shell's words are index.html's own English: a catalogue is loaded before the first
// paint only when the window speaks another language.
import * as api from "./ipc.js";
import { spoken } from "./i18n/choice.js";
import { paint } from "./views/theme.js";

async function start() {
  // Set by Rust before any script of the page runs: the appearance staff chose.
  const appearance = window.__BRANCHDESK_APPEARANCE__;
  paint(appearance.theme, appearance.textSize);
  if (spoken(appearance.language) !== "en") {
    const { setLanguage, translate } = await import("./i18n/index.js");
    await setLanguage(appearance.language);
    translate();
  }
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  const help = /** @type {HTMLElement} */ (document.getElementById("shortcuts-open"));
  help.addEventListener("click", async () => (await import("./views/shortcuts.js")).showShortcuts());
  await api.uiReady("shell");
  // Shown now: the window's first picture comes with the frame after next.
  requestAnimationFrame(() => requestAnimationFrame(() => void api.uiReady("drawn")));
  // The desk's code (which asks for its styles as it loads) comes while the desk opens.
  const [{ openDesk }] = await Promise.all([import("./desk.js"), api.appOpen()]);
  await openDesk(main, help);
}

start();
