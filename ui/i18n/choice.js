// @ts-check
/** @typedef {import("../types/bindings").Language} LanguageChoice */

/**
 * The language a choice means on this machine: the system's when left to it (Spanish when
 * the system speaks it, English otherwise). Apart from the catalogues, so the window's
 * shell can tell whether its English markup stands without loading one.
 * @param {LanguageChoice} choice
 * @returns {"en" | "es"}
 */
export function spoken(choice) {
  if (choice === "en" || choice === "es") return choice;
  return navigator.language.toLowerCase().startsWith("es") ? "es" : "en";
}
