// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { getPath, setPath } from "./paths.js";
import { renderScans } from "./scans.js";
import { choicesOf, choicesReady, loadChoices } from "./choices.js";
import { renderSubmission } from "./submission.js";
import { stepsFor } from "./steps.js";

/** @typedef {import("../types/bindings").Draft} Draft */
/** @typedef {import("../types/bindings").Issue} Issue */
/** @typedef {import("../types/bindings").LatinSuggestion} LatinSuggestion */
/** @typedef {import("../types/bindings").PartyKind} PartyKind */
/** @typedef {import("../types/bindings").ProviderChoice} ProviderChoice */
/** @typedef {import("./steps.js").FieldSpec} FieldSpec */
/** @typedef {import("./steps.js").StepSpec} StepSpec */

/** Autosave waits this long after the last keystroke, so typing is never interrupted. */
const AUTOSAVE_AFTER_MS = 700;

/**
 * The draft being edited. It lives in Rust's encrypted store; this is only the copy on
 * screen, never put in localStorage or sessionStorage.
 * `provider` is the provider's refusal of the last submission, shown on its field until
 * that field is changed; `reasons` are what Fin.com asked to have replaced, each shown on
 * its field or scan slot until that is changed. `suggestions` are the Latin forms offered
 * beside empty `_en` fields, from the last check.
 * @typedef {{ id: string, draft: Draft, issues: Issue[], touched: Set<string>, step: number, owners?: import("../types/bindings").CosCustomer[], provider?: Issue, reasons?: Issue[], suggestions?: LatinSuggestion[] }} Editing
 * @type {Editing | null}
 */
let current = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let saveTimer;

/** @param {string} path */
export function fieldId(path) {
  return `f-${path.replace(/[[\].]+/g, "-").replace(/-$/, "")}`;
}

/** @param {Draft} draft */
const stepsOf = (draft) => stepsFor(draft.kind, draft.provider);

/**
 * Opens a stored draft in the wizard (from Drafts, or after a provider asked for a fix),
 * on the step of the field the provider refused, with its message under it. Fin.com's
 * requests to replace documents open on `step` with each reason on its slot or field.
 * @param {string} id
 * @param {import("../types/bindings").StepProblem | null} [problem]
 * @param {{ step?: string, reasons?: Issue[] }} [options]
 */
export async function openDraft(id, problem, options = {}) {
  const record = await api.getDraft(id);
  current = { id, draft: record.draft, issues: [], touched: new Set(), step: 0 };
  const steps = stepsOf(current.draft);
  if (problem?.field) {
    const field = problem.field;
    current.provider = { field, code: problem.code, message: problem.message, severity: "error" };
    current.issues = [current.provider];
    current.touched.add(field);
    const index = steps.findIndex((s) => s.paths.some((p) => field.startsWith(p)));
    if (index >= 0) current.step = index;
  }
  if (options.reasons?.length) {
    // Guidance, not a rule: Fin.com reviews again whatever is sent, so its requests never
    // hold Submit back; they stay listed until what they concern is changed.
    current.reasons = options.reasons.map((r) => ({ ...r, severity: "warning" }));
    current.issues = [...current.issues, ...current.reasons];
    for (const reason of current.reasons) current.touched.add(reason.field);
  }
  if (options.step) {
    const index = steps.findIndex((s) => s.id === options.step);
    if (index >= 0) current.step = index;
  }
  if (location.hash === "#onboard") window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = "#onboard";
}

/** @param {HTMLElement} main */
export function renderOnboard(main) {
  if (!current) {
    renderStart(main);
    return;
  }
  renderWizard(main, current);
}

/** @param {HTMLElement} main */
function renderStart(main) {
  const person = el("button", { type: "button", id: "new-person", title: t("onboard.newPerson.title") }, [t("onboard.newPerson")]);
  const company = el("button", { type: "button", id: "new-company", class: "secondary" }, [t("onboard.newCompany")]);
  const finPerson = el("button", { type: "button", id: "new-fin-person", class: "secondary", title: t("onboard.newFinPerson.title") }, [t("onboard.newFinPerson")]);
  /**
   * @param {PartyKind} kind
   * @param {ProviderChoice} [provider]
   */
  const start = async (kind, provider) => {
    const record = await api.createDraft(kind, provider);
    current = { id: record.id, draft: record.draft, issues: [], touched: new Set(), step: 0 };
    main.replaceChildren();
    renderWizard(main, current);
  };
  person.addEventListener("click", () => start("person"));
  company.addEventListener("click", () => start("company"));
  finPerson.addEventListener("click", () => start("person", "fin"));
  main.append(
    el("h1", {}, [t("onboard.title")]),
    el("p", { class: "muted" }, [t("onboard.choose")]),
    el("div", { class: "actions" }, [person, company, finPerson]),
  );
  person.focus();
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 */
function renderWizard(main, state) {
  if (!choicesReady()) {
    // The pick lists come from Rust once; the form is drawn when they are here.
    loadChoices().then(() => {
      if (current !== state) return;
      main.replaceChildren();
      renderWizard(main, state);
    });
    return;
  }
  const fin = state.draft.provider === "fin";
  const steps = stepsOf(state.draft);
  const step = steps[state.step];
  const list = el("ol", { class: "steps", "aria-label": t("onboard.steps") });
  steps.forEach((s, i) => {
    const status = stepStatus(state, s);
    const button = el("button", { type: "button", class: "step", "data-status": status, "data-step": s.id }, [
      el("span", { class: "step-mark", "aria-hidden": "true" }, [status === "errors" ? "!" : status === "done" ? "✓" : String(i + 1)]),
      t(/** @type {any} */ (s.title)),
      el("span", { class: "visually-hidden" }, [` (${t(/** @type {any} */ (`step.status.${status}`))})`]),
    ]);
    if (i === state.step) button.setAttribute("aria-current", "step");
    button.addEventListener("click", () => goTo(main, state, i));
    list.append(el("li", {}, [button]));
  });

  const panel = el("section", { class: "step-panel", "aria-labelledby": "step-title" });
  const kindTitle = fin ? "onboard.finPersonTitle" : state.draft.kind === "person" ? "onboard.personTitle" : "onboard.companyTitle";
  panel.append(
    el("p", { class: "muted" }, [t(kindTitle)]),
    el("h1", { id: "step-title", tabindex: "-1" }, [t(/** @type {any} */ (step.title))]),
  );
  if (step.intro) panel.append(el("p", { class: "intro" }, [t(/** @type {any} */ (step.intro))]));
  const form = el("form", { id: "step-form", novalidate: "" });
  panel.append(form);
  if (step.id === "review") renderReview(form, state, main);
  else if (step.id === "scans") {
    renderScans(
      form,
      state.id,
      state.draft,
      (scans) => {
        // A replaced file answers Fin.com's request for it: its reason no longer applies.
        const before = new Map(state.draft.scans.map((s) => [s.slot, s.scanId]));
        const changed = scans.filter((s) => before.get(s.slot) !== s.scanId).map((s) => `scans.${s.slot}`);
        for (const slot of before.keys()) if (!scans.some((s) => s.slot === slot)) changed.push(`scans.${slot}`);
        // Fin.com's remarks on the applicant as a whole name no field; a replaced scan answers them too.
        if (state.reasons && changed.length > 0) state.reasons = state.reasons.filter((r) => r.field !== "" && !changed.includes(r.field));
        // Rust stored the scans with the draft; keep the copy on screen in step.
        state.draft.scans = scans;
        goTo(main, state, state.step);
      },
      state.reasons ?? [],
    );
  } else for (const field of step.fields) form.append(fieldBlock(state, field));

  const back = el("button", { type: "button", id: "back", class: "secondary" }, [t("onboard.back")]);
  back.disabled = state.step === 0;
  back.addEventListener("click", () => goTo(main, state, state.step - 1));
  const next =
    step.id === "review"
      ? el("button", { type: "submit", id: "submit", title: t("onboard.submit.title") }, [t(fin ? "onboard.submit.fin" : "onboard.submit")])
      : el("button", { type: "submit", id: "next" }, [t("onboard.next")]);
  const saved = el("span", { id: "saved", class: "muted", role: "status", "aria-live": "polite" });
  const status = el("p", { id: "form-status", role: "alert" });
  form.append(el("div", { class: "actions" }, [back, next, saved]), status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (step.id === "review") submit(main, state, status);
    else nextStep(main, state, step, status);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener("focusout", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const path = target.dataset?.path;
    if (!path) return;
    state.touched.add(path);
    validate(state).then(() => showIssues(form, state));
  });

  main.append(el("div", { class: "wizard" }, [el("nav", { class: "step-list", "aria-label": t("onboard.steps") }, [list]), panel]));
  if (state.owners === undefined && state.draft.kind === "company") loadOwners(form, state);
  else fillOwnerOptions(form, state);
  showIssues(form, state);
  const firstInput = /** @type {HTMLElement | null} */ (form.querySelector("input, select"));
  (firstInput ?? /** @type {HTMLElement} */ (panel.querySelector("#step-title"))).focus();
}

/**
 * @param {Editing} state
 * @param {StepSpec} step
 * @returns {"done" | "errors" | "new"}
 */
function stepStatus(state, step) {
  const belongs = (/** @type {string} */ field) => step.paths.some((p) => field.startsWith(p));
  const touched = [...state.touched].some(belongs);
  if (state.issues.some((i) => i.severity === "error" && belongs(i.field) && isTouched(state, i.field))) return "errors";
  return touched ? "done" : "new";
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {number} index
 */
function goTo(main, state, index) {
  state.step = Math.max(0, Math.min(index, stepsOf(state.draft).length - 1));
  main.replaceChildren();
  renderWizard(main, state);
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {StepSpec} step
 * @param {HTMLElement} status
 */
async function nextStep(main, state, step, status) {
  for (const field of step.fields) state.touched.add(field.path);
  await validate(state);
  const form = /** @type {HTMLFormElement} */ (main.querySelector("#step-form"));
  showIssues(form, state);
  const first = state.issues.find((i) => i.severity === "error" && step.paths.some((p) => i.field.startsWith(p)));
  if (first) {
    status.textContent = t("onboard.fixStep");
    focusField(form, first.field);
    return;
  }
  goTo(main, state, state.step + 1);
}

/**
 * @param {Editing} state
 * @param {FieldSpec} field
 */
function fieldBlock(state, field) {
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
  if (field.type === "multi") return choiceGroup(state, field, describedBy);
  if (field.type === "select") {
    input = el("select", { id, "data-path": field.path, "aria-describedby": describedBy });
    if (field.required) input.setAttribute("aria-required", "true");
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
      autocomplete: field.autocomplete ?? "off",
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
 */
function choiceGroup(state, field, describedBy) {
  const id = fieldId(field.path);
  const chosen = new Set(/** @type {string[]} */ (getPath(state.draft, field.path) ?? []));
  const legend = el("legend", { id: `${id}-legend` }, [t(/** @type {any} */ (field.label))]);
  const group = el("fieldset", { class: "field choices", "aria-describedby": describedBy }, [legend]);
  if (field.required) group.setAttribute("aria-required", "true");
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
function showDependents(path, value) {
  for (const block of document.querySelectorAll(".field[data-shown-when-path]")) {
    if (!(block instanceof HTMLElement) || block.dataset.shownWhenPath !== path) continue;
    block.hidden = value !== block.dataset.shownWhenEquals;
  }
}

/**
 * @param {Editing} state
 * @param {string} path
 * @param {unknown} value
 */
function change(state, path, value) {
  setPath(state.draft, path, value);
  // A Latin form staff type is theirs for the value beside it: recorded, so the rules can
  // flag it when that value changes.
  const source = latinSource(path);
  if (source) setPath(state.draft, `${path}From`, getPath(state.draft, source) ?? "");
  showDependents(path, value);
  if (state.provider?.field === path) state.provider = undefined;
  if (state.reasons) state.reasons = state.reasons.filter((r) => !under(r.field, path));
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => save(state), AUTOSAVE_AFTER_MS);
}

/** @param {Editing} state */
async function save(state) {
  const saved = document.getElementById("saved");
  try {
    const at = await api.saveDraft(state.id, state.draft);
    if (saved) saved.textContent = t("onboard.saved", { time: at.savedAt });
  } catch {
    if (saved) saved.textContent = t("onboard.notSaved");
  }
}

/** @param {Editing} state */
async function validate(state) {
  const local = await api.validateDraft(state.draft);
  state.issues = [...(state.provider ? [state.provider] : []), ...(state.reasons ?? []), ...local.issues];
  state.suggestions = local.suggestions;
  // A Latin form left behind by a change of its name or street is flagged on its field
  // straight away, not only once staff have been in that field.
  for (const s of local.suggestions) if (s.stale) state.touched.add(s.field);
  return state.issues;
}

/**
 * Whether an issue's field is the field at `path` or one of its items
 * (`fin.sourceOfFundIds[1]` under `fin.sourceOfFundIds`).
 * @param {string} field
 * @param {string} path
 */
function under(field, path) {
  return field === path || field.startsWith(`${path}[`);
}

/**
 * @param {Editing} state
 * @param {string} field
 */
function isTouched(state, field) {
  return [...state.touched].some((path) => under(field, path));
}

/**
 * @param {HTMLElement} form
 * @param {Editing} state
 */
function showIssues(form, state) {
  for (const input of form.querySelectorAll("[data-path]")) {
    const path = /** @type {HTMLElement} */ (input).dataset.path ?? "";
    const issue = state.issues.find((i) => under(i.field, path) && state.touched.has(path));
    const error = form.querySelector(`#${fieldId(path)}-error`);
    if (error) error.textContent = issue ? issue.message : "";
    if (issue?.severity === "error") input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (input instanceof HTMLInputElement) offerLatin(state, input, path);
  }
}

/**
 * The path of the value a Latin (`_en`) field is the Latin form of, or `null` for any
 * other field: `name.latin.last` → `name.last`, `addresses[0].street1Latin` →
 * `addresses[0].street1`.
 * @param {string} path
 */
function latinSource(path) {
  const name = /^name\.latin\.(first|middle|last)$/.exec(path);
  if (name) return `name.${name[1]}`;
  const street = /^(addresses\[\d+\]\.street[12])Latin$/.exec(path);
  return street ? street[1] : null;
}

/**
 * Beside a Latin (`_en`) field, the Latin form the rules suggest, for staff to take and
 * correct if need be: beside an empty field whose customer's own value is in another
 * script, and beside a form taken for an earlier value (stale), with "Keep" to confirm
 * the form there. Nothing is filled in without them.
 * @param {Editing} state
 * @param {HTMLInputElement} input
 * @param {string} path
 */
function offerLatin(state, input, path) {
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
  /** Re-checks at once, so the flag goes as soon as staff answered it. */
  const answered = () => {
    offer.remove();
    input.focus();
    const form = input.form;
    if (form) validate(state).then(() => showIssues(form, state));
  };
  const use = el("button", { type: "button", id, class: "secondary small", title: t("field.latin.use.title"), "data-value": suggestion.value }, [
    t("field.latin.use", { value: suggestion.value }),
  ]);
  use.addEventListener("click", () => {
    input.value = suggestion.value;
    setPath(state.draft, from, suggestion.source);
    change(state, path, suggestion.value);
    answered();
  });
  const offer = el("span", { id: `${id}-offer`, class: "latin-offer", "data-key": key, "data-stale": String(suggestion.stale) }, [use]);
  if (suggestion.stale) {
    const keep = el("button", { type: "button", id: `${id}-keep`, class: "secondary small", title: t("field.latin.keep.title") }, [
      t("field.latin.keep", { value: input.value.trim() }),
    ]);
    keep.addEventListener("click", () => {
      // The form stays; it is now confirmed for the value beside it.
      setPath(state.draft, from, suggestion.source);
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => save(state), AUTOSAVE_AFTER_MS);
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
function focusField(form, path) {
  /** @type {HTMLElement | null} */ (form.querySelector(`#${fieldId(path)}`))?.focus();
}

/**
 * @param {HTMLElement} form
 * @param {Editing} state
 * @param {HTMLElement} main
 */
function renderReview(form, state, main) {
  const steps = stepsOf(state.draft);
  const list = el("dl", { class: "facts review" });
  for (const step of steps) {
    for (const field of step.fields) {
      const value = getPath(state.draft, field.path);
      if (value === "" || value == null || value === false) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      const shown = field.sensitive
        ? mask(String(value))
        : field.type === "checkbox"
          ? t("review.yes")
          : field.choices
            ? (Array.isArray(value) ? value : [value]).map((v) => choicesOf(/** @type {any} */ (field.choices)).find((c) => c.value === String(v))?.label ?? String(v)).join(", ")
            : field.type === "select" && field.options?.length
            ? optionLabel(String(value))
            : Array.isArray(value)
              ? value.join(", ")
              : String(value);
      list.append(el("dt", {}, [t(/** @type {any} */ (field.label))]), el("dd", {}, [shown]));
    }
  }
  const problems = el("ul", { id: "review-issues", class: "issues" });
  form.append(list, el("h2", {}, [t("review.problems")]), problems);
  validate(state).then((issues) => {
    const errors = issues.filter((i) => i.severity === "error");
    const warnings = issues.filter((i) => i.severity === "warning");
    if (errors.length === 0 && warnings.length === 0) problems.append(el("li", {}, [t("review.none")]));
    for (const issue of [...errors, ...warnings]) {
      const go = el("button", { type: "button", class: "link" }, [issue.message]);
      go.addEventListener("click", () => {
        state.touched.add(issue.field);
        const index = steps.findIndex((s) => s.paths.some((p) => issue.field.startsWith(p)));
        goTo(main, state, index >= 0 ? index : 0);
        const target = document.getElementById(fieldId(issue.field));
        target?.focus();
      });
      problems.append(el("li", { "data-severity": issue.severity }, [go]));
    }
  });
}

/**
 * An option's words, or the value itself when the catalogue has none.
 * @param {string} option
 */
function optionLabel(option) {
  const label = t(/** @type {any} */ (`option.${option}`));
  return label === `option.${option}` ? option : label;
}

/** @param {string} value */
function mask(value) {
  const digits = value.replace(/\D/g, "");
  return `•••• ${digits.slice(-4)}`;
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {HTMLElement} status
 */
async function submit(main, state, status) {
  clearTimeout(saveTimer);
  const issues = (await validate(state)).filter((i) => i.severity === "error");
  if (issues.length > 0) {
    for (const issue of issues) state.touched.add(issue.field);
    status.textContent = t("onboard.fix");
    return;
  }
  try {
    await api.submitDraft(state.id, state.draft);
    const id = state.id;
    const provider = state.draft.provider;
    current = null;
    main.replaceChildren();
    renderSubmission(main, id, provider);
  } catch (error) {
    const e = /** @type {import("../api.js").CommandError} */ (error);
    status.textContent = e.detail;
    // Rules checked only at Submit (which scans a document needs, say) name their field:
    // keep it on the field, like a provider's refusal, until it is changed.
    if (e.field) {
      state.provider = { field: e.field, code: e.code, message: e.detail, severity: "error" };
      state.touched.add(e.field);
      goTo(main, state, state.step);
      const shown = document.getElementById("form-status");
      if (shown) shown.textContent = e.detail;
    }
  }
}

/**
 * Existing Personal customers at Cross River, for the owner pickers.
 * @param {HTMLElement} form
 * @param {Editing} state
 */
async function loadOwners(form, state) {
  state.owners = await api.cosCustomers();
  fillOwnerOptions(form, state);
}

/**
 * @param {HTMLElement} form
 * @param {Editing} state
 */
function fillOwnerOptions(form, state) {
  for (const select of form.querySelectorAll("select[data-path^='cos.primaryOwner'], select[data-path^='cos.beneficialOwners'][data-path$='ownerCustomerId']")) {
    const element = /** @type {HTMLSelectElement} */ (select);
    const value = getPath(state.draft, element.dataset.path ?? "") ?? "";
    element.replaceChildren(el("option", { value: "" }, [t("field.choose")]));
    for (const owner of state.owners ?? []) {
      element.append(el("option", { value: owner.customerId }, [`${owner.name} · ${owner.customerId.slice(0, 8)}`]));
    }
    element.value = value;
  }
}
