// @ts-check
/**
 * The wizard's fields: how each is drawn, marked required, shown tidy, and how the rules'
 * issues and Latin suggestions are shown on them. What is acceptable is decided in Rust.
 */
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { choicesOf } from "./choices.js";
import { getPath } from "./draft_paths.js";

/** @typedef {import("./onboard.js").Editing} Editing */
/** @typedef {import("./steps.js").FieldSpec} FieldSpec */
/** @typedef {(state: Editing, path: string, value: unknown) => void} Change */

/** @param {string} path */
export function fieldId(path) {
  // A scan slot's path has colons (`scans.ASSOCIATE:<id>:FRONT`): dashes too, so the id
  // can be found with `#…`.
  return `f-${path.replace(/[[\].:]+/g, "-").replace(/-$/, "")}`;
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
  if (field.type === "multi") return choiceGroup(state, field, describedBy, change);
  if (field.type === "select") {
    input = el("select", { id, "data-path": field.path, "aria-describedby": describedBy });
    const options = field.choices ? choicesOf(field.choices) : (field.options ?? []).map((o) => ({ value: o, label: optionLabel(o) }));
    // A value saved before the list had it stays shown, so nothing staff typed is lost.
    if (value && !options.some((o) => o.value === value)) options.push({ value: String(value), label: String(value) });
    for (const option of [{ value: "", label: t("field.choose") }, ...options]) {
      input.append(el("option", { value: option.value }, [option.label]));
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
 * A pick list where several may be chosen (sources of funds): a group of checkboxes
 * under one legend, holding the chosen values as an array on the draft.
 * @param {Editing} state
 * @param {FieldSpec} field
 * @param {string} describedBy
 * @param {Change} change
 */
function choiceGroup(state, field, describedBy, change) {
  const id = fieldId(field.path);
  const chosen = new Set(/** @type {string[]} */ (getPath(state.draft, field.path) ?? []));
  const legend = el("legend", { id: `${id}-legend` }, [t(/** @type {any} */ (field.label))]);
  const group = el("fieldset", { class: "field choices", "aria-describedby": describedBy }, [legend]);
  choicesOf(field.choices ?? "finSourcesOfFunds").forEach((choice, i) => {
    // The first box carries the field's id, so "go to the problem" lands in the group.
    const boxId = i === 0 ? id : `${id}-${choice.value}`;
    const box = el("input", { id: boxId, type: "checkbox", value: choice.value, "data-path": field.path, "data-choice": choice.value });
    box.checked = chosen.has(choice.value);
    box.addEventListener("change", () => {
      const values = [...group.querySelectorAll("input[type=checkbox]:checked")].map((b) => /** @type {HTMLInputElement} */ (b).value);
      change(state, field.path, values);
    });
    group.append(el("div", { class: "checkbox" }, [box, el("label", { for: boxId }, [choice.label])]));
  });
  if (field.hint) group.append(el("p", { class: "hint", id: `${id}-hint` }, [t(/** @type {any} */ (field.hint))]));
  group.append(el("p", { class: "error", id: `${id}-error` }));
  return group;
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
    // A list's own element (`data-exact`) shows what is said of the list as a whole, not of its rows.
    const exact = input.hasAttribute("data-exact");
    const issue = state.issues.find((i) => (exact ? i.field === path : under(i.field, path)) && state.touched.has(path));
    const error = form.querySelector(`#${fieldId(path)}-error`);
    if (error) error.textContent = issue ? issue.message : "";
    if (issue?.severity === "error") input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (input instanceof HTMLInputElement) offerLatin(state, input, path, change);
  }
}

/**
 * Beside a Latin (`_en`) field, the Latin form the rules suggest, for staff to take and
 * correct if need be: beside an empty field whose customer's own value is in another
 * script, and beside a form taken for an earlier value (stale), with "Keep" to confirm
 * the form there. Nothing is filled in without them.
 * @param {Editing} state
 * @param {HTMLInputElement} input
 * @param {string} path
 * @param {Change} change
 */
function offerLatin(state, input, path, change) {
  const id = `${fieldId(path)}-latin`;
  const shown = document.getElementById(`${id}-offer`);
  const found = state.suggestions?.find((s) => s.field === path);
  const suggestion = found && (found.stale || input.value.trim() === "") ? found : undefined;
  const key = suggestion ? `${suggestion.value}|${suggestion.source}|${suggestion.stale}` : "";
  // Left in place when unchanged, so a click already under way is not lost.
  if (shown && shown.dataset.key === key) return;
  shown?.remove();
  if (!suggestion) return;
  const from = `${path}From`;
  /** Checked again at once (as on leaving the field), so the flag goes when answered. */
  const answered = () => {
    offer.remove();
    input.focus();
    input.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
  };
  const use = el("button", { type: "button", id, class: "secondary small", title: t("field.latin.use.title"), "data-value": suggestion.value }, [
    t("field.latin.use", { value: suggestion.value }),
  ]);
  use.addEventListener("click", () => {
    input.value = suggestion.value;
    change(state, path, suggestion.value);
    change(state, from, suggestion.source);
    answered();
  });
  const offer = el("span", { id: `${id}-offer`, class: "latin-offer", "data-key": key, "data-stale": String(suggestion.stale) }, [use]);
  if (suggestion.stale) {
    const keep = el("button", { type: "button", id: `${id}-keep`, class: "secondary small", title: t("field.latin.keep.title") }, [
      t("field.latin.keep", { value: input.value.trim() }),
    ]);
    keep.addEventListener("click", () => {
      // The form stays; it is now confirmed for the value beside it.
      change(state, from, suggestion.source);
      answered();
    });
    offer.append(keep);
  }
  input.after(offer);
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
