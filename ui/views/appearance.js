// @ts-check
/**
 * How the window looks and speaks: the theme (the system's, light or dark), the language
 * (the system's, English or Spanish) and the text size (Ctrl + and Ctrl −), as staff chose
 * in Settings. Rust remembers the choice; the page applies it before drawing anything.
 */
import * as api from "../api.js";
import { setLanguage, t, translate } from "../i18n/index.js";
import { el } from "./dom.js";
import { paint } from "./theme.js";

/** @typedef {import("../types/bindings").Appearance} Appearance */
/** @typedef {import("../types/bindings").Theme} Theme */
/** @typedef {import("../types/bindings").Language} Language */

/** @type {Appearance} */
let current = { theme: "system", language: "system", textSize: 100 };

/** The step of Ctrl + and Ctrl −, in percent. */
const TEXT_STEP = 10;

/**
 * Applies an appearance to the window. The caller redraws the screen when the language
 * changed (its words were drawn in the old one).
 * @param {Appearance} appearance
 * @returns {Promise<void>}
 */
export async function applyAppearance(appearance) {
  current = appearance;
  paint(appearance.theme, appearance.textSize);
  await setLanguage(appearance.language);
  translate();
}

/**
 * Stores a change and applies what Rust kept (it bounds the text size).
 * @param {Partial<Appearance>} change
 * @returns {Promise<Appearance>}
 */
async function change(change) {
  const kept = await api.setAppearance({ ...current, ...change });
  await applyAppearance(kept);
  return kept;
}

/** The text size changes under way, one after another. */
let resizing = Promise.resolve();

/**
 * Ctrl + / Ctrl − / Ctrl 0: the text a step larger, smaller, or back to the system's size.
 * Each step starts from the size the one before it left (keys pressed quickly would
 * otherwise all start from the same size and count once).
 * @param {1 | -1 | 0} step
 * @returns {Promise<void>}
 */
export function stepTextSize(step) {
  resizing = resizing
    .catch(() => {})
    .then(() => change({ textSize: step === 0 ? 100 : current.textSize + step * TEXT_STEP }))
    .then(() => {});
  return resizing;
}

/**
 * Settings' "Appearance and language" section.
 * @param {HTMLElement} status where a refusal is said
 * @param {() => void} redraw draws the screen again in the new language
 */
export function appearanceSection(status, redraw) {
  /**
   * @template {string} V
   * @param {string} id
   * @param {import("../i18n/index.js").MessageKey} label
   * @param {[V, import("../i18n/index.js").MessageKey][]} options
   * @param {V} value
   * @param {(value: V) => Promise<unknown>} chosen
   */
  const select = (id, label, options, value, chosen) => {
    const box = /** @type {HTMLSelectElement} */ (el("select", { id }, options.map(([v, key]) => el("option", { value: v }, [t(key)]))));
    box.value = value;
    box.addEventListener("change", async () => {
      try {
        await chosen(/** @type {V} */ (box.value));
      } catch (error) {
        status.textContent = /** @type {api.CommandError} */ (error).detail;
      }
    });
    return el("div", { class: "field" }, [el("label", { for: id }, [t(label)]), box]);
  };
  return el("section", { id: "settings-appearance", "aria-labelledby": "settings-appearance-title" }, [
    el("h2", { id: "settings-appearance-title" }, [t("appearance.title")]),
    select(
      "appearance-theme",
      "appearance.theme",
      /** @type {[Theme, import("../i18n/index.js").MessageKey][]} */ ([
        ["system", "appearance.theme.system"],
        ["light", "appearance.theme.light"],
        ["dark", "appearance.theme.dark"],
      ]),
      current.theme,
      (theme) => change({ theme }),
    ),
    select(
      "appearance-language",
      "appearance.language",
      /** @type {[Language, import("../i18n/index.js").MessageKey][]} */ ([
        ["system", "appearance.language.system"],
        ["en", "appearance.language.en"],
        ["es", "appearance.language.es"],
      ]),
      current.language,
      async (language) => {
        await change({ language });
        redraw();
      },
    ),
    el("p", { class: "hint" }, [t("appearance.textSize", { size: String(current.textSize) })]),
  ]);
}
