// @ts-check
import * as api from "../api.js";
import { t } from "../i18n/index.js";
import { el } from "./dom.js";
import { getPath, setPath } from "./paths.js";
import { renderReview } from "./review.js";
import { renderScans } from "./scans.js";
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
 * `required` are the fields the rules require of the draft as it stands; `visited` the
 * steps left with Next; `gone` is set once the draft no longer exists (deleted elsewhere),
 * after which nothing is saved.
 * @typedef {{ id: string, draft: Draft, issues: Issue[], touched: Set<string>, step: number, owners?: import("../types/bindings").CosCustomer[], provider?: Issue, reasons?: Issue[], suggestions?: LatinSuggestion[], required?: Set<string>, tidy?: import("../types/bindings").FieldValue[], visited?: Set<string>, gone?: boolean }} Editing
 * @type {Editing | null}
 */
let current = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let saveTimer;
/** Set by openDraft: the next render of Onboard shows the wizard rather than the start screen. */
let resume = false;

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
  resume = true;
  if (location.hash === "#onboard") window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = "#onboard";
}

/** @param {HTMLElement} main */
export function renderOnboard(main) {
  if (current && resume) {
    resume = false;
    renderWizard(main, current);
    return;
  }
  renderStart(main);
}

/** @param {Draft} draft */
function nameOf(draft) {
  return (draft.kind === "company" ? draft.company.legalName : [draft.name.first, draft.name.last].filter(Boolean).join(" ")).trim();
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
    clearTimeout(saveTimer);
    // The unfinished draft, if any, stays in Drafts; the wizard moves on to the new one.
    const record = await api.createDraft(kind, provider);
    current = { id: record.id, draft: record.draft, issues: [], touched: new Set(), step: 0 };
    main.replaceChildren();
    renderWizard(main, current);
  };
  person.addEventListener("click", () => start("person"));
  company.addEventListener("click", () => start("company"));
  finPerson.addEventListener("click", () => start("person", "fin"));
  const unfinished = el("div", { id: "onboard-unfinished" });
  main.append(
    el("h1", {}, [t("onboard.title")]),
    unfinished,
    el("p", { class: "muted", id: "onboard-choose" }, [t("onboard.choose")]),
    el("div", { class: "actions" }, [person, company, finPerson]),
  );
  person.focus();
  const open = current;
  if (!open || open.gone) return;
  // The draft left open: carry on with it, unless it was deleted meanwhile.
  const name = nameOf(open.draft);
  const resumeButton = el("button", { type: "button", id: "continue-draft" }, [name ? t("onboard.continue", { name }) : t("onboard.continueUnnamed")]);
  resumeButton.addEventListener("click", () => {
    main.replaceChildren();
    renderWizard(main, open);
  });
  unfinished.append(el("p", {}, [t("onboard.unfinished")]), el("div", { class: "actions" }, [resumeButton]));
  /** @type {HTMLElement} */ (main.querySelector("#onboard-choose")).textContent = t("onboard.orNew");
  resumeButton.focus();
  api.getDraft(open.id).catch((error) => {
    if (/** @type {import("../api.js").CommandError} */ (error).code !== "not_found" || !unfinished.isConnected) return;
    open.gone = true;
    unfinished.replaceChildren(el("p", { id: "draft-deleted", role: "status" }, [name ? t("onboard.deletedNamed", { name }) : t("onboard.deleted")]));
    /** @type {HTMLElement} */ (main.querySelector("#onboard-choose")).textContent = t("onboard.choose");
    person.focus();
  });
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {string[]} [focusFirst] selectors of what to focus once drawn, the first found
 */
function renderWizard(main, state, focusFirst = []) {
  const fin = state.draft.provider === "fin";
  const steps = stepsOf(state.draft);
  const step = steps[state.step];
  const list = el("ol", { class: "steps", "aria-label": t("onboard.steps") });
  steps.forEach((s, i) => {
    const button = el("button", { type: "button", class: "step", "data-step": s.id }, [
      el("span", { class: "step-mark", "aria-hidden": "true" }),
      t(/** @type {any} */ (s.title)),
      el("span", { class: "visually-hidden step-status" }),
    ]);
    if (i === state.step) button.setAttribute("aria-current", "step");
    button.addEventListener("click", () => goTo(main, state, i));
    list.append(el("li", {}, [button]));
  });
  markSteps(list, state);

  const panel = el("section", { class: "step-panel", "aria-labelledby": "step-title" });
  const kindTitle = fin ? "onboard.finPersonTitle" : state.draft.kind === "person" ? "onboard.personTitle" : "onboard.companyTitle";
  panel.append(
    el("p", { class: "muted" }, [t(kindTitle)]),
    el("h1", { id: "step-title", tabindex: "-1" }, [t(/** @type {any} */ (step.title))]),
  );
  if (step.intro) panel.append(el("p", { class: "intro" }, [t(/** @type {any} */ (step.intro))]));
  const form = el("form", { id: "step-form", novalidate: "" });
  panel.append(form);
  if (step.id === "review") {
    renderReview(form, state.draft, steps, {
      edit: (index, field) => {
        if (field) state.touched.add(field);
        goTo(main, state, index, field ? [`#${fieldId(field)}`] : []);
      },
      issues: validate(state),
      optionLabel,
    });
  } else if (step.id === "scans") {
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
        // Focus stays on the slot just used, not back at the top of the step.
        const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        const slot = active?.closest(".slot")?.getAttribute("data-slot");
        const action = active?.dataset.action;
        const keep = slot ? [`.slot[data-slot="${slot}"] [data-action="${action}"]`, `.slot[data-slot="${slot}"] [data-action="choose"]`] : [];
        goTo(main, state, state.step, keep);
      },
      state.reasons ?? [],
    );
  } else {
    if (step.fields.length > 0) form.append(el("p", { class: "hint required-legend" }, [el("span", { class: "required-mark", "aria-hidden": "true" }, ["*"]), ` ${t("field.requiredLegend")}`]));
    for (const field of step.fields) form.append(fieldBlock(state, field));
  }

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
    if (state.gone) return;
    if (step.id === "review") submit(main, state, status);
    else nextStep(main, state, step, status);
  });
  form.addEventListener("focusout", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const path = target.dataset?.path;
    if (!path) return;
    state.touched.add(path);
    validate(state).then(() => {
      showTidy(form, state, path);
      showIssues(form, state);
      markSteps(list, state);
    });
  });

  const wizard = el("div", { class: "wizard" }, [el("nav", { class: "step-list", "aria-label": t("onboard.steps") }, [list]), panel]);
  // Ctrl+Enter goes on (or submits, on Review) from anywhere in the wizard, the step's
  // heading included, where the focus lands on a step without fields.
  wizard.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  main.append(wizard);
  if (state.owners === undefined && state.draft.kind === "company") loadOwners(form, state);
  else fillOwnerOptions(form, state);
  markRequired(form, state);
  showIssues(form, state);
  if (state.gone) showGone(main, state);
  const wanted = focusFirst.map((selector) => /** @type {HTMLElement | null} */ (panel.querySelector(selector))).find(Boolean);
  const firstInput = /** @type {HTMLElement | null} */ (form.querySelector("input, select"));
  (wanted ?? firstInput ?? /** @type {HTMLElement} */ (panel.querySelector("#step-title"))).focus();
  // The rules say which fields are required (they depend on the choices made so far).
  validate(state).then(() => {
    if (!form.isConnected) return;
    markRequired(form, state);
    markSteps(list, state);
  });
}

/**
 * Each step's mark in the step list, as the last check found it.
 * @param {HTMLElement} list
 * @param {Editing} state
 */
function markSteps(list, state) {
  const steps = stepsOf(state.draft);
  steps.forEach((s, i) => {
    const button = list.querySelector(`[data-step="${s.id}"]`);
    if (!button) return;
    const status = stepStatus(state, s);
    button.setAttribute("data-status", status);
    /** @type {HTMLElement} */ (button.querySelector(".step-mark")).textContent = status === "errors" ? "!" : status === "done" ? "✓" : String(i + 1);
    /** @type {HTMLElement} */ (button.querySelector(".step-status")).textContent = ` (${t(/** @type {any} */ (`step.status.${status}`))})`;
  });
}

/**
 * @param {Editing} state
 * @param {StepSpec} step
 * @returns {"done" | "errors" | "new"}
 */
function stepStatus(state, step) {
  const belongs = (/** @type {string} */ field) => step.paths.some((p) => field.startsWith(p));
  if (state.issues.some((i) => i.severity === "error" && belongs(i.field) && isTouched(state, i.field))) return "errors";
  const touched = [...state.touched].some(belongs);
  return touched || state.visited?.has(step.id) ? "done" : "new";
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {number} index
 * @param {string[]} [focusFirst]
 */
function goTo(main, state, index, focusFirst = []) {
  state.step = Math.max(0, Math.min(index, stepsOf(state.draft).length - 1));
  main.replaceChildren();
  renderWizard(main, state, focusFirst);
}

/**
 * @param {HTMLElement} main
 * @param {Editing} state
 * @param {StepSpec} step
 * @param {HTMLElement} status
 */
async function nextStep(main, state, step, status) {
  for (const field of step.fields) state.touched.add(field.path);
  // A step without fields of its own (Scans) answers for what its paths cover.
  for (const path of step.paths) state.touched.add(path);
  await validate(state);
  const form = /** @type {HTMLFormElement} */ (main.querySelector("#step-form"));
  showIssues(form, state);
  const list = /** @type {HTMLElement | null} */ (main.querySelector(".step-list ol"));
  if (list) markSteps(list, state);
  const first = state.issues.find((i) => i.severity === "error" && step.paths.some((p) => i.field.startsWith(p)));
  if (first) {
    status.textContent = t("onboard.fixStep");
    focusField(form, first.field);
    return;
  }
  (state.visited ??= new Set()).add(step.id);
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
  if (state.gone) return;
  showDependents(path, value);
  if (state.provider?.field === path) state.provider = undefined;
  if (state.reasons) state.reasons = state.reasons.filter((r) => !under(r.field, path));
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => save(state), AUTOSAVE_AFTER_MS);
}

/** @param {Editing} state */
async function save(state) {
  if (state.gone) return;
  const saved = document.getElementById("saved");
  try {
    const at = await api.saveDraft(state.id, state.draft);
    if (saved) saved.textContent = t("onboard.saved", { time: at.savedAt });
  } catch (error) {
    if (/** @type {import("../api.js").CommandError} */ (error).code === "not_found") {
      // Deleted (from Drafts, say) while open: saving again can never work.
      state.gone = true;
      clearTimeout(saveTimer);
      const main = document.getElementById("main");
      if (main && current === state) showGone(main, state);
      return;
    }
    if (saved) saved.textContent = t("onboard.notSaved");
  }
}

/**
 * The draft on screen no longer exists: the form says so, saves nothing more, and offers
 * a new onboarding (what was typed stays on screen to copy from).
 * @param {HTMLElement} main
 * @param {Editing} state
 */
function showGone(main, state) {
  const form = main.querySelector("#step-form");
  if (!form || main.querySelector("#draft-gone")) return;
  const name = nameOf(state.draft);
  const again = el("button", { type: "button", id: "start-new" }, [t("onboard.startNew")]);
  again.addEventListener("click", () => {
    current = null;
    main.replaceChildren();
    renderStart(main);
  });
  const notice = el("div", { id: "draft-gone", class: "gone", role: "alert" }, [el("p", {}, [name ? t("onboard.goneNamed", { name }) : t("onboard.gone")]), again]);
  form.before(notice);
  for (const button of form.querySelectorAll("button[type='submit']")) /** @type {HTMLButtonElement} */ (button).disabled = true;
  const saved = main.querySelector("#saved");
  if (saved) saved.textContent = "";
  again.focus();
}

/** @param {Editing} state */
async function validate(state) {
  const local = await api.validateDraft(state.draft);
  state.issues = [...(state.provider ? [state.provider] : []), ...(state.reasons ?? []), ...local.issues];
  state.suggestions = local.suggestions;
  state.required = new Set(local.required);
  state.tidy = local.tidy;
  return state.issues;
}

/**
 * Whether an issue's field is the field at `path` or one of its items or parts
 * (`fin.sourceOfFundIds[1]` under `fin.sourceOfFundIds`, `scans.FRONT` under `scans`).
 * @param {string} field
 * @param {string} path
 */
function under(field, path) {
  return field === path || field.startsWith(`${path}[`) || field.startsWith(`${path}.`);
}

/**
 * @param {Editing} state
 * @param {string} field
 */
function isTouched(state, field) {
  return [...state.touched].some((path) => under(field, path));
}

/**
 * Marks the fields the rules require: `aria-required` for screen readers, a * beside the
 * label for everyone. Redone after each check, as the choices made change the list.
 * @param {HTMLElement} form
 * @param {Editing} state
 */
function markRequired(form, state) {
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
 */
function showTidy(form, state, path) {
  const tidy = state.tidy?.find((f) => f.field === path);
  const input = /** @type {HTMLInputElement | null} */ (form.querySelector(`#${fieldId(path)}`));
  if (!tidy || !input || document.activeElement === input || input.value === tidy.value) return;
  input.value = tidy.value;
  change(state, path, tidy.value);
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
 * Beside an empty Latin (`_en`) field whose customer's own value is in another script, a
 * button that fills in the suggested Latin form, for staff to take and correct if need be.
 * Nothing is filled in without them.
 * @param {Editing} state
 * @param {HTMLInputElement} input
 * @param {string} path
 */
function offerLatin(state, input, path) {
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
function focusField(form, path) {
  /** @type {HTMLElement | null} */ (form.querySelector(`#${fieldId(path)}`))?.focus();
}

/**
 * An option's words, or the value itself when the catalogue has none.
 * @param {string} option
 */
function optionLabel(option) {
  const label = t(/** @type {any} */ (`option.${option}`));
  return label === `option.${option}` ? option : label;
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
