// @ts-check
import en from "./en.js";
import es from "./es.js";

/** @typedef {keyof typeof en} MessageKey */

const catalogues = { en, es };
export const language = navigator.language.toLowerCase().startsWith("es") ? "es" : "en";
const messages = catalogues[language];

/**
 * The message for `key` in the user's language, with `{name}` placeholders filled.
 * @param {MessageKey} key
 * @param {Record<string, string>} [values]
 * @returns {string}
 */
export function t(key, values = {}) {
  const template = messages[key] ?? en[key] ?? key;
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
}
