// @ts-check
/**
 * The wizard's fields: how each is drawn, marked required, shown tidy, and how the rules'
 * issues and Latin suggestions are shown on them. What is acceptable is decided in Rust.
 */
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { getPath } from "./paths.js";

/** @typedef {import("./onboard.js").Editing} Editing */
/** @typedef {import("./steps.js").FieldSpec} FieldSpec */
/** @typedef {(state: Editing, path: string, value: unknown) => void} Change */

/** @param {string} path */
export function fieldId(path) {
  return `f-${path.replace(/[[\].]+/g, "-").replace(/-$/, "")}`;
}

/**
 * @param {Editing} state
 * @param {FieldSpec} field
 * @param {Change} change
 */
export function fieldBlock(state, field, change) {
  const id = fieldId(field.path);
  const value = getPath(state.draft, field.path);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [field.hint ? hintId : "", errorId].filter(Boolean).join(" ");
  /** @type {HTMLInputElement | HTMLSelectElement} */
  let input;
  if (field.type === "checkbox") {
    const box = el("input", { id, type: "checkbox", "data-path": field.path, "aria-describedby": describedBy });
    box.checked = Boolean(value);
    box.addEventListener("change", () => change(state, field.path, box.checked));
    const block = el("div", { class: "field checkbox" }, [box, el("label", { for: id }, [t(/** @type {any} */ (field.label))])]);
    block.append(el("p", { class: "error", id: errorId }));
    return block;
  }
  if (field.type === "select") {
    input = el("select", { id, "data-path": field.path, "aria-describedby": describedBy });
    const options = field.options ?? [];
    for (const option of ["", ...options]) {
      input.append(el("option", { value: option }, [option === "" ? t("field.choose") : optionLabel(option)]));
    }
    input.value = value ?? "";
    const select = input;
    select.addEventListener("change", () => change(state, field.path, select.value));
  } else if (field.list) {
    const text = el("input", { id, type: "text", "data-path": field.path, "data-list": "true", autocomplete: "off", spellcheck: "false", "aria-describedby": describedBy });
    text.value = Array.isArray(value) ? value.join(", ") : "";
    text.addEventListener("input", () =>
      change(
        state,
        field.path,
        text.value
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean),
      ),
    );
    input = text;
  } else {
    const text = el("input", {
      id,
      type: field.sensitive ? "password" : "text",
      "data-path": field.path,
      // Customer data: the webview neither offers nor remembers entries for it.
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": describedBy,
    });
    if (field.width) text.classList.add(field.width);
    text.value = value ?? "";
    text.addEventListener("input", () => change(state, field.path, text.value));
    if (field.sensitive) {
      // Masked except while being edited, so a customer beside the screen sees dots.
      text.addEventListener("focus", () => (text.type = "text"));
      text.addEventListener("blur", () => (text.type = "password"));
    }
    input = text;
  }
  const block = el("div", { class: "field" }, [el("label", { for: id }, [t(/** @type {any} */ (field.label))]), input]);
  if (field.hint) block.append(el("p", { class: "hint", id: hintId }, [t(/** @type {any} */ (field.hint))]));
  block.append(el("p", { class: "error", id: errorId }));
  if (field.shownWhen) {
    block.dataset.shownWhenPath = field.shownWhen.path;
    block.dataset.shownWhenEquals = field.shownWhen.equals;
    block.hidden = getPath(state.draft, field.shownWhen.path) !== field.shownWhen.equals;
  }
  return block;
}

/**
 * Shows or hides the fields that only apply when `path` has a given value.
 * @param {string} path
 * @param {unknown} value
 */
export function showDependents(path, value) {
  for (const block of document.querySelectorAll(".field[data-shown-when-path]")) {
    if (!(block instanceof HTMLElement) || block.dataset.shownWhenPath !== path) continue;
    block.hidden = value !== block.dataset.shownWhenEquals;
  }
}

/**
 * Whether an issue's field is the field at `path` or one of its items or parts
 * (`fin.sourceOfFundIds[1]` under `fin.sourceOfFundIds`, `scans.FRONT` under `scans`).
 * @param {string} field
 * @param {string} path
 */
export function under(field, path) {
  return field === path || field.startsWith(`${path}[`) || field.startsWith(`${path}.`);
}

/**
 * Marks the fields the rules require: `aria-required` for screen readers, a * beside the
 * label for everyone. Redone after each check, as the choices made change the list.
 * @param {HTMLElement} form
 * @param {Editing} state
 */
export function markRequired(form, state) {
  if (!state.required) return;
  for (const input of form.querySelectorAll("[data-path]")) {
    const path = /** @type {HTMLElement} */ (input).dataset.path ?? "";
    const required = state.required.has(path);
    const label = form.querySelector(`label[for="${input.id}"]`);
    const mark = label?.querySelector(".required-mark");
    if (required) {
      input.setAttribute("aria-required", "true");
      if (label && !mark) label.append(el("span", { class: "required-mark", "aria-hidden": "true" }, ["*"]));
    } else {
      input.removeAttribute("aria-required");
      mark?.remove();
    }
  }
}

/**
 * Once staff leave a field, shows its value as the rules read it (07/23/1985 → 1985-07-23,
 * ny → NY), so what will be sent is what is on screen.
 * @param {HTMLElement} form
 * @param {Editing} state
 * @param {string} path
 * @param {Change} change
 */
export function showTidy(form, state, path, change) {
  const tidy = state.tidy?.find((f) => f.field === path);
  const input = /** @type {HTMLInputElement | null} */ (form.querySelector(`#${fieldId(path)}`));
  if (!tidy || !input || document.activeElement === input || input.value === tidy.value) return;
  input.value = tidy.value;
  change(state, path, tidy.value);
}

/**
 * @param {HTMLElement} form
 * @param {Editing} state
 * @param {Change} change
 */
export function showIssues(form, state, change) {
  for (const input of form.querySelectorAll("[data-path]")) {
    const path = /** @type {HTMLElement} */ (input).dataset.path ?? "";
    const issue = state.issues.find((i) => under(i.field, path) && state.touched.has(path));
    const error = form.querySelector(`#${fieldId(path)}-error`);
    if (error) error.textContent = issue ? issue.message : "";
    if (issue?.severity === "error") input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (input instanceof HTMLInputElement) offerLatin(state, input, path, change);
  }
}

/**
 * Beside an empty Latin (`_en`) field whose customer's own value is in another script, a
 * button that fills in the suggested Latin form, for staff to take and correct if need be.
 * Nothing is filled in without them.
 * @param {Editing} state
 * @param {HTMLInputElement} input
 * @param {string} path
 * @param {Change} change
 */
function offerLatin(state, input, path, change) {
  const id = `${fieldId(path)}-latin`;
  const shown = document.getElementById(id);
  const suggestion = input.value.trim() === "" ? state.suggestions?.find((s) => s.field === path) : undefined;
  // Left in place when unchanged, so a click already under way is not lost.
  if (shown && shown.dataset.value === suggestion?.value) return;
  shown?.remove();
  if (!suggestion) return;
  const use = el("button", { type: "button", id, class: "secondary small", title: t("field.latin.use.title"), "data-value": suggestion.value }, [
    t("field.latin.use", { value: suggestion.value }),
  ]);
  use.addEventListener("click", () => {
    input.value = suggestion.value;
    change(state, path, suggestion.value);
    use.remove();
    input.focus();
  });
  input.after(use);
}

/**
 * @param {HTMLElement} form
 * @param {string} path
 */
export function focusField(form, path) {
  /** @type {HTMLElement | null} */ (form.querySelector(`#${fieldId(path)}`))?.focus();
}

/**
 * An option's words, or the value itself when the catalogue has none.
 * @param {string} option
 */
export function optionLabel(option) {
  const label = t(/** @type {any} */ (`option.${option}`));
  return label === `option.${option}` ? option : label;
}
