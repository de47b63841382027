// @ts-check
/**
 * The pick lists of fields whose values are provider codes (Fin.com's occupation, purpose
 * and sources of funds; COS's entity and ownership types). They come from Rust once per
 * window, each value with its words in the staff's language.
 */
import * as api from "../api.js";
import { language } from "../i18n/index.js";

/** @typedef {import("../types/bindings").FieldOptions} FieldOptions */
/** @typedef {keyof FieldOptions} ListName */

/** @type {FieldOptions | null} */
let lists = null;
/** @type {Promise<FieldOptions> | null} */
let loading = null;

/** Whether the lists are here, so a form can be drawn with them. */
export function choicesReady() {
  return lists !== null;
}

/** Asks Rust for the lists, once. */
export function loadChoices() {
  loading ??= api.fieldOptions().then((answer) => (lists = answer));
  return loading;
}

/**
 * A list's values and words, in the staff's language; empty until loaded.
 * @param {ListName} name
 * @returns {{ value: string, label: string }[]}
 */
export function choicesOf(name) {
  return (lists?.[name] ?? []).map((c) => ({ value: c.value, label: language === "es" ? c.es : c.en }));
}
