// @ts-check
import { spoken } from "./choice.js";
import en from "./en.js";

/** @typedef {keyof typeof en} MessageKey */
/** @typedef {import("../types/bindings").Language} LanguageChoice */

/**
 * The catalogues loaded so far: English always (every key falls back to it), Spanish once
 * it is chosen, so an English window never parses it.
 * @type {{ en: typeof en, es?: Record<string, string> }}
 */
const catalogues = { en };

/**
 * The language the window speaks now: what staff chose in Settings, or the system's. Read
 * at each use (it changes without a restart).
 * @type {"en" | "es"}
 */
export let language = spoken("system");

/**
 * Switches the window's language, loading its catalogue first; the caller draws the screen
 * again.
 * @param {LanguageChoice} choice
 * @returns {Promise<void>}
 */
export async function setLanguage(choice) {
  const wanted = spoken(choice);
  if (wanted === "es" && !catalogues.es) catalogues.es = (await import("./es.js")).default;
  language = wanted;
}

/**
 * The message for `key` in the user's language, with `{name}` placeholders filled.
 * @param {MessageKey} key
 * @param {Record<string, string>} [values]
 * @returns {string}
 */
export function t(key, values = {}) {
  const template = catalogues[language]?.[key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

/** Fills every `data-i18n` / `data-i18n-aria` element under `root`. */
export function translate(root = document) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(/** @type {MessageKey} */ (element.getAttribute("data-i18n")));
  }
  for (const element of root.querySelectorAll("[data-i18n-aria]")) {
    const key = /** @type {MessageKey} */ (element.getAttribute("data-i18n-aria"));
    element.setAttribute("aria-label", t(key));
  }
  for (const element of root.querySelectorAll("[data-i18n-title]")) {
    const key = /** @type {MessageKey} */ (element.getAttribute("data-i18n-title"));
    element.setAttribute("title", t(key));
  }
}
